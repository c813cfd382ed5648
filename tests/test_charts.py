import json

import pandas as pd
import pytest

from benchmark import analytics, charts, glide


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
    path = glide.glide_path(budget.make_target(25.0, 10.0, 2024, 2027, ref))
    spec_dict = charts.glide_chart(path, 10.0).to_dict()
    fields = json.dumps(spec_dict, ensure_ascii=False)
    for column in ("lower", "NKA (%)"):
        assert f'"field": "{column}"' in fields
    assert "4,5\u00a0mnkr" in fields and "−4,5" not in fields  # the last bar: 4,5 mnkr lower
    # one chart (it fits its container), two bands on one x axis: the NKA with one axis, the
    # bars under it without a second axis (labelled instead)
    assert spec_dict["resolve"]["scale"]["y"] == "independent"
    axes = [
        lay["encoding"]["y"].get("axis")
        for lay in _layers(spec_dict)
        if "field" in lay.get("encoding", {}).get("y", {})
    ]
    assert not any(a and a.get("orient") == "right" for a in axes)
    bar_layers = [lay for lay in _layers(spec_dict) if _mark(lay) == "bar"]
    assert bar_layers and all(lay["encoding"]["y"]["axis"] is None for lay in bar_layers)
    assert "Sammanlagt lägre nettokostnad" in fields


def test_glide_chart_x_axis_is_proportional_in_time():
    """Utgångsläge 2022 and budget years 2026–2027: four years apart on the axis, not one step."""
    from benchmark import budget
    from benchmark.analytics import ReferenceCost

    ref = ReferenceCost(3000.0, 30.0, False, "Kolada N30007")
    path = glide.glide_path(budget.make_target(25.0, 10.0, 2022, 2027, ref, start_year=2026))
    spec_dict = charts.glide_chart(path, 10.0).to_dict()
    xs = [lay["encoding"]["x"] for lay in _layers(spec_dict) if "x" in lay.get("encoding", {})]
    year_axes = [x for x in xs if x.get("field") == "År"]
    assert year_axes and all(x["type"] == "quantitative" for x in year_axes)
    axis = next(x["axis"] for x in year_axes if x.get("axis"))
    assert axis["values"] == [2022, 2026, 2027] and "Utgångsläge" in axis["labelExpr"]
    bars = [lay for lay in _layers(spec_dict) if _mark(lay) == "bar"]
    assert bars[0]["encoding"]["x"]["field"] == "bar_from"  # a bar 0,6 years wide, centred


# ---- issue 8 §6: charts fit for a report ----------------------------------------------------
def _layers(spec: dict) -> list[dict]:
    """Every unit spec inside a (nested) layer spec, with the data it inherits."""
    out = []
    for layer in spec.get("layer", []):
        if "data" not in layer and "data" in spec and spec.get("layer"):
            layer = {**layer, "data": spec["data"]}
        out += _layers(layer) if "layer" in layer else [layer]
    return out


def _mark(layer: dict) -> str:
    mark = layer["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def _data(spec: dict, layer: dict) -> list[dict]:
    """The rows a layer draws (its own inline data or the top level's named dataset)."""
    name = layer.get("data", spec.get("data", {})).get("name")
    return spec["datasets"][name] if name else layer["data"]["values"]


def _trend(years, prel=None, peers_missing=()):
    own = pd.Series({y: float(y - 2015) for y in years})
    vals = pd.DataFrame(
        [("N30001", m, y, v) for m, v in (("2", 1.0), ("3", 3.0), ("4", 5.0)) for y in years
         if y not in peers_missing],
        columns=["kpi", "municipality", "period", "value"],
    )  # fmt: skip
    stats = analytics.only_covered(analytics.peer_stats(vals, "N30001", ["2", "3", "4"]))
    lines = charts.trend_data(own, stats, "Höör", first_preliminary=prel)
    return lines, stats


def _break_rules(spec: dict) -> list[dict]:
    return [
        lay for lay in _layers(spec)
        if _mark(lay) == "rule" and lay["encoding"].get("x", {}).get("field") == "period"
    ]  # fmt: skip


def test_trend_chart_marks_the_method_break_only_when_earlier_years_are_shown():
    lines, stats = _trend(range(2016, 2022))
    spec = charts.trend_chart(lines, stats, "Höör", "NKA (%)").to_dict()
    rules = _break_rules(spec)
    assert len(rules) == 1 and _data(spec, rules[0])[0]["period"] == 2018.5  # between the years
    assert "Ny modell 2019" in json.dumps(spec, ensure_ascii=False)

    lines, stats = _trend(range(2019, 2023))
    spec = charts.trend_chart(lines, stats, "Höör", "NKA (%)").to_dict()
    assert _break_rules(spec) == [] and "Ny modell" not in json.dumps(spec, ensure_ascii=False)

    lines, stats = _trend(range(2016, 2022))  # kronor per invånare: no NKA model involved
    spec = charts.trend_chart(lines, stats, "Höör", "kr", method_break=False).to_dict()
    assert _break_rules(spec) == []


def test_trend_chart_legend_names_the_bands():
    lines, stats = _trend(range(2019, 2023))
    spec = charts.trend_chart(lines, stats, "Höör", "NKA (%)").to_dict()
    fills = [lay["encoding"]["fill"] for lay in _layers(spec) if "fill" in lay["encoding"]]
    assert len(fills) == 2
    assert fills[0]["scale"]["domain"] == ["Lägst–högst", "Mittersta hälften"]
    assert fills[0]["legend"]["orient"] == "bottom"


def _shape_legend(spec: dict):
    shapes = [lay["encoding"]["shape"] for lay in _layers(spec) if "shape" in lay["encoding"]]
    assert len(shapes) == 1
    return shapes[0].get("legend")


def test_trend_chart_shape_legend_only_with_a_preliminary_value():
    lines, stats = _trend(range(2019, 2023), prel=2022)
    legend = _shape_legend(charts.trend_chart(lines, stats, "Höör", "NKA (%)").to_dict())
    assert legend is not None and legend["orient"] == "bottom"
    lines, stats = _trend(range(2019, 2023), prel=None)
    assert _shape_legend(charts.trend_chart(lines, stats, "Höör", "NKA (%)").to_dict()) is None


def test_trend_legends_go_one_entry_a_row_on_a_narrow_screen():
    lines, stats = _trend(range(2019, 2023), prel=2022)
    spec = charts.trend_chart(lines, stats, "Höör", "NKA (%)").to_dict()
    legends = [
        lay["encoding"][ch]["legend"] for lay in _layers(spec) for ch in ("color", "fill", "shape")
        if lay["encoding"].get(ch, {}).get("legend")
    ]  # fmt: skip
    legends = list({json.dumps(lg, sort_keys=True): lg for lg in legends}.values())
    assert len(legends) == 3  # series, bands, Slutligt/Preliminärt
    for legend in legends:
        assert legend["columns"] == {"expr": f"width < {charts.NARROW} ? 1 : 0"}
        assert legend["labelLimit"] <= 300
    # no more than two legends share the bottom row (Vega does not wrap legends)
    assert sum(1 for lg in legends if lg["orient"] == "bottom") <= 2


def test_missing_years_are_gaps_in_every_line_and_band():
    lines, stats = _trend(range(2016, 2022), peers_missing=(2018,))
    assert 2018 not in set(stats["period"])  # no peer has a value that year
    median = lines[lines["serie"] == charts.SERIES_MEDIAN].set_index("period")["value"]
    assert list(median.index) == list(range(2016, 2022)) and median.isna()[2018]
    spec = charts.trend_chart(lines, stats, "Höör", "NKA (%)").to_dict()
    areas = [lay for lay in _layers(spec) if _mark(lay) == "area"]
    band_rows = _data(spec, areas[0])
    assert [r["period"] for r in band_rows] == list(range(2016, 2022))
    assert band_rows[2]["min"] is None  # NaN in the data: the band breaks there
    for lay in areas + [lay for lay in _layers(spec) if _mark(lay) == "line"]:
        assert lay["mark"]["invalid"] == charts.BREAK


def test_peer_lines_break_at_a_missing_year():
    lines, stats = _trend(range(2019, 2023))
    vals = pd.DataFrame(
        {"kpi": "N30001", "municipality": ["2", "2", "2", "3", "3", "3", "3"],
         "period": [2019, 2021, 2022, 2019, 2020, 2021, 2022], "value": [1.0] * 7}
    )  # fmt: skip
    spec = charts.with_peer_lines(
        charts.trend_chart(lines, stats, "Höör", "NKA (%)"), vals, {"2": "A", "3": "B"}
    ).to_dict()
    first = spec["layer"][0]
    rows = _data(spec, first)
    gap = [r for r in rows if r["municipality"] == "2" and r["period"] == 2020]
    assert len(gap) == 1 and gap[0]["value"] is None and first["mark"]["invalid"] == charts.BREAK
    # drawn first, the peers' layer decides the shared axis: it must keep the chart's title
    assert first["encoding"]["y"]["axis"]["title"] == "NKA (%)"


# heatmap
def _matrix(values, years=None):
    years = years or [2019 + i for i in range(len(values))]
    return pd.DataFrame(
        {"area": "ifo", "area_title": "Individ- och familjeomsorg", "period": years,
         "nka": values, "peer_median": 0.0, "peers_n": 7, "diff": values,
         "preliminary": False}
    )  # fmt: skip


def test_heatmap_scale_is_symmetric_around_zero():
    spec = charts.heatmap(_matrix([-3.0, 10.0, 2.0]), "diff", "Skillnad (p.e.)").to_dict()
    colour = next(lay["encoding"]["color"] for lay in _layers(spec) if _mark(lay) == "rect")
    assert colour["scale"]["domain"] == [-10.0, 10.0] and colour["scale"]["domainMid"] == 0
    assert colour["scale"]["scheme"] == "blueorange"
    spec = charts.heatmap(_matrix([-25.5, 4.0]), "nka", "Avvikelse (%)").to_dict()
    colour = next(lay["encoding"]["color"] for lay in _layers(spec) if _mark(lay) == "rect")
    assert colour["scale"]["domain"] == [-25.5, 25.5]
    assert charts.symmetric_limit([float("nan")]) == 1.0  # no values: still a valid scale


def _luminance(rgb: tuple[int, int, int]) -> float:
    channels = [c / 255 for c in rgb]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _cells(image) -> list[tuple[tuple[int, int, int], list[tuple[int, int, int]]]]:
    """The cells of a one-row heatmap image: each cell's colour and the pixels inside it."""
    width, height = image.size
    coloured = [
        y for y in range(height)
        if sum(max(image.getpixel((x, y))) - min(image.getpixel((x, y))) > 40
               for x in range(width)) > width / 3
    ]  # fmt: skip
    top, bottom = coloured[0], coloured[0]
    while bottom + 1 in coloured:
        bottom += 1
    runs, x = [], 0
    row = [image.getpixel((x, top + 2)) for x in range(width)]
    while x < width:
        end = x
        while end + 1 < width and row[end + 1] == row[x]:
            end += 1
        if end - x >= 20 and row[x] != (255, 255, 255):  # a cell, not the white gap
            box = [image.getpixel((i, j)) for i in range(x, end + 1) for j in range(top, bottom)]
            runs.append((row[x], box))
        x = end + 1
    return runs


def test_heatmap_text_contrasts_at_least_4_5_with_every_cell_as_drawn():
    """Rendered by Vega (vl-convert, as the exports are): each cell's number against the
    cell's colour as drawn, over values across the whole scale."""
    import io

    import vl_convert as vlc
    from PIL import Image

    values = [-10.0, -8.0, -6.4, -5.0, -3.0, -1.0, 0.0, 1.5, 3.0, 4.5, 6.36, 8.0, 10.0]
    spec = charts.to_spec(charts.heatmap(_matrix(values), "nka", "Avvikelse (%)"))
    text = next(lay for lay in _layers(spec) if _mark(lay) == "text")
    assert "contrast('white', scale('color'" in text["encoding"]["color"]["condition"]["test"]
    png = vlc.vegalite_to_png(json.dumps(spec), scale=2)
    cells = _cells(Image.open(io.BytesIO(png)).convert("RGB"))
    ratios = []
    for background, box in cells:
        ink = max(box, key=lambda c: abs(_luminance(c) - _luminance(background)))
        light, dark = sorted((_luminance(ink), _luminance(background)), reverse=True)
        ratios.append((light + 0.05) / (dark + 0.05))
    print(f"heatmap cells: {len(cells)}, lowest text contrast {min(ratios):.2f}:1")
    assert len(cells) == len(values) and min(ratios) >= 4.5, ratios


def test_heatmap_shows_every_year_and_the_method_break():
    m = _matrix([1.0, 2.0, 3.0], years=[2016, 2018, 2020])
    spec = charts.heatmap(m, "nka", "Avvikelse (%)").to_dict()
    rect = next(lay for lay in _layers(spec) if _mark(lay) == "rect")
    assert rect["encoding"]["x"]["scale"]["domain"] == [2016, 2017, 2018, 2019, 2020]
    rules = [lay for lay in _layers(spec) if _mark(lay) == "rule"]
    assert len(rules) == 1 and rules[0]["encoding"]["x"]["bandPosition"] == 0
    m = _matrix([1.0, 2.0], years=[2019, 2020])
    spec = charts.heatmap(m, "nka", "Avvikelse (%)").to_dict()
    assert not [lay for lay in _layers(spec) if _mark(lay) == "rule"]


# ranking
def _ranking(n: int, focus: int = 5, missing: int = 0) -> pd.DataFrame:
    ids = [f"{i:04d}" for i in range(n)]
    vals = pd.DataFrame(
        {"kpi": "N", "municipality": ids, "period": 2022,
         "value": [float("nan") if i < missing else float(i % 50 - 20) for i in range(n)]}
    )  # fmt: skip
    names = {m: f"Kommun {m}" for m in ids}
    return analytics.ranking(vals, "N", ids[focus], [m for m in ids if m != ids[focus]], 2022,
                             names)  # fmt: skip


def _text_layers(spec: dict) -> list[tuple[dict, list[dict]]]:
    return [(lay, _data(spec, lay)) for lay in _layers(spec) if _mark(lay) == "text"]


def test_ranking_with_all_289_peers_names_only_the_kommun():
    frame = _ranking(290)
    spec = charts.ranking_chart(frame, "NKA 2022 (%)").to_dict()
    bars = next(lay for lay in _layers(spec) if _mark(lay) == "bar")
    assert len(_data(spec, bars)) == 290
    assert bars["encoding"]["x"]["axis"]["labels"] is False  # no 289 names on an axis
    texts = _text_layers(spec)
    labels = [rows for lay, rows in texts if "label" in json.dumps(lay["encoding"])]
    own = [rows for rows in labels if any("focus" in r for r in rows)]
    assert len(own) == 1 and len(own[0]) == 1 and own[0][0]["focus"] is True
    assert own[0][0]["label"].startswith("Kommun 0005: ")
    assert all(len(rows) < 5 for _, rows in texts)  # no text layer writes every bar
    assert spec["height"] <= 400  # one screen high, the kommun in view
    medians = [rows for _, rows in texts if rows and "median" in rows[0]]
    assert len(medians) == 1 and medians[0][0]["label"].startswith("Median ")


def test_ranking_median_rule_only_when_peers_are_covered():
    spec = charts.ranking_chart(_ranking(8), "NKA").to_dict()
    rules = [lay for lay in _layers(spec) if _mark(lay) == "rule"]
    assert len(rules) == 1 and rules[0]["encoding"]["x"]["field"] == "median"
    assert charts.peer_median(_ranking(8)) is not None
    # 5 of 7 peers without a value: too few for a median
    uncovered = _ranking(8, focus=7, missing=5)
    assert charts.peer_median(uncovered) is None
    spec = charts.ranking_chart(uncovered, "NKA").to_dict()
    assert not [lay for lay in _layers(spec) if _mark(lay) == "rule"]
    assert "Median" not in json.dumps(spec, ensure_ascii=False)


def test_ranking_with_few_kommuner_keeps_names_and_values():
    frame = _ranking(12)
    spec = charts.ranking_chart(frame, "NKA").to_dict()
    bars = next(lay for lay in _layers(spec) if _mark(lay) == "bar")
    assert bars["encoding"]["y"]["field"] == "title"  # names on the axis
    lo, hi = bars["encoding"]["x"]["scale"]["domain"]  # room for a label beside a bar
    assert hi > frame["value"].max() and lo <= min(0, frame["value"].min())
    texts = _text_layers(spec)
    values = [rows for lay, rows in texts if lay["encoding"]["text"]["field"] == "text"]
    assert sum(len(r) for r in values) >= 2 * len(frame)  # two filters over the same rows
    # the median rule is drawn before (under) the value labels, which have a white halo
    marks = [_mark(lay) for lay in _layers(spec)]
    assert marks.index("rule") < marks.index("text")
    assert any(lay["mark"].get("stroke") == "white" for lay, _ in texts)


def test_ranking_scale_has_no_empty_negative_side():
    frame = _ranking(8)
    frame["value"] = frame["value"].abs() + 1
    spec = charts.ranking_chart(frame, "NKA").to_dict()
    bars = next(lay for lay in _layers(spec) if _mark(lay) == "bar")
    assert bars["encoding"]["x"]["scale"]["domain"][0] == 0


def test_to_spec_has_no_row_limit_and_no_fixed_view_size():
    import altair as alt

    many = pd.DataFrame({"period": range(6000), "value": 1.0})  # Altair's default limit: 5000
    spec = charts.to_spec(alt.Chart(many).mark_line().encode(x="period:Q", y="value:Q"))
    (rows,) = spec["datasets"].values()
    assert len(rows) == 6000
    assert "continuousWidth" not in json.dumps(spec)  # Streamlit sizes the chart to its column
    with pytest.raises(alt.MaxRowsError):  # the global setting is left as it was
        alt.Chart(many).mark_line().encode(x="period:Q").to_dict()


def _contrast(colour: str, background: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_chart_text_is_dark_enough_where_the_chart_sets_no_colour_of_its_own():
    import altair as alt

    data = pd.DataFrame({"period": [2020, 2021], "value": [1.0, 2.0]})
    base = alt.Chart(data).mark_line().encode(x="period:O", y="value:Q")
    config = charts.to_spec(base)["config"]
    for part in ("axis", "legend", "header", "title"):
        for key, colour in config[part].items():
            assert _contrast(colour) >= 4.5, (part, key, colour)
    assert _contrast("#808495") < 4.5  # Streamlit's chart grey, which the spec now overrides
    own = charts.to_spec(base.configure_axis(labelColor="#000000"))["config"]["axis"]
    assert own == {"labelColor": "#000000", "titleColor": charts.TEXT}
