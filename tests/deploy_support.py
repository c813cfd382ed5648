"""deploy/nginx.conf made runnable on loopback, for the deployment tests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def nginx_binary() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx not found: install Debian's package (apt-get install -y nginx)")
    return nginx


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (openssl), for nginx's TLS server in tests."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "tls.crt", folder / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def nginx_conf_for(upstreams: list[str], port: int, prefix: Path, tls_port: int = 0) -> Path:
    """deploy/nginx.conf with loopback upstreams and ports (HTTP ``port``, HTTPS ``tls_port``
    with a self-signed certificate), and its files under ``prefix``."""
    text = (DEPLOY / "nginx.conf").read_text()
    cert, key = self_signed(prefix / "tls")
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port or free_port()} ssl;")
    text = text.replace("/etc/nginx/tls/tls.crt", str(cert))
    text = text.replace("/etc/nginx/tls/tls.key", str(key))
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
        "access_log /dev/stdout combined;",
        "log_format nka '$cookie_nka_affinity $upstream_addr $status $request_uri';\n"
        f"    access_log {prefix}/access.log nka;",
    )
    conf = prefix / "nginx.conf"
    conf.write_text(text)
    return conf


# ---- a local farm: replicas and nginx on loopback (the multi-replica test, bench/capacity.py) ----
ROOT = DEPLOY.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, log: Path, seconds: float = 90) -> None:
    """Until ``url`` answers 200; otherwise an error with the end of ``log``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not start: {log.read_text(errors='replace')[-2000:]}")


def start_replicas(cache: Path, count: int, tmp: Path, **env: str):
    """``count`` read-only ``streamlit run`` replicas on the same cache: (processes, ports)."""
    env = {**os.environ, "KOLADA_READ_ONLY": "1", "KOLADA_CACHE_DIR": str(cache),
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **env}  # fmt: skip
    procs, ports = [], []
    for i in range(count):
        port = free_port()
        with (tmp / f"replica-{i}.log").open("wb") as out:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                 "--server.port", str(port), "--server.address", "127.0.0.1"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            ))  # fmt: skip
        ports.append(port)
    for i, port in enumerate(ports):
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", tmp / f"replica-{i}.log")
    return procs, ports


def start_nginx(ports: list[int], tmp: Path):
    """Debian's nginx with deploy/nginx.conf in front of ``ports``: (process, its URL, its
    access log)."""
    front, tls = free_port(), free_port()
    folder = tmp / "nginx"
    folder.mkdir()
    conf = nginx_conf_for([f"127.0.0.1:{p}" for p in ports], front, folder, tls)
    with (folder / "error.log").open("wb") as err:
        proc = subprocess.Popen(
            [nginx_binary(), "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
    url = f"http://127.0.0.1:{front}"
    wait_healthy(f"{url}/healthz", folder / "error.log")
    return proc, url, folder / "access.log", f"https://127.0.0.1:{tls}"


def stop(*procs: subprocess.Popen) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(timeout=30)
