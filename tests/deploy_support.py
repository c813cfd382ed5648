"""deploy/nginx.conf made runnable on loopback, for the deployment tests."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def nginx_binary() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx not found: install Debian's package (apt-get install -y nginx)")
    return nginx


def nginx_conf_for(upstreams: list[str], port: int, prefix: Path) -> Path:
    """deploy/nginx.conf with loopback upstreams and port, and its files under ``prefix``."""
    text = (DEPLOY / "nginx.conf").read_text()
    servers = re.findall(r"server app\d:8501", text)
    assert len(servers) == len(upstreams) == 3
    for old, new in zip(servers, upstreams, strict=True):
        text = text.replace(old, f"server {new}", 1)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};")
    text = text.replace("pid /tmp/nginx.pid;", f"pid {prefix}/nginx.pid;")
    text = text.replace("http {", f"http {{\n    client_body_temp_path {prefix}/body;\n"
                        f"    proxy_temp_path {prefix}/proxy;", 1)  # fmt: skip
    # which replica served each request, and the browser's affinity cookie (for the tests)
    text = text.replace(
        "access_log off;",
        "log_format nka '$cookie_nka_affinity $upstream_addr $status $request_uri';\n"
        f"    access_log {prefix}/access.log nka;",
    )
    conf = prefix / "nginx.conf"
    conf.write_text(text)
    return conf
