import json

import pandas as pd

from benchmark import analytics, charts


def spec(chart) -> str:
    return json.dumps(chart.to_dict(), ensure_ascii=False)


def test_trend_chart_marks_preliminary_and_avoids_red_green():
    own = pd.Series({2023: 10.0, 2024: -5.0, 2025: -7.5})
    vals = pd.DataFrame(
        [("N30001", m, y, v) for m, v in (("2", 1.0), ("3", 3.0)) for y in (2023, 2024, 2025)],
        columns=["kpi", "municipality", "period", "value"],
    )
    stats = analytics.peer_stats(vals, "N30001", ["2", "3"])
    lines = charts.trend_data(own, stats, "Höör", first_preliminary=2025)
    prel = lines[lines["serie"] == "Höör"].set_index("period")["status"]
    assert prel.to_dict() == {2023: "Slutligt", 2024: "Slutligt", 2025: "Preliminärt"}
    assert "(preliminärt)" in lines.loc[lines["period"] == 2025, "text"].iloc[0]
    text = spec(charts.trend_chart(lines, stats, "Höör", "NKA (%)"))
    assert "Ovägt medel, jämförelsegrupp" in text and "triangle-up" in text
    for colour in ("red", "green", "#d62728", "#2ca02c"):
        assert colour not in text


def test_ranking_chart_highlights_the_kommun():
    frame = pd.DataFrame(
        {"municipality": ["1", "2"], "title": ["A", "B"], "value": [1.0, float("nan")],
         "rank": [1.0, float("nan")], "focus": [True, False]}
    )  # fmt: skip
    text = spec(charts.ranking_chart(frame, "NKA"))
    assert "Vald kommun" in text and "saknas" in text


def test_heatmap_is_diverging_blue_orange():
    m = pd.DataFrame(
        {"area": ["ifo"], "area_title": ["IFO"], "period": [2024], "nka": [3.0],
         "peer_median": [1.0], "peers_n": [7], "diff": [2.0]}
    )  # fmt: skip
    text = spec(charts.heatmap(m, "diff", "Skillnad"))
    assert "blueorange" in text and "+2,0 p.e." in text


def test_glide_chart_uses_the_path_columns():
    from benchmark import budget
    from benchmark.analytics import ReferenceCost

    ref = ReferenceCost(3000.0, 30.0, False, "Kolada N30007")
    path = budget.glide_path(budget.make_target(25.0, 10.0, 2024, 2027, ref))
    spec_dict = charts.glide_chart(path, 10.0).to_dict()
    fields = json.dumps(spec_dict, ensure_ascii=False)
    for column in ("Ackumulerad förändring (mnkr)", "NKA (%)"):
        assert f'"field": "{column}"' in fields
    assert "−4,5\u00a0mnkr" in fields  # the last bar's label
