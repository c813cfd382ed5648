"""Pure functions from Kolada v3 JSON objects to tidy pandas frames.

Values: one row per (kpi, municipality, period, gender) with columns
``kpi, municipality, period, gender, value, count, status``. Rows marked ``isdeleted`` are dropped
(or kept with an ``isdeleted`` column, for merging deltas). Municipality ids are always 4-character
strings; ``value`` is float with NaN for null.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

VALUE_COLUMNS = ["kpi", "municipality", "period", "gender", "value", "count", "status"]
VALUE_KEY = ["kpi", "municipality", "period", "gender"]
KPI_COLUMNS = [
    "id",
    "title",
    "description",
    "operating_area",
    "municipality_type",
    "is_divided_by_gender",
    "perspective",
    "auspice",
    "publ_period",
    "prel_publication_date",
    "publication_date",
    "has_ou_data",
]
MUNICIPALITY_COLUMNS = ["id", "title", "type"]
GROUP_COLUMNS = ["group_id", "title", "edition_year", "member_id", "member_title"]

_EDITION = re.compile(r",\s*(\d{4})\s*$")


def municipality_id(value: object) -> str:
    """Kolada's 4-character municipality id; numbers lose their leading zeros, so put them back."""
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text.zfill(4) if text.isdigit() else text


def _value_records(objects: Iterable[dict], keep_deleted: bool) -> Iterable[tuple]:
    for obj in objects:
        muni = municipality_id(obj.get("municipality", obj.get("ou", "")))
        for v in obj.get("values") or []:
            deleted = bool(v.get("isdeleted", False))
            if deleted and not keep_deleted:
                continue
            value = v.get("value")
            yield (
                str(obj["kpi"]).upper(),
                muni,
                int(obj["period"]),
                str(v.get("gender") or "T"),
                np.nan if value is None else float(value),
                v.get("count"),
                v.get("status") or "",
                deleted,
            )


def tidy_values(objects: Iterable[dict], *, keep_deleted: bool = False) -> pd.DataFrame:
    """v3 data objects → tidy frame (module doc); ``keep_deleted`` adds an ``isdeleted`` column."""
    frame = pd.DataFrame.from_records(
        list(_value_records(objects, keep_deleted)), columns=[*VALUE_COLUMNS, "isdeleted"]
    )
    frame = frame.astype(
        {
            "kpi": "string",
            "municipality": "string",
            "period": "int32",
            "gender": "string",
            "value": "float64",
            "count": "Int32",
            "status": "string",
            "isdeleted": "bool",
        }
    )
    frame = frame.drop_duplicates(VALUE_KEY, keep="last")
    frame = frame.sort_values(VALUE_KEY, ignore_index=True)
    return frame if keep_deleted else frame.drop(columns="isdeleted")


def totals(values: pd.DataFrame) -> pd.DataFrame:
    """Only the total (gender ``T``) rows: never take the first value of a row as the total."""
    return values[values["gender"] == "T"].reset_index(drop=True)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Unicode noncharacters (U+FDD0–U+FDEF, U+xxFFFE/U+xxFFFF) and lone surrogates: never text
_NONCHARACTERS = re.compile(
    "[\ufdd0-\ufdef\ud800-\udfff"
    + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
    + "]"
)
MAX_TITLE = 200  # characters: no kommun, group or KPI title is near this


def without_noncharacters(text: str) -> str:
    """``text`` without Unicode noncharacters and lone surrogates."""
    return _NONCHARACTERS.sub("", text)


def clean_text(value: object) -> object:
    """A title from Kolada as data: NFC, without control characters (a line break or tab
    becomes a space), Unicode noncharacters or lone surrogates (they break documents and make
    the chart renderer abort the process), and at most ``MAX_TITLE`` characters ("…")."""
    if not isinstance(value, str):
        return value
    text = _CONTROL.sub(lambda m: " " if m.group() in "\t\n\r" else "", value)
    text = unicodedata.normalize("NFC", _NONCHARACTERS.sub("", text))
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1].rstrip() + "…"


def tidy_kpis(objects: Iterable[dict]) -> pd.DataFrame:
    rows = [{c: obj.get(c) for c in KPI_COLUMNS} for obj in objects]
    for row in rows:
        row["title"] = clean_text(row["title"])
    frame = pd.DataFrame(rows, columns=KPI_COLUMNS)
    frame["is_divided_by_gender"] = frame["is_divided_by_gender"].fillna(False).astype(bool)
    frame["has_ou_data"] = frame["has_ou_data"].fillna(False).astype(bool)
    for col in KPI_COLUMNS:
        if col not in ("is_divided_by_gender", "has_ou_data"):
            frame[col] = frame[col].astype("string")
    return frame.drop_duplicates("id").sort_values("id", ignore_index=True)


def tidy_municipalities(objects: Iterable[dict]) -> pd.DataFrame:
    rows = [
        {"id": municipality_id(o["id"]), "title": clean_text(o.get("title")), "type": o.get("type")}
        for o in objects
    ]
    frame = pd.DataFrame(rows, columns=MUNICIPALITY_COLUMNS).astype("string")
    return frame.drop_duplicates("id").sort_values("id", ignore_index=True)


def edition_year(title: str) -> int | None:
    """The edition year at the end of a group title: 'Liknande kommuner IFO, Höör, 2024' → 2024."""
    match = _EDITION.search(title or "")
    return int(match.group(1)) if match else None


def tidy_groups(objects: Iterable[dict]) -> pd.DataFrame:
    """Groups in long form: one row per member (``member_id``/``member_title``; v2's
    ``id``/``title`` member keys are accepted too)."""
    rows = []
    for g in objects:
        title = clean_text(g.get("title") or "")
        for m in g.get("members") or []:
            rows.append(
                {
                    "group_id": str(g["id"]),
                    "title": title,
                    "edition_year": edition_year(title),
                    "member_id": municipality_id(m.get("member_id", m.get("id"))),
                    "member_title": clean_text(m.get("member_title", m.get("title"))),
                }
            )
    frame = pd.DataFrame(rows, columns=GROUP_COLUMNS)
    frame = frame.astype(
        {
            "group_id": "string",
            "title": "string",
            "edition_year": "Int32",
            "member_id": "string",
            "member_title": "string",
        }
    )
    return frame.sort_values(["group_id", "member_id"], ignore_index=True)
