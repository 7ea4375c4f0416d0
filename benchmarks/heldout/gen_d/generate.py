#!/usr/bin/env python3
"""gen_d -- held-out labelled synthetic query log for the Zhoukou credit platform.

    python generate.py --out DIR --seed N [--history-days H]
                       [--from YYYY-MM-DD] [--days D] [--persons P] [--volume X]

Writes persons.csv, operators.csv, query_log.csv (contract import formats),
labels.csv, label_queries.csv and meta.json into DIR.  See README.md for the
design of the city and of the planted misuse.  numpy + pandas + stdlib only.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time

import numpy as np
import pandas as pd

VERSION = "gen_d-1.0"
DAY = 86400
BASE_VOLUME = 0.87  # calibrates the default run to about 360,000 lookups in 100 days

# --------------------------------------------------------------------------------------
# Reference data (copied from shared/reference/*.csv so the generator is self-contained)
# --------------------------------------------------------------------------------------
# code, name, population 2018, ID code for births < 2000, ID code for births 2000..2019
COUNTIES = [
    ("411602", "川汇区", 721300, "412701", "411602"),
    ("411603", "淮阳区", 976500, "412727", "411626"),
    ("411621", "扶沟县", 589500, "412721", "411621"),
    ("411622", "西华县", 737000, "412722", "411622"),
    ("411623", "商水县", 880000, "412723", "411623"),
    ("411624", "沈丘县", 933000, "412728", "411624"),
    ("411625", "郸城县", 957000, "412726", "411625"),
    ("411627", "太康县", 1032100, "412724", "411627"),
    ("411628", "鹿邑县", 878200, "412725", "411628"),
    ("411681", "项城市", 973200, "412702", "411681"),
]
CC = [c[0] for c in COUNTIES]
NC = len(COUNTIES)
CPOP = np.array([c[2] for c in COUNTIES], float)
CPOP_P = CPOP / CPOP.sum()
# approximate land borders between the ten units (documented in README)
EDGES = [(0, 1), (0, 4), (0, 3), (1, 7), (1, 3), (1, 4), (1, 9), (1, 5), (1, 6), (1, 8),
         (2, 3), (2, 7), (3, 7), (3, 4), (4, 9), (5, 9), (5, 6), (6, 8), (7, 8)]
NEIGH = {i: sorted({b for a, b in EDGES if a == i} | {a for a, b in EDGES if b == i}) for i in range(NC)}
# how much more often a county office deals with residents registered elsewhere
COUNTY_CROSS_FACTOR = np.array([2.2, 1.6, 0.6, 1.0, 1.0, 1.3, 0.8, 1.0, 0.9, 1.4])
# ID region codes of people born outside Zhoukou (neighbouring cities, Anhui border, big cities)
OUTSIDE_CODES = ["410102", "410105", "411102", "411702", "411402", "341202", "341221", "341282",
                 "341602", "410202", "410402", "320324", "330102", "440304", "310115"]

DEPTS = ["DRC", "PSB", "ORG", "HRSS", "EDU", "HEALTH", "SAMR", "TAX", "JUSTICE", "COURT", "HOUSING",
         "TRANSPORT", "ECOENV", "EMERGENCY", "FIRE", "FINANCE", "AUDIT", "CULTURE", "PROPAGANDA",
         "POSTAL", "PBOC", "NFRA", "URBAN", "COMMERCE", "CIVILIZATION", "CIVIL", "GOVSERVICE"]
PURPOSES = ["EMPLOYMENT", "PRACTICE", "LABOUR", "EXECUTIVE", "CIVIL_SERVICE", "COMMENDATION",
            "APPOINTMENT", "HONESTY_AWARD", "LICENSING", "PUBLIC_FUNDS", "POLICY_SUPPORT",
            "ENFORCEMENT", "OBJECTION", "REPAIR", "SELF", "AUTHORIZED"]
PI = {p: i for i, p in enumerate(PURPOSES)}
CHANNELS = ["WINDOW", "WEB", "API", "DASHBOARD"]
CHI = {c: i for i, c in enumerate(CHANNELS)}

PROFESSIONS = [  # code, responsible dept, share of adults aged 22-62 (percent)
    ("CIVIL_SERVANT", "ORG", 1.2), ("LEGAL_REP", "SAMR", 2.0), ("LAWYER", "JUSTICE", 0.15),
    ("TEACHER", "EDU", 1.8), ("PHYSICIAN", "HEALTH", 0.6), ("PHARMACIST", "SAMR", 0.2),
    ("APPRAISER", "FINANCE", 0.05), ("TAX_AGENT", "TAX", 0.08), ("SAFETY_ENGINEER", "EMERGENCY", 0.1),
    ("FIRE_ENGINEER", "FIRE", 0.06), ("ACCOUNTANT", "FINANCE", 0.4), ("AUDITOR", "AUDIT", 0.05),
    ("REAL_ESTATE_AGENT", "HOUSING", 0.3), ("CERTIFIER", "SAMR", 0.05), ("FINANCE_STAFF", "PBOC", 0.4),
    ("INSURANCE_STAFF", "NFRA", 0.5), ("MEDIA_STAFF", "PROPAGANDA", 0.05), ("TOUR_GUIDE", "CULTURE", 0.06),
    ("SAFETY_ASSESSOR", "EMERGENCY", 0.05), ("HEALTH_ASSESSOR", "HEALTH", 0.05),
    ("ROAD_TRANSPORT", "TRANSPORT", 1.0), ("QUALITY_INSPECTOR", "SAMR", 0.1), ("PROJECT_LEAD", "HOUSING", 0.2),
    ("VOLUNTEER", "CIVILIZATION", 1.5), ("COURIER", "POSTAL", 0.5),
]
PROF_CODES = [p[0] for p in PROFESSIONS]
PROF_I = {p: i for i, p in enumerate(PROF_CODES)}

SURNAMES = (
    "王7.5 李7.9 张7.0 刘5.4 陈3.5 杨3.0 赵2.5 黄1.2 周1.3 吴1.0 徐1.1 孙1.5 马1.6 朱1.2 胡1.0 郭2.0 何0.8 "
    "高1.3 林0.4 罗0.6 郑0.9 梁0.8 谢0.6 宋1.0 唐0.6 许1.0 韩0.8 冯0.8 邓0.5 曹0.8 彭0.5 曾0.3 肖0.4 "
    "田0.8 董0.7 袁0.6 潘0.3 于0.6 蒋0.3 蔡0.4 余0.3 杜0.6 叶0.3 程0.6 苏0.5 魏0.6 吕0.6 丁0.5 任0.6 "
    "沈0.3 姚0.4 卢0.4 姜0.4 崔0.5 钟0.2 谭0.2 陆0.2 汪0.2 范0.5 金0.2 石0.5 廖0.1 贾0.6 夏0.4 付0.6 "
    "方0.3 白0.5 邹0.2 孟0.5 熊0.2 秦0.4 邱0.3 江0.2 尹0.3 薛0.4 闫0.5 段0.4 雷0.3 侯0.5 史0.4 陶0.2 "
    "贺0.3 顾0.2 毛0.3 郝0.4 邵0.3 万0.3 武0.4 戴0.2 孔0.3 汤0.2 常0.4 葛0.3 牛0.4 耿0.3 申0.2 岳0.3 "
    "乔0.3 单0.2 窦0.1 聂0.2 穆0.1 楚0.1 殷0.2 柴0.2"
).split()
SUR = [s[0] for s in SURNAMES]
SUR_W = np.array([float(s[1:]) for s in SURNAMES])
SUR_W /= SUR_W.sum()
GIVEN_M = list("伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志新海峰亮成永东文博振兴红中庆立家豪嘉子晨轩一铭昊天泽瑞")
GIVEN_F = list("芳娜敏静丽艳娟霞秀英玲燕红梅莉兰萍婷雪琳慧颖倩洁丹晶欣月佳悦怡雨梦思涵可馨瑶菲彤蕾淑凤玉琴桂花春云艺诗")

# --------------------------------------------------------------------------------------
# Calendar: weekends, public holidays and make-up working days (State Council schedules)
# --------------------------------------------------------------------------------------
D = dt.date
_HOL_RANGES = [
    (D(2024, 1, 1), D(2024, 1, 1)), (D(2024, 2, 10), D(2024, 2, 17)), (D(2024, 4, 4), D(2024, 4, 6)),
    (D(2024, 5, 1), D(2024, 5, 5)), (D(2024, 6, 10), D(2024, 6, 10)), (D(2024, 9, 15), D(2024, 9, 17)),
    (D(2024, 10, 1), D(2024, 10, 7)),
    (D(2025, 1, 1), D(2025, 1, 1)), (D(2025, 1, 28), D(2025, 2, 4)), (D(2025, 4, 4), D(2025, 4, 6)),
    (D(2025, 5, 1), D(2025, 5, 5)), (D(2025, 5, 31), D(2025, 6, 2)), (D(2025, 10, 1), D(2025, 10, 8)),
    (D(2026, 1, 1), D(2026, 1, 3)), (D(2026, 2, 15), D(2026, 2, 23)), (D(2026, 4, 4), D(2026, 4, 6)),
    (D(2026, 5, 1), D(2026, 5, 5)), (D(2026, 6, 19), D(2026, 6, 21)), (D(2026, 9, 25), D(2026, 9, 27)),
    (D(2026, 10, 1), D(2026, 10, 7)),
]
HOLIDAYS = set()
for _a, _b in _HOL_RANGES:
    HOLIDAYS.update(_a + dt.timedelta(i) for i in range((_b - _a).days + 1))
MAKEUP = {D(2024, 2, 4), D(2024, 2, 18), D(2024, 4, 7), D(2024, 4, 28), D(2024, 5, 11), D(2024, 9, 14),
          D(2024, 9, 29), D(2024, 10, 12), D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28),
          D(2025, 10, 11), D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
          D(2026, 10, 10)}
SPRING_FESTIVAL = [(D(2024, 2, 10), D(2024, 2, 17)), (D(2025, 1, 28), D(2025, 2, 4)),
                   (D(2026, 2, 15), D(2026, 2, 23))]


class Cal:
    """Per-day arrays for every day from history_from to to (global day index 0..nd-1)."""

    def __init__(self, start: dt.date, end: dt.date):
        self.dates = [start + dt.timedelta(i) for i in range((end - start).days + 1)]
        n = self.nd = len(self.dates)
        self.ymd = np.array([d.strftime("%Y%m%d") for d in self.dates])
        self.iso = np.array([d.isoformat() for d in self.dates])
        self.year = np.array([d.year for d in self.dates])
        self.month = np.array([d.month for d in self.dates])
        self.dom = np.array([d.day for d in self.dates])
        self.md = self.month * 100 + self.dom
        self.wd = np.array([d.weekday() for d in self.dates])
        self.holiday = np.array([d in HOLIDAYS for d in self.dates])
        self.makeup = np.array([d in MAKEUP for d in self.dates])
        self.workday = ((self.wd < 5) & ~self.holiday) | self.makeup
        self.saturday_open = (self.wd == 5) & ~self.holiday & ~self.makeup
        self.summer = (self.month >= 5) & (self.month <= 9)
        epoch = dt.date(1970, 1, 1)
        self.abs = np.array([(d - epoch).days for d in self.dates], dtype=np.int64)
        self.sec = self.abs * DAY
        self.pre_sf = np.zeros(n, bool)
        self.post_sf = np.zeros(n, bool)
        for a, b in SPRING_FESTIVAL:
            for i, d in enumerate(self.dates):
                if a - dt.timedelta(8) <= d < a:
                    self.pre_sf[i] = True
                if b < d <= b + dt.timedelta(8):
                    self.post_sf[i] = True
        # first three working days of each month (monthly list checks)
        self.wd_rank = np.zeros(n, int)
        last_m, k = None, 0
        for i in range(n):
            m = (self.year[i], self.month[i])
            if m != last_m:
                last_m, k = m, 0
            if self.workday[i]:
                k += 1
                self.wd_rank[i] = k

    def index(self, d: dt.date) -> int:
        return (d - self.dates[0]).days


# --------------------------------------------------------------------------------------
# Population
# --------------------------------------------------------------------------------------
W17 = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
CHECK = np.array(list("10X98765432"))


def check_chars(bodies) -> np.ndarray:
    b = np.asarray(bodies, dtype="U17")
    if len(b) == 0:
        return np.array([], dtype="U1")
    arr = np.frombuffer("".join(b.tolist()).encode("ascii"), dtype=np.uint8).reshape(-1, 17).astype(int) - 48
    return CHECK[(arr * W17).sum(1) % 11]


def check_char_one(body: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, W17)) % 11]


class Pop:
    pass


def build_population(rng, n, as_of: dt.date) -> Pop:
    P = Pop()
    # --- townships and villages ------------------------------------------------------
    vcode, vcounty, vtown, vrural, vw = [], [], [], [], []
    town = 0
    for c, (code, _nm, pop, _h, _m) in enumerate(COUNTIES):
        if c == 0:
            n_street, n_rur = 9, 3
        else:
            n_street, n_rur = 3, int(round(pop / 55000))
        for s in range(n_street):
            for v in range(int(rng.integers(5, 9))):
                vcode.append(f"{code}{s + 1:03d}{v + 1:03d}")
                vcounty.append(c); vtown.append(town); vrural.append(False)
                vw.append(1.8 * rng.lognormal(0, 0.25))
            town += 1
        half = (n_rur + 1) // 2
        for s in range(n_rur):
            tcode = 101 + s if s < half else 201 + (s - half)
            for v in range(int(rng.integers(1, 3))):
                vcode.append(f"{code}{tcode:03d}{v + 1:03d}")
                vcounty.append(c); vtown.append(town); vrural.append(False)
                vw.append(1.0 * rng.lognormal(0, 0.25))
            for v in range(int(rng.integers(8, 15))):
                vcode.append(f"{code}{tcode:03d}{201 + v:03d}")
                vcounty.append(c); vtown.append(town); vrural.append(True)
                vw.append(rng.lognormal(0, 0.35))
            town += 1
    P.vcode = np.array(vcode)
    P.vcounty = np.array(vcounty)
    P.vtown = np.array(vtown)
    P.vrural = np.array(vrural)
    vw = np.array(vw)
    nv = len(vcode)
    # single-surname villages are common on the Huang-Huai plain
    P.vdom = rng.choice(len(SUR), nv, p=SUR_W)
    P.vshare = np.where(P.vrural, rng.uniform(0.25, 0.72, nv), 0.0)

    # --- persons -----------------------------------------------------------------------
    county = rng.choice(NC, n, p=CPOP_P)
    village = np.empty(n, int)
    for c in range(NC):
        m = county == c
        vs = np.flatnonzero(P.vcounty == c)
        w = vw[vs] / vw[vs].sum()
        village[m] = rng.choice(vs, m.sum(), p=w)
    sur = rng.choice(len(SUR), n, p=SUR_W)
    dom = rng.random(n) < P.vshare[village]
    sur[dom] = P.vdom[village[dom]]
    male = rng.random(n) < 0.505
    # age structure of a labour-exporting Henan prefecture
    bands = [(0, 18, 20), (18, 30, 12), (30, 40, 14), (40, 50, 14), (50, 60, 18), (60, 70, 12), (70, 92, 10)]
    bw = np.array([b[2] for b in bands], float)
    bi = rng.choice(len(bands), n, p=bw / bw.sum())
    lo = np.array([b[0] for b in bands])[bi]
    hi = np.array([b[1] for b in bands])[bi]
    age_days = ((lo + (hi - lo) * rng.random(n)) * 365.25).astype(int) + 1
    birth = np.datetime64(as_of.isoformat()) - age_days.astype("timedelta64[D]")
    bstr = np.datetime_as_string(birth, unit="D")
    byear = birth.astype("datetime64[Y]").astype(int) + 1970
    # birth county: mostly current county; movers within the city; people from elsewhere
    bcounty = county.copy()
    mv = rng.random(n)
    movers = mv < 0.06
    bcounty[movers] = rng.choice(NC, movers.sum(), p=CPOP_P)
    outside = mv > 0.978
    hist = np.array([c[3] for c in COUNTIES])
    mid = np.array([c[4] for c in COUNTIES])
    cur = np.array(CC)
    region = np.where(byear < 2000, hist[bcounty], np.where(byear < 2020, mid[bcounty], cur[bcounty]))
    region = region.astype("U6")
    region[outside] = rng.choice(OUTSIDE_CODES, outside.sum())
    ymd = np.char.replace(bstr, "-", "")
    seq = 2 * rng.integers(1, 499, n) + male.astype(int)
    # uniqueness of (region, birth date, sequence)
    key = region.astype(np.int64) * 10**11 + ymd.astype(np.int64) * 1000 + seq
    for _ in range(50):
        _u, first = np.unique(key, return_index=True)
        dup = np.ones(n, bool)
        dup[first] = False
        if not dup.any():
            break
        seq[dup] = 2 * rng.integers(1, 499, dup.sum()) + male[dup].astype(int)
        key = region.astype(np.int64) * 10**11 + ymd.astype(np.int64) * 1000 + seq
    body = np.char.add(np.char.add(region, ymd), np.char.zfill(seq.astype("U3"), 3))
    ids = np.char.add(body, check_chars(body))
    # names
    g1 = np.where(male, rng.choice(GIVEN_M, n), rng.choice(GIVEN_F, n))
    g2 = np.where(male, rng.choice(GIVEN_M, n), rng.choice(GIVEN_F, n))
    two = rng.random(n) < 0.72
    sur_a = np.array(SUR)[sur]
    names = np.char.add(np.char.add(sur_a, g1), np.where(two, g2, ""))

    age = (age_days / 365.25)
    P.n = n
    P.id = ids.astype(object)
    P.idset = set(ids.tolist())
    P.name = names.astype(object)
    P.male = male
    P.birth = bstr
    P.county = county
    P.village = village
    P.town = P.vtown[village]
    P.rural = P.vrural[village]
    P.sur = sur
    P.age = age
    P.adult = age >= 18
    # key professional groups (an internal roster; never written out)
    prof = np.full(n, -1)
    pw = np.array([p[2] for p in PROFESSIONS]) / 100.0
    elig = np.flatnonzero((age >= 22) & (age <= 62))
    r = rng.random(len(elig))
    cum = np.cumsum(pw)
    k = np.searchsorted(cum, r, side="right")
    ok = k < len(PROFESSIONS)
    prof[elig[ok]] = k[ok]
    P.prof = prof
    # special lists used by batch jobs
    sc = n / 250000.0
    adults = np.flatnonzero(P.adult)
    old_rural = np.flatnonzero(P.adult & P.rural & (age >= 45))
    P.lists = {
        "dibao": rng.choice(old_rural, int(2000 * sc), replace=False),
        "sx": rng.choice(np.flatnonzero((age >= 25) & (age <= 65)), int(1250 * sc), replace=False),
        "wage": rng.choice(np.flatnonzero((age >= 20) & (age <= 56)), int(1250 * sc), replace=False),
    }
    # privacy watch list: public figures (senior civil servants) and protected persons
    sens = np.zeros(n, bool)
    cs_old = np.flatnonzero((prof == PROF_I["CIVIL_SERVANT"]) & (age >= 40))
    nsens = max(20, int(0.001 * n))
    sens[rng.choice(cs_old, min(len(cs_old), nsens // 2), replace=False)] = True
    sens[rng.choice(adults, nsens - nsens // 2, replace=False)] = True
    P.sensitive = sens
    P.extra = []  # subject ID numbers not in the registry (index -1 - k)
    return P


def outsider_ids(rng, k, as_of_year=2026):
    """Valid ID numbers of people not in the city registry (travellers, bank customers)."""
    out = []
    for _ in range(k):
        reg = OUTSIDE_CODES[rng.integers(len(OUTSIDE_CODES))]
        y = int(rng.integers(1956, as_of_year - 19))
        d0 = dt.date(y, 1, 1) + dt.timedelta(int(rng.integers(0, 365)))
        body = f"{reg}{d0.strftime('%Y%m%d')}{int(rng.integers(1, 999)):03d}"
        out.append(body + check_char_one(body))
    return out


def typo_ids(rng, ids):
    """A clerk's typing error: one digit changed (usually breaks the check character)."""
    out = []
    for s in ids:
        i = int(rng.integers(6, 17))
        d = str((int(s[i]) + int(rng.integers(1, 10))) % 10)
        out.append(s[:i] + d + s[i + 1:])
    return out


# --------------------------------------------------------------------------------------
# Departments, remits, operators
# --------------------------------------------------------------------------------------
DEPT_PURPOSES = {
    "DRC": {"REPAIR": .35, "OBJECTION": .2, "AUTHORIZED": .12, "PUBLIC_FUNDS": .12, "POLICY_SUPPORT": .08,
            "HONESTY_AWARD": .05, "SELF": .08},
    "PSB": {"ENFORCEMENT": .86, "LICENSING": .1, "EMPLOYMENT": .04},
    "ORG": {"CIVIL_SERVICE": .45, "APPOINTMENT": .3, "EMPLOYMENT": .15, "COMMENDATION": .1},
    "HRSS": {"LABOUR": .5, "EMPLOYMENT": .22, "POLICY_SUPPORT": .18, "ENFORCEMENT": .1},
    "EDU": {"PRACTICE": .4, "EMPLOYMENT": .35, "COMMENDATION": .15, "POLICY_SUPPORT": .1},
    "HEALTH": {"PRACTICE": .6, "LICENSING": .3, "ENFORCEMENT": .06, "COMMENDATION": .04},
    "SAMR": {"ENFORCEMENT": .45, "LICENSING": .3, "EXECUTIVE": .15, "PRACTICE": .1},
    "TAX": {"ENFORCEMENT": .4, "POLICY_SUPPORT": .3, "PRACTICE": .2, "OBJECTION": .1},
    "JUSTICE": {"PRACTICE": .8, "LICENSING": .1, "COMMENDATION": .1},
    "COURT": {"ENFORCEMENT": .9, "OBJECTION": .05, "REPAIR": .05},
    "HOUSING": {"PRACTICE": .35, "LICENSING": .3, "PUBLIC_FUNDS": .3, "ENFORCEMENT": .05},
    "TRANSPORT": {"PRACTICE": .45, "LICENSING": .35, "ENFORCEMENT": .2},
    "ECOENV": {"ENFORCEMENT": .6, "LICENSING": .4},
    "EMERGENCY": {"ENFORCEMENT": .5, "PRACTICE": .3, "LICENSING": .2},
    "FIRE": {"PRACTICE": .4, "LICENSING": .3, "ENFORCEMENT": .3},
    "FINANCE": {"PUBLIC_FUNDS": .6, "PRACTICE": .3, "POLICY_SUPPORT": .1},
    "AUDIT": {"PUBLIC_FUNDS": .6, "CIVIL_SERVICE": .25, "POLICY_SUPPORT": .15},
    "CULTURE": {"PRACTICE": .6, "LICENSING": .3, "COMMENDATION": .1},
    "PROPAGANDA": {"COMMENDATION": .4, "HONESTY_AWARD": .4, "PRACTICE": .2},
    "POSTAL": {"PRACTICE": .7, "EMPLOYMENT": .3},
    "PBOC": {"AUTHORIZED": .55, "EXECUTIVE": .15, "PRACTICE": .15, "OBJECTION": .15},
    "NFRA": {"PRACTICE": .5, "EXECUTIVE": .3, "AUTHORIZED": .2},
    "URBAN": {"ENFORCEMENT": .7, "LICENSING": .3},
    "COMMERCE": {"POLICY_SUPPORT": .5, "LICENSING": .4, "PUBLIC_FUNDS": .1},
    "CIVILIZATION": {"HONESTY_AWARD": .5, "COMMENDATION": .5},
    "CIVIL": {"POLICY_SUPPORT": .7, "LICENSING": .2, "COMMENDATION": .1},
    "GOVSERVICE": {"SELF": .55, "AUTHORIZED": .35, "LICENSING": .1},
}
# departments whose enforcement work doubles in the spring integrity campaign (3.15 month)
CAMPAIGN_DEPTS = {"SAMR", "URBAN", "TRANSPORT", "ECOENV", "EMERGENCY", "FIRE"}

# prefix of the department in login names and references
ABBR = {d: d.lower() for d in DEPTS}


def T(dept, role, n, sched, rate, chan="WEB", **kw):
    d = dict(dept=dept, role=role, n=n, sched=sched, rate=rate, chan=chan)
    d.update(kw)
    return d


CITY_T = [
    T("GOVSERVICE", "window", 6, "window", 29, "WINDOW", ref="window", case_mean=1.15, p_same=.3,
      p_unknown=.004, p_noref=.01),
    T("PSB", "duty_desk", 12, "shift", 25, ref="psb", case_mean=2.0, f_rep=.05, p_noref=.08,
      p_unknown=.012, p_sens=.004, term="duty"),
    T("PSB", "officer", 3, "office", 11),
    T("PSB", "hr", 1, "office", 3, hr=True),
    T("SAMR", "inspector", 6, "field", 12),
    T("SAMR", "hr", 1, "office", 2.5, hr=True),
    T("TAX", "officer", 5, "office", 11),
    T("TAX", "hr", 1, "office", 2, hr=True),
    T("HRSS", "officer", 5, "office", 12),
    T("COURT", "enforcement", 6, "office", 9, ref="court", case_mean=1.6, f_rep=.35, rep_win=40),
    T("COURT", "hr", 1, "office", 2, hr=True),
    T("DRC", "officer", 3, "office", 7),
    T("DRC", "repair_desk", 4, "office", 12, ref="repair", purposes={"REPAIR": .75, "OBJECTION": .25},
      f_rep=.55, rep_win=30, case_mean=1.05, season="repair"),
    T("DRC", "analyst", 2, "office", 6, "DASHBOARD", p_nopurpose=.25, p_noref=.3,
      purposes={"OBJECTION": .3, "PUBLIC_FUNDS": .3, "HONESTY_AWARD": .2, "POLICY_SUPPORT": .2}),
    T("EDU", "officer", 4, "office", 9),
    T("HEALTH", "officer", 4, "office", 8),
    T("HEALTH", "hr", 1, "office", 2, hr=True),
    T("HOUSING", "officer", 5, "office", 10),
    T("HOUSING", "hr", 1, "office", 2, hr=True),
    T("TRANSPORT", "officer", 4, "office", 9),
    T("ECOENV", "inspector", 3, "field", 7),
    T("EMERGENCY", "duty_desk", 4, "shift", 3, term="duty", ref="psb"),
    T("EMERGENCY", "officer", 2, "office", 7),
    T("FIRE", "duty_desk", 4, "shift", 2.5, term="duty", ref="psb"),
    T("FIRE", "officer", 2, "office", 6),
    T("FINANCE", "officer", 3, "office", 8),
    T("AUDIT", "auditor", 6, "office", 12, case_mean=25, ref="audit", uniform=True, gap=(25, 90), p_same=0.0),
    T("ORG", "officer", 4, "office", 9),
    T("URBAN", "inspector", 4, "field", 8),
    T("COMMERCE", "officer", 3, "office", 5),
    T("CIVIL", "officer", 3, "office", 7),
    T("CIVILIZATION", "officer", 2, "office", 4),
    T("CIVILIZATION", "part_time", 2, "parttime", 3),
    T("JUSTICE", "officer", 3, "office", 6),
    T("JUSTICE", "part_time", 2, "parttime", 2),
    T("CULTURE", "officer", 3, "office", 5),
    T("CULTURE", "part_time", 1, "parttime", 2),
    T("PROPAGANDA", "part_time", 2, "parttime", 2),
    T("POSTAL", "officer", 2, "office", 5),
    T("PBOC", "officer", 3, "office", 8),
    T("NFRA", "officer", 3, "office", 7),
]
COUNTY_T = [
    T("GOVSERVICE", "window", 4, "window", 21, "WINDOW", ref="window", case_mean=1.15, p_same=.3,
      p_unknown=.004, p_noref=.01),
    T("PSB", "duty_desk", 2, "shift", 16, ref="psb", case_mean=1.8, f_rep=.05, p_noref=.1,
      p_unknown=.008, p_sens=.004, term="duty"),
    T("PSB", "officer", 1, "office", 10),
    T("SAMR", "inspector", 3, "field", 11),
    T("TAX", "officer", 2, "office", 10),
    T("HRSS", "officer", 2, "office", 11),
    T("COURT", "enforcement", 2, "office", 8, ref="court", case_mean=1.5, f_rep=.3, rep_win=40),
    T("DRC", "officer", 1, "office", 6, ref="repair", f_rep=.3, rep_win=30,
      purposes={"REPAIR": .4, "OBJECTION": .2, "AUTHORIZED": .2, "SELF": .1, "PUBLIC_FUNDS": .1}),
    T("EDU", "officer", 1, "office", 8),
    T("HEALTH", "officer", 1, "office", 7),
    T("HOUSING", "officer", 1, "office", 8),
    T("TRANSPORT", "officer", 1, "office", 8),
    T("EMERGENCY", "officer", 1, "office", 6),
    T("FINANCE", "officer", 1, "office", 6),
    T("ECOENV", "inspector", 1, "field", 6),
    T("ORG", "officer", 1, "office", 6),
    T("URBAN", "inspector", 1, "field", 7),
    T("CIVIL", "officer", 2, "office", 8),
]
VILLAGE_CLERKS = 14  # village service-station clerks whose service area is their own village/township
SYSTEM = [
    dict(dept="GOVSERVICE", role="api_gateway", oid="api-app-selfquery", name="豫事办个人信用自助查询接口",
         sched="api_app", rate=250, purposes={"SELF": 1.0}, ref="app", term="GW-YSB-01"),
    dict(dept="PBOC", role="api_gateway", oid="api-zknsh-gw", name="周口农商银行信贷审批接口",
         sched="api_bank", rate=430, purposes={"AUTHORIZED": .93, "EXECUTIVE": .07}, ref="bank",
         bank="ZKNSH", term="GW-ZKNSH-01", p_unknown=.006),
    dict(dept="PBOC", role="api_gateway", oid="api-psbc-gw", name="邮储银行周口分行信贷接口",
         sched="api_bank", rate=240, purposes={"AUTHORIZED": .95, "EXECUTIVE": .05}, ref="bank",
         bank="PSBC", term="GW-PSBC-01", p_unknown=.006),
    dict(dept="NFRA", role="api_gateway", oid="api-insure-gw", name="保险从业人员执业核验接口",
         sched="api_bank", rate=120, purposes={"PRACTICE": .7, "AUTHORIZED": .3}, ref="bank",
         bank="BXHY", term="GW-BXHY-01", p_unknown=.003),
    dict(dept="HRSS", role="batch", oid="batch-hrss-wage", name="欠薪预警名单夜间比对",
         sched="nightly", rate=150, purposes={"LABOUR": 1.0}, list="wage", term="SRV-HRSS-01"),
    dict(dept="COURT", role="batch", oid="batch-court-sx", name="失信被执行人名单同步",
         sched="nightly", rate=110, purposes={"ENFORCEMENT": 1.0}, list="sx", term="SRV-COURT-01"),
    dict(dept="CIVIL", role="batch", oid="batch-civil-dibao", name="低保对象月度信用核查",
         sched="monthly", rate=0, purposes={"POLICY_SUPPORT": 1.0}, list="dibao", term="SRV-CIVIL-01"),
    dict(dept="CIVILIZATION", role="batch", oid="batch-volunteer", name="注册志愿者月度核验",
         sched="monthly1", rate=0, purposes={"HONESTY_AWARD": 1.0}, list="volunteer", term="SRV-WMB-01"),
]
DEFAULTS = dict(case_mean=1.3, f_rep=.06, rep_win=30, p_same=.15, p_noref=.04, p_unknown=.001,
                p_nopurpose=.004, p_sens=0.0, ref="gen", term="pc", gap=(40, 300), hr=False,
                uniform=False, village=False, season=None)


class Op(dict):
    def __getattr__(self, k):
        try:
            return self[k]
        except KeyError:
            raise AttributeError(k) from None

    def __setattr__(self, k, v):
        self[k] = v


def build_operators(rng, P, cal: Cal, main0: int):
    """Create the operators, each (unless a system account) a resident with a person row."""
    ops = []
    used = set()
    adults_ok = (P.age >= 24) & (P.age <= 58) & ~P.sensitive
    lists_all = set()
    for v in P.lists.values():
        lists_all.update(v.tolist())
    by_county = {c: np.flatnonzero(adults_ok & (P.county == c)) for c in range(NC)}
    rural_by_county = {c: np.flatnonzero(adults_ok & (P.county == c) & P.rural) for c in range(NC)}

    def pick_person(c, rural=False):
        arr = rural_by_county[c] if rural else by_county[c]
        for _ in range(1000):
            p = int(arr[rng.integers(len(arr))])
            if p not in used and p not in lists_all:
                used.add(p)
                return p
        raise RuntimeError("no person")

    counters = {}

    def new_op(t, county, home=None):
        o = Op(DEFAULTS)
        o.update({k: v for k, v in t.items() if k != "n"})
        o.county = county
        o.level = "city" if county < 0 else "county"
        cc4 = "1600" if county < 0 else CC[county][2:]
        key = (o.dept, cc4)
        counters[key] = counters.get(key, 0) + 1
        o.k = counters[key]
        o.oid = f"{ABBR[o.dept]}-{'city' if county < 0 else CC[county][2:]}-{o.k:02d}"
        if home is None:
            if county >= 0:
                home = county if rng.random() < 0.92 else int(rng.choice(NEIGH[county]))
            else:
                home = int(rng.choice(NC, p=[.6, .15, .02, .04, .05, .02, .02, .03, .03, .04]))
        o.person = pick_person(home, rural=o.village)
        o.name = P.name[o.person]
        o.system = False
        o.cc6 = "411600" if county < 0 else CC[county]
        o.cc4 = cc4
        o.purposes = dict(t.get("purposes") or DEPT_PURPOSES[o.dept])
        if o.hr:
            o.purposes = {"COMMENDATION": .55, "EMPLOYMENT": .3, "APPOINTMENT": .15}
        if o.village:
            o.purposes = ({"SELF": .5, "AUTHORIZED": .3, "POLICY_SUPPORT": .2} if o.dept == "GOVSERVICE"
                          else {"POLICY_SUPPORT": .8, "LICENSING": .1, "COMMENDATION": .1})
        o.start, o.end = 0, cal.nd - 1
        o.team = int(rng.integers(4))
        o.alt = []  # (d0, d1, county, p) periods of work in another county
        o.cross = 0.0
        ops.append(o)
        return o

    for t in CITY_T:
        for _ in range(t["n"]):
            new_op(t, -1)
    for c in range(NC):
        for t in COUNTY_T:
            for _ in range(t["n"]):
                new_op(t, c)
    vc_counties = rng.choice(np.arange(1, NC), VILLAGE_CLERKS, p=CPOP_P[1:] / CPOP_P[1:].sum())
    for j, c in enumerate(vc_counties):
        dept = "GOVSERVICE" if j % 3 != 2 else "CIVIL"
        t = T(dept, "village_clerk", 1, "office", float(rng.uniform(3, 8)), "WINDOW", village=True,
              ref="window" if dept == "GOVSERVICE" else "gen", case_mean=1.1)
        new_op(t, int(c), home=int(c))
    for s in SYSTEM:
        o = Op(DEFAULTS)
        o.update(s)
        o.county, o.level, o.person, o.system = -1, "city", -1, True
        o.cc6, o.cc4, o.k = "411600", "1600", 1
        o.start, o.end, o.team, o.alt, o.cross = 0, cal.nd - 1, 0, [], 0.0
        o.chan = "API"
        ops.append(o)
    for i, o in enumerate(ops):
        o.idx = i

    human = [o for o in ops if not o.system]
    # cross-county share: department habit x county position (border / city seat)
    base_cross = {"PSB": .10, "COURT": .08, "HRSS": .07, "GOVSERVICE": .05, "TAX": .04, "SAMR": .05,
                  "TRANSPORT": .08, "HOUSING": .06, "CIVIL": .015, "EDU": .03, "HEALTH": .04, "DRC": .06}
    for o in human:
        if o.county >= 0:
            o.cross = 0.0 if o.village else min(.4, base_cross.get(o.dept, .04) * COUNTY_CROSS_FACTOR[o.county])
    # terminals
    for o in ops:
        if o.system:
            o.terms = [o.term]
        elif o.role in ("window", "village_clerk"):
            o.terms = [f"WIN-{o.cc4}-{o.dept[:3]}{o.k:02d}" if o.role == "window"
                       else f"BMZ-{P.vcode[P.village[o.person]]}"]
        elif o.term == "duty":
            o.terms = [f"DUTY-{o.dept}-{o.cc4}-{j}" for j in (1, 2, 3)]
        elif o.chan == "DASHBOARD":
            o.terms = [f"DASH-{o.dept}-{o.k:02d}"]
        else:
            o.terms = [f"PC-{o.dept}-{o.cc4}-{o.k:02d}"]
            if o.sched == "field":
                o.terms.append(f"MOB-{o.dept}-{o.cc4}-{o.k:02d}")

    # ---- staff changes: joiners and leavers inside the scored range ----
    nmain = cal.nd - main0
    cand = [o for o in human if o.role not in ("duty_desk", "hr")]
    pick = rng.choice(len(cand), 16, replace=False)
    for j in pick[:10]:  # new staff
        cand[j].start = main0 + int(rng.integers(int(nmain * .1), int(nmain * .8)))
        cand[j].role_note = "joined"
    for j in pick[10:]:  # leavers (retirement, transfer)
        cand[j].end = main0 + int(rng.integers(int(nmain * .2), int(nmain * .9)))
        cand[j].role_note = "left"
    # part-time operators already exist (sched parttime)
    # ---- coverers: county officers who also serve a neighbouring county (vacancy) ----
    cov = [o for o in human if o.county >= 0 and o.sched in ("office", "field") and not o.village]
    for j in rng.choice(len(cov), 6, replace=False):
        o = cov[j]
        tgt = int(rng.choice(NEIGH[o.county]))
        if rng.random() < 0.5:
            o.alt.append((0, cal.nd - 1, tgt, float(rng.uniform(.3, .5))))
        else:
            d0 = main0 + int(rng.integers(0, max(1, nmain - 40)))
            o.alt.append((d0, d0 + int(rng.integers(20, 45)), tgt, float(rng.uniform(.4, .6))))
        o.cover = CC[tgt]
    # ---- SAMR cross inspections: one week per spring campaign in a distant county ----
    for o in human:
        if o.dept == "SAMR" and o.county >= 0:
            shift = int(rng.integers(3, 7))
            tgt = (o.county + shift) % NC
            wk = int(rng.integers(0, 4))
            for y in sorted(set(cal.year.tolist())):
                camp = np.flatnonzero((cal.year == y) & (cal.md >= 309) & (cal.md <= 408) & (cal.wd == 0))
                if len(camp) > wk:
                    d0 = int(camp[wk])
                    o.alt.append((d0, d0 + 5, tgt, 0.85))
    return ops


def dept_purpose_sets(ops):
    s = {}
    for o in ops:
        s.setdefault(o.dept, set()).update(k for k, v in o.purposes.items() if v > 0)
    return s


# --------------------------------------------------------------------------------------
# Pools of subjects
# --------------------------------------------------------------------------------------
GEN, PROF, CSV, VIL, TWN, COL, SENS = range(7)


class Pools:
    def __init__(self, P, ops):
        self.P = P
        ad = P.adult
        self.gen = {c: np.flatnonzero(ad & (P.county == c)) for c in range(NC)}
        self.all_adults = np.flatnonzero(ad)
        self.cs = {c: np.flatnonzero((P.prof == PROF_I["CIVIL_SERVANT"]) & (P.county == c)) for c in range(NC)}
        self.sens_all = np.flatnonzero(P.sensitive)
        self.sens = {c: np.flatnonzero(P.sensitive & (P.county == c)) for c in range(NC)}
        self.prof = {}
        for d in DEPTS:
            pis = [PROF_I[p] for p, dd, _ in PROFESSIONS if dd == d]
            m = np.isin(P.prof, pis) if pis else np.zeros(P.n, bool)
            for c in range(NC):
                self.prof[(d, c)] = np.flatnonzero(m & (P.county == c))
        self.col = {}
        for o in ops:
            if o.person >= 0:
                self.col.setdefault(o.dept, []).append(o.person)
        self.col = {k: np.array(v) for k, v in self.col.items()}
        self.vil = {}
        self.twn = {}
        self.P.lists["volunteer"] = np.flatnonzero(P.prof == PROF_I["VOLUNTEER"])

    def get(self, kind, c, o):
        P = self.P
        if kind == VIL:
            v = P.village[o.person]
            if v not in self.vil:
                self.vil[v] = np.flatnonzero((P.village == v) & P.adult)
            a = self.vil[v]
        elif kind == TWN:
            t = P.town[o.person]
            if t not in self.twn:
                self.twn[t] = np.flatnonzero((P.town == t) & P.adult)
            a = self.twn[t]
        elif kind == PROF:
            a = self.prof[(o.dept, c)]
        elif kind == CSV:
            a = self.cs[c]
        elif kind == COL:
            a = self.col.get(o.dept, np.array([], int))
            a = a[a != o.person]
        elif kind == SENS:
            a = self.sens[c] if len(self.sens[c]) >= 3 else self.sens_all
        else:
            a = self.gen[c]
        if len(a) < 15 and kind not in (COL, SENS):
            a = self.gen[c]
        return a


# --------------------------------------------------------------------------------------
# Time of day
# --------------------------------------------------------------------------------------
H = 3600
HOURLY_BANK = np.array([.15, .1, .08, .06, .06, .1, .3, .8, 1.6, 2.2, 2.4, 2.2, 1.3, 1.0, 1.8, 2.2, 2.2, 2.0,
                        1.4, 1.0, .9, .8, .5, .3])
HOURLY_APP = np.array([.3, .15, .08, .05, .05, .1, .3, .7, 1.2, 1.6, 1.6, 1.4, 1.2, 1.1, 1.2, 1.3, 1.3, 1.3,
                       1.2, 1.4, 1.7, 1.8, 1.3, .7])


def shift_code(cal, days, team):
    return ((cal.abs[days] + 2 * team) % 8) // 2  # 0 day 08-16, 1 evening 16-24, 2 night 00-08, 3 off


def sample_secs(o, days, rng, cal):
    n = len(days)
    if n == 0:
        return np.zeros(0)
    s = o.sched
    if s == "shift":
        code = shift_code(cal, days, o.team)
        u = rng.random(n)
        out = np.where(code == 0, 8 * H + 8 * H * u,
                       np.where(code == 1, 16 * H + 8 * H * rng.beta(1.2, 1.5, n), 8 * H * rng.beta(.8, 1.4, n)))
        return out
    if s in ("api_bank", "api_app"):
        w = HOURLY_BANK if s == "api_bank" else HOURLY_APP
        hh = rng.choice(24, n, p=w / w.sum())
        return hh * H + rng.random(n) * H
    summer = cal.summer[days]
    am_s = 8 * H if s == "field" else 8.5 * H
    am_e = 12 * H
    pm_s = np.where(summer, 15 * H, 14.5 * H) - (.5 * H if s == "field" else 0)
    pm_e = pm_s + (3.5 * H if s == "field" else 3 * H)
    u = rng.random(n)
    am = am_s + (am_e - am_s) * rng.beta(1.5, 1.3, n)
    pm = pm_s + (pm_e - pm_s) * rng.beta(1.3, 1.6, n)
    lunch = 12 * H + (pm_s - 12 * H) * rng.random(n)
    ot = pm_e + 2.5 * H * rng.random(n)
    late = 20 * H + 3 * H * rng.random(n)  # rare late overtime before deadlines
    out = np.where(u < .5, am, np.where(u < .93, pm, np.where(u < .962, lunch, np.where(u < .996, ot, late))))
    sat = (cal.wd[days] == 5) & ~cal.workday[days]
    out = np.where(sat, 9 * H + 3 * H * rng.random(n), out)
    return out


# --------------------------------------------------------------------------------------
# Daily volumes
# --------------------------------------------------------------------------------------
def season(o, cal):
    f = np.ones(cal.nd)
    md = cal.md
    office_like = o.sched in ("office", "window", "field", "parttime")
    if office_like:
        f[cal.pre_sf] *= .85
        f[cal.post_sf] *= .7
    if o.dept in CAMPAIGN_DEPTS and not o.hr:
        f[(md >= 309) & (md <= 408)] *= 2.0
    if o.season == "repair":
        f[(md >= 401) & (md <= 731)] *= 1.8  # national credit-repair rules in force from 04-01
    if o.dept == "HRSS":
        f[(md >= 224) & (md <= 331)] *= 1.5  # spring job fairs (春风行动) after the festival
    if o.dept == "TAX":
        f[(md >= 301) & (md <= 630)] *= 1.3  # annual individual income tax settlement
    if o.dept == "EDU":
        f[(md >= 410) & (md <= 531)] *= 1.5  # teacher recruitment
    if o.dept == "ORG":
        f[(md >= 501) & (md <= 531)] *= 1.4  # civil-service political review
    if o.dept == "CULTURE":
        f[(md >= 420) & (md <= 505)] *= 1.5  # tourism season
    if o.hr:
        f[(md >= 401) & (md <= 428)] *= 2.5  # May-Day model-worker selection
    if o.sched == "api_bank":
        f[(md >= 301) & (md <= 331)] *= 1.2  # spring lending
    return f


def op_lambda(o, seg, rng, cal, vol):
    s = o.sched
    wdy = cal.workday[seg].astype(float)
    if s == "office":
        f = wdy
    elif s == "window":
        f = wdy + (0.45 if (o.county >= 0 and o.dept == "GOVSERVICE") else 0.0) * cal.saturday_open[seg]
    elif s == "field":
        f = wdy.copy()
        for d0, d1, _c, _p in o.alt:
            m = (seg >= d0) & (seg <= d1) & cal.saturday_open[seg]
            f[m] = .6
    elif s == "parttime":
        f = wdy * (rng.random(len(seg)) < .3)
    elif s == "shift":
        f = np.array([1.0, .8, .35, 0.0])[shift_code(cal, seg, o.team)]
    elif s == "api_bank":
        f = np.where(cal.workday[seg], 1.0, np.where(cal.holiday[seg], .25, .4))
    elif s == "api_app":
        f = np.where(cal.workday[seg], 1.0, np.where(cal.holiday[seg], .6, .8))
    else:
        raise ValueError(s)
    f = f * season(o, cal)[seg] * o.rate * vol * BASE_VOLUME
    f[(seg < o.start) | (seg > o.end)] = 0
    if o.start > 0:  # new staff: training weeks at half speed
        m = (seg >= o.start) & (seg < o.start + 14)
        f[m] *= .5
    if not o.system:
        if rng.random() < .5 and len(seg) > 10:  # annual leave block
            a = int(rng.integers(0, len(seg) - 7))
            f[a:a + int(rng.integers(3, 8))] = 0
        f[rng.random(len(seg)) < .015] = 0  # sick days, training, meetings
    return f


# --------------------------------------------------------------------------------------
# Legitimate activity
# --------------------------------------------------------------------------------------
class Rows:
    def __init__(self):
        self.parts = []

    def add(self, op, t, subj, purp, ref, chan, term, kind=-1):
        n = len(t)
        if n == 0:
            return
        self.parts.append(dict(
            op=np.full(n, op, np.int32), t=np.asarray(t, np.int64), subj=np.asarray(subj, np.int64),
            purp=np.broadcast_to(np.asarray(purp, np.int16), (n,)).copy(),
            ref=np.broadcast_to(np.asarray(ref, object), (n,)).copy(),
            chan=np.broadcast_to(np.asarray(chan, np.int8), (n,)).copy(),
            term=np.broadcast_to(np.asarray(term, object), (n,)).copy(),
            kind=np.full(n, kind, np.int16)))

    def cat(self):
        keys = ["op", "t", "subj", "purp", "ref", "chan", "term", "kind"]
        if not self.parts:
            return {k: np.zeros(0) for k in keys}
        return {k: np.concatenate([p[k] for p in self.parts]) for k in keys}


def add_extra(P, ids):
    base = len(P.extra)
    P.extra.extend(ids)
    return -1 - (base + np.arange(len(ids)))


def choose_county(o, cdays, rng, cal):
    n = len(cdays)
    if o.county < 0:
        if o.uniform:
            return rng.integers(0, NC, n)
        w = CPOP_P * np.array([2.5, 1.2, .8, .9, 1, 1, .9, .9, .9, 1])
        return rng.choice(NC, n, p=w / w.sum())
    home = np.full(n, o.county)
    cross = rng.random(n) < o.cross
    if cross.any():
        k = cross.sum()
        nb = NEIGH[o.county]
        others = [c for c in range(NC) if c != o.county]
        pn = CPOP_P[nb] / CPOP_P[nb].sum()
        po = CPOP_P[others] / CPOP_P[others].sum()
        home[cross] = np.where(rng.random(k) < .75, rng.choice(nb, k, p=pn), rng.choice(others, k, p=po))
    for d0, d1, tgt, p in o.alt:
        m = (cdays >= d0) & (cdays <= d1) & (rng.random(n) < p)
        home[m] = tgt
    return home


def pool_kinds(o, purp, rng):
    n = len(purp)
    k = np.full(n, GEN)
    u = rng.random(n)
    if o.village:
        return np.where(u < .6, VIL, TWN)
    pr = purp == PI["PRACTICE"]
    k[pr & (u < .85)] = PROF
    ex = purp == PI["EXECUTIVE"]
    k[ex & (u < .7)] = PROF
    cs = (purp == PI["CIVIL_SERVICE"]) | (purp == PI["APPOINTMENT"])
    k[cs & (u < .9)] = CSV
    if o.hr:
        cm = (purp == PI["COMMENDATION"]) | (purp == PI["APPOINTMENT"])
        k[cm & (u < .6)] = COL
        k[cm & (u >= .6) & (u < .8)] = CSV
    if o.p_sens > 0:
        k[rng.random(n) < o.p_sens] = SENS
    return k


def make_refs(o, cday, county, purp, rng, cal):
    nc = len(cday)
    style = o.ref
    ymd = cal.ymd[cday]
    yr = cal.year[cday]
    ctr = (np.cumsum(rng.integers(1, 4, nc)) + int(rng.integers(1, 300))).tolist()
    if style == "window":
        out = [f"CK{o.cc4}{a}{int(b) % 10000:04d}" for a, b in zip(ymd, rng.integers(1, 400, nc))]
    elif style == "psb":
        out = [f"{o.cc6}JQ{a}{int(b):04d}" for a, b in zip(ymd, rng.integers(1, 900, nc))]
    elif style == "court":
        code = "16" if o.county < 0 else CC[o.county][2:]
        out = [f"({y})豫{code}执{int(b)}号" for y, b in zip(yr, rng.integers(1, 4000, nc))]
    elif style == "repair":
        pfx = {PI["REPAIR"]: "XF", PI["OBJECTION"]: "YY"}
        out = [f"{pfx.get(int(p), 'SQ')}{y}{o.cc4}{c:05d}" for p, y, c in zip(purp, yr, ctr)]
    elif style == "audit":
        if "projects" not in o:
            o.projects = sorted(int(x) for x in rng.choice(np.arange(3, 60), 4, replace=False))
        pj = rng.choice(o.projects, nc)
        out = [f"周审投〔{y}〕{int(p)}号" for y, p in zip(yr, pj)]
    else:
        ab = o.dept
        out = []
        for p, y, c, a in zip(purp, yr, ctr, ymd):
            p = int(p)
            if p == PI["AUTHORIZED"]:
                out.append(f"SQ{y}{o.cc4}{c:06d}")
            elif p == PI["SELF"]:
                out.append(f"ZS{a}{c % 10000:04d}")
            else:
                out.append(f"{ab}-{o.cc4}-{y}-{c:05d}")
    out = np.array(out, dtype=object)
    out[rng.random(nc) < o.p_noref] = ""
    return out


def gen_human(o, seg, rng, cal, P, pools, rows, vol):
    lam = op_lambda(o, seg, rng, cal, vol)
    cnt = rng.poisson(lam)
    N = int(cnt.sum())
    if N == 0:
        return
    day = np.repeat(seg, cnt)
    first_of_day = np.r_[True, day[1:] != day[:-1]]
    new = (rng.random(N) < 1.0 / o.case_mean) | first_of_day
    cid = np.cumsum(new) - 1
    nc = int(cid[-1]) + 1
    cfirst = np.flatnonzero(new)
    csize = np.diff(np.r_[cfirst, N])
    cday = day[cfirst]
    pos = np.arange(N) - cfirst[cid]
    cstart = sample_secs(o, cday, rng, cal)
    g0, g1 = o.gap
    gap = rng.uniform(g0, g1, N)
    gap[new] = 0
    cg = np.cumsum(gap)
    off = cg - cg[cfirst][cid]
    t = cal.sec[day] + (cstart[cid] + off).astype(np.int64)
    # case attributes
    codes = np.array([PI[p] for p in o.purposes])
    w = np.array(list(o.purposes.values()), float)
    cpurp = codes[rng.choice(len(codes), nc, p=w / w.sum())]
    ccounty = choose_county(o, cday, rng, cal)
    fu = rng.random(nc) < o.f_rep
    fu[0] = False
    lo = np.searchsorted(cday, cday - o.rep_win, "left")
    hi = np.searchsorted(cday, cday, "left")
    fu &= hi > lo
    ar = np.arange(nc)
    src = np.where(fu, lo + (rng.random(nc) * np.maximum(hi - lo, 1)).astype(int), ar)
    for _ in range(60):
        s2 = src[src]
        if (s2 == src).all():
            break
        src = s2
    root = src
    crefs = make_refs(o, cday, ccounty, cpurp, rng, cal)
    # subjects of fresh cases
    subj = np.zeros(N, np.int64)
    fresh = ~fu[cid]
    kinds = pool_kinds(o, cpurp, rng)
    lk = kinds[cid] * 16 + ccounty[cid]
    fi = np.flatnonzero(fresh)
    for key in np.unique(lk[fi]):
        idx = fi[lk[fi] == key]
        a = pools.get(int(key) // 16, int(key) % 16, o)
        if len(a) == 0:
            a = pools.gen[int(key) % 16]
        subj[idx] = a[rng.integers(0, len(a), len(idx))]
    # repeated subject within the same case (e.g. report printed again, second check)
    same = (pos > 0) & (rng.random(N) < o.p_same) & fresh
    src_i = np.where(same, 0, np.arange(N))
    src_i = np.maximum.accumulate(src_i)
    subj = subj[src_i]
    # follow-up cases re-check the persons of an earlier case under its reference
    fl = np.flatnonzero(~fresh)
    if len(fl):
        r = root[cid[fl]]
        j = cfirst[r] + np.minimum(pos[fl], csize[r] - 1)
        subj[fl] = subj[j]
    # unknown subjects (outsiders, typing errors) -- kept by the importer, flagged
    unk = fresh & (rng.random(N) < o.p_unknown)
    if unk.any():
        ui = np.flatnonzero(unk)
        ty = rng.random(len(ui)) < .3
        ids = [None] * len(ui)
        outs = outsider_ids(rng, int((~ty).sum()))
        tys = typo_ids(rng, [P.id[s] for s in subj[ui[ty]] if s >= 0])
        it_o, it_t = iter(outs), iter(tys)
        for q in range(len(ui)):
            ids[q] = next(it_t) if ty[q] else next(it_o)
        subj[ui] = add_extra(P, ids)
    purp = cpurp[root[cid]].astype(np.int16)
    if o.p_nopurpose > 0:
        purp[rng.random(N) < o.p_nopurpose] = -1
    ref = crefs[root[cid]]
    chan = np.full(N, CHI[o.chan], np.int8)
    if o.chan == "WEB" and o.role not in ("duty_desk",):
        chan[rng.random(N) < .04] = CHI["DASHBOARD"]
    terms = np.array(o.terms, dtype=object)
    if o.term == "duty":
        term = terms[rng.integers(0, 3, N)]
    elif o.sched == "field":
        mob = np.zeros(N, bool)
        for d0, d1, _c, _p in o.alt:
            mob |= (day >= d0) & (day <= d1)
        mob |= rng.random(N) < .35
        term = np.where(mob, terms[-1], terms[0])
    else:
        term = np.full(N, terms[0], dtype=object)
    rows.add(o.idx, t, subj, purp, ref, chan, term)


def gen_api(o, seg, rng, cal, P, pools, rows, vol):
    lam = op_lambda(o, seg, rng, cal, vol)
    cnt = rng.poisson(lam)
    N = int(cnt.sum())
    if N == 0:
        return
    day = np.repeat(seg, cnt)
    t = cal.sec[day] + sample_secs(o, day, rng, cal).astype(np.int64)
    subj = pools.all_adults[rng.integers(0, len(pools.all_adults), N)]
    if o.p_unknown > 0:
        unk = np.flatnonzero(rng.random(N) < o.p_unknown)
        subj[unk] = add_extra(P, outsider_ids(rng, len(unk)))
    codes = np.array([PI[p] for p in o.purposes])
    w = np.array(list(o.purposes.values()), float)
    purp = codes[rng.choice(len(codes), N, p=w / w.sum())]
    first = np.r_[True, day[1:] != day[:-1]]
    seq = np.arange(N) - np.maximum.accumulate(np.where(first, np.arange(N), 0)) + 1
    ymd = cal.ymd[day]
    if o.ref == "app":
        tok = rng.integers(0, 2**32, N)
        ref = np.array([f"YSB{int(x):08X}" for x in tok], dtype=object)
    else:
        ref = np.array([f"{o.bank}{a}{int(s):06d}" for a, s in zip(ymd, seq)], dtype=object)
    rows.add(o.idx, t, subj, purp, ref, CHI["API"], o.term)


def gen_batch(o, seg, rng, cal, P, pools, rows, vol):
    L = P.lists[o.list]
    if len(L) == 0:
        return
    order = L[np.random.default_rng(len(L) + 7).permutation(len(L))]  # fixed list order
    ts, ss = [], []
    for d in seg:
        if d < o.start or d > o.end:
            continue
        if o.sched == "nightly":
            n = max(0, int(round(o.rate * vol * BASE_VOLUME * rng.normal(1, .08))))
            st = int((cal.abs[d] * o.rate) % len(L))
            idx = (st + np.arange(n)) % len(L)
            t0 = cal.sec[d] + 1 * H + int(rng.integers(0, 600))
        elif o.sched == "monthly":
            r = cal.wd_rank[d]
            if not (cal.workday[d] and 1 <= r <= 3):
                continue
            chunk = (len(L) + 2) // 3
            idx = np.arange((r - 1) * chunk, min(len(L), r * chunk))
            t0 = cal.sec[d] + 2 * H + int(rng.integers(0, 600))
        else:  # monthly1
            if not (cal.workday[d] and cal.wd_rank[d] == 1):
                continue
            idx = np.arange(len(L))
            t0 = cal.sec[d] + 10 * H + int(rng.integers(0, 600))
        if len(idx) == 0:
            continue
        t = t0 + np.cumsum(rng.uniform(.8, 3.2, len(idx))).astype(np.int64)
        ts.append(t)
        ss.append(order[idx])
        rows.add(o.idx, t, order[idx], PI[list(o.purposes)[0]], f"PL-{o.dept}-{cal.ymd[d]}", CHI["API"], o.term)


def simulate(ops, seg, rng, cal, P, pools, vol, progress=None):
    rows = Rows()
    for o in ops:
        if o.system and o.sched in ("nightly", "monthly", "monthly1"):
            gen_batch(o, seg, rng, cal, P, pools, rows, vol)
        elif o.system:
            gen_api(o, seg, rng, cal, P, pools, rows, vol)
        else:
            gen_human(o, seg, rng, cal, P, pools, rows, vol)
    return rows


# --------------------------------------------------------------------------------------
# Misuse
# --------------------------------------------------------------------------------------
CORE_KINDS = ["kin_neighbour", "colleague", "watchlist", "stalking", "foreign_purpose", "probing",
              "bulk_harvest", "after_hours", "out_of_county"]
OWN_KINDS = ["data_broker", "departed_account", "news_curiosity"]
ALL_KINDS = CORE_KINDS + OWN_KINDS
KI = {k: i for i, k in enumerate(ALL_KINDS)}
PREF = {
    ("kin_neighbour", "thin"): ["window"],
    ("watchlist", "thin"): ["duty_desk"],
    ("bulk_harvest", "thin"): ["window"],
    ("stalking", "burst"): ["enforcement", "officer"],
    ("data_broker", "burst"): ["window"],
    ("data_broker", "thin"): ["officer"],
    ("colleague", "burst"): ["officer", "inspector"],
    ("after_hours", "thin"): ["repair_desk", "officer"],
    ("probing", "thin"): ["duty_desk"],
    ("foreign_purpose", "burst"): ["part_time"],
    ("out_of_county", "thin"): ["inspector", "officer"],
    ("colleague", "thin"): ["duty_desk", "window", "officer"],
}


def plan_misuse(rng, ops, P, pools, cal, main0):
    """Choose misusing operators (before activity is simulated: departed accounts must leave)."""
    nmain = cal.nd - main0
    plan = [(k, v) for k in ALL_KINDS for v in ("thin", "burst")]
    for _ in range(int(rng.integers(0, 4))):
        plan.append((CORE_KINDS[int(rng.integers(len(CORE_KINDS)))], "thin" if rng.random() < .5 else "burst"))
    human = [o for o in ops if not o.system and o.start <= main0 + 3 and o.end >= cal.nd - 1]
    dept_n = {}
    for o in ops:
        if o.person >= 0:
            dept_n[o.dept] = dept_n.get(o.dept, 0) + 1
    used, dept_use, lvl_use = set(), {}, {"city": 0, "county": 0}

    def ok(kind, o):
        if kind == "kin_neighbour":
            return (not o.village) and P.rural[o.person] and len(pools.get(VIL, 0, o)) >= 25
        if kind == "colleague":  # personnel officers look colleagues up as their job: not them
            return dept_n.get(o.dept, 0) >= 8 and not o.hr
        if kind == "out_of_county":
            return o.county >= 0 and not o.village and not o.get("cover")
        if kind == "after_hours":
            return o.sched in ("office", "window", "field")
        if kind == "data_broker":
            return "AUTHORIZED" in o.purposes
        if kind == "departed_account":
            return o.sched in ("office", "window", "field") and not o.village
        return True

    chosen = []
    for kind, var in plan:
        cands = [o for o in human if o.idx not in used and ok(kind, o)]
        pref = PREF.get((kind, var))
        if pref:
            c2 = [o for o in cands if o.role in pref]
            if c2:
                cands = c2
        sc = [dept_use.get(o.dept, 0) * 2 + lvl_use[o.level] * .15 + rng.random() for o in cands]
        o = cands[int(np.argmin(sc))]
        used.add(o.idx)
        dept_use[o.dept] = dept_use.get(o.dept, 0) + 1
        lvl_use[o.level] += 1
        ep = dict(op=o.idx, kind=kind, var=var)
        if kind == "departed_account":
            o.end = main0 + int(rng.integers(int(nmain * .2), int(nmain * .45)))
            o.role_note = "left"
        chosen.append(ep)
    # the obvious stalker also phones round the target's family late at night
    for ep in chosen:
        if ep["kind"] == "stalking" and ep["var"] == "burst":
            chosen.append(dict(op=ep["op"], kind="after_hours", var="with_stalking"))
            break
    # local news events (persons in the news; not on the watch list)
    news = []
    cand = np.flatnonzero(P.adult & P.rural & ~P.sensitive & (P.age > 25) & (P.age < 70))
    for j in range(2):
        p = int(cand[rng.integers(len(cand))])
        d = main0 + int(rng.integers(int(nmain * .2), int(nmain * .8)))
        news.append((p, d))
    return chosen, news


class Planter:
    def __init__(self, rng, ops, P, pools, cal, main0, legit, dept_sets):
        self.rng, self.ops, self.P, self.pools, self.cal = rng, ops, P, pools, cal
        self.main0 = main0
        self.rows = Rows()
        self.dept_sets = dept_sets
        # per operator: active days and (ref, purpose) pairs of real work in the scored range
        op = legit["op"]
        order = np.argsort(op, kind="stable")
        self.byop = {}
        bounds = np.searchsorted(op[order], np.arange(len(ops) + 1))
        for i in range(len(ops)):
            sl = order[bounds[i]:bounds[i + 1]]
            self.byop[i] = sl
        self.legit = legit
        self.main_days = np.arange(main0, cal.nd)

    # -- helpers ------------------------------------------------------------------------
    def active_days(self, o):
        sl = self.byop[o.idx]
        days = np.unique((self.legit["t"][sl] // DAY) - self.cal.abs[0])
        days = days[(days >= self.main0) & (days < self.cal.nd)]
        if len(days) == 0:
            days = self.main_days[self.cal.workday[self.main_days]]
        return days

    def work_days(self, o):
        d = self.main_days[self.cal.workday[self.main_days]]
        d = d[(d >= o.start) & (d <= o.end)]
        return d

    def refpairs(self, o):
        sl = self.byop[o.idx]
        ref = self.legit["ref"][sl]
        purp = self.legit["purp"][sl]
        m = (ref != "") & (purp >= 0)
        return ref[m], purp[m]

    def main_purpose(self, o):
        return PI[max(o.purposes, key=o.purposes.get)]

    def plaus(self, o, n, copy_p=.75):
        """Purposes and references that look like the operator's real work."""
        rng = self.rng
        refs, purps = self.refpairs(o)
        codes = np.array([PI[p] for p in o.purposes])
        w = np.array(list(o.purposes.values()), float)
        purp = codes[rng.choice(len(codes), n, p=w / w.sum())].astype(np.int16)
        ref = np.array([""] * n, dtype=object)
        if len(refs):
            cp = rng.random(n) < copy_p
            j = rng.integers(0, len(refs), n)
            ref[cp] = refs[j[cp]]
            purp[cp] = purps[j[cp]]
        return purp, ref

    def times_spread(self, o, n, days=None):
        rng = self.rng
        days = self.active_days(o) if days is None else days
        d = np.sort(rng.choice(days, n))
        return self.cal.sec[d] + sample_secs(o, d, rng, self.cal).astype(np.int64)

    def times_burst(self, day, start_sec, n, gap=(20, 90)):
        g = np.cumsum(self.rng.uniform(gap[0], gap[1], n))
        return self.cal.sec[day] + int(start_sec) + g.astype(np.int64)

    def term(self, o, n):
        terms = np.array(o.terms, dtype=object)
        return terms[self.rng.integers(0, len(terms), n)]

    def chan(self, o):
        return CHI[o.chan]

    def excl_self(self, o, a):
        return a[a != o.person]

    def pick(self, a, n, replace=True):
        return a[self.rng.integers(0, len(a), n)] if replace else self.rng.choice(a, min(n, len(a)), replace=False)

    def add(self, o, kind, t, subj, purp, ref, term=None, chan=None):
        n = len(t)
        end = self.cal.sec[-1] + DAY - 1
        t = np.minimum(np.asarray(t, np.int64), end)
        t = np.maximum(t, self.cal.sec[self.main0])
        self.rows.add(o.idx, t, subj, purp, ref, self.chan(o) if chan is None else chan,
                      self.term(o, n) if term is None else term, KI[kind])

    def evening_secs(self, n):
        rng = self.rng
        return np.where(rng.random(n) < .7, 21 * H + rng.random(n) * 3 * H, 24 * H + rng.random(n) * 1.6 * H)

    def burst_day(self, o, lo=.05, hi=.9, workday=True):
        d = self.work_days(o) if workday else self.main_days
        d = d[(d >= self.main0 + int(len(self.main_days) * lo)) & (d <= self.main0 + int(len(self.main_days) * hi))]
        if len(d) == 0:
            d = self.work_days(o)
        return int(self.rng.choice(d))

    # -- the kinds ----------------------------------------------------------------------
    def kin_neighbour(self, o, var):
        rng, P = self.rng, self.P
        vil = self.excl_self(o, self.pools.get(VIL, 0, o))
        tw = self.pools.get(TWN, 0, o)
        same = self.excl_self(o, tw[P.sur[tw] == P.sur[o.person]])
        if len(same) < 5:
            g = self.pools.gen[P.county[o.person]]
            same = self.excl_self(o, g[P.sur[g] == P.sur[o.person]])
        if var == "thin":
            n = int(rng.integers(10, 26))
            subj = np.where(rng.random(n) < .5, self.pick(vil, n), self.pick(same, n))
            t = self.times_spread(o, n)
            purp, ref = self.plaus(o, n)
        else:
            n = int(rng.integers(25, 61))
            subj = np.r_[self.pick(vil, n // 2, False), self.pick(same, n - n // 2, False)]
            n = len(subj)
            d = self.burst_day(o)
            k = n // 2
            t = np.r_[self.times_burst(d, 14.7 * H, k, (30, 110)), self.times_burst(d + 1, 9 * H, n - k, (30, 110))]
            purp = np.where(rng.random(n) < .5, -1, self.main_purpose(o))
            ref = np.array([""] * n, dtype=object)
        self.add(o, "kin_neighbour", t, subj, purp, ref)

    def colleague(self, o, var):
        rng = self.rng
        cols = self.pools.get(COL, 0, o)
        same_unit = np.array([x.person for x in self.ops if x.dept == o.dept and x.county == o.county
                              and x.person >= 0 and x.idx != o.idx])
        if var == "thin":
            n = int(rng.integers(5, 13))
            base = same_unit if len(same_unit) >= 3 else cols
            subj = np.where(rng.random(n) < .7, self.pick(base, n), self.pick(cols, n))
            t = self.times_spread(o, n)
            purp, ref = self.plaus(o, n)
        else:
            n = min(len(cols), int(rng.integers(15, 41)))
            subj = self.pick(cols, n, False)
            d = self.burst_day(o)
            t = np.r_[self.times_burst(d, 15.2 * H, n - n // 3), self.times_burst(d + 1, 9.3 * H, n // 3)]
            purp = np.where(rng.random(n) < .4, -1, self.main_purpose(o))
            ref = np.array([""] * n, dtype=object)
        self.add(o, "colleague", t, subj, purp, ref)

    def watchlist(self, o, var):
        rng = self.rng
        s = self.excl_self(o, self.pools.sens_all)
        if var == "thin":
            n = int(rng.integers(4, 10))
            subj = self.pick(s, n, False)
            t = self.times_spread(o, n)
            purp, ref = self.plaus(o, n)
        else:
            n = int(rng.integers(15, 36))
            subj = self.pick(s, n, False)
            d = self.burst_day(o)
            parts = np.array_split(np.arange(n), 3)
            t = np.r_[self.times_burst(d, 10 * H, len(parts[0])),
                      self.times_burst(d, 16 * H, len(parts[1])),
                      self.times_burst(d + 1, 21.5 * H, len(parts[2]))]
            purp = np.where(rng.random(n) < .5, -1, self.main_purpose(o))
            ref = np.array([""] * n, dtype=object)
        self.add(o, "watchlist", t, subj, purp, ref)

    def stalk_targets(self, o, k):
        P, rng = self.P, self.rng
        c = P.county[o.person]
        g = self.pools.gen[c]
        m = (P.male[g] != P.male[o.person]) & (np.abs(P.age[g] - P.age[o.person]) < 9)
        cand = self.excl_self(o, g[m])
        return self.pick(cand, k, False)

    def stalking(self, o, var):
        rng = self.rng
        k = 1 if rng.random() < .6 else 2
        tg = self.stalk_targets(o, k)
        o.stalk_targets = tg
        days = self.active_days(o)
        if var == "thin":
            n = int(rng.integers(8, 16))
            span = int(rng.integers(28, 57))
        else:
            n = int(rng.integers(30, 61))
            span = int(rng.integers(21, 43))
        d0 = int(rng.choice(days[days <= max(days.min(), days.max() - span)]))
        win = days[(days >= d0) & (days <= d0 + span)]
        if len(win) < 3:
            win = days
        o.stalk_days = (int(win.min()), int(win.max()))
        t = self.times_spread(o, n, win)
        if var == "burst":
            ev = rng.random(n) < .25
            dd = (t[ev] // DAY) * DAY
            t[ev] = dd + self.evening_secs(ev.sum()).astype(np.int64)
        subj = self.pick(tg, n)
        refs, purps = self.refpairs(o)
        if len(refs) and rng.random() < .7:  # disguise: one real case reference reused
            j = int(rng.integers(len(refs)))
            dis = rng.random(n) < (.6 if var == "burst" else .8)
            ref = np.where(dis, refs[j], "").astype(object)
            purp = np.where(dis, purps[j], self.plaus(o, n)[0]).astype(np.int16)
        else:
            purp, ref = self.plaus(o, n, copy_p=.5)
        self.add(o, "stalking", t, subj, purp, ref)

    def foreign_purpose(self, o, var):
        rng = self.rng
        foreign = [p for p in PURPOSES if p not in self.dept_sets[o.dept]]
        fp = PI[foreign[int(rng.integers(len(foreign)))]]
        c = o.county if o.county >= 0 else self.P.county[o.person]
        g = self.excl_self(o, self.pools.gen[c])
        if var == "thin":
            n = int(rng.integers(6, 16))
            t = self.times_spread(o, n)
            _p, ref = self.plaus(o, n, copy_p=.5)
        else:
            n = int(rng.integers(30, 81))
            wd = self.work_days(o)
            d0 = self.burst_day(o, .1, .8)
            days = wd[(wd >= d0)][:5]
            t = self.times_spread(o, n, days)
            ref = np.array([""] * n, dtype=object)
            ref[rng.random(n) < .5] = f"{o.dept}-{o.cc4}-2026-{int(rng.integers(100, 999)):05d}"
        subj = self.pick(g, n)
        self.add(o, "foreign_purpose", t, subj, np.full(n, fp), ref)

    def probing(self, o, var):
        rng, P = self.rng, self.P
        c = o.county if o.county >= 0 else P.county[o.person]
        if var == "burst":
            n = int(rng.integers(60, 201))
            y = int(rng.integers(1975, 2003))
            bd = dt.date(y, 1, 1) + dt.timedelta(int(rng.integers(0, 365)))
            region = COUNTIES[c][3] if y < 2000 else COUNTIES[c][4]
            s0 = int(rng.integers(1, 200)) * 2 + int(rng.integers(0, 2))
            bodies = [f"{region}{bd.strftime('%Y%m%d')}{(s0 + 2 * i) % 1000:03d}" for i in range(n)]
            ids = [b + check_char_one(b) for b in bodies]
            d = self.burst_day(o)
            start = 19.5 * H if rng.random() < .5 else 14.8 * H
            t = self.times_burst(d, start, n, (8, 40))
            purp = np.where(rng.random(n) < .3, -1, self.main_purpose(o))
            ref = np.array([""] * n, dtype=object)
        else:
            n = int(rng.integers(6, 16))
            # guesses around a real person's number: wrong birth day, older region code...
            tgt = int(self.pick(self.pools.gen[c], 1)[0])
            real = P.id[tgt]
            ids = []
            while len(ids) < n:
                b = real[:17]
                r = rng.random()
                if r < .4:
                    bd = dt.datetime.strptime(b[6:14], "%Y%m%d").date() + dt.timedelta(int(rng.integers(-40, 41)))
                    b = b[:6] + bd.strftime("%Y%m%d") + b[14:]
                elif r < .7:
                    b = b[:14] + f"{int(rng.integers(1, 999)):03d}"
                else:
                    b = COUNTIES[int(rng.integers(NC))][3] + b[6:]
                chk = check_char_one(b) if rng.random() < .75 else "0123456789X"[int(rng.integers(11))]
                s = b + chk
                if s not in P.idset:
                    ids.append(s)
            t = self.times_spread(o, n)
            purp, ref = self.plaus(o, n)
        subj = add_extra(P, ids)
        self.add(o, "probing", t, subj, purp, ref)

    def bulk_harvest(self, o, var):
        rng, P = self.rng, self.P
        if var == "burst":
            n = int(rng.integers(250, 701))
            if rng.random() < .5:
                a = self.pools.all_adults
            else:
                tw = P.town[self.pick(self.pools.gen[int(rng.integers(NC))], 1)[0]]
                a = np.flatnonzero((P.town == tw) & P.adult)
            subj = self.pick(a, n, False)
            n = len(subj)
            d = self.main_days[(self.cal.wd[self.main_days] >= 4) & (self.main_days < self.cal.nd - 2)]
            d = int(rng.choice(d[(d >= o.start) & (d <= o.end)]))
            t = self.times_burst(d, 21 * H + rng.random() * 1.5 * H, n, (15, 45))
            purp = np.full(n, self.main_purpose(o) if rng.random() < .6 else -1)
            ref = np.full(n, f"{o.dept}-{o.cc4}-2026-PL{int(rng.integers(10, 99))}" if rng.random() < .5 else "",
                          dtype=object)
        else:  # slow leak: a few dozen extra per working day for a few weeks
            wd = self.active_days(o)
            wd = wd[self.cal.workday[wd]]
            k = int(rng.integers(10, 21))
            d0 = int(rng.integers(0, max(1, len(wd) - k)))
            days = wd[d0:d0 + k]
            per = rng.integers(12, 31, len(days))
            dd = np.repeat(days, per)
            n = len(dd)
            t = self.cal.sec[dd] + sample_secs(o, dd, rng, self.cal).astype(np.int64)
            subj = self.pick(self.pools.all_adults, n)
            purp, ref = self.plaus(o, n, copy_p=.8)
        self.add(o, "bulk_harvest", t, subj, purp, ref)

    def after_hours(self, o, var):
        rng, P, cal = self.rng, self.P, self.cal
        md = self.main_days[self.main_days < cal.nd - 1]
        hol = md[cal.holiday[md] | (~cal.workday[md])]
        c = P.county[o.person]
        if var == "with_stalking":
            tg = o.stalk_targets
            fam = np.concatenate([np.flatnonzero((P.village == P.village[x]) & (P.sur == P.sur[x]) & P.adult)
                                  for x in tg])
            n = int(rng.integers(6, 13))
            subj = np.r_[tg, self.pick(fam, n - len(tg))]
            sd = o.stalk_days
            win = md[(md >= sd[0] - 3) & (md <= sd[1] + 3)]
            days = np.sort(rng.choice(win, n))
            t = cal.sec[days] + self.evening_secs(n).astype(np.int64)
            purp = np.full(n, -1)
            ref = np.array([""] * n, dtype=object)
        elif var == "thin":
            n = int(rng.integers(5, 13))
            ne = int(rng.integers(3, 7))
            evs = rng.choice(md, ne, replace=False)
            days = np.sort(rng.choice(evs, n))
            t = cal.sec[days] + self.evening_secs(n).astype(np.int64)
            hd = rng.random(n) < .3
            if len(hol):
                hdays = rng.choice(hol, hd.sum())
                t[hd] = cal.sec[hdays] + (10 * H + rng.random(hd.sum()) * 10 * H).astype(np.int64)
            pool = np.r_[self.pools.gen[c], self.pools.get(VIL, 0, o)] if o.person >= 0 else self.pools.gen[c]
            subj = self.pick(self.excl_self(o, pool), n)
            purp, ref = self.plaus(o, n)
        else:
            n = int(rng.integers(20, 46))
            hol_days = md[cal.holiday[md]]
            if len(hol_days) < 2:
                hol_days = md[~cal.workday[md]]
            start = int(rng.choice(hol_days[:-1]))
            days = np.sort(rng.choice([start, start + 1, start + 2], n))
            day_t = 9 * H + rng.random(n) * 14 * H
            t = cal.sec[days] + day_t.astype(np.int64)
            subj = self.pick(self.excl_self(o, self.pools.gen[c]), n)
            purp = np.where(rng.random(n) < .5, -1, self.main_purpose(o))
            ref = np.array([""] * n, dtype=object)
        self.add(o, "after_hours", t, subj, purp, ref)

    def out_of_county(self, o, var):
        rng = self.rng
        bad = set(NEIGH[o.county]) | {o.county} | {a[2] for a in o.alt}
        tgts = [c for c in range(NC) if c not in bad]
        tg = int(rng.choice(tgts))
        g = self.pools.gen[tg]
        if var == "thin":
            n = int(rng.integers(10, 26))
            t = self.times_spread(o, n)
            purp, ref = self.plaus(o, n)
        else:
            n = int(rng.integers(40, 111))
            wd = self.work_days(o)
            d0 = self.burst_day(o, .1, .8)
            days = wd[wd >= d0][:int(rng.integers(4, 7))]
            t = self.times_spread(o, n, days)
            purp, ref = self.plaus(o, n, copy_p=.3)
        subj = self.pick(g, n)
        self.add(o, "out_of_county", t, subj, purp, ref)

    def data_broker(self, o, var):
        """Own kind: an insider sells credit reports to a loan broker / debt collector.
        Purpose AUTHORIZED with a handful of recycled, fabricated authorisation numbers;
        subjects are borrowers city-wide, aged 22-50."""
        rng, P = self.rng, self.P
        a = self.pools.all_adults
        a = a[(P.age[a] >= 22) & (P.age[a] <= 50)]
        # recycled authorisation numbers: copies of a few of the operator's real ones
        k = int(rng.integers(2, 5))
        refs, purps = self.refpairs(o)
        auth = np.unique(refs[purps == PI["AUTHORIZED"]])
        if len(auth) >= k:
            fake = [str(x) for x in rng.choice(auth, k, replace=False)]
        else:
            fake = [f"SQ2026{o.cc4}{int(rng.integers(1000, 9999)):06d}" for _ in range(k)]
        wd = self.active_days(o)
        wd = wd[self.cal.workday[wd]]
        if var == "thin":
            k = int(rng.integers(10, 16))
            days = rng.choice(wd, k, replace=False)
            per = rng.integers(1, 4, k)
        else:
            k = int(rng.integers(15, 21))
            d0 = int(rng.integers(0, max(1, len(wd) - k)))
            days = wd[d0:d0 + k]
            per = rng.integers(8, 16, len(days))
        dd = np.sort(np.repeat(days, per))
        n = len(dd)
        t = self.cal.sec[dd] + sample_secs(o, dd, rng, self.cal).astype(np.int64)
        subj = self.pick(a, n)
        ref = np.array(fake, dtype=object)[rng.integers(0, len(fake), n)]
        ref[rng.random(n) < .1] = ""
        self.add(o, "data_broker", t, subj, np.full(n, PI["AUTHORIZED"]), ref)

    def departed_account(self, o, var):
        """Own kind: the account of an officer who left is still used by someone else."""
        rng, cal, P = self.rng, self.cal, self.P
        md = self.main_days
        after = md[(md > o.end + 5) & (md < cal.nd - 1)]
        colleagues = [x for x in self.ops if x.dept == o.dept and x.idx != o.idx and not x.system
                      and x.county == o.county] or \
            [x for x in self.ops if x.dept == o.dept and x.idx != o.idx and not x.system]
        if var == "thin":
            after_w = after[cal.workday[after]]
            n = int(rng.integers(6, 16))
            days = np.sort(rng.choice(after_w, n))
            t = cal.sec[days] + sample_secs(o, days, rng, cal).astype(np.int64)
            c = o.county if o.county >= 0 else P.county[o.person]
            subj = self.pick(self.pools.gen[c], n)
            purp, ref = self.plaus(o, n)
            other = colleagues[int(rng.integers(len(colleagues)))] if colleagues else o
            term = np.full(n, other.terms[0], dtype=object)
        else:
            k = int(rng.integers(2, 5))
            sess = np.sort(rng.choice(after, k, replace=False))
            ts = []
            for d in sess:
                m = int(rng.integers(20, 51))
                ts.append(self.times_burst(int(d), 20.5 * H + rng.random() * 2 * H, m, (20, 80)))
            t = np.concatenate(ts)
            n = len(t)
            subj = self.pick(self.pools.all_adults, n)
            purp = np.where(rng.random(n) < .5, -1, self.main_purpose(o))
            ref = np.array([""] * n, dtype=object)
            term = np.full(n, f"PC-{o.dept}-{o.cc4}-{int(rng.integers(20, 99)):02d}", dtype=object)
        chan = CHI["WEB"] if o.chan == "WINDOW" and var == "burst" else CHI[o.chan]
        self.add(o, "departed_account", t, subj, purp, ref, term=term, chan=chan)

    def news_curiosity(self, o, var, news):
        """Own kind: looking up a person who is in the local news (not on the watch list),
        and the person's relatives."""
        rng, P, cal = self.rng, self.P, self.cal
        p, d = news[int(rng.integers(len(news)))]
        rel = np.flatnonzero((P.village == P.village[p]) & P.adult)
        rel = rel[rel != p]
        fam = rel[P.sur[rel] == P.sur[p]]
        if len(fam) < 5:
            fam = rel
        wd = self.work_days(o)
        if var == "thin":
            days = wd[(wd >= d) & (wd <= d + 7)][:4]
            n = int(rng.integers(2, 6))
            subj = np.r_[np.full(n, p), self.pick(fam, int(rng.integers(0, 3)))]
            n = len(subj)
            t = self.times_spread(o, n, days if len(days) else wd)
            purp, ref = self.plaus(o, n, copy_p=.5)
        else:
            days = wd[wd >= d][:2]
            if len(days) == 0:
                days = wd[-2:]
            m = int(rng.integers(8, 21))
            subj = np.r_[[p, p], self.pick(fam, m, False)]
            n = len(subj)
            t = np.r_[self.times_burst(int(days[0]), 10.2 * H, n - n // 3, (25, 120)),
                      self.times_burst(int(days[-1]), 15.5 * H, n // 3, (25, 120))]
            purp = np.where(rng.random(n) < .5, -1, self.main_purpose(o))
            ref = np.array([""] * n, dtype=object)
        self.add(o, "news_curiosity", t, subj, purp, ref)

    def news_legit(self, news):
        """Officers assigned to the news case look the person up under a case reference."""
        rng, P = self.rng, self.P
        for p, d in news:
            c = P.county[p]
            team = [o for o in self.ops if o.dept in ("PSB", "COURT") and (o.county == c or o.county < 0)
                    and not o.system and o.start <= d <= o.end]
            for j in rng.choice(len(team), min(len(team), int(rng.integers(3, 7))), replace=False):
                o = team[int(j)]
                n = int(rng.integers(1, 5))
                days = np.arange(d, min(d + 10, self.cal.nd - 1))
                t = self.times_spread(o, n, days)
                ref = make_refs(o, np.full(1, d), np.full(1, c), np.full(1, PI["ENFORCEMENT"]), rng, self.cal)
                r0 = ref[0] or f"{o.cc6}JQ{self.cal.ymd[d]}0001"
                self.rows.add(o.idx, t, np.full(n, p), PI["ENFORCEMENT"], r0, CHI[o.chan],
                              self.term(o, n))


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------
def log(msg, quiet=False):
    if not quiet:
        print(msg, file=sys.stderr, flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--history-days", type=int, default=0)
    ap.add_argument("--from", dest="date_from", default="2026-02-02")
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--persons", type=int, default=250000)
    ap.add_argument("--volume", type=float, default=1.0, help="multiplier of all lookup rates")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.history_days < 0 or a.days < 30 or a.persons < 20000 or a.volume <= 0:
        ap.error("need --history-days >= 0, --days >= 30, --persons >= 20000, --volume > 0")
    try:
        d_from = dt.date.fromisoformat(a.date_from)
    except ValueError:
        ap.error("--from must be YYYY-MM-DD")
    t0 = time.time()
    d_to = d_from + dt.timedelta(a.days - 1)
    h_from = d_from - dt.timedelta(a.history_days)
    cal = Cal(h_from, d_to)
    main0 = cal.index(d_from)
    seg_main = np.arange(main0, cal.nd)
    seg_hist = np.arange(0, main0)

    ss = np.random.SeedSequence(a.seed)
    r_pop, r_main, r_mis, r_hist = [np.random.default_rng(s) for s in ss.spawn(4)]

    log(f"[gen_d] population of {a.persons} ...", a.quiet)
    P = build_population(r_pop, a.persons, d_to)
    ops = build_operators(r_pop, P, cal, main0)
    pools = Pools(P, ops)
    chosen, news = plan_misuse(r_pop, ops, P, pools, cal, main0)
    dept_sets = dept_purpose_sets(ops)
    log(f"[gen_d] {len(ops)} operators, {len({c['op'] for c in chosen})} misusers; simulating {a.days} days ...",
        a.quiet)
    legit = simulate(ops, seg_main, r_main, cal, P, pools, a.volume).cat()
    lo_t, hi_t = cal.sec[main0], cal.sec[-1] + DAY
    keep = (legit["t"] >= lo_t) & (legit["t"] < hi_t)
    legit = {k: v[keep] for k, v in legit.items()}

    pl = Planter(r_mis, ops, P, pools, cal, main0, legit, dept_sets)
    pl.news_legit(news)
    for ep in chosen:
        o = ops[ep["op"]]
        if ep["kind"] == "news_curiosity":
            pl.news_curiosity(o, ep["var"], news)
        else:
            getattr(pl, ep["kind"])(o, ep["var"])
    mis = pl.rows.cat()

    parts = [legit, mis]
    if a.history_days > 0:
        log(f"[gen_d] history: {a.history_days} clean days ...", a.quiet)
        hist = simulate(ops, seg_hist, r_hist, cal, P, pools, a.volume).cat()
        keep = (hist["t"] >= cal.sec[0]) & (hist["t"] < lo_t)
        parts.append({k: v[keep] for k, v in hist.items()})
    R = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((np.arange(len(R["t"])), R["t"]))
    R = {k: v[order] for k, v in R.items()}
    n = len(R["t"])

    # ---- output ----
    os.makedirs(a.out, exist_ok=True)
    day_i = (R["t"] // DAY - cal.abs[0]).astype(int)
    first = np.r_[True, day_i[1:] != day_i[:-1]]
    seq = np.arange(n) - np.maximum.accumulate(np.where(first, np.arange(n), 0)) + 1
    qid = np.char.add(np.char.add("Q", cal.ymd[day_i]), np.char.zfill(seq.astype("U6"), 6))
    at = np.datetime_as_string(R["t"].astype("datetime64[s]"), unit="s")
    subj = R["subj"]
    extra = np.array(P.extra if P.extra else [""], dtype=object)
    sid = np.where(subj >= 0, P.id[np.maximum(subj, 0)], extra[np.maximum(-1 - subj, 0)])
    purp = np.where(R["purp"] >= 0, np.array(PURPOSES, dtype=object)[np.maximum(R["purp"], 0)], "")
    opid = np.array([o.oid for o in ops], dtype=object)[R["op"]]
    ql = pd.DataFrame({"query_id": qid, "queried_at": at, "operator_id": opid, "subject_id_number": sid,
                       "purpose_code": purp, "authorization_ref": R["ref"],
                       "channel": np.array(CHANNELS, dtype=object)[R["chan"]], "terminal_id": R["term"]})
    ql.to_csv(os.path.join(a.out, "query_log.csv"), index=False, encoding="utf-8")

    persons = pd.DataFrame({
        "id_number": P.id, "name": P.name, "gender": np.where(P.male, "M", "F"), "birth_date": P.birth,
        "county_code": np.array(CC)[P.county], "residence_code": P.vcode[P.village],
        "sensitive": P.sensitive.astype(int)})
    persons.to_csv(os.path.join(a.out, "persons.csv"), index=False, encoding="utf-8")
    opdf = pd.DataFrame({
        "operator_id": [o.oid for o in ops], "name": [o.name for o in ops],
        "department_code": [o.dept for o in ops], "role": [o.role for o in ops],
        "county_code": ["" if o.county < 0 else CC[o.county] for o in ops],
        "id_number": ["" if o.person < 0 else P.id[o.person] for o in ops]})
    opdf.to_csv(os.path.join(a.out, "operators.csv"), index=False, encoding="utf-8")

    lm = R["kind"] >= 0
    kinds = np.array(ALL_KINDS, dtype=object)
    lq = pd.DataFrame({"query_id": qid[lm], "operator_id": opid[lm], "kind": kinds[R["kind"][lm]]})
    lq.to_csv(os.path.join(a.out, "label_queries.csv"), index=False, encoding="utf-8")
    tmp = pd.DataFrame({"operator_id": opid[lm], "kind": kinds[R["kind"][lm]], "at": at[lm]})
    lab = (tmp.groupby(["operator_id", "kind"], sort=False)
           .agg(first_at=("at", "min"), last_at=("at", "max"), n_lookups=("at", "size")).reset_index())
    lab = lab.sort_values(["first_at", "operator_id"]).reset_index(drop=True)
    lab.to_csv(os.path.join(a.out, "labels.csv"), index=False, encoding="utf-8")

    in_range = int((R["t"] >= lo_t).sum())
    ep_meta = []
    for ep in chosen:
        o = ops[ep["op"]]
        ep_meta.append(dict(operator_id=o.oid, kind=ep["kind"], intensity=ep["var"], department=o.dept,
                            level=o.level, role=o.role))
    meta = {
        "from": d_from.isoformat(), "to": d_to.isoformat(), "history_from": h_from.isoformat(),
        "n_lookups": in_range, "n_lookups_total": n, "n_lookups_history": n - in_range,
        "n_misuse_lookups": int(lm.sum()), "seed": a.seed, "generator": VERSION,
        "n_persons": int(P.n), "n_operators": len(ops),
        "n_misusing_operators": int(lab["operator_id"].nunique()), "n_episodes": len(lab),
        "kinds": {k: int(v) for k, v in lab["kind"].value_counts().items()},
        "episodes": ep_meta,
        "news_events": [dict(day=cal.iso[d], subject=P.id[p]) for p, d in news],
        "volume": a.volume,
    }
    with open(os.path.join(a.out, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=1)
    log(f"[gen_d] wrote {n} lookups ({in_range} in range, {int(lm.sum())} misuse) in {time.time() - t0:.1f}s",
        a.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
