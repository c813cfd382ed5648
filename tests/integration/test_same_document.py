"""From an empty cache, the report and Översikt's "Text till tjänsteskrivelse" do not depend on
which pages were opened before them (issue 18): a user who makes the report straight from
Översikt gets the same document as one who first visited every page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from streamlit.testing.v1 import AppTest

import ui
from tests.conftest import open_expanders

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("apptest_env")]
APP = str(Path(__file__).resolve().parents[2] / "app.py")
FETCHED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")  # when each KPI was fetched: differs


def _session(tmp: Path, monkeypatch, mirror, kommun: str) -> AppTest:
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp))
    monkeypatch.setenv("KOLADA_BASE_URL", mirror.base_url)
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["kommun"] = kommun
    at.query_params["omrade"] = "ifo"
    at.run()
    assert not at.exception, at.exception
    return at


def _paragraph(at: AppTest) -> str:
    open_expanders(at)
    (expander,) = [e for e in at.expander if e.label == "Text till tjänsteskrivelse"]
    return expander.code[0].value


def _report(at: AppTest) -> list[str]:
    """Skapa rapport on Översikt; the Word file's paragraphs and table rows."""
    at.switch_page(ui.PAGES["oversikt"]).run()
    at.button(key="oversikt_report").click().run()
    assert not at.exception, at.exception
    word = docx.Document(io.BytesIO(at.session_state["_report"]["docx"]))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return [FETCHED.sub("<hämtad>", p) for p in parts]


@pytest.mark.parametrize("kommun", ["0561", "1980"])  # Åtvidaberg, Västerås
def test_same_report_and_text_whatever_was_visited_first(tmp_path, monkeypatch, mirror, kommun):
    import streamlit as st

    straight = _session(tmp_path / "straight", monkeypatch, mirror, kommun)
    text_straight = _paragraph(straight)
    report_straight = _report(straight)

    st.cache_data.clear()
    st.cache_resource.clear()
    visited = _session(tmp_path / "visited", monkeypatch, mirror, kommun)
    for page in ui.PAGES.values():
        visited.switch_page(page).run()
        assert not visited.exception, (page, visited.exception)
    visited.switch_page(ui.PAGES["oversikt"]).run()
    assert _paragraph(visited) == text_straight
    assert _report(visited) == report_straight
    text = "\n".join(report_straight)
    assert "Kolada har inga värden" not in text
    assert "inte hämtade" not in text
    assert text.count("Jämförelsegrupp: Liknande kommuner") >= 4  # IFO and its three parts
