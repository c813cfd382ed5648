"""Cost drivers: how much of a kommun's cost difference comes from volume and how much from
unit cost (pure).

A cost per invånare of the basis (kr/inv) is volume × unit cost × factor: brukare per invånare
× kronor per brukare, elever per 1 000 invånare 7–15 år × kronor per elev × 1/1 000, and so on.
The difference to a reference is split symmetrically (the Shapley split of two factors, where
neither factor is taken "first"):

    volume part    = (V_own − V_ref) × (U_own + U_ref)/2 × factor
    unit-cost part = (U_own − U_ref) × (V_own + V_ref)/2 × factor

The two parts add up to own cost − reference cost (to float precision), and swapping the kommun
and the reference swaps the signs of both parts and nothing else.

The reference is the peers' **median volume** and **median unit cost** (``reference_from_peers``),
so the reference cost is median volume × median unit cost × factor: a cost that no peer need
have, and not the peers' median cost.

The sentence (``split_sentence``) is plain text with Swedish words for the direction ("fler",
"färre", "högre", "lägre"), amounts in tkr or mnkr as the app shows them
(``numbers.money``), each signed amount next to the words saying what it is, and only what the
figures as shown support: a part that rounds to 0 is told as "i nivå med".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from benchmark import fmt
from benchmark.numbers import money, shown

DOMINANT_SHARE = 0.75  # parts the same way: "till största delen" when one is ≥ 3/4 of the sum


@dataclass(frozen=True)
class Split:
    """A cost difference split into a volume part and a unit-cost part.

    Costs and parts are kronor per invånare of the basis (kr/inv); volumes and unit costs are in
    the units the caller chose (their product × factor is kr/inv)."""

    own_cost: float
    reference_cost: float
    volume_part: float
    unit_cost_part: float
    own_volume: float
    reference_volume: float
    own_unit_cost: float
    reference_unit_cost: float

    @property
    def difference(self) -> float:
        """own − reference, kr/inv; equals volume_part + unit_cost_part to float precision."""
        return self.own_cost - self.reference_cost


def _finite(name: str, value: float, *, positive: bool = False) -> float:
    value = float(value)
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        need = "större än 0" if positive else "ett ändligt tal ≥ 0"
        raise ValueError(f"{name} måste vara {need}, inte {value!r}")
    return value


def split_two_factors(
    own_volume: float,
    own_unit_cost: float,
    ref_volume: float,
    ref_unit_cost: float,
    factor: float = 1.0,
) -> Split:
    """The symmetric split of (own − reference) cost, cost = volume × unit cost × factor.

    Volumes and unit costs must be finite and ≥ 0, ``factor`` > 0; otherwise ValueError."""
    vo = _finite("volymen", own_volume)
    uo = _finite("styckkostnaden", own_unit_cost)
    vr = _finite("jämförelsens volym", ref_volume)
    ur = _finite("jämförelsens styckkostnad", ref_unit_cost)
    f = _finite("faktorn", factor, positive=True)
    return Split(
        own_cost=vo * uo * f,
        reference_cost=vr * ur * f,
        volume_part=(vo - vr) * (uo + ur) / 2 * f,
        unit_cost_part=(uo - ur) * (vo + vr) / 2 * f,
        own_volume=vo,
        reference_volume=vr,
        own_unit_cost=uo,
        reference_unit_cost=ur,
    )


def _both(volumes: pd.Series, unit_costs: pd.Series) -> pd.DataFrame:
    return pd.concat({"volume": volumes, "unit": unit_costs}, axis=1).dropna()


def peers_with_both(volumes: pd.Series, unit_costs: pd.Series) -> int:
    """How many peers have both a volume and a unit cost: the n for ``analytics.covered``."""
    return len(_both(volumes, unit_costs))


def reference_from_peers(volumes: pd.Series, unit_costs: pd.Series) -> tuple[float, float]:
    """(median volume, median unit cost) over the peers that have both values.

    Both series are indexed by kommun id (unique), the peers only (not the kommun itself);
    a peer missing either value is left out of both medians, so the two medians are over the
    same kommuner. Note that median volume × median unit cost is **not** the peers' median
    cost: it is the cost of a kommun at the middle of the group in each factor. The caller
    checks coverage (``peers_with_both`` with ``analytics.covered``) before showing it.
    ValueError when no peer has both."""
    both = _both(volumes, unit_costs)
    if both.empty:
        raise ValueError("ingen jämförelsekommun har både volym och styckkostnad")
    return float(both["volume"].median()), float(both["unit"].median())


def to_mnkr(kr_per_inhabitant: float, basis_population: float) -> float:
    """kr per invånare of the basis × the basis population, in mnkr."""
    return kr_per_inhabitant * basis_population / 1e6


# ---- the sentence ----------------------------------------------------------------------------
@dataclass(frozen=True)
class FactorWords:
    """What the two factors are called in a sentence, mid-sentence form."""

    volume_more: str  # "fler brukare per invånare"
    volume_less: str  # "färre brukare per invånare"
    volume_noun: str  # "antalet brukare per invånare"
    unit_more: str  # "högre kostnad per brukare"
    unit_less: str  # "lägre kostnad per brukare"
    unit_noun: str  # "kostnaden per brukare"


@dataclass(frozen=True)
class _Part:
    value: float  # as shown: mnkr rounded as ``money`` shows it, or whole kr/inv
    text: str  # signed: "+3,1 mnkr", "−415 tkr", "+299 kr/invånare"
    size: str  # unsigned, to compare two parts as shown
    more: str
    less: str
    noun: str

    @property
    def words(self) -> str:
        """'fler brukare per invånare (+3,0 mnkr)'."""
        return f"{self.more if self.value > 0 else self.less} ({self.text})"


def _part(
    kr_per_inhabitant: float, population: float | None, more: str, less: str, noun: str
) -> _Part:
    if population is None:
        value = float(round(kr_per_inhabitant))
        text = fmt.kr_per_inhabitant(kr_per_inhabitant, sign=True)
        size = fmt.kr_per_inhabitant(abs(kr_per_inhabitant))
    else:
        mnkr = to_mnkr(kr_per_inhabitant, population)
        value, text, size = shown(mnkr), money(mnkr, sign=True), money(abs(mnkr))
    return _Part(value + 0.0, text, size, more, less, noun)


def _shown_total(split: Split, population: float | None) -> float:
    if population is None:
        return float(round(split.difference))
    return shown(to_mnkr(split.difference, population))


def split_sentence(
    what: str, split: Split, words: FactorWords, basis_population: float | None = None
) -> str:
    """One plain-text sentence on what drives the difference to the reference.

    ``what`` is the activity as written mid-sentence ("LSS-boende", "grundskola F-9");
    ``basis_population``: the invånare of the basis, to give the parts in tkr/mnkr (without it,
    in kr/invånare). Each part is told with its direction word and its signed amount; the
    larger (by absolute value) first. Cases: both parts the same way ("beror både på … och på
    …", or "till största delen på … och i mindre mån på …" when one is at least
    ``DOMINANT_SHARE`` of the sum); opposite ways ("beror på …, medan … drar åt andra hållet");
    a part that rounds to 0 ("… ligger i nivå med gruppens median"); a total that
    rounds to 0 ("ligger i nivå med jämförelsegruppen: … vägs upp av …")."""
    v = _part(split.volume_part, basis_population, *_volume_words(words))
    u = _part(split.unit_cost_part, basis_population, *_unit_words(words))
    # the larger by the exact parts: two parts equal as shown still have a larger one
    big, small = (v, u) if abs(split.volume_part) >= abs(split.unit_cost_part) else (u, v)
    level = f"Kostnaden för {what} ligger i nivå med jämförelsegruppen"
    if big.value == 0 and small.value == 0:
        return f"{level}: både {v.noun} och {u.noun} ligger i nivå med gruppens median."
    if small.value == 0:
        head = _higher_lower(what, big.value)
        return f"{head} beror på {big.words}; {small.noun} ligger i nivå med gruppens median."
    if (big.value > 0) == (small.value > 0):
        head = _higher_lower(what, big.value)
        share = abs(big.value) / (abs(big.value) + abs(small.value))
        if share >= DOMINANT_SHARE:
            return (
                f"{head} beror till största delen på {big.words} och i mindre mån på {small.words}."
            )
        return f"{head} beror både på {big.words} och på {small.words}."
    if _shown_total(split, basis_population) == 0:
        return f"{level}: {big.words} vägs upp av {small.words}."
    head = _higher_lower(what, split.difference)
    if big.size == small.size:
        return f"{head} beror på att {big.words} väger något tyngre än {small.words}."
    return f"{head} beror på {big.words}, medan {small.words} drar åt andra hållet."


def _volume_words(w: FactorWords) -> tuple[str, str, str]:
    return w.volume_more, w.volume_less, w.volume_noun


def _unit_words(w: FactorWords) -> tuple[str, str, str]:
    return w.unit_more, w.unit_less, w.unit_noun


def _higher_lower(what: str, sign: float) -> str:
    word = "högre" if sign > 0 else "lägre"
    return f"Den {word} kostnaden för {what} jämfört med jämförelsegruppen"
