"""The fixed facts of the demo world: fictional host countries, regions, routes and vocabularies.

Host codes use the ISO 3166 user-assigned range (X?) so they can never be mistaken for
real countries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class HostSetup:
    """How one host country is laid out in the demo: mission, consulates, size, situation."""

    code: str
    name: str
    capital: str
    consulate_regions: tuple[str, ...]
    rotation: str  # SPEC §3 host policy: "paired" (capped places) or "free"
    stay: str  # "permit_required" or "may_stay" (host lets stranded people stay)
    situation: str
    workplaces: int  # at scale 1
    people: int  # at scale 1
    type_mix: tuple[tuple[str, int], ...]  # workplace_type -> weight
    stalled_share: float  # share of workplaces whose business cannot operate
    health_share: float  # share of people who cannot work for health reasons
    stranded_target: int  # people reported stranded or without work, at scale 1


HOSTS: tuple[HostSetup, ...] = (
    HostSetup(
        code="XC", name="Calder", capital="Jinhai",
        consulate_regions=("Lianbei", "Dongshan", "Haixi", "Nanping"),
        rotation="paired", stay="permit_required",
        situation="Places are capped; the land border (Jinhai river bridge) is closed.",
        workplaces=160, people=5000,
        type_mix=(("factory", 50), ("restaurant", 20), ("trading_company", 10),
                  ("construction", 10), ("other", 10)),
        stalled_share=0.06, health_share=0.04, stranded_target=300,
    ),
    HostSetup(
        code="XR", name="Rusvald", capital="Vostrava",
        consulate_regions=("Kamensk", "Belogorsk", "Zarechny"),
        rotation="free", stay="may_stay",
        situation="The rail link is severed; the host lets stranded people stay.",
        workplaces=100, people=3500,
        type_mix=(("construction", 45), ("factory", 15), ("restaurant", 10),
                  ("trading_company", 10), ("other", 20)),
        stalled_share=0.15, health_share=0.03, stranded_target=1000,
    ),
    HostSetup(
        code="XV", name="Valeria", capital="Tan Hoa",
        consulate_regions=("Binh Lac", "Cao Mai"),
        rotation="free", stay="permit_required",
        situation="Open: scheduled flights run.",
        workplaces=60, people=1500,
        type_mix=(("factory", 30), ("restaurant", 25), ("construction", 20),
                  ("trading_company", 15), ("other", 10)),
        stalled_share=0.05, health_share=0.03, stranded_target=80,
    ),
)  # fmt: skip

# Routes home and back (SPEC §3): id, host, mode, open_from, open_until, seats home/out a day.
ROUTES: tuple[tuple[str, str, str, date | None, date | None, int, int, str], ...] = (
    ("jinhai-bridge", "XC", "bridge", date(2021, 8, 10), None, 120, 120,
     "Land border closed since 2020-01-22; reopening announced for 2021-08-10."),
    ("vostrava-rail", "XR", "rail", None, None, 0, 0,
     "Rail link severed since 2020-02-03; no date for reopening."),
    ("vostrava-charter", "XR", "flight", date(2021, 9, 1), date(2021, 9, 30), 20, 20,
     "Occasional charter flights, few seats."),
    ("tanhoa-flight", "XV", "flight", date(2021, 7, 20), None, 60, 60,
     "Scheduled flights twice a week, pooled per day."),
)  # fmt: skip

QUARANTINE_BEDS = 400
QUARANTINE_DAYS = 14

# Slot ranges per workplace type (before scaling to the host's headcount).
SLOTS: dict[str, tuple[int, int]] = {
    "factory": (30, 90),
    "restaurant": (8, 20),
    "trading_company": (3, 8),
    "construction": (25, 70),
    "other": (6, 30),
}

# Trades per workplace type (SPEC §5: the skill a workplace's places need).
TRADES: dict[str, tuple[str, ...]] = {
    "factory": ("sewing", "sewing", "sewing", "electronics", "food_processing"),
    "restaurant": ("cooking",),
    "trading_company": ("trading",),
    "construction": ("construction", "construction", "masonry"),
    "other": ("fishing", "forestry", "software"),
}

# Share of women per workplace type.
WOMEN_SHARE: dict[str, float] = {
    "factory": 0.75,
    "restaurant": 0.85,
    "trading_company": 0.2,
    "construction": 0.02,
    "other": 0.25,
}

BRANDS: tuple[str, ...] = (
    "Hanbit", "Saebyeol", "Dallae", "Mindeulle", "Jindallae", "Haebit", "Arirang", "Cheongsong",
    "Moran", "Okryu", "Baekhak", "Geumgang", "Eunha", "Nuri", "Sobaek", "Sinheung", "Haneul",
    "Pureun", "Gaon", "Areum", "Bomnal", "Dasom", "Hyangsu", "Songdo", "Yeonpung",
)  # fmt: skip

PRODUCTS: dict[str, tuple[str, ...]] = {
    "sewing": ("Garment Factory", "Textile Works", "Knitwear Factory"),
    "electronics": ("Electronics Assembly Plant", "Cable Works"),
    "food_processing": ("Seafood Processing Plant", "Food Factory"),
    "construction": ("Housing Project Site", "Road Project Site", "Tower Site"),
    "masonry": ("Brickworks Site", "Stone Works Site"),
    "fishing": ("Fishing Cooperative",),
    "forestry": ("Logging Camp",),
    "software": ("Software Office",),
}

ILLNESS_NOTES: tuple[str, ...] = (
    "pneumonia, treated at the regional hospital; recovering",
    "hepatitis, under treatment; needs follow-up",
    "persistent high blood pressure; medication",
    "tuberculosis suspected; isolated pending test result",
    "diabetes, poorly controlled; needs regular insulin",
    "kidney stones; awaiting procedure",
    "depression after long separation from family; counselling",
    "severe dental infection; needs surgery",
)  # fmt: skip

INJURY_NOTES: tuple[str, ...] = (
    "fractured wrist at the sewing line; cast for six weeks",
    "fell from scaffolding; back injury, cannot lift",
    "burn to the hand in the kitchen; dressing changed daily",
    "crushed foot on site; walks with crutches",
    "eye injury from metal splinter; partial sight loss",
    "cut tendon in the hand; needs physiotherapy",
)  # fmt: skip
