"""What the money buys (issue 22, "Kostnad och kvalitet") as data: per area a short list of
Kolada's quality KPIs — user ratings (brukarbedömning, KKiK), outcomes, waiting times and RKA's
kvalitets- and effektivitetsindex — with whether a higher value is better, the unit, the kind,
one Swedish line on what each measures and the caveat that comes with it.

RKA's resursindex is not here: it is the area's NKA rescaled to 0–100 (Spearman −1,00 against
the NKA in 2022), so it says nothing the cost axis does not. The ids and titles follow the
Kolada v3 catalogue of 2026-03 (``shared/kolada-real/SOURCES.md`` §4c). Pure data: never imports
streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = {
    "brukarbedömning": "Brukarbedömning",
    "resultat": "Resultat",
    "väntetid": "Väntetid",
    "index": "RKA-index",
}
# unit → the words for "more" and "less" of it in a sentence
COMPARATIVES = {
    "dagar": ("längre", "kortare"),
    "antal personal": ("fler", "färre"),
}
PLAIN = ("högre", "lägre")
SURVEY = (
    "Bygger på en enkät: svarsfrekvensen kan vara låg och i en liten kommun står få svar "
    "bakom andelen, så små skillnader kan vara slumpens."
)
INDEX = (
    "RKA:s index: kommunernas värden på en skala 0–100 där 100 är bäst; ett sammanvägt mått "
    "som inte säger vilken del av verksamheten som drar."
)
EFFICIENCY = (
    "RKA:s effektivitetsindex väger samman kvalitetsindex och resursindex (kostnaden), så "
    "kostnaden räknas två gånger om det ställs mot NKA."
)
ENDED = "Måttet utgår ur Koladas katalog: nya år publiceras inte."


@dataclass(frozen=True)
class QualityKpi:
    kpi: str  # Kolada id
    title: str  # short Swedish label
    area: str  # Area code in kolada/catalogue.py
    kind: str  # one of KINDS
    unit: str  # "%", "dagar", "index", "meritvärde", "antal personal"
    higher_is_better: bool
    measure: str  # what more of it is, in a sentence: "andel nöjda med hemtjänsten"
    means: str  # one Swedish line on what it measures
    caveat: str = ""  # what to keep in mind (survey, small numbers, a KPI that ends)

    @property
    def kind_title(self) -> str:
        return KINDS[self.kind]

    @property
    def kind_in_sentence(self) -> str:
        """'brukarbedömning', 'RKA-index': the kind mid-sentence."""
        title = KINDS[self.kind]
        return title if title.startswith("RKA") else title.lower()

    @property
    def comparatives(self) -> tuple[str, str]:
        """The words for a higher and a lower value: ("längre", "kortare") for a time."""
        return COMPARATIVES.get(self.unit, PLAIN)


def _q(kpi, title, area, kind, unit, higher, measure, means, caveat=""):
    return QualityKpi(kpi, title, area, kind, unit, higher, measure, means, caveat)


QUALITY: tuple[QualityKpi, ...] = (
    # ---- individ- och familjeomsorg
    _q("U30453", "Brukarbedömning IFO totalt – förbättrad situation, andel (%)", "ifo",
       "brukarbedömning", "%", True, "andel som fått det bättre efter kontakten med IFO",
       "Andelen av dem som svarat i IFO:s brukarundersökning som anser att deras situation har "
       "blivit bättre.", SURVEY),
    _q("U33581", "Brukarbedömning barn och unga – förbättrad situation, andel (%)", "ifo",
       "brukarbedömning", "%", True, "andel barn och unga som fått det bättre",
       "Andelen barn, unga och föräldrar i barn- och ungdomsvården som anser att situationen "
       "har blivit bättre.", SURVEY),
    _q("U33401", "Utredningstid barn och unga, dagar", "ifo", "väntetid", "dagar", False,
       "utredningstid inom barn- och ungdomsvården",
       "Hur många dagar en utredning om barn och unga 0–20 år i genomsnitt tar, från start "
       "till beslut.", ENDED),
    _q("U31402", "Väntetid till beslut om försörjningsstöd, dagar", "ifo", "väntetid", "dagar",
       False, "väntetid till beslut om försörjningsstöd",
       "Hur många dagar det i genomsnitt tar från ansökan vid nybesök till beslut om "
       "försörjningsstöd (mätt första halvåret).", ENDED),
    _q("U31462", "Ej återaktualiserade ett år efter försörjningsstöd, andel (%)", "ifo",
       "resultat", "%", True, "andel som klarar sig utan nytt försörjningsstöd",
       "Andelen vuxna som inte fått försörjningsstöd igen ett år efter att biståndet avslutats.",
       ENDED),
    _q("U31401", "Kvalitetsindex ekonomiskt bistånd", "ifo", "index", "index", True,
       "kvalitetsindex för ekonomiskt bistånd",
       "RKA:s sammanvägning av kvalitetsmått för ekonomiskt bistånd.", INDEX),
    _q("U31904", "Effektivitetsindex ekonomiskt bistånd", "ifo", "index", "index", True,
       "effektivitetsindex för ekonomiskt bistånd",
       "RKA:s sammanvägning av kvalitetsindex och resursindex för ekonomiskt bistånd.",
       EFFICIENCY),
    # ---- äldreomsorg
    _q("U21468", "Brukarbedömning hemtjänst – helhetssyn, andel (%)", "aldreomsorg",
       "brukarbedömning", "%", True, "andel nöjda med hemtjänsten",
       "Andelen hemtjänsttagare 65+ som är mycket eller ganska nöjda med sin hemtjänst "
       "sammantaget.", SURVEY),
    _q("U23471", "Brukarbedömning särskilt boende – helhetssyn, andel (%)", "aldreomsorg",
       "brukarbedömning", "%", True, "andel nöjda med sitt särskilda boende",
       "Andelen boende 65+ i särskilt boende som är mycket eller ganska nöjda med sitt boende "
       "sammantaget.", SURVEY),
    _q("U21401", "Personalkontinuitet i hemtjänsten, antal personal", "aldreomsorg",
       "resultat", "antal personal", False, "personal som en hemtjänsttagare möter",
       "Hur många olika personal en hemtjänsttagare med minst två besök om dagen i genomsnitt "
       "möter under 14 dagar.", ENDED),
    _q("U23401", "Väntetid till särskilt boende, dagar", "aldreomsorg", "väntetid", "dagar",
       False, "väntetid till särskilt boende",
       "Hur många dagar det i genomsnitt tar från ansökan till första erbjudna "
       "inflyttningsdatum i särskilt boende.", ENDED),
    _q("U20404", "Kvalitetsindex äldreomsorg", "aldreomsorg", "index", "index", True,
       "kvalitetsindex för äldreomsorgen",
       "RKA:s sammanvägning av kvalitetsmått för äldreomsorgen.", INDEX),
    _q("U20900", "Effektivitetsindex äldreomsorg", "aldreomsorg", "index", "index", True,
       "effektivitetsindex för äldreomsorgen",
       "RKA:s sammanvägning av kvalitetsindex och resursindex för äldreomsorgen.", EFFICIENCY),
    # ---- LSS
    _q("U28570", "Brukarbedömning boende LSS – trivs alltid hemma, andel (%)", "lss",
       "brukarbedömning", "%", True, "andel som alltid trivs hemma i sitt LSS-boende",
       "Andelen boende i LSS-boende (i kommunen där boendet ligger) som svarat att de alltid "
       "trivs hemma.", SURVEY),
    _q("U28538", "Brukarbedömning daglig verksamhet LSS – trivs alltid, andel (%)", "lss",
       "brukarbedömning", "%", True, "andel som alltid trivs på sin dagliga verksamhet",
       "Andelen deltagare i daglig verksamhet enligt LSS som svarat att de alltid trivs där.",
       SURVEY),
    _q("U28408", "Kvalitetsindex LSS boende och daglig verksamhet", "lss", "index", "index",
       True, "kvalitetsindex för LSS",
       "RKA:s sammanvägning av kvalitetsmått för LSS boende och daglig verksamhet.", INDEX),
    _q("U28900", "Effektivitetsindex LSS boende och daglig verksamhet", "lss", "index", "index",
       True, "effektivitetsindex för LSS",
       "RKA:s sammanvägning av kvalitetsindex och resursindex för LSS boende och daglig "
       "verksamhet.", EFFICIENCY),
    # ---- förskola
    _q("U11404", "Kvalitetsindex förskola", "forskola", "index", "index", True,
       "kvalitetsindex för förskolan",
       "RKA:s sammanvägning av kvalitetsmått för förskolan.", INDEX),
    _q("U11901", "Effektivitetsindex förskola", "forskola", "index", "index", True,
       "effektivitetsindex för förskolan",
       "RKA:s sammanvägning av kvalitetsindex och resursindex för förskolan.", EFFICIENCY),
    # ---- grundskola
    _q("N15507", "Meritvärde åk 9, hemkommun, genomsnitt (17 ämnen)", "grundskola", "resultat",
       "meritvärde", True, "meritvärde i årskurs 9",
       "Elevernas genomsnittliga meritvärde i årskurs 9 (folkbokförda i kommunen, alla "
       "huvudmän).",
       "Påverkas mycket av elevernas bakgrund; i en liten kommun kan en årskull svänga mycket."),
    _q("N15428", "Behöriga till yrkesprogram åk 9, hemkommun, andel (%)", "grundskola",
       "resultat", "%", True, "andel behöriga till gymnasiets yrkesprogram",
       "Andelen elever i årskurs 9 som är behöriga till ett yrkesprogram på gymnasiet.",
       "Påverkas mycket av elevernas bakgrund; i en liten kommun kan en årskull svänga mycket."),
    _q("U15401", "Kvalitetsindex kommunal grundskola F-9", "grundskola", "index", "index", True,
       "kvalitetsindex för grundskolan",
       "RKA:s sammanvägning av kvalitetsmått för den kommunala grundskolan.", INDEX),
    _q("U15900", "Effektivitetsindex kommunal grundskola F-9", "grundskola", "index", "index",
       True, "effektivitetsindex för grundskolan",
       "RKA:s sammanvägning av kvalitetsindex och resursindex för den kommunala grundskolan.",
       EFFICIENCY),
    # ---- gymnasieskola
    _q("N17445", "Gymnasieelever med examen inom 3 år, hemkommun, andel (%)", "gymnasieskola",
       "resultat", "%", True, "andel med gymnasieexamen inom tre år",
       "Andelen gymnasieelever folkbokförda i kommunen som tar examen inom tre år.",
       "Påverkas mycket av elevernas bakgrund och av vilka program de går."),
    _q("U17900", "Effektivitetsindex kommunal gymnasieskola", "gymnasieskola", "index", "index",
       True, "effektivitetsindex för gymnasieskolan",
       "RKA:s sammanvägning av kvalitetsindex och resursindex för den kommunala "
       "gymnasieskolan.", EFFICIENCY),
)  # fmt: skip

QUALITY_BY_KPI = {q.kpi: q for q in QUALITY}


def quality_for(area_code: str) -> tuple[QualityKpi, ...]:
    """The quality KPIs of an area, in the order above; empty for an area without any."""
    return tuple(q for q in QUALITY if q.area == area_code)


def areas_with_quality() -> list[str]:
    """The codes of the areas that have quality KPIs, in the order of ``QUALITY``."""
    return list(dict.fromkeys(q.area for q in QUALITY))


def quality_kpis() -> list[str]:
    """Every quality KPI id, sorted and unique."""
    return sorted(QUALITY_BY_KPI)
