"""``python -m benchmark report``: the nämnd report as Word or PDF, from the cache, without the
browser (for a controller or a scheduled job). ``python -m kolada refresh`` fills the cache.

    python -m benchmark report --kommun 0561 --omrade ifo --format docx --out rapport.docx

Bad arguments end the program with exit code 2 and one Swedish line naming the value; other
errors with exit code 1. No traceback.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from benchmark.forecast_figures import read_budget, read_growth, read_population
from benchmark.numbers import NumberError
from benchmark.report import document, pdf, word
from benchmark.report.document import needed_kpis
from benchmark.report.forecast import BudgetInput
from benchmark.source import Source, fetch_missing
from benchmark.viewstate import parse_view
from kolada.cli import SwedishParser
from kolada.errors import BadInput, KoladaError, os_error_text, quoted, shorten
from kolada.refresh import Progress
from kolada.store import Store

TARGET_WORDS = {  # --mal: the Swedish word → budget target kind
    "median": "median",
    "medel": "mean",
    "vagt": "pooled",
    "kvartil": "q1",
    "noll": "zero",
}
FETCH_DEADLINE = 120.0  # seconds: what the report lacks is fetched within this …
FETCH_LOCK_WAIT = 30.0  # … after waiting at most this long for another refresh
RENDER = {"docx": word.to_docx, "pdf": pdf.to_pdf}


def build_parser() -> argparse.ArgumentParser:
    parser = SwedishParser(prog="python -m benchmark", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=SwedishParser)
    r = sub.add_parser("report", help="skapa rapporten som Word (.docx) eller PDF")
    r.add_argument("--kommun", required=True, help="kommun-id, t.ex. 0561, eller namn")
    r.add_argument(
        "--omrade", default="ifo", help="verksamhetsområde (ifo, lss, aldreomsorg …) eller alla"
    )
    r.add_argument("--grupp", default="rka", help="rka, kommungrupp, lan, alla eller egen")
    r.add_argument("--egna", help="kommun-id:n till egen grupp, kommaseparerade")
    r.add_argument("--namn", help="namn på den egna gruppen (högst 60 tecken)")
    r.add_argument("--fran", help="första år (standard 2019)")
    r.add_argument("--till", help="sista år (standard: senaste år med värde och jämförelse)")
    r.add_argument("--utgava", help="per-ar: varje år med den utgåva av gruppen som gällde då")
    r.add_argument("--mal", choices=sorted(TARGET_WORDS), help="budgetmål i rapporten")
    r.add_argument(
        "--budget",
        metavar="MNKR",
        help="budgeterad nettokostnad för området första budgetåret (mnkr, t.ex. 123,4): "
        "rapporten får en prognos för nettokostnadsavvikelsen",
    )
    r.add_argument(
        "--riket-tillvaxt",
        metavar="PROCENT",
        help="rikets kostnadsökning per år i prognosen (standard: de tre senaste årens)",
    )
    r.add_argument(
        "--invanare",
        metavar="ANTAL",
        help="invånare budgetåret i prognosen (standard: senaste årets)",
    )
    r.add_argument("--format", choices=sorted(RENDER), help="standard: ur --out, annars docx")
    r.add_argument("--out", help="fil att skriva (standard: rapport-<kommun>-<område>.<format>)")
    r.add_argument("--cache-dir", help="cachemapp (standard: KOLADA_CACHE_DIR eller data/cache)")
    r.add_argument("--quiet", action="store_true", help="ingen förloppsrad")
    return parser


def _kommun_id(text: str, names: dict[str, str]) -> str:
    """An id ("561" and "0561" alike) or a name as Kolada writes it (any case)."""
    by_name = {n.casefold(): i for i, n in names.items()}
    return by_name.get(text.strip().casefold(), text.strip())


def _view(args: argparse.Namespace, src: Source):
    params = {"kommun": _kommun_id(args.kommun, src.names), "grupp": args.grupp}
    all_areas = args.omrade == document.ALL
    params["omrade"] = "ifo" if all_areas else args.omrade
    for key in ("egna", "namn", "fran", "till", "utgava"):
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)
    view, problems = parse_view(params, src.names, src.require_values())
    if problems:  # the app falls back and says so; a command stops and says so
        said = (p.replace(" i länken", "").split(". Visar")[0].rstrip(".") + "." for p in problems)
        raise BadInput(" ".join(said))
    return view, all_areas


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
    if args.out and suffix not in RENDER:
        raise BadInput(f"okänd filändelse {quoted(args.out)}: ange --format docx eller pdf")
    return suffix or "docx"


def _budget(args: argparse.Namespace, all_areas: bool) -> BudgetInput | None:
    """--budget, --riket-tillvaxt and --invanare as numbers (decimal comma or point)."""
    if args.budget is None:
        for flag, given in (
            ("--riket-tillvaxt", args.riket_tillvaxt),
            ("--invanare", args.invanare),
        ):
            if given is not None:
                raise BadInput(f"{flag} gäller prognosen: ange också --budget")
        return None
    if all_areas:
        raise BadInput("--budget gäller ett verksamhetsområde: ange --omrade, inte alla")

    def read(flag: str, text: str | None, reader) -> float | None:
        try:
            return None if text is None else reader(text)
        except NumberError as e:
            raise BadInput(f"{flag}: {e}") from None

    return BudgetInput(
        read("--budget", args.budget, read_budget),
        read("--riket-tillvaxt", args.riket_tillvaxt, read_growth),
        read("--invanare", args.invanare, read_population),
    )


def _progress(quiet: bool):
    def show(share: float, message: str) -> None:
        if not quiet:
            print(f"\r{round(share * 100):3d} % {message:<60}", end="", file=sys.stderr)

    return show


def _fetch(store: Store, view, all_areas: bool, quiet: bool) -> None:
    """Fetch what the report reads and the cache does not hold yet (not in read-only mode); a
    failure is said, and the report says which values it lacks."""

    def show(p: Progress) -> None:
        if not quiet:
            print(f"\rHämtar från Kolada: {shorten(p.message, 50):<50}", end="", file=sys.stderr)

    try:
        fetch_missing(
            store,
            needed_kpis(view, all_areas=all_areas),
            progress=show,
            deadline=FETCH_DEADLINE,
            lock_timeout=FETCH_LOCK_WAIT,
        )
    except (KoladaError, BadInput, OSError) as e:  # OSError: a cache folder it cannot write
        print(f"\nKunde inte hämta allt från Kolada ({e}); rapporten säger vad som saknas.",
              file=sys.stderr)  # fmt: skip


def run_report(args: argparse.Namespace) -> int:
    kind = _format(args)
    store = Store(args.cache_dir)
    view, all_areas = _view(args, Source(store))
    budget_input = _budget(args, all_areas)
    _fetch(store, view, all_areas, args.quiet)
    src = Source(store)  # what the cache holds now
    doc = document.make_document(
        src,
        view,
        all_areas=all_areas,
        target=TARGET_WORDS.get(args.mal) if args.mal else None,
        budget_input=budget_input,
        today=date.today(),
        progress=_progress(args.quiet),
    )
    data = RENDER[kind](doc)
    out = Path(args.out or f"{doc.stem}.{kind}")
    write_atomic(out, data)
    if not args.quiet:
        print(file=sys.stderr)
    print(f"Skrev {out} ({len(data) // 1024} kB, {len(doc.figures)} diagram).")
    return 0


def write_atomic(out: Path, data: bytes) -> None:
    """The report under its name, whole or not at all: a temporary file beside it, renamed;
    removed again when anything fails. ``--out`` naming a folder is a ``BadInput``."""
    if out.is_dir():
        raise BadInput(f"--out {quoted(str(out))} är en mapp: ange ett filnamn")
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)  # never a half-written report under the real name
    finally:
        tmp.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run_report(args)
    except BadInput as e:
        print(f"python -m benchmark: fel: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"Fel: rapporten kunde inte skrivas: {os_error_text(e)}.", file=sys.stderr)
        return 1
    except KoladaError as e:
        print(f"Fel: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return 130
    except Exception as e:  # the last resort: one Swedish line with the detail, no traceback
        detail = shorten(" ".join(f"{type(e).__name__}: {e}".split()), 120)
        print(f"Fel: rapporten kunde inte skapas ({detail}).", file=sys.stderr)
        return 1
