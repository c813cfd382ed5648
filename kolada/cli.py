"""``python -m kolada refresh|status|values``: the data layer from the terminal.

Errors end the program with exit code 1 (2 for bad arguments) and one readable line, no traceback.
A refresh that fails for any reason is also recorded in ``last_refresh.json`` (ok=false).
"""

from __future__ import annotations

import argparse
import errno
import logging
import math
import sys
from datetime import UTC, date, datetime, timedelta

from kolada.client import KoladaClient
from kolada.errors import BadInput, KoladaError, os_error_text, quoted, shorten
from kolada.frames import totals
from kolada.ids import FIRST_YEAR
from kolada.refresh import (
    DEFAULT_DEADLINE,
    DEFAULT_FROM_YEAR,
    DEFAULT_TTL,
    Progress,
    record_outcome,
    refresh,
)
from kolada.status import cache_status
from kolada.store import LOCK_WAIT, Store

_ARGPARSE_SV = {
    "unrecognized arguments": "okända argument",
    "invalid choice": "ogiltigt val",
    "choose from": "välj bland",
    "the following arguments are required": "dessa argument krävs",
    "expected one argument": "väntade ett värde",
    "argument": "argument",
    "not allowed with argument": "får inte kombineras med",
    "ambiguous option": "tvetydig flagga",
    "could match": "kan betyda",
}


class SwedishParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one Swedish line, not usage + message
        for english, swedish in _ARGPARSE_SV.items():
            message = message.replace(english, swedish)
        message = " ".join(message.split())
        message = shorten(message, 200)
        self.exit(2, f"{self.prog}: fel: {message} (se --help)\n")


def _hours(text: str) -> timedelta:
    try:
        hours = float(text)
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(text)
        return timedelta(hours=hours)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(
            f"ogiltig TTL {quoted(text)}: ange timmar som ett tal ≥ 0, t.ex. 24"
        ) from None


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(f"ogiltig tidsgräns {quoted(text)}: ange sekunder > 0")
    return seconds


def _year(text: str) -> int:
    last = date.today().year + 1
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= last:
        raise argparse.ArgumentTypeError(
            f"ogiltigt år {quoted(text)}: ange ett år {FIRST_YEAR}–{last}, t.ex. 2010"
        )
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = SwedishParser(prog="python -m kolada", description=__doc__)
    parser.add_argument(
        "--cache-dir", help="cachemapp (standard: KOLADA_CACHE_DIR eller data/cache)"
    )
    parser.add_argument("--base-url", help="API-adress (standard: KOLADA_BASE_URL eller Kolada v3)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=SwedishParser)
    r = sub.add_parser("refresh", help="hämta metadata och nyckeltal till cachen")
    r.add_argument("--kpi", action="append", help="bara dessa nyckeltal (kommaseparerade)")
    r.add_argument("--from-year", type=_year, default=DEFAULT_FROM_YEAR)
    r.add_argument("--to-year", type=_year, default=None)
    r.add_argument(
        "--ttl-hours", type=_hours, default=DEFAULT_TTL, help="hoppa över det som är yngre (24)"
    )
    r.add_argument("--full", action="store_true", help="hämta allt på nytt, inte bara ändringar")
    r.add_argument(
        "--accept-shrink",
        "--force",
        dest="accept_shrink",
        action="store_true",
        help="godta att Kolada skickar långt färre värden än cachen har (tar bort dem)",
    )
    r.add_argument(
        "--lock-wait",
        type=_seconds,
        default=LOCK_WAIT,
        help=f"vänta så länge på en annan pågående uppdatering ({LOCK_WAIT:g} s)",
    )
    r.add_argument(
        "--deadline",
        type=_seconds,
        default=DEFAULT_DEADLINE,
        help=f"ge upp efter så många sekunder ({DEFAULT_DEADLINE:g})",
    )
    r.add_argument("--quiet", action="store_true", help="ingen förloppsindikator")
    s = sub.add_parser("status", help="visa vad som finns i cachen och hur gammalt det är")
    s.add_argument("--ttl-hours", type=_hours, default=DEFAULT_TTL)
    v = sub.add_parser("values", help="visa cachade värden (totalt) för nyckeltal och kommuner")
    v.add_argument("--kpi", action="append", required=True, help="nyckeltal (kommaseparerade)")
    v.add_argument("--municipality", action="append", required=True, help="kommun-id, t.ex. 0561")
    v.add_argument("--from-year", type=_year, default=None)
    v.add_argument("--to-year", type=_year, default=None)
    return parser


def _split(args: list[str]) -> list[str]:
    return [x for arg in args for x in arg.split(",") if x]


def print_values(store: Store, args: argparse.Namespace) -> int:
    years = None
    if args.from_year is not None or args.to_year is not None:
        first = FIRST_YEAR if args.from_year is None else args.from_year
        last = date.today().year if args.to_year is None else args.to_year
        if first > last:
            raise BadInput(f"--from-year {first} ligger efter --to-year {last}.")
        years = (first, last)
    frame = store.values(_split(args.kpi), _split(args.municipality), years)
    if frame.empty:
        print("Inga cachade värden för det urvalet (kör 'refresh' först).")
        return 0
    table = totals(frame).pivot(index="period", columns=["kpi", "municipality"], values="value")
    print(table.to_string(na_rep="saknas"))
    return 0


def _progress_bar(quiet: bool):
    if quiet:
        return None, lambda: None
    from tqdm import tqdm

    bars: list = []  # made on the first report, so bad arguments print no empty bar

    def close() -> None:
        for bar in bars:
            bar.close()

    def update(p: Progress) -> None:
        if not bars:
            bars.append(
                tqdm(total=1, unit="steg", file=sys.stderr, dynamic_ncols=True, leave=False)
            )
        bar = bars[0]
        bar.total = max(p.total, p.step, 1)
        bar.n = p.step
        bar.set_description_str(p.message[:60], refresh=False)
        bar.set_postfix_str(f"{p.requests} anrop", refresh=False)
        bar.refresh()

    return update, close


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.getLogger("kolada").addHandler(logging.NullHandler())  # one line, said below
    logging.getLogger("kolada").propagate = False
    store = Store(args.cache_dir)
    try:
        return _run(store, args)
    except BadInput as e:
        print(f"Fel: {e}", file=sys.stderr)
        return 2
    except KoladaError as e:  # RefreshFailed, Busy
        print(f"Fel: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # status/values on a cache path that cannot be read
        print(
            f"Fel: kunde inte använda cachen i {store.root}: {os_error_text(e)}.", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        print("Avbrutet; cachen är oförändrad.", file=sys.stderr)
        return 130
    except Exception as e:  # the last resort: one line, and the refresh recorded as failed
        message = f"oväntat fel ({type(e).__name__}: {' '.join(str(e).split())[:120]})"
        if args.command == "refresh":
            record_outcome(store, False, message, datetime.now(UTC).isoformat(timespec="seconds"))
        print(f"Fel: {message}.", file=sys.stderr)
        return 1


def _run(store: Store, args: argparse.Namespace) -> int:
    if store.root.exists() and not store.root.is_dir():
        raise OSError(errno.ENOTDIR, "ingen mapp", str(store.root))
    if args.command == "status":
        for line in cache_status(store, ttl=args.ttl_hours, deep=True):
            print(line.line())
        return 0
    if args.command == "values":
        return print_values(store, args)
    kpis = _split(args.kpi) if args.kpi else None
    progress, close = _progress_bar(args.quiet)
    try:
        with KoladaClient(args.base_url) as client:
            result = refresh(
                store,
                client,
                kpis=kpis,
                from_year=args.from_year,
                to_year=args.to_year,
                ttl=args.ttl_hours,
                full=args.full,
                accept_shrink=args.accept_shrink,
                deadline=args.deadline,
                lock_timeout=args.lock_wait,
                progress=progress,
            )
    finally:
        close()
    print(result.summary())
    return 0
