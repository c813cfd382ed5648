"""Budgetmål names the kommun's newest own value when the base year is older (issue 19): Bjuv
1260 IFO has its own NKA for 2025 (32,3 %), but too few of its peers report after 2022."""

from __future__ import annotations

import pytest

from tests.conftest import run_app
from tests.integration.test_drivers_page import NBSP, plain, raw

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("apptest_env")]


def test_bjuv_budgetmal_names_its_2025_value_beside_the_2022_comparison(real_cache):
    at = run_app("app_pages/budgetmal.py", kommun="1260", omrade="ifo")
    assert not at.exception, at.exception
    assert round(raw(real_cache, "N30001", "1260", 2025), 1) == 32.3
    warnings = [plain(w.value) for w in at.warning]
    assert any(
        w.startswith(
            f"Bjuvs senaste värde, 2025: 32,3{NBSP}% — jämförelsen görs för 2022, det senaste år "
            "då tillräckligt många i gruppen har värden (inte 2023–2025)."
        )
        for w in warnings
    ), warnings
    applied = [plain(m.value) for m in at.markdown if m.value.startswith("Tillämpat på 2025")]
    assert len(applied) == 1 and "p.e. över medianen" in applied[0]
    assert "räknat på 2025 års referenskostnad" in applied[0]
    # and the text for the tjänsteskrivelse says it too
    at.session_state["budget_text"] = True
    at.run()
    text = " ".join(c.value for c in at.code)
    assert "Bjuvs senaste värde, 2025: 32,3" in text and "Tillämpat på 2025" in text
