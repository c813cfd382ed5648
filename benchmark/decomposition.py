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

The reference is the group's **pooled** cost, as KOSTRA/ASSS read a cost (``pooled_reference``):
with b the inhabitants of the basis, C = Σ(c·b)/Σb = V × S × factor, where V = Σ(v·b)/Σb (the
group's users per inhabitant) and S = Σ(c·b)/Σ(v·factor·b) (the group's cost per user). C is a
cost the group really has ("gruppens genomsnitt, vägt"), and the two parts add up exactly to the
kommun's gap to it. (A reference of median volume × median unit cost is no one's cost: it gave
the opposite sign to the gap for about one kommun in ten.)

The sentence (``split_sentence``) is plain text with Swedish words for the direction ("fler",
"färre", "högre", "lägre"), amounts in tkr or mnkr as the app shows them
(``numbers.money``), each signed amount next to the words saying what it is, and only what the
figures as shown support: a part that rounds to 0 is told as "i nivå med". It is an accounting
split, worded as one ("består av"), not as a cause. Its direction is the sign of the gap as
shown: a gap that rounds to 0 is "i nivå med", never "högre" or "lägre".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from benchmark import fmt
from benchmark.numbers import money, shown

REFERENCE = "jämförelsegruppens vägda genomsnitt"
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


@dataclass(frozen=True)
class Pooled:
    """The group's pooled figures: cost (kr per inhabitant of the basis), volume and unit cost
    in the identity's units, over the ``n`` peers that have all three inputs."""

    cost: float
    volume: float
    unit_cost: float
    n: int


def usable_inputs(
    inputs: Iterable[tuple[float | None, float | None, float | None]],
) -> list[tuple[float, float, float]]:
    """The (cost, volume, basis) of each peer that has all three, finite, with a basis > 0
    and cost and volume ≥ 0: what ``pooled_reference`` sums over (its length is the n for
    coverage)."""
    out = []
    for c, v, b in inputs:
        if c is None or v is None or b is None:
            continue
        if math.isfinite(c) and math.isfinite(v) and math.isfinite(b) and b > 0 <= min(c, v):
            out.append((float(c), float(v), float(b)))
    return out


def pooled_reference(inputs: Iterable[tuple[float, float, float]], factor: float) -> Pooled:
    """The group's cost per inhabitant of the basis, Σ(c·b)/Σb, as volume × unit cost × factor,
    over ``inputs`` (``usable_inputs``: one (cost, volume, basis) per peer). ValueError when
    there is none or the group has no users."""
    rows = list(inputs)
    if not rows:
        raise ValueError("ingen jämförelsekommun har kostnad, volym och befolkning")
    kronor = sum(c * b for c, _, b in rows)
    users = sum(v * factor * b for _, v, b in rows)
    inhabitants = sum(b for _, _, b in rows)
    if users <= 0:
        raise ValueError("jämförelsegruppen har inga brukare")
    return Pooled(kronor / inhabitants, users / factor / inhabitants, kronor / users, len(rows))


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
    """One plain-text sentence on what the difference to the group's pooled cost consists of.

    ``what`` is the activity as written mid-sentence ("LSS-boende", "grundskola F-9");
    ``basis_population``: the invånare of the basis, to give the parts in tkr/mnkr (without it,
    in kr/invånare). Each part is told with its direction word and its signed amount; the
    larger (by absolute value) first. The direction ("högre", "lägre") is the sign of the
    difference as shown; a difference that rounds to 0 is "i nivå med" (parts that cancel are
    named). Cases: both parts the same way ("består både av … och av …", or "till största delen
    av … och i mindre mån av …" when one is at least ``DOMINANT_SHARE`` of the sum); opposite
    ways ("består av …, medan … drar åt andra hållet"); a part that rounds to 0 ("… ligger i
    nivå med gruppens")."""
    v = _part(split.volume_part, basis_population, *_volume_words(words))
    u = _part(split.unit_cost_part, basis_population, *_unit_words(words))
    # the larger by the exact parts: two parts equal as shown still have a larger one
    big, small = (v, u) if abs(split.volume_part) >= abs(split.unit_cost_part) else (u, v)
    if _shown_total(split, basis_population) == 0:
        level = f"Kostnaden för {what} ligger i nivå med {REFERENCE}"
        if big.value == 0:
            return f"{level}: både {v.noun} och {u.noun} ligger i nivå med gruppens."
        return f"{level}: {big.words} vägs upp av {small.words}."
    head = _higher_lower(what, split, basis_population)
    if big.value == 0:  # each part rounds to 0, their sum does not
        return f"{head} består av två små delar: {v.noun} ({v.text}) och {u.noun} ({u.text})."
    if small.value == 0:
        return f"{head} består av {big.words}; {small.noun} ligger i nivå med gruppens."
    if (big.value > 0) == (small.value > 0):
        share = abs(big.value) / (abs(big.value) + abs(small.value))
        if share >= DOMINANT_SHARE:
            return (
                f"{head} består till största delen av {big.words} och i mindre mån av "
                f"{small.words}."
            )
        return f"{head} består både av {big.words} och av {small.words}."
    if big.size == small.size:
        return f"{head} består av {big.words}, som väger något tyngre än {small.words}."
    return f"{head} består av {big.words}, medan {small.words} drar åt andra hållet."


def _volume_words(w: FactorWords) -> tuple[str, str, str]:
    return w.volume_more, w.volume_less, w.volume_noun


def _unit_words(w: FactorWords) -> tuple[str, str, str]:
    return w.unit_more, w.unit_less, w.unit_noun


def _higher_lower(what: str, split: Split, population: float | None) -> str:
    """'Kostnaden för LSS-boende är 4,2 mnkr högre än jämförelsegruppens vägda genomsnitt.
    Skillnaden'."""
    word = "högre" if split.difference > 0 else "lägre"
    if population is None:
        size = fmt.kr_per_inhabitant(abs(split.difference))
    else:
        size = money(abs(to_mnkr(split.difference, population)))
    return f"Kostnaden för {what} är {size} {word} än {REFERENCE}. Skillnaden"
