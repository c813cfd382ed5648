"""Altair chart builders (pure: frames in, charts out). Swedish labels and number formats.

Colours are neutral on purpose: a negative NKA is not "good" and a positive one not "bad"
(Kolada's own caveat), so no red/green; the kommun is dark blue, peers are greys, and every
series also differs by line style or mark shape, so nothing depends on colour alone.

Why one module of ~860 lines: every chart kind here shares the house style — the year axis, the
value axis, the legends, the neutral palette, the median rules and the 2019 method-break rule —
and a chart's look changes in one place for all kinds; each kind (trend, ranking, heatmap,
glide path, split, cost × quality, kronor) is one public function with its private helpers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping

import altair as alt
import pandas as pd

from benchmark import fmt
from benchmark.analytics import METHOD_BREAK_YEAR, covered
from benchmark.numbers import money

KOMMUN = "#1f4e79"  # dark blue
PEER = "#6b6b6b"  # grey
BAND_RANGE = "#c9c9c9"
BAND_IQR = "#9e9e9e"
OTHER_BAR = "#a7bfd6"  # light blue-grey
BREAK = "break-paths-show-domains"  # a missing value breaks a line or band: no bridging
# d3's labels use "," for thousands and "." for decimals: make them "1 800" and "2,5", with "−"
# every thousands comma (a string pattern would replace only the first: "1 500,000"), then
# the decimal point, then the minus
SWEDISH_DECIMALS = (
    "replace(replace(replace(datum.label, regexp(',', 'g'), ' '), '.', ','), '-', '−')"
)


def _year_axis(title: str = "År") -> alt.X:
    """Years on a linear axis, with room at both ends so the first and last points are drawn
    whole (not cut in half by the plot's edge)."""
    return alt.X(
        "period:Q",
        title=title,
        axis=alt.Axis(format="d", tickMinStep=1, grid=False),
        scale=alt.Scale(padding=10, nice=False, zero=False),  # no year outside the data
    )


def _value_axis(title: str, **kw) -> alt.Axis:
    return alt.Axis(title=title, labelExpr=SWEDISH_DECIMALS, **kw)


def _every_year(stats: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """``stats`` with a row for every year from the first to the last of ``years`` and its own
    periods: a year where no peer reports gets n = 0 and no statistics, so a line or band has a
    gap there instead of bridging it."""
    periods = {int(y) for y in years} | {int(p) for p in stats.get("period", [])}
    if stats.empty or not periods:
        return stats
    full = range(min(periods), max(periods) + 1)
    out = stats.set_index(stats["period"].astype(int)).drop(columns="period").reindex(full)
    out.index.name = "period"
    if "n" in out:
        out["n"] = out["n"].fillna(0).astype(int)
    if "N" in out:
        out["N"] = out["N"].fillna(out["N"].max()).astype(int)
    if "covered" in out:
        out["covered"] = out["covered"].astype("boolean").fillna(False).astype(bool)
    return out.reset_index()


def trend_data(
    own: pd.Series,
    stats: pd.DataFrame,
    kommun_name: str,
    first_preliminary: int | None,
    unit: str | Callable[[float], str] = "%",
) -> pd.DataFrame:
    """Long frame for ``trend_chart``: one row per series and year, with Swedish text values
    (``unit``: "%", "kr" for kr/invånare, or a function that writes a value).
    Every year of the span has a row (NaN where a value is missing), so a line has a gap there
    and is never bridged."""
    text = unit if callable(unit) else fmt.percent if unit == "%" else fmt.kr_per_inhabitant
    rows = []
    if not own.empty:  # every year of the span, so a missing year is a gap, never bridged
        own = own.reindex(range(int(own.index.min()), int(own.index.max()) + 1))
    for period, value in own.items():
        prel = first_preliminary is not None and period >= first_preliminary
        rows.append((int(period), kommun_name, value, prel, ""))
    for _, s in _every_year(stats, own.index).iterrows():
        cover = f" ({int(s['n'])} av {int(s['N'])} med värde)" if "N" in s else ""
        for serie, column in (("Median", "median"), ("Ovägt medel", "mean")):
            rows.append((int(s["period"]), f"{serie}, jämförelsegrupp", s[column], False, cover))
    frame = pd.DataFrame(rows, columns=["period", "serie", "value", "preliminary", "cover"])
    frame["status"] = frame["preliminary"].map({True: "Preliminärt", False: "Slutligt"})
    frame["text"] = [
        text(v) + (" (preliminärt)" if p else "") + (c if v == v else c.replace(" (", " (bara "))
        for v, p, c in zip(frame["value"], frame["preliminary"], frame["cover"], strict=True)
    ]
    return frame.drop(columns="cover")


SERIES_MEDIAN = "Median, jämförelsegrupp"
SERIES_MEAN = "Ovägt medel, jämförelsegrupp"
BAND_NAMES = ["Lägst–högst", "Mittersta hälften"]  # the min–max band and the interquartile band
METHOD_BREAK_LABEL = f"Ny modell {METHOD_BREAK_YEAR}"
# On a narrow screen (a phone, ~400 px) a legend's entries go one per row instead of one long
# row that would be cut off; and no more than two short legends share a row (Vega puts legends
# with the same orient side by side and does not wrap them).
NARROW = 480  # plot width in px below which legend entries are listed one per row
LEGEND_COLUMNS = alt.ExprRef(expr=f"width < {NARROW} ? 1 : 0")  # 0 = all entries in one row


def _legend(orient: str = "bottom", **kw) -> alt.Legend:
    return alt.Legend(
        orient=orient, direction="horizontal", columns=LEGEND_COLUMNS, labelLimit=260, **kw
    )


def method_break_rule(periods: Iterable[int]) -> alt.LayerChart | None:
    """A vertical dashed rule between 2018 and 2019, labelled "Ny modell 2019", when the years
    shown run from before the method break into it; ``None`` otherwise."""
    years = sorted({int(p) for p in periods})
    if not years or not years[0] < METHOD_BREAK_YEAR <= years[-1]:
        return None
    at = METHOD_BREAK_YEAR - 0.5
    right_half = at - years[0] > (years[-1] - years[0]) * 0.75  # label to the left of the rule
    data = pd.DataFrame({"period": [at], "label": [METHOD_BREAK_LABEL]})
    base = alt.Chart(data).encode(x=alt.X("period:Q"))
    rule = base.mark_rule(color="#444", strokeDash=[6, 3], strokeWidth=1)
    label = base.mark_text(
        align="right" if right_half else "left",
        baseline="top",
        dx=-4 if right_half else 4,
        dy=2,
        fontSize=11,
        color="#333",
    ).encode(text="label:N", y=alt.value(0))
    return alt.layer(rule, label)


def trend_chart(
    lines: pd.DataFrame,
    stats: pd.DataFrame,
    kommun_name: str,
    y_title: str,
    method_break: bool = True,
    height: int = 380,
    legends: bool = True,
) -> alt.LayerChart:
    """The kommun's line against the peers' band (min–max "Lägst–högst", interquartile range
    "Mittersta hälften"), median and unweighted mean. ``lines`` comes from ``trend_data``.
    A missing year is a gap in every line and band. With ``method_break`` (NKA; not for costs
    in kronor, which the referenskostnad model does not touch) a rule marks the 2019 method
    break when earlier years are shown. The Slutligt/Preliminärt legend only when a value is
    preliminary. Without ``legends`` (small multiples, explained once above them) the whole
    ``height`` is the plot."""
    series_order = [kommun_name, SERIES_MEDIAN, SERIES_MEAN]
    colour = alt.Color(
        "serie:N",
        title=None,
        scale=alt.Scale(domain=series_order, range=[KOMMUN, PEER, PEER]),
        legend=_legend("top", symbolType="stroke", symbolStrokeWidth=2) if legends else None,
    )
    dash = alt.StrokeDash(
        "serie:N",
        scale=alt.Scale(domain=series_order, range=[[1, 0], [1, 0], [5, 4]]),
        legend=None,
    )
    stats = _every_year(stats, lines["period"] if not lines.empty else [])
    stats = stats.drop(columns="covered", errors="ignore")
    tooltip_band = [alt.Tooltip("period:Q", title="År", format="d")]
    if "N" in stats:
        stats = stats.assign(
            cover=[f"{n} av {t}" for n, t in zip(stats["n"], stats["N"], strict=True)]
        )
        tooltip_band.append(alt.Tooltip("cover:N", title="Kommuner med värde"))
    else:
        tooltip_band.append(alt.Tooltip("n:Q", title="Kommuner med värde"))
    band = alt.Chart(stats).encode(x=_year_axis())
    fill = alt.Fill(
        "band:N",
        title=None,
        scale=alt.Scale(domain=BAND_NAMES, range=[BAND_RANGE, BAND_IQR]),
        legend=_legend(symbolType="square", symbolOpacity=0.7) if legends else None,
    )
    layers = [
        band.transform_calculate(band=f"'{BAND_NAMES[0]}'")
        .mark_area(opacity=0.45, invalid=BREAK)
        .encode(
            y=alt.Y("min:Q", axis=_value_axis(y_title)), y2="max:Q", fill=fill, tooltip=tooltip_band
        ),
        band.transform_calculate(band=f"'{BAND_NAMES[1]}'")
        .mark_area(opacity=0.45, invalid=BREAK)
        .encode(y="q1:Q", y2="q3:Q", fill=fill, tooltip=tooltip_band),
        alt.Chart(pd.DataFrame({"zero": [0]}))
        .mark_rule(color="#444", strokeDash=[2, 2])
        .encode(y="zero:Q"),
    ]
    rule = method_break_rule(lines["period"]) if method_break and not lines.empty else None
    if rule is not None:
        layers.append(rule)
    base = alt.Chart(lines).encode(
        x=_year_axis(),
        y=alt.Y("value:Q", axis=_value_axis(y_title)),
        color=colour,
        tooltip=[
            alt.Tooltip("serie:N", title="Serie"),
            alt.Tooltip("period:Q", title="År", format="d"),
            alt.Tooltip("text:N", title="Värde"),
        ],
    )
    layers.append(base.mark_line(strokeWidth=2, invalid=BREAK).encode(strokeDash=dash))
    own = base.transform_filter(alt.datum.serie == kommun_name)
    has_preliminary = bool(lines.loc[lines["serie"] == kommun_name, "preliminary"].any())
    layers.append(
        own.mark_point(size=70, filled=True, opacity=1).encode(
            shape=alt.Shape(
                "status:N",
                title=None,
                scale=alt.Scale(
                    domain=["Slutligt", "Preliminärt"], range=["circle", "triangle-up"]
                ),
                legend=_legend() if has_preliminary and legends else None,
            )
        )
    )
    return alt.layer(*layers).properties(height=height)


MANY_BARS = 40  # above this many kommuner, the ranking is a compact column chart without names


def peer_median(frame: pd.DataFrame) -> float | None:
    """The median of the peers' values in a ``ranking`` frame (the kommun itself not counted),
    or ``None`` when too few peers have a value (``analytics.covered``)."""
    peers = frame.loc[~frame["focus"].astype(bool), "value"]
    n = int(peers.notna().sum())
    return float(peers.median()) if covered(n, len(peers)) else None


def ranking_chart(frame: pd.DataFrame, x_title: str) -> alt.LayerChart:
    """The kommun and its peers for one year, lowest value first; the kommun highlighted (dark
    blue with a black edge, "(vald)"), missing values as "saknas", and a dashed rule at the
    peers' median when enough of them report. Up to ``MANY_BARS`` kommuner: horizontal bars
    with names and values. More (all 289 kommuner): one thin column per kommun, no names, only
    the kommun's own label, so the chart stays one screen high and the kommun is in view."""
    data = frame.assign(
        title=[
            f"{t} (vald)" if f else t for t, f in zip(frame["title"], frame["focus"], strict=True)
        ],
        text=[fmt.percent(v) for v in frame["value"]],
        shown=frame["value"].fillna(0.0),
        who=["Vald kommun" if f else "Jämförelsekommun" for f in frame["focus"]],
    )
    median = peer_median(frame)
    if len(data) > MANY_BARS:
        return _ranking_columns(data, x_title, median)
    order = list(data["title"])
    y = alt.Y("title:N", sort=order, title=None, axis=alt.Axis(labelLimit=160))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("shown:Q", axis=_value_axis(x_title), scale=_label_room(data["shown"])),
            y=y,
            color=_who_colour(),
            stroke=alt.condition(alt.datum.focus, alt.value("black"), alt.value(None)),
            tooltip=[alt.Tooltip("title:N", title="Kommun"), alt.Tooltip("text:N", title="Värde")],
        )
    )
    text = alt.Chart(data).encode(x="shown:Q", y=y, text="text:N")
    layers = [bars]
    if median is not None:  # under the value labels, which a white halo keeps readable
        layers += _median_rule(median, "x")
    for halo in ({"stroke": "white", "strokeWidth": 4, "strokeJoin": "round"}, {}):
        layers += [
            text.transform_filter(alt.datum.shown >= 0).mark_text(
                align="left", dx=4, color="black", **halo
            ),
            text.transform_filter(alt.datum.shown < 0).mark_text(
                align="right", dx=-4, color="black", **halo
            ),
        ]
    return alt.layer(*layers).properties(height=alt.Step(28))


def _label_room(values: pd.Series) -> alt.Scale:
    """A value scale from 0 (or the lowest value) to the highest, with room for the value
    labels only on the side where bars end: no empty negative ticks when every value is
    positive, and a label never runs into the names or off the plot."""
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    room = 0.16 * ((hi - lo) or 1.0)
    return alt.Scale(
        domain=[lo - room if lo < 0 else 0.0, hi + room if hi > 0 else 0.0], nice=False
    )


def _who_colour() -> alt.Color:
    return alt.Color(
        "who:N",
        title=None,
        scale=alt.Scale(domain=["Vald kommun", "Jämförelsekommun"], range=[KOMMUN, OTHER_BAR]),
        legend=_legend(),
    )


def _median_rule(median: float, channel: str) -> list[alt.Chart]:
    """A dashed rule at the peers' median across the value axis (``channel``: "x" for
    horizontal bars, "y" for columns) and its label "Median 12,3 %": above the plot for a
    vertical rule, at the left end (where the lowest columns leave room) for a horizontal one."""
    data = pd.DataFrame({"median": [median], "label": [f"Median {fmt.percent(median)}"]})
    base = alt.Chart(data).encode(
        **{channel: alt.X("median:Q") if channel == "x" else alt.Y("median:Q")}
    )
    rule = base.mark_rule(color="black", strokeDash=[4, 3], strokeWidth=1.5)
    if channel == "x":
        label = base.mark_text(align="center", baseline="bottom", dy=-4, fontSize=11)
        label = label.encode(text="label:N", y=alt.value(0))
    else:
        label = base.mark_text(align="left", baseline="bottom", dx=2, dy=-3, fontSize=11)
        label = label.encode(text="label:N", x=alt.value(0))
    return [rule, label]


def _ranking_columns(data: pd.DataFrame, y_title: str, median: float | None) -> alt.LayerChart:
    """Many kommuner: a column per kommun, sorted, without names; the kommun's column in dark
    blue with a marker and its name and value above or below it."""
    data = data.assign(order=range(1, len(data) + 1))
    x = alt.X(
        "order:O",
        title=f"Kommuner, från lägst till högst ({int(data['value'].notna().sum())} med värde)",
        axis=alt.Axis(labels=False, ticks=False, domain=False),
        scale=alt.Scale(paddingInner=0.15, paddingOuter=0),
    )
    y = alt.Y("shown:Q", axis=_value_axis(y_title))
    tooltip = [alt.Tooltip("title:N", title="Kommun"), alt.Tooltip("text:N", title="Värde")]
    bars = alt.Chart(data).mark_bar().encode(x=x, y=y, color=_who_colour(), tooltip=tooltip)
    own = data[data["focus"]]
    layers = [bars]
    if median is not None:
        layers += _median_rule(median, "y")
    if not own.empty:
        row = own.iloc[0]
        share = (int(row["order"]) - 0.5) / len(data)  # where the kommun sits, 0 = left
        label = f"{row['title'].removesuffix(' (vald)')}: {row['text']}"
        up = row["shown"] >= 0
        marked = alt.Chart(own.assign(label=label)).encode(x=x, y=y)
        layers += [
            marked.mark_rule(color=KOMMUN, strokeWidth=3).encode(y2=alt.datum(0)),
            marked.mark_point(
                shape="triangle-down" if up else "triangle-up",
                filled=True,
                size=90,
                color=KOMMUN,
                yOffset=-9 if up else 9,
                opacity=1,
            ).encode(tooltip=tooltip),
            marked.mark_text(
                align="left" if share < 0.5 else "right",
                baseline="bottom" if up else "top",
                dx=6 if share < 0.5 else -6,
                dy=-18 if up else 18,
                fontSize=12,
                fontWeight="bold",
                color=KOMMUN,
            ).encode(text="label:N"),
        ]
    return alt.layer(*layers).properties(height=360)


def symmetric_limit(values: Iterable[float]) -> float:
    """m = max |value| (1 when there is none), for a diverging scale over [−m, m]."""
    finite = [abs(float(v)) for v in values if v == v]
    return max(finite, default=0.0) or 1.0


def _two_lines(text: str, width: int = 16) -> list[str] | str:
    """A long axis label split at the space nearest its middle (a short one as it is)."""
    if len(text) <= width or " " not in text:
        return text
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:cut], text[cut + 1 :]]


def heatmap(matrix: pd.DataFrame, value: str, title: str) -> alt.LayerChart:
    """Area × year cells coloured by ``value`` on a diverging blue–orange scale (not red/green)
    centred on 0 with symmetric limits [−m, m], m = max |value|, so equal distances from 0 look
    equally strong. Each cell shows its number (the unit is in the legend; ▲ = preliminary) in
    white or black, whichever contrasts more with the cell as Vega draws it. Every year of the
    span is a column (a year without values is an empty column), and a rule marks the 2019
    method break when earlier years are shown."""
    number = (lambda v: fmt.number(v)) if value == "nka" else (lambda v: fmt.number(v, sign=True))
    full = fmt.percent if value == "nka" else (lambda v: fmt.points(v, short=True))
    prel = matrix["preliminary"] if "preliminary" in matrix else [False] * len(matrix)
    limit = symmetric_limit(matrix[value])
    data = matrix.assign(
        text=[number(v) + (" ▲" if p else "") for v, p in zip(matrix[value], prel, strict=True)],
        full=[
            full(v) + (f" {fmt.PRELIMINARY}" if p else "")
            for v, p in zip(matrix[value], prel, strict=True)
        ],
    )
    areas = list(dict.fromkeys(data["area_title"]))
    wrapped = {a: _two_lines(a) for a in areas if _two_lines(a) != a}
    periods = [int(p) for p in data["period"]]
    years = list(range(min(periods), max(periods) + 1)) if periods else []
    x = alt.X("period:O", title="År", scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=0))
    base = alt.Chart(data).encode(
        x=x,
        y=alt.Y(
            "area_title:N",
            title=None,
            sort=areas,
            axis=alt.Axis(
                labelLimit=150,
                labelExpr=f"{json.dumps(wrapped, ensure_ascii=False)}[datum.label] || datum.label",
                # Vega hangs the second line below the row's middle: lift two-line labels
                labelOffset={
                    "condition": {
                        "test": f"indexof({json.dumps(list(wrapped), ensure_ascii=False)}, "
                        "datum.value) >= 0",
                        "value": -6,
                    },
                    "value": 0,
                },
            ),
        ),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            f"{value}:Q",
            title=title,
            scale=alt.Scale(scheme="blueorange", domain=[-limit, limit], domainMid=0),
            legend=alt.Legend(orient="bottom", labelExpr=SWEDISH_DECIMALS, gradientLength=220),
        ),
        tooltip=[
            alt.Tooltip("area_title:N", title="Område"),
            alt.Tooltip("period:O", title="År"),
            alt.Tooltip("full:N", title=title),
        ],
    )
    # the ink is chosen by Vega from the cell's colour as drawn (the layer's shared "color"
    # scale): whichever of white and black contrasts more (WCAG), so ≥ 4,6:1 on every cell
    cell = f"scale('color', datum['{value}'])"
    labels = base.mark_text(fontSize=alt.ExprRef(expr=f"width < {NARROW} ? 9 : 11")).encode(
        text="text:N",
        color=alt.condition(
            f"contrast('white', {cell}) > contrast('black', {cell})",
            alt.value("white"),
            alt.value("black"),
        ),
    )
    layers = [cells, labels]
    if years and years[0] < METHOD_BREAK_YEAR <= years[-1]:
        mark = alt.Chart(
            pd.DataFrame({"period": [METHOD_BREAK_YEAR], "label": [METHOD_BREAK_LABEL]})
        )
        at = alt.X("period:O", bandPosition=0)  # the left edge of the 2019 column
        layers += [
            mark.mark_rule(color="black", strokeWidth=2).encode(x=at),
            mark.mark_text(align="left", baseline="bottom", dx=2, dy=-3, fontSize=11).encode(
                x=at, y=alt.value(0), text="label:N"
            ),
        ]
    return alt.layer(*layers).properties(height=alt.Step(34))


GLIDE_HEIGHT = 340  # px: the NKA panel on top, the band of bars under it, one x axis
GLIDE_BARS = 80  # px high band for the bars at the bottom


def glide_chart(path: pd.DataFrame, target_nka: float) -> alt.LayerChart:
    """The glide path as two bands of one chart on one x axis, each with at most one y axis:
    NKA % per year (line, labelled) with the target level as a dashed rule on top; under it,
    how much lower the net cost is in total each year (bars labelled in tkr/mnkr, no axis of
    their own). One chart, not a concatenation, so it fits its container's width. The x axis
    is time: the utgångsläge (labelled so) and the budget years at their distance in years, so
    a gap between the base year and the first budget year looks like one."""
    years = [int(y) for y in path["År"]]
    lower = -path["Ackumulerad förändring (mnkr)"]
    data = path.assign(
        Period=path["Period"] if "Period" in path else path["År"].astype(str),
        nka_text=[fmt.percent(v) for v in path["NKA (%)"]],
        lower=lower,
        lower_text=[money(v) for v in lower],
        bar_from=[y - 0.3 for y in years],
        bar_to=[y + 0.3 for y in years],
    )
    x = alt.X(
        "År:Q",
        title=None,
        scale=alt.Scale(domain=[years[0] - 0.5, years[-1] + 0.5], nice=False, zero=False),
        axis=alt.Axis(
            values=years,
            format="d",
            labelAngle=0,
            grid=False,
            labelExpr=f"datum.value == {years[0]} ? ['Utgångsläge', datum.label] : datum.label",
        ),
    )
    has_bars = len(path) >= 2  # the utgångsläge alone (already at or below the target): none
    # pixel ranges relative to the plot's height, which Streamlit fits to the container
    nka_bottom = alt.ExprRef(f"height - {GLIDE_BARS + 40 if has_bars else 0}")
    nka_scale = alt.Scale(zero=False, nice=True, padding=16, range=[nka_bottom, 0])
    line = alt.Chart(data).encode(
        x=x,
        y=alt.Y(
            "NKA (%):Q",
            axis=alt.Axis(
                title="Nettokostnadsavvikelse (%)", labelExpr=SWEDISH_DECIMALS, tickCount=5
            ),
            scale=nka_scale,
        ),
        tooltip=[alt.Tooltip("Period:N", title="År"), alt.Tooltip("nka_text:N", title="NKA")],
    )
    target = alt.Chart(
        pd.DataFrame({"target": [target_nka], "label": [f"Mål {fmt.percent(target_nka)}"]})
    )
    rule = target.mark_rule(color=PEER, strokeDash=[5, 4]).encode(y="target:Q")
    rule_label = target.mark_text(align="left", dx=4, dy=-7, color=PEER).encode(
        y="target:Q", x=alt.value(0), text="label:N"
    )
    nka = alt.layer(
        line.mark_line(color=KOMMUN, strokeWidth=2),
        line.mark_point(color=KOMMUN, filled=True, size=60),
        line.mark_text(align="left", dx=8, dy=-8, color="black").encode(text="nka_text:N"),
        rule,
        rule_label,
    )
    if not has_bars:
        return nka.properties(height=GLIDE_HEIGHT)
    top = float(lower.max()) if lower.max() > 0 else 1.0
    bar_scale = alt.Scale(
        domain=[0, top * 1.3],
        nice=False,
        range=[alt.ExprRef("height"), alt.ExprRef(f"height - {GLIDE_BARS}")],
    )
    bars = alt.Chart(data[data.index > 0]).encode(
        x=x,
        y=alt.Y("lower:Q", axis=None, scale=bar_scale),
        tooltip=[
            alt.Tooltip("Period:N", title="År"),
            alt.Tooltip("lower_text:N", title="Sammanlagt lägre nettokostnad"),
        ],
    )
    band_title = (
        alt.Chart(pd.DataFrame({"label": ["Sammanlagt lägre nettokostnad"]}))
        .mark_text(
            align="left",
            baseline="bottom",
            fontSize=12,
            color="#333",
            y=alt.ExprRef(f"height - {GLIDE_BARS + 14}"),
        )
        .encode(text="label:N", x=alt.value(0))
    )
    band = alt.layer(
        # from year − 0,3 to year + 0,3, and upwards from 0 (a vertical bar on a time axis)
        bars.mark_bar(color=OTHER_BAR).encode(x="bar_from:Q", x2="bar_to:Q", y2=alt.datum(0)),
        bars.mark_text(baseline="bottom", dy=-3, color="black").encode(text="lower_text:N"),
    )
    return (
        alt.layer(band, nka, band_title)
        .resolve_scale(y="independent")
        .properties(height=GLIDE_HEIGHT)
    )


def _y_axis(chart: alt.TopLevelMixin) -> alt.Axis | None:
    """The first explicit y axis in a (layered) chart, to repeat on a layer drawn under it."""
    for layer in chart.layer if isinstance(chart, alt.LayerChart) else [chart]:
        if isinstance(layer, alt.LayerChart):
            found = _y_axis(layer)
        else:
            encoding = layer._get("encoding")
            y = encoding._get("y") if encoding is not alt.Undefined else alt.Undefined
            found = y._get("axis") if y is not alt.Undefined else None
        if isinstance(found, alt.Axis):
            return found
    return None


def with_peer_lines(
    chart: alt.TopLevelMixin, values: pd.DataFrame, names: Mapping[str, str]
) -> alt.LayerChart:
    """``chart`` with each peer's own thin grey line under it (the name in the tooltip). A year
    a peer has no value for is a gap in its line, never bridged."""
    if not values.empty:
        years = range(int(values["period"].min()), int(values["period"].max()) + 1)
        grid = pd.MultiIndex.from_product(
            [sorted(set(values["municipality"])), years], names=["municipality", "period"]
        )
        values = (
            values.drop_duplicates(["municipality", "period"])
            .set_index(["municipality", "period"])["value"]
            .reindex(grid)
            .reset_index()
        )
    data = values.assign(
        name=[names.get(m, m) for m in values["municipality"]],
        text=[fmt.percent(v) for v in values["value"]],
    )
    lines = (
        alt.Chart(data)
        .mark_line(color=PEER, strokeWidth=0.8, opacity=0.45, invalid=BREAK)
        .encode(
            x=_year_axis(),
            y=alt.Y("value:Q", axis=_y_axis(chart)),  # drawn first: it decides the axis
            detail="municipality:N",
            tooltip=[
                alt.Tooltip("name:N", title="Jämförelsekommun"),
                alt.Tooltip("period:Q", title="År", format="d"),
                alt.Tooltip("text:N", title="Värde"),
            ],
        )
    )
    return alt.layer(lines, chart)


_TO_DICT_LOCK = threading.Lock()  # Altair's data transformer is global to all threads
# The charts' own text (axes, legends, facet headers, titles) in the page's text colour:
# Streamlit's chart theme greys it to #808495, 3,7:1 on white, below WCAG's 4,5:1 (1.4.3).
# Set in the spec, it wins over the theme (the theme fills in only what a spec leaves out).
TEXT = "#31333F"  # 12,6:1 on white
TEXT_CONFIG = {
    "axis": {"labelColor": TEXT, "titleColor": TEXT},
    "legend": {"labelColor": TEXT, "titleColor": TEXT},
    "header": {"labelColor": TEXT, "titleColor": TEXT},
    "title": {"color": TEXT, "subtitleColor": TEXT},
}


def to_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec as Streamlit draws it: data inline as named datasets, without
    Altair's default 300 px view size (Streamlit sizes the chart to its container). Not
    validated against the schema here: that costs more than building the chart, and the
    chart tests validate every builder's output. Text colours: ``TEXT_CONFIG``, where the chart
    sets none of its own."""
    with _TO_DICT_LOCK, alt.data_transformers.enable("default", max_rows=None):
        spec = chart.to_dict(validate=False)  # no row limit: all 289 kommuner × many years
    config = spec.setdefault("config", {})
    for part, colours in TEXT_CONFIG.items():
        config[part] = colours | config.get(part, {})
    view = config.get("view", {})
    for key in ("continuousWidth", "continuousHeight"):
        view.pop(key, None)
    if "view" in config and not view:
        del config["view"]
    return spec


def split_chart(parts: pd.DataFrame, x_title: str) -> alt.LayerChart:
    """The volume × unit-cost split as horizontal bars: each part and their sum (the difference
    to the reference). Each amount is written in its bar's name ("Volymdel: +9,0 mnkr"), so no
    label can run into a name or off a narrow plot. ``parts``: columns ``del`` (label),
    ``value`` (kr/invånare or mnkr, signed), ``text`` (the amount as shown), in drawing order."""
    data = parts.assign(
        sum=[i == len(parts) - 1 for i in range(len(parts))],
        label=[f"{d}: {t}" for d, t in zip(parts["del"], parts["text"], strict=True)],
    )
    y = alt.Y("label:N", sort=list(data["label"]), title=None, axis=alt.Axis(labelLimit=240))
    lo, hi = min(0.0, float(data["value"].min())), max(0.0, float(data["value"].max()))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "value:Q",
                axis=_value_axis(x_title, tickCount=5),
                scale=alt.Scale(domain=[lo, hi], nice=True),
            ),
            y=y,
            color=alt.condition(alt.datum.sum, alt.value(KOMMUN), alt.value(OTHER_BAR)),
            tooltip=[alt.Tooltip("del:N", title="Del"), alt.Tooltip("text:N", title="Belopp")],
        )
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#444").encode(x="zero:Q")
    return alt.layer(bars, zero).properties(height=alt.Step(34))


QUADRANT_HEIGHT = 380


def quadrant_chart(
    points: pd.DataFrame,
    trail: pd.DataFrame,
    x_title: str,
    y_title: str,
    medians: tuple[float | None, float | None],
    higher_is_better: bool,
    y_unit: str = "",
) -> alt.LayerChart:
    """Cost against quality for one year: the peers as grey circles, the kommun as a dark-blue
    diamond with its name, its trail over the years (thin line, each year labelled), dashed
    rules at the peers' medians (``medians``: NKA, quality; None where too few report) and the
    quadrants named in the corners. A quality KPI that is better low (a waiting time) is drawn
    with its axis reversed, so up is always better and left always cheaper.

    ``points``: ``quality.points`` (``name, nka, quality, focus``); ``trail``: ``quality.trail``
    (``period, nka, quality``)."""
    data = points.dropna(subset=["nka", "quality"]).assign(
        who=lambda d: ["Vald kommun" if f else "Jämförelsekommun" for f in d["focus"]],
        nka_text=lambda d: [fmt.percent(v) for v in d["nka"]],
        quality_text=lambda d: [f"{fmt.number(v)}{y_unit}" for v in d["quality"]],
    )
    x = alt.X(
        "nka:Q", axis=_value_axis(x_title), scale=alt.Scale(zero=False, nice=True, padding=16)
    )
    y = alt.Y(
        "quality:Q",
        axis=_value_axis(_two_lines(y_title, 36)),  # a long title on one line is cut off
        scale=alt.Scale(zero=False, nice=True, padding=16, reverse=not higher_is_better),
    )
    shape = alt.Shape(
        "who:N",
        title=None,
        scale=alt.Scale(domain=["Vald kommun", "Jämförelsekommun"], range=["diamond", "circle"]),
        legend=_legend(symbolSize=120),
    )
    colour = alt.Color(
        "who:N",
        title=None,
        scale=alt.Scale(domain=["Vald kommun", "Jämförelsekommun"], range=[KOMMUN, PEER]),
        legend=_legend(symbolSize=120),
    )
    tooltip = [
        alt.Tooltip("name:N", title="Kommun"),
        alt.Tooltip("nka_text:N", title="NKA"),
        alt.Tooltip("quality_text:N", title="Kvalitet"),
    ]
    layers: list[alt.Chart] = []
    nka_median, quality_median = medians
    rule = {"color": "black", "strokeDash": [4, 3], "strokeWidth": 1.2}
    if nka_median is not None:
        layers.append(alt.Chart(pd.DataFrame({"nka": [nka_median]})).mark_rule(**rule).encode(x=x))
    if quality_median is not None:
        frame = pd.DataFrame({"quality": [quality_median]})
        layers.append(alt.Chart(frame).mark_rule(**rule).encode(y=y))
    if len(trail) > 1:
        path = alt.Chart(trail).encode(x=x, y=y, order="period:O")
        earlier = alt.Chart(trail.iloc[:-1])  # the last year is the kommun's own point
        layers += [
            path.mark_line(color=KOMMUN, strokeWidth=1.5, opacity=0.6, point=False),
            earlier.mark_circle(color=KOMMUN, size=30, opacity=0.6).encode(x=x, y=y),
            earlier.mark_text(dx=6, dy=-6, align="left", fontSize=11, color=KOMMUN).encode(
                x=x, y=y, text="period:O"
            ),
        ]
    layers.append(
        alt.Chart(data)
        .mark_point(filled=True, opacity=0.9, stroke="white", strokeWidth=0.8)
        .encode(
            x=x,
            y=y,
            shape=shape,
            color=colour,
            size=alt.condition(alt.datum.focus, alt.value(180), alt.value(70)),
            tooltip=tooltip,
        )
    )
    own = data[data["focus"]]
    if not own.empty:
        layers.append(
            alt.Chart(own)
            .mark_text(align="right", dx=-10, dy=12, fontWeight="bold", color=KOMMUN, fontSize=12)
            .encode(x=x, y=y, text="name:N")
        )
    if nka_median is not None and quality_median is not None:
        layers += _quadrant_names()
    return alt.layer(*layers).properties(height=QUADRANT_HEIGHT)


QUADRANT_NAMES = (  # corner → its name; up is better, left cheaper (see quadrant_chart)
    ("left", "top", "Lägre kostnad, bättre resultat"),
    ("right", "top", "Högre kostnad, bättre resultat"),
    ("left", "bottom", "Lägre kostnad, sämre resultat"),
    ("right", "bottom", "Högre kostnad, sämre resultat"),
)


def _quadrant_names() -> list[alt.Chart]:
    """The quadrants' names in the plot's corners, small and grey (under the points)."""
    out = []
    for side, edge, text in QUADRANT_NAMES:
        out.append(
            alt.Chart(pd.DataFrame({"text": [text]}))
            .mark_text(
                align=side,
                baseline=edge,
                dx=4 if side == "left" else -4,
                dy=4 if edge == "top" else -4,
                fontSize=11,
                fontStyle="italic",
                color=TEXT,
                opacity=alt.ExprRef(expr=f"width < {NARROW} ? 0 : 1"),  # no room on a phone
            )
            .encode(
                text="text:N",
                x=alt.value(0) if side == "left" else alt.value("width"),
                y=alt.value(0) if edge == "top" else alt.value("height"),
            )
        )
    return out


def kronor_chart(lines: pd.DataFrame, kommun_name: str, height: int = 320) -> alt.LayerChart:
    """Net cost and reference cost per invånare over the years (``kronor.kronor_lines``): the
    kommun's net cost solid and its reference cost dashed in dark blue, the peers' median net
    cost grey, Riket's black dotted and the län's median grey dash-dotted — each line its own
    dash, so nothing depends on colour alone. No method-break rule: kronor are not NKA."""
    order = [s for s in dict.fromkeys(lines["serie"])]
    # up to five long names: three a row on a wide screen, one a row on a phone
    legend = alt.Legend(
        orient="top", direction="horizontal", labelLimit=320, symbolType="stroke",
        symbolStrokeWidth=2, columns=alt.ExprRef(expr=f"width < {NARROW} ? 1 : 3"),
    )  # fmt: skip
    styles = {
        f"{kommun_name}, nettokostnad": (KOMMUN, [1, 0]),
        f"{kommun_name}, referenskostnad": (KOMMUN, [6, 4]),
        "Median nettokostnad, jämförelsegrupp": (PEER, [1, 0]),
        "Riket, nettokostnad": ("#000000", [2, 3]),
        "Median nettokostnad, länets övriga kommuner": (PEER, [8, 3, 2, 3]),
    }
    colour = alt.Color(
        "serie:N",
        title=None,
        scale=alt.Scale(domain=order, range=[styles[s][0] for s in order]),
        legend=legend,
    )
    dash = alt.StrokeDash(  # the same legend as the colour's: Vega-Lite draws one, dashed
        "serie:N",
        title=None,
        scale=alt.Scale(domain=order, range=[styles[s][1] for s in order]),
        legend=legend,
    )
    base = alt.Chart(lines).encode(
        x=_year_axis(),
        y=alt.Y("value:Q", axis=_value_axis("Kronor per invånare"), scale=alt.Scale(zero=False)),
        color=colour,
        tooltip=[
            alt.Tooltip("serie:N", title="Serie"),
            alt.Tooltip("period:Q", title="År", format="d"),
            alt.Tooltip("text:N", title="Värde"),
        ],
    )
    preliminary = bool((lines.get("status") == "Preliminärt").any())
    shape = alt.Shape(
        "status:N",
        title=None,
        scale=alt.Scale(domain=["Slutligt", "Preliminärt"], range=["circle", "triangle-up"]),
        legend=_legend() if preliminary else None,
    )
    return alt.layer(
        base.mark_line(strokeWidth=2, invalid=BREAK).encode(strokeDash=dash),
        base.mark_point(size=40, filled=True, opacity=1).encode(shape=shape),
    ).properties(height=height)
