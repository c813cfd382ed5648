import sys

from kolada.cli import main

sys.exit(main())
