"""Altair chart builders (pure: frames in, charts out). Swedish labels and number formats.

Colours are neutral on purpose: a negative NKA is not "good" and a positive one not "bad"
(Kolada's own caveat), so no red/green; the kommun is dark blue, peers are greys, and every
series also differs by line style or mark shape, so nothing depends on colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from benchmark import fmt
from benchmark.numbers import money

KOMMUN = "#1f4e79"  # dark blue
PEER = "#6b6b6b"  # grey
BAND_RANGE = "#c9c9c9"
BAND_IQR = "#9e9e9e"
OTHER_BAR = "#a7bfd6"  # light blue-grey
BREAK = "break-paths-show-domains"  # a missing value breaks a line or band: no bridging
# d3's labels use "," for thousands and "." for decimals: make them "1 800" and "2,5", with "−"
SWEDISH_DECIMALS = "replace(replace(replace(datum.label, ',', ' '), '.', ','), '-', '−')"


def _year_axis(title: str = "År") -> alt.X:
    return alt.X("period:Q", title=title, axis=alt.Axis(format="d", tickMinStep=1, grid=False))


def _value_axis(title: str) -> alt.Axis:
    return alt.Axis(title=title, labelExpr=SWEDISH_DECIMALS)


def trend_data(
    own: pd.Series,
    stats: pd.DataFrame,
    kommun_name: str,
    first_preliminary: int | None,
    unit: str = "%",
) -> pd.DataFrame:
    """Long frame for ``trend_chart``: one row per series and year, with Swedish text values."""
    text = fmt.percent if unit == "%" else fmt.kr_per_inhabitant
    rows = []
    if not own.empty:  # every year of the span, so a missing year is a gap, never bridged
        own = own.reindex(range(int(own.index.min()), int(own.index.max()) + 1))
    for period, value in own.items():
        prel = first_preliminary is not None and period >= first_preliminary
        rows.append((int(period), kommun_name, value, prel, ""))
    for _, s in stats.iterrows():
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


def trend_chart(
    lines: pd.DataFrame, stats: pd.DataFrame, kommun_name: str, y_title: str
) -> alt.LayerChart:
    """The kommun's line against the peers' band (min–max, interquartile range), median and
    unweighted mean. ``lines`` comes from ``trend_data``."""
    series_order = [kommun_name, "Median, jämförelsegrupp", "Ovägt medel, jämförelsegrupp"]
    colour = alt.Color(
        "serie:N",
        title=None,
        scale=alt.Scale(domain=series_order, range=[KOMMUN, PEER, PEER]),
        legend=alt.Legend(orient="bottom", labelLimit=320),
    )
    dash = alt.StrokeDash(
        "serie:N",
        scale=alt.Scale(domain=series_order, range=[[1, 0], [1, 0], [5, 4]]),
        legend=None,
    )
    band = alt.Chart(stats).encode(x=_year_axis())
    stats = stats.drop(columns="covered", errors="ignore")
    tooltip_band = [alt.Tooltip("period:Q", title="År", format="d")]
    if "N" in stats:
        stats = stats.assign(
            cover=[f"{n} av {t}" for n, t in zip(stats["n"], stats["N"], strict=True)]
        )
        band = alt.Chart(stats).encode(x=_year_axis())
        tooltip_band.append(alt.Tooltip("cover:N", title="Kommuner med värde"))
    else:
        tooltip_band.append(alt.Tooltip("n:Q", title="Kommuner med värde"))
    layers = [
        band.mark_area(color=BAND_RANGE, opacity=0.45, invalid=BREAK).encode(
            y=alt.Y("min:Q", axis=_value_axis(y_title)), y2="max:Q", tooltip=tooltip_band
        ),
        band.mark_area(color=BAND_IQR, opacity=0.45, invalid=BREAK).encode(y="q1:Q", y2="q3:Q"),
        alt.Chart(pd.DataFrame({"zero": [0]}))
        .mark_rule(color="#444", strokeDash=[2, 2])
        .encode(y="zero:Q"),
    ]
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
    layers.append(
        own.mark_point(size=70, filled=True).encode(
            shape=alt.Shape(
                "status:N",
                title=None,
                scale=alt.Scale(
                    domain=["Slutligt", "Preliminärt"], range=["circle", "triangle-up"]
                ),
                legend=alt.Legend(orient="bottom"),
            )
        )
    )
    return alt.layer(*layers).properties(height=380)


def ranking_chart(frame: pd.DataFrame, x_title: str) -> alt.LayerChart:
    """Horizontal bars, lowest first; the kommun highlighted; missing values as 'saknas'."""
    data = frame.assign(
        title=[
            f"{t} (vald)" if f else t for t, f in zip(frame["title"], frame["focus"], strict=True)
        ],
        text=[fmt.percent(v) for v in frame["value"]],
        shown=frame["value"].fillna(0.0),
        who=["Vald kommun" if f else "Jämförelsekommun" for f in frame["focus"]],
    )
    order = list(data["title"])
    y = alt.Y("title:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("shown:Q", axis=_value_axis(x_title)),
            y=y,
            color=alt.Color(
                "who:N",
                title=None,
                scale=alt.Scale(
                    domain=["Vald kommun", "Jämförelsekommun"], range=[KOMMUN, OTHER_BAR]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            stroke=alt.condition(alt.datum.focus, alt.value("black"), alt.value(None)),
            tooltip=[alt.Tooltip("title:N", title="Kommun"), alt.Tooltip("text:N", title="Värde")],
        )
    )
    text = alt.Chart(data).encode(x="shown:Q", y=y, text="text:N")
    labels = [
        text.transform_filter(alt.datum.shown >= 0).mark_text(align="left", dx=4, color="black"),
        text.transform_filter(alt.datum.shown < 0).mark_text(align="right", dx=-4, color="black"),
    ]
    return alt.layer(bars, *labels).properties(height=alt.Step(28))


def heatmap(matrix: pd.DataFrame, value: str, title: str) -> alt.LayerChart:
    """Area × year cells coloured by ``value`` (a diverging blue–orange scale centred on 0, not
    red/green), each cell labelled with its number."""
    text_fn = fmt.percent if value == "nka" else fmt.points
    prel = matrix["preliminary"] if "preliminary" in matrix else [False] * len(matrix)
    data = matrix.assign(
        text=[
            text_fn(v).replace(" procentenheter", " p.e.") + (" ▲" if p else "")
            for v, p in zip(matrix[value], prel, strict=True)
        ]
    )
    base = alt.Chart(data).encode(
        x=alt.X("period:O", title="År", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(
            "area_title:N",
            title=None,
            sort=list(dict.fromkeys(data["area_title"])),
            axis=alt.Axis(labelLimit=260),
        ),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            f"{value}:Q",
            title=title,
            scale=alt.Scale(scheme="blueorange", domainMid=0),
            legend=alt.Legend(orient="bottom", labelExpr=SWEDISH_DECIMALS),
        ),
        tooltip=[
            alt.Tooltip("area_title:N", title="Område"),
            alt.Tooltip("period:O", title="År"),
            alt.Tooltip("text:N", title=title),
        ],
    )
    labels = base.mark_text(fontSize=11).encode(text="text:N", color=alt.value("black"))
    return alt.layer(cells, labels).properties(height=alt.Step(34))


def glide_chart(path: pd.DataFrame, target_nka: float) -> alt.LayerChart:
    """The glide path: NKA % per year (line, labelled) and the cumulative change of the net cost
    in mnkr (bars, right axis), with the target level as a dashed rule. The x axis is the
    path's ``Period`` (the utgångsläge, then the budget years) in the path's order."""
    periods = path["Period"] if "Period" in path else path["År"].astype(str)
    data = path.assign(
        Period=periods,
        nka_text=[fmt.percent(v) for v in path["NKA (%)"]],
        mnkr_text=[money(v, sign=True) for v in path["Ackumulerad förändring (mnkr)"]],
    )
    x = alt.X(
        "Period:O",
        title=None,
        sort=list(periods),
        axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, ' ')"),
    )
    bars = (
        alt.Chart(data)
        .mark_bar(color=OTHER_BAR, opacity=0.8)
        .encode(
            x=x,
            y=alt.Y(
                "Ackumulerad förändring (mnkr):Q",
                axis=alt.Axis(
                    title="Nettokostnad, ackumulerad förändring (mnkr)",
                    orient="right",
                    labelExpr=SWEDISH_DECIMALS,
                ),
            ),
            tooltip=[
                alt.Tooltip("Period:O", title="År"),
                alt.Tooltip("mnkr_text:N", title="Ackumulerat"),
            ],
        )
    )
    nka_scale = alt.Scale(zero=False, nice=True, padding=12)
    line = alt.Chart(data).encode(
        x=x,
        y=alt.Y("NKA (%):Q", axis=_value_axis("Nettokostnadsavvikelse (%)"), scale=nka_scale),
        tooltip=[alt.Tooltip("Period:O", title="År"), alt.Tooltip("nka_text:N", title="NKA")],
    )
    target = alt.Chart(pd.DataFrame({"target": [target_nka], "label": [
        f"Mål {fmt.percent(target_nka)}"
    ]}))  # fmt: skip
    rule = target.mark_rule(color=PEER, strokeDash=[5, 4]).encode(y="target:Q")
    rule_label = target.mark_text(align="left", dx=4, dy=-7, color=PEER).encode(
        y="target:Q", x=alt.value(0), text="label:N"
    )
    left = alt.layer(
        line.mark_line(color=KOMMUN, strokeWidth=2),
        line.mark_point(color=KOMMUN, filled=True, size=60),
        line.mark_text(dy=-12, color="black").encode(text="nka_text:N"),
        rule,
        rule_label,
    )
    if len(path) < 2:  # the utgångsläge alone (already at or below the target): no bars
        return left.properties(height=320)
    return alt.layer(bars, left).resolve_scale(y="independent").properties(height=320)


def with_peer_lines(
    chart: alt.TopLevelMixin, values: pd.DataFrame, names: Mapping[str, str]
) -> alt.LayerChart:
    """``chart`` with each peer's own thin grey line under it (the name in the tooltip)."""
    data = values.assign(
        name=[names.get(m, m) for m in values["municipality"]],
        text=[fmt.percent(v) for v in values["value"]],
    )
    lines = (
        alt.Chart(data)
        .mark_line(color=PEER, strokeWidth=0.8, opacity=0.45, invalid=BREAK)
        .encode(
            x=_year_axis(),
            y=alt.Y("value:Q", axis=None),
            detail="municipality:N",
            tooltip=[
                alt.Tooltip("name:N", title="Jämförelsekommun"),
                alt.Tooltip("period:Q", title="År", format="d"),
                alt.Tooltip("text:N", title="Värde"),
            ],
        )
    )
    return alt.layer(lines, chart)
