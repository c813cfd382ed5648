"""The deployment files, validated with what runs here (no Docker engine, no cluster):
Kubernetes' own schemas (kubernetes-validate, offline), the Compose spec (check-jsonschema's
vendored schema), hadolint for the Dockerfile, and Debian's nginx for ``nginx -t``."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from tests.deploy_support import DEPLOY, nginx_binary, nginx_conf_for

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*cmd: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120)


def test_kubernetes_manifests_match_the_api_schemas():
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    files = [DEPLOY / "k8s" / name for name in kustomization["resources"]]
    assert all(f.exists() for f in files)
    done = run(BIN / "kubernetes-validate", "--strict", *files)
    assert done.returncode == 0, done.stdout + done.stderr
    kinds = {d["kind"] for f in files for d in yaml.safe_load_all(f.read_text())}
    assert kinds == {
        "PersistentVolumeClaim", "Deployment", "Service", "Ingress", "CronJob", "NetworkPolicy"
    }  # fmt: skip


def test_every_container_is_hardened_and_the_image_read_only_by_default():
    deployment = yaml.safe_load((DEPLOY / "k8s" / "deployment.yaml").read_text())
    job = yaml.safe_load((DEPLOY / "k8s" / "cronjob.yaml").read_text())
    pods = [
        deployment["spec"]["template"]["spec"],
        job["spec"]["jobTemplate"]["spec"]["template"]["spec"],
    ]
    for pod in pods:
        assert pod["automountServiceAccountToken"] is False
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"] is True
            assert sc["capabilities"]["drop"] == ["ALL"]
            assert not c["image"].endswith(":latest")
            assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"]
    policies = list(yaml.safe_load_all((DEPLOY / "k8s" / "networkpolicy.yaml").read_text()))
    app = next(p for p in policies if p["metadata"]["name"] == "nka-app")
    assert app["spec"]["egress"] == []  # the replicas reach nothing
    ingress = yaml.safe_load((DEPLOY / "k8s" / "ingress.yaml").read_text())
    assert ingress["spec"]["tls"][0]["secretName"]
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "KOLADA_READ_ONLY=1" in dockerfile


def test_replicas_are_read_only_probed_and_sticky():
    deployment = yaml.safe_load((DEPLOY / "k8s" / "deployment.yaml").read_text())
    pod = deployment["spec"]["template"]["spec"]
    app = pod["containers"][0]
    assert {"name": "KOLADA_READ_ONLY", "value": "1"} in app["env"]
    assert app["volumeMounts"][0]["readOnly"] is True
    assert app["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert app["livenessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert pod["securityContext"]["runAsNonRoot"] is True
    pvc = yaml.safe_load((DEPLOY / "k8s" / "pvc.yaml").read_text())
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    ingress = yaml.safe_load((DEPLOY / "k8s" / "ingress.yaml").read_text())
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    job = yaml.safe_load((DEPLOY / "k8s" / "cronjob.yaml").read_text())
    assert job["spec"]["concurrencyPolicy"] == "Forbid"
    command = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command == ["python", "-m", "kolada", "refresh"]


def test_compose_file_matches_the_compose_spec():
    done = run(
        BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec",
        DEPLOY / "compose.yaml",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    apps = [s for s in compose["services"] if s.startswith("app")]
    assert len(apps) == 3
    for name in apps:
        assert compose["services"][name]["environment"]["KOLADA_READ_ONLY"] == "1"
        assert compose["services"][name]["volumes"] == ["cache:/data/cache:ro"]


def test_images_are_pinned_by_digest_and_packages_by_hash():
    """The base images by digest; the image's Python packages from the lock, every pin with its
    hashes, every dependency of pyproject.toml in it at a version it allows. (dev.py installs
    the lock with --require-hashes before the tests, so CI checks the hashes against the index.)"""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM \S+@sha256:[0-9a-f]{64}$", dockerfile, re.MULTILINE)
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    foreign = [s["image"] for s in compose["services"].values() if "nka" not in s["image"]]
    assert foreign and all(re.search(r"@sha256:[0-9a-f]{64}$", i) for i in foreign)
    lock = (DEPLOY / "requirements.lock").read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", lock, re.MULTILINE))
    blocks = re.split(r"^(?=[A-Za-z0-9_.-]+==)", lock, flags=re.MULTILINE)[1:]
    assert len(blocks) == len(pins) > 20
    assert all("--hash=sha256:" in b for b in blocks)
    pinned = {canonicalize_name(n): v for n, v in pins.items()}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in pinned, name
        assert req.specifier.contains(pinned[name]), (name, pinned[name])
    print(f"{len(pins)} packages locked with {lock.count('--hash=sha256:')} hashes")


def test_dockerfile_passes_hadolint():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "HEALTHCHECK" in dockerfile and "/_stcore/health" in dockerfile
    assert re.search(r"^USER \d+", dockerfile, re.MULTILINE)  # not root
    done = run(BIN / "hadolint", DEPLOY / "Dockerfile")
    assert done.returncode == 0, done.stdout + done.stderr


def test_nginx_conf_passes_nginx_t(tmp_path):
    nginx = nginx_binary()
    conf = nginx_conf_for(["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"], 8080, tmp_path)
    done = run(nginx, "-t", "-p", tmp_path, "-c", conf)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_the_image_holds_every_part_the_app_runs():
    """The Dockerfile copies each top-level package and file the app imports or runs."""
    copied = set()
    for line in (DEPLOY / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            copied |= {Path(p).name for p in line.split()[1:-1] if not p.startswith("--")}
    needed = {"app.py", ".streamlit", "pyproject.toml"}
    needed |= {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    needed |= {p.parent.name for p in ROOT.glob("*/oversikt.py")}  # the page files' folder
    needed -= {"tests"}
    assert needed <= copied, needed - copied
