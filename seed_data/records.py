"""Credit records: positive and negative information of all categories, and the QUALIFICATION
records that back the rosters.

Rates are per 1,000 residents over the whole period 2019-01-01 .. as-of (see README). Decision
dates become more frequent over time (the platform matured). Negative records only concern adults;
display_until is always inside the legal range for the severity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from data_access.queries.display_period import LEGAL_DISPLAY_MONTHS
from data_access.schema.models import COMMENDATION_LEVELS, RECORD_STATUSES, SEVERITIES
from data_access.schema.reference import read_catalogue
from seed_data.common import add_months, day_number, stage_rng
from seed_data.persons import Population
from seed_data.rosters import Rosters, professions

FIRST_DECISION = dt.date(2019, 1, 1)
GROWTH = 3.0  # decisions per day at the as-of date relative to 2019


@dataclass(frozen=True)
class CategorySpec:
    code: str
    per_1000: float
    age_lo: int
    age_hi: int
    severity_p: tuple[float, float, float] | None  # minor, general, serious
    dept: str
    domain: str | None
    title: str


NEGATIVE = (
    CategorySpec("JUDGMENT_DEFAULT", 6.0, 20, 75, (0, 0, 1), "COURT", "JUDICIAL", "被列入失信被执行人名单"),
    CategorySpec("TAX_ARREARS", 1.5, 25, 70, (0, 0.7, 0.3), "TAX", "TAX", "欠缴税款"),
    CategorySpec("WAGE_ARREARS", 1.0, 30, 65, (0, 0.4, 0.6), "HRSS", "LABOUR", "拖欠农民工工资"),
    CategorySpec("UTILITY_ARREARS", 8.0, 22, 85, (0.7, 0.3, 0), "URBAN", "URBAN", "欠缴水电气暖费用"),
    CategorySpec("FINANCIAL_DEFAULT", 10.0, 20, 70, (0, 0.75, 0.25), "PBOC", "FINANCE", "贷款逾期违约"),
    CategorySpec("STUDENT_LOAN_DEFAULT", 1.2, 22, 38, (0, 0.85, 0.15), "EDU", "FINANCE", "助学贷款逾期未还"),
    CategorySpec("ACADEMIC_MISCONDUCT", 0.4, 18, 35, (0, 0.6, 0.4), "EDU", None, "考试作弊或学术不端"),
    CategorySpec("COMMITMENT_BROKEN", 2.0, 22, 70, (0.5, 0.5, 0), "DRC", None, "违反信用承诺"),
)  # fmt: skip
POSITIVE = (
    CategorySpec("COMMENDATION", 6.0, 22, 75, None, "DRC", None, "表彰奖励"),
    CategorySpec("VOLUNTEER", 120.0, 16, 75, None, "CIVILIZATION", "VOLUNTEER", "志愿服务时长记录"),
    CategorySpec("CHARITY", 18.0, 20, 80, None, "CIVIL", None, "慈善捐赠"),
    CategorySpec("BLOOD_DONATION", 35.0, 18, 60, None, "HEALTH", "HEALTHCARE", "无偿献血"),
    CategorySpec("COMMITMENT_KEPT", 30.0, 22, 70, None, "DRC", None, "信用承诺履约"),
)  # fmt: skip
ADMIN_PENALTY_PER_1000 = 16.0
# Relative weight of administrative penalties on individuals by domain (urban management,
# food and drugs, work safety and environment lead).
PENALTY_DOMAIN_WEIGHT = {
    "FOOD_DRUG": 14, "WORK_SAFETY": 10, "ENVIRONMENT": 9, "PRODUCT_QUALITY": 6, "TAX": 5,
    "HEALTHCARE": 5, "LABOUR": 5, "CONSTRUCTION": 7, "FINANCE": 3, "IP": 2, "JUDICIAL": 3,
    "URBAN": 20, "ECOMMERCE": 3,
}  # fmt: skip
PENALTY_SEVERITY_P = (0.40, 0.48, 0.12)
AT_MAXIMUM_SHARE = 0.55  # departments that simply display for the legal maximum
REPAIRED_SHARE = 0.09
OBJECTION_SHARE = 0.015  # of recent negative records
REVOKED_SHARE = 0.004
REPEAT_OFFENDER_SHARE = 0.35  # of negative records that fall on a small high-risk group
LEVEL_P = (0.03, 0.11, 0.28, 0.58)  # national, provincial, city, county

CATEGORIES = [r["code"] for r in read_catalogue("record_categories")]
DOMAINS = [r["code"] for r in read_catalogue("domains")]
DEPARTMENTS = [r["code"] for r in read_catalogue("departments")]
DOMAIN_ZH = {r["code"]: r["name_zh"] for r in read_catalogue("domains")}


@dataclass
class Records:
    """All credit records column-wise (-1 means NULL in the integer code columns)."""

    person: np.ndarray
    category: np.ndarray
    domain: np.ndarray
    severity: np.ndarray
    level: np.ndarray
    quantity: np.ndarray  # float, nan = NULL
    decision: np.ndarray  # day numbers
    display_until: np.ndarray  # day numbers, -1 = NULL
    dept: np.ndarray
    status: np.ndarray
    title: np.ndarray  # str

    @property
    def n(self) -> int:
        return len(self.person)

    def negative(self) -> np.ndarray:
        return self.severity >= 0


def _penalty_specs() -> list[CategorySpec]:
    total = sum(PENALTY_DOMAIN_WEIGHT.values())
    specs = []
    for item in read_catalogue("catalog_items"):
        if item["category_code"] == "ADMIN_PENALTY":
            dom = item["subject"]
            rate = ADMIN_PENALTY_PER_1000 * PENALTY_DOMAIN_WEIGHT[dom] / total
            title = f"{DOMAIN_ZH[dom]}领域行政处罚"
            specs.append(
                CategorySpec(
                    "ADMIN_PENALTY", rate, 18, 75, PENALTY_SEVERITY_P, item["dept_code"], dom, title
                )
            )
    return specs


def _block(rng, spec: CategorySpec, person, decision, pop: Population, as_of_day: int) -> dict:
    n = len(person)
    out: dict[str, np.ndarray] = {
        "person": person.astype(np.int64),
        "category": np.full(n, CATEGORIES.index(spec.code), dtype=np.int16),
        "domain": np.full(n, DOMAINS.index(spec.domain) if spec.domain else -1, dtype=np.int16),
        "severity": np.full(n, -1, dtype=np.int16),
        "level": np.full(n, -1, dtype=np.int16),
        "quantity": np.full(n, np.nan),
        "decision": decision.astype(np.int64),
        "display_until": np.full(n, -1, dtype=np.int64),
        "dept": np.full(n, DEPARTMENTS.index(spec.dept), dtype=np.int16),
        "status": np.zeros(n, dtype=np.int16),
        "title": np.full(n, spec.title),
    }
    if spec.severity_p is not None:
        sev = rng.choice(3, size=n, p=spec.severity_p)
        out["severity"] = sev.astype(np.int16)
        lo_m = np.array([LEGAL_DISPLAY_MONTHS[s][0] for s in SEVERITIES])[sev]
        hi_m = np.array([LEGAL_DISPLAY_MONTHS[s][1] for s in SEVERITIES])[sev]
        lo = np.maximum(add_months(decision, lo_m), decision + 1)
        hi = add_months(decision, hi_m)
        pick = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)
        out["display_until"] = np.where(rng.random(n) < AT_MAXIMUM_SHARE, hi, pick)
    if spec.code == "COMMENDATION":
        out["level"] = rng.choice(len(COMMENDATION_LEVELS), size=n, p=LEVEL_P).astype(np.int16)
        names_zh = np.array(["全国", "省级", "市级", "县级"])
        out["title"] = np.strings.add(names_zh[out["level"]], "表彰")
    elif spec.code == "VOLUNTEER":
        out["quantity"] = np.round(rng.lognormal(2.6, 0.8, size=n).clip(1, 600) * 2) / 2
    elif spec.code == "CHARITY":
        out["quantity"] = np.round(rng.lognormal(5.3, 1.1, size=n).clip(10, 200_000))
    return out


STUDENT_SHARE = 0.7  # exam fraud and academic misconduct: most of it by students on the roll


def _people_and_dates(rng, spec, pop, as_of_day, n, risk_pool, volunteers, students=()):
    first = day_number(FIRST_DECISION)
    age = pop.age_years(as_of_day)
    pool = np.flatnonzero(
        (age >= max(spec.age_lo, 19 if spec.severity_p else 16)) & (age <= spec.age_hi)
    )
    if spec.code == "WAGE_ARREARS":
        pool = pool[pop.male[pool]]
    person = rng.choice(pool, size=n)
    if spec.severity_p is not None and len(risk_pool):
        risky = rng.random(n) < REPEAT_OFFENDER_SHARE
        person[risky] = rng.choice(risk_pool, size=int(risky.sum()))
    if spec.code == "VOLUNTEER" and len(volunteers):
        from_roster = rng.random(n) < 0.8
        person[from_roster] = rng.choice(volunteers, size=int(from_roster.sum()))
    if spec.code == "ACADEMIC_MISCONDUCT" and len(students):
        on_roll = rng.random(n) < STUDENT_SHARE
        person[on_roll] = rng.choice(students, size=int(on_roll.sum()))
    decision = _ramp(rng, n, first, as_of_day - 1)
    min_age = 18 if spec.severity_p is not None else 16
    earliest = pop.birth[person] + int(min_age * 365.25) + 1
    late = decision < earliest
    decision[late] = earliest[late] + np.floor(
        rng.random(int(late.sum())) * np.maximum(as_of_day - 1 - earliest[late], 1)
    ).astype(np.int64)
    return person, np.minimum(decision, as_of_day - 1)


def _ramp(rng, n, lo, hi):
    u = rng.random(n)
    x = (np.sqrt(1 + (GROWTH**2 - 1) * u) - 1) / (GROWTH - 1)
    return lo + np.floor(x * (hi - lo + 1)).astype(np.int64).clip(0, hi - lo)


def _qualification_block(rosters: Rosters, pop: Population) -> dict:
    profs = professions()
    sel = np.flatnonzero(rosters.qualified)
    n = len(sel)
    p = rosters.profession[sel]
    dept = np.array([DEPARTMENTS.index(x["responsible_dept"]) for x in profs], dtype=np.int16)[p]
    names_zh = np.array([x["name_zh"] for x in profs])[p]
    volunteer = [x["code"] for x in profs].index("VOLUNTEER")
    return {
        "person": rosters.person[sel],
        "category": np.full(n, CATEGORIES.index("QUALIFICATION"), dtype=np.int16),
        "domain": np.where(p == volunteer, DOMAINS.index("VOLUNTEER"), -1).astype(np.int16),
        "severity": np.full(n, -1, dtype=np.int16),
        "level": np.full(n, -1, dtype=np.int16),
        "quantity": np.full(n, np.nan),
        "decision": rosters.qualification_day[sel],
        "display_until": np.full(n, -1, dtype=np.int64),
        "dept": dept,
        "status": np.zeros(n, dtype=np.int16),
        "title": np.strings.add(np.strings.add(names_zh, "资格 "), rosters.licence[sel]),
    }


def _statuses(rng, rec: Records, as_of_day: int) -> None:
    """Mark some negative records repaired, under objection or revoked (disjoint)."""
    status = rec.status
    neg = rec.negative()
    sev = rec.severity.clip(0)
    lo_m = np.array([LEGAL_DISPLAY_MONTHS[s][0] for s in SEVERITIES])[sev]
    minimum = np.maximum(add_months(rec.decision, lo_m), rec.decision + 1)
    repairable = neg & (minimum + 15 < np.minimum(rec.display_until, as_of_day))
    repairable &= rec.category != CATEGORIES.index("JUDGMENT_DEFAULT")
    status[repairable & (rng.random(rec.n) < REPAIRED_SHARE)] = RECORD_STATUSES.index("repaired")
    free = neg & (status == 0)
    recent = np.flatnonzero(
        free & (rec.decision >= as_of_day - 120) & (rec.display_until > as_of_day)
    )
    k = min(len(recent), max(2, round(OBJECTION_SHARE * len(recent))))
    status[rng.choice(recent, size=k, replace=False)] = RECORD_STATUSES.index("objection")
    older = np.flatnonzero(neg & (status == 0) & (rec.decision < as_of_day - 30))
    k = min(len(older), max(1, round(REVOKED_SHARE * neg.sum())))
    status[rng.choice(older, size=k, replace=False)] = RECORD_STATUSES.index("revoked")
    pos = np.flatnonzero(~neg & (rec.category != CATEGORIES.index("QUALIFICATION")))
    status[rng.choice(pos, size=len(pos) // 1000, replace=False)] = RECORD_STATUSES.index("revoked")


def generate_records(seed: int, pop: Population, rosters: Rosters, as_of: dt.date) -> Records:
    as_of_day = day_number(as_of)
    rng = stage_rng(seed, "records")
    adults = pop.adults(as_of_day, 19, 75)
    risk_pool = rng.choice(adults, size=max(5, len(adults) * 3 // 100), replace=False)
    vol_idx = [x["code"] for x in professions()].index("VOLUNTEER")
    volunteers = rosters.person[(rosters.profession == vol_idx) & rosters.current]
    codes = [x["code"] for x in professions()]
    students = (
        rosters.person[rosters.profession == codes.index("ADULT_STUDENT")]
        if "ADULT_STUDENT" in codes
        else np.array([], dtype=np.int64)
    )
    blocks = []
    for i, spec in enumerate([*NEGATIVE, *_penalty_specs(), *POSITIVE]):
        r = stage_rng(seed, "records", i)
        minimum = 1 if spec.code == "ADMIN_PENALTY" else 3
        n = max(minimum, int(round(spec.per_1000 * pop.n / 1000)))
        person, decision = _people_and_dates(r, spec, pop, as_of_day, n, risk_pool, volunteers,
                                             students)  # fmt: skip
        blocks.append(_block(r, spec, person, decision, pop, as_of_day))
    blocks.append(_qualification_block(rosters, pop))
    cols = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    order = np.lexsort((cols["person"], cols["category"], cols["decision"]))
    rec = Records(**{k: v[order] for k, v in cols.items()})
    _statuses(rng, rec, as_of_day)
    return rec


def record_ids(n: int) -> np.ndarray:
    return np.strings.add("R", np.strings.zfill(np.arange(1, n + 1).astype("U"), 10))
