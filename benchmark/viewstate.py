"""The view a link describes: kommun, område, jämförelsegrupp, years — parsed from and written to
the URL query string. Pure: bad values give a Swedish message and fall back to the default.

Query keys: ``kommun`` (0561), ``omrade`` (ifo), ``grupp`` (rka|kommungrupp|lan|alla|egen),
``egna`` (comma-separated kommun ids, at most 20, with ``grupp=egen``), ``fran``/``till`` (years),
``ar`` (the year on Jämförelse), ``namn`` (a custom group's name, at most 60 characters, with
``grupp=egen``). A key given more than once: the last value is used, with a
message. Messages quote the link's values as they are (cut with ``shorten``): they are plain
text, for the display to escape.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from kolada.catalogue import AREAS_BY_CODE
from kolada.errors import shorten

DEFAULT_KOMMUN = "0561"  # Åtvidaberg
DEFAULT_AREA = "ifo"
DEFAULT_FROM = 2019
MAX_CUSTOM = 20
MAX_NAME = 60  # a custom group's name, in characters
GROUP_KINDS = {
    "rka": "Liknande kommuner (RKA)",
    "kommungrupp": "SKR:s kommungrupp",
    "lan": "Kommunerna i länet",
    "alla": "Alla kommuner",
    "egen": "Egen grupp (högst 20 kommuner)",
}
KEYS = ("kommun", "omrade", "grupp", "egna", "namn", "fran", "till", "ar", "utgava")
PER_EDITION = "per-ar"  # utgava=per-ar: each year with the peer-group edition in force then


@dataclass(frozen=True)
class View:
    kommun: str = DEFAULT_KOMMUN
    area: str = DEFAULT_AREA
    group: str = "rka"
    custom: tuple[str, ...] = ()
    first_year: int = DEFAULT_FROM
    last_year: int | None = None  # None: the latest year with data
    year: int | None = None  # Jämförelse: None = the latest year with data
    per_edition: bool = False  # RKA groups: each year with the edition in force then
    name: str = ""  # a custom group's name ("Våra grannkommuner"), titling charts and reports

    def to_params(self) -> dict[str, str]:
        params = {"kommun": self.kommun, "omrade": self.area, "grupp": self.group}
        if self.group == "egen" and self.custom:
            params["egna"] = ",".join(self.custom)
            if self.name:
                params["namn"] = self.name
        params["fran"] = str(self.first_year)
        if self.last_year is not None:
            params["till"] = str(self.last_year)
        if self.year is not None:
            params["ar"] = str(self.year)
        if self.per_edition and self.group == "rka":
            params["utgava"] = PER_EDITION
        return params


def _year(text: str | None, lo: int, hi: int) -> int | None:
    if text is None or not str(text).strip().isdigit():
        return None
    year = int(text)
    return year if lo <= year <= hi else None


def parse_view(
    params: Mapping[str, str | Sequence[str]],
    kommuner: Mapping[str, str],
    years: tuple[int, int],
) -> tuple[View, list[str]]:
    """The view in ``params``, and one Swedish message per value that could not be used.

    ``params`` maps a key to its value, or to every value it has in the link (a list, as
    ``st.query_params.get_all`` gives). ``kommuner`` maps kommun id → name (the 290);
    ``years`` is the range the cache holds.
    """
    problems: list[str] = []
    params = _last_values(params, problems)
    default_name = kommuner.get(DEFAULT_KOMMUN, DEFAULT_KOMMUN)
    kommun = _choice(
        params, "kommun", _pad, kommuner, f"Okänd kommun. Visar {default_name}", problems
    )
    area = _choice(
        params, "omrade", str, AREAS_BY_CODE, "Okänt verksamhetsområde. Visar IFO", problems
    )
    group = _choice(
        params, "grupp", str, GROUP_KINDS, "Okänd jämförelsegrupp. Visar RKA:s", problems
    )
    view = View(kommun=kommun or DEFAULT_KOMMUN, area=area or DEFAULT_AREA, group=group or "rka")
    edition = params.get("utgava")
    if edition is not None:
        if edition == PER_EDITION:
            view = replace(view, per_edition=True)
        else:
            problems.append(
                f"Ogiltigt värde i länken: utgava={shorten(edition)!r}. Visar dagens utgåva "
                f"för alla år (utgava={PER_EDITION} jämför varje år med den utgåva som gällde då)."
            )
    if view.group == "egen":
        custom = _custom(params.get("egna") or "", view.kommun, kommuner, problems)
        view = replace(view, custom=custom, group="egen" if custom else "rka")
        if custom:
            view = replace(view, name=group_name(params.get("namn") or "", problems))
    return _years(view, params, years, problems), problems


def _last_values(params, problems: list[str]) -> dict[str, str]:
    """One value per key: the last one, with a message for a key of ours given more than once."""
    out = {}
    for key, value in params.items():
        if isinstance(value, str):
            out[key] = value
        elif value:
            out[key] = value[-1]
            if len(value) > 1 and key in KEYS:
                problems.append(
                    f"Parametern {key} förekommer flera gånger i länken; den sista "
                    f"({_quoted(value[-1])}) används."
                )
    return out


def _quoted(raw: str) -> str:
    return repr(shorten(raw))


def _pad(text: str) -> str:
    text = text.strip()
    return text.zfill(4) if text.isdigit() else text


def _choice(params, key, clean, allowed, fallback: str, problems: list[str]) -> str | None:
    raw = params.get(key)
    if raw is None:
        return None
    value = clean(raw)
    if value in allowed:
        return value
    problems.append(f"Ogiltigt värde i länken: {key}={_quoted(raw)}. {fallback}.")
    return None


def _custom(text: str, kommun: str, kommuner: Mapping[str, str], problems: list[str]):
    raw = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [r for r in raw if _pad(r) not in kommuner]
    picked = [i for i in dict.fromkeys(map(_pad, raw)) if i in kommuner and i != kommun]
    if unknown:
        problems.append(
            f"Okända kommuner i den egna gruppen: {shorten(', '.join(map(_quoted, unknown)), 200)}."
        )
    if len(picked) > MAX_CUSTOM:
        problems.append(
            f"Den egna gruppen får ha högst {MAX_CUSTOM} kommuner; resten används inte."
        )
        picked = picked[:MAX_CUSTOM]
    if not picked:
        problems.append("Den egna gruppen är tom. Visar liknande kommuner (RKA).")
    return tuple(picked)


def group_name(raw: str, problems: list[str] | None = None) -> str:
    """A custom group's name as text: control and format characters dropped, white space
    collapsed, at most ``MAX_NAME`` characters (longer is cut, with a message). The display
    escapes it; exports write it as text."""
    kept = "".join(c for c in raw if not unicodedata.category(c).startswith("C"))
    name = " ".join(kept.split())
    if len(name) > MAX_NAME:
        if problems is not None:
            problems.append(
                f"Namnet på den egna gruppen är längre än {MAX_NAME} tecken och kortas: "
                f"{_quoted(name[:MAX_NAME])}."
            )
        name = name[:MAX_NAME].rstrip()
    return name


def _years(view: View, params, years: tuple[int, int], problems: list[str]) -> View:
    lo, hi = years
    for key, field in (("fran", "first_year"), ("till", "last_year"), ("ar", "year")):
        text = params.get(key)
        if text is None:
            continue
        year = _year(text, lo, hi)
        if year is None:
            problems.append(
                f"Ogiltigt år i länken: {key}={_quoted(text)} (data finns för {lo}–{hi})."
            )
        else:
            view = replace(view, **{field: year})
    if view.last_year is not None and view.first_year > view.last_year:
        problems.append(f"Startåret {view.first_year} ligger efter slutåret {view.last_year}.")
        view = replace(view, first_year=min(DEFAULT_FROM, view.last_year))
    return replace(view, first_year=max(min(view.first_year, hi), lo))
