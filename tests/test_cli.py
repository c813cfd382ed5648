"""``python -m kolada``: one readable line on errors, non-zero exit, no traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from kolada.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("argv", "code", "needle"),
    [
        (["refresh", "--kpi", "../x"], 2, "'../x'"),
        (["refresh", "--from-year", "1800"], 2, "1800"),
        (["refresh", "--from-year", "tjugo"], 2, "'tjugo'"),
        (["refresh", "--ttl-hours", "-3"], 2, "'-3'"),
        (["bogus"], 2, "'bogus'"),
    ],
)
def test_bad_arguments_one_line(tmp_path, capsys, argv, code, needle):
    with pytest.raises(SystemExit) as exit_info:
        main(["--cache-dir", str(tmp_path), *argv]) if argv[0] == "bogus" else _raise(
            main(["--cache-dir", str(tmp_path), *argv])
        )
    assert exit_info.value.code == code
    err = capsys.readouterr().err.strip()
    assert needle in err and "\n" not in err and "Traceback" not in err
    assert not list(tmp_path.glob("*.parquet"))


def _raise(code: int):
    raise SystemExit(code)


def test_unreachable_api_exits_1_with_url(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "kolada", "--cache-dir", str(tmp_path),
         "--base-url", "http://127.0.0.1:9/v3", "refresh", "--quiet"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "http://127.0.0.1:9/v3/" in lines[0] and "oförändrad" in lines[0]


def test_status_on_an_empty_cache(tmp_path, capsys):
    assert main(["--cache-dir", str(tmp_path), "status"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == ["kpis", "municipalities", "groups", "values"]
    assert all("saknas" in line for line in out)


@pytest.fixture
def filled_cache(tmp_path):
    from kolada.refresh import refresh
    from kolada.store import Store
    from tests.conftest import FakeClient

    refresh(Store(tmp_path), FakeClient(), kpis=["N30001", "N30026"], from_year=2019)
    return tmp_path


def test_values_prints_cached_totals(filled_cache, capsys):
    argv = ["--cache-dir", str(filled_cache), "values", "--kpi", "N30001", "--municipality", "561"]
    assert main([*argv, "--from-year", "2020", "--to-year", "2021"]) == 0
    out = capsys.readouterr().out
    assert "0561" in out and "2020" in out and "2021" in out and "2019" not in out


@pytest.mark.parametrize(
    ("kpi", "muni", "needle"),
    [
        ("N30001", "9999", "Okänt kommun-id i Kolada: 9999"),
        ("N30001", "../x", "'../x'"),
        ("N99999", "0561", "Okänt nyckeltal i Kolada: N99999"),
    ],
)
def test_values_with_unknown_ids_exit_2(filled_cache, capsys, kpi, muni, needle):
    argv = ["--cache-dir", str(filled_cache), "values", "--kpi", kpi, "--municipality", muni]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "\n" not in err


def test_an_os_error_is_one_swedish_phrase():
    import errno

    from kolada.errors import os_error_text

    assert os_error_text(OSError(errno.ENOSPC, "No space left on device", "/data/cache")) == (
        "disken är full (/data/cache)"
    )
    assert os_error_text(OSError(errno.ENOENT, "No such file or directory")) == (
        "filen eller mappen finns inte"
    )
    assert os_error_text(OSError(errno.ECONNRESET, "Connection reset")).startswith("systemfel (")


def test_the_report_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    from benchmark.cli import write_atomic
    from kolada.errors import BadInput

    with pytest.raises(BadInput, match="är en mapp"):
        write_atomic(tmp_path, b"report")
    out = tmp_path / "rapport.docx"
    write_atomic(out, b"report")
    assert out.read_bytes() == b"report"

    def fail(self, target):
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(Path, "replace", fail)
    with pytest.raises(OSError, match="No space"):
        write_atomic(tmp_path / "ny.docx", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.docx"]  # no .tmp left


def test_an_unexpected_error_in_the_report_command_is_one_swedish_line(monkeypatch, capsys):
    from benchmark import cli as report_cli

    def broken(args):
        raise AttributeError("'NoneType' object has no attribute 'frame'")

    monkeypatch.setattr(report_cli, "run_report", broken)
    assert report_cli.main(["report", "--kommun", "0561"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fel: rapporten kunde inte skapas (AttributeError: ")
    assert "Traceback" not in err and err.count("\n") == 1
