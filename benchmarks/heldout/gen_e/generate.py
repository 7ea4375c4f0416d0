#!/usr/bin/env python3
"""gen_e: labelled synthetic credit-platform query log for Zhoukou (hold-out test data).

Usage:
    python3 generate.py --out DIR --seed N [--history-days H] [--from 2026-03-02] [--days 75]
                        [--persons 300000] [--quiet]

Writes persons.csv, operators.csv, query_log.csv (contract import formats), labels.csv,
label_queries.csv and meta.json. Same seed -> identical files. History days (before --from) are
misuse-free and drawn from their own random streams, so rows inside [from, to] do not depend on H.
"""
import argparse
import json
import os
import sys
import time
from datetime import date, timedelta

import numpy as np
import pandas as pd

REF_DIR = os.environ.get("GEN_E_REF_DIR", "/work/shared/reference")

# --------------------------------------------------------------------------- ID numbers
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHK = "10X98765432"


def check_char(s17):
    return CHK[sum(int(c) * w for c, w in zip(s17, W)) % 11]


def make_id(region, birth, seq):
    s17 = f"{region}{birth.strftime('%Y%m%d')}{seq:03d}"
    return s17 + check_char(s17)


# --------------------------------------------------------------------------- calendar
def _rng_dates(a, b):
    d = date.fromisoformat(a)
    e = date.fromisoformat(b)
    out = []
    while d <= e:
        out.append(d)
        d += timedelta(days=1)
    return out


HOLIDAYS = set()
for a, b in [("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
             ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08"),
             ("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
             ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
             ("2026-10-01", "2026-10-07")]:
    HOLIDAYS.update(_rng_dates(a, b))
MAKEUP = {date.fromisoformat(s) for s in ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28",
                                          "2025-10-11", "2026-01-04", "2026-02-14", "2026-02-28",
                                          "2026-05-09", "2026-09-20", "2026-10-10"]}
SUMMER_HOURS_FROM = (5, 1)  # afternoon office hours shift by 30 min from 1 May


def is_workday(d):
    if d in MAKEUP:
        return True
    return d.weekday() < 5 and d not in HOLIDAYS


def day_sec(d):
    return (d - date(1970, 1, 1)).days * 86400


def summer(d):
    return (d.month, d.day) >= SUMMER_HOURS_FROM and d.month < 10


# --------------------------------------------------------------------------- time profiles
# (start_hour, end_hour, weight); afternoon segments (start >= 14) shift +0.5 h in summer
PROFILES = {
    "office": [(7.75, 8.0, .01), (8.0, 9.0, .12), (9.0, 11.0, .31), (11.0, 12.0, .10), (12.0, 12.5, .012),
               (14.5, 15.5, .12), (15.5, 17.0, .24), (17.0, 17.5, .06), (17.5, 18.5, .018)],
    "window": [(8.5, 9.0, .06), (9.0, 11.0, .34), (11.0, 12.0, .13), (12.0, 12.25, .006),
               (14.5, 15.0, .07), (15.0, 17.0, .30), (17.0, 17.5, .09), (17.5, 17.75, .004)],
    "inspector": [(6.9, 8.0, .05), (8.0, 8.5, .05), (8.5, 12.0, .38), (12.0, 14.0, .10),
                  (14.0, 17.5, .36), (17.5, 18.5, .05), (18.5, 19.5, .01)],
    "hotline_a": [(8.0, 12.0, .52), (12.0, 13.0, .07), (13.0, 16.0, .41)],
    "hotline_b": [(13.0, 14.0, .07), (14.0, 18.0, .43), (18.0, 19.0, .08), (19.0, 22.0, .42)],
    "analyst": [(8.0, 12.0, .47), (14.5, 17.5, .45), (17.5, 19.0, .05), (19.0, 21.5, .03)],
    "overtime": [(8.0, 12.0, .42), (12.0, 12.5, .02), (14.5, 17.5, .40), (17.5, 20.5, .16)],
    "saturday": [(8.5, 12.0, .85), (14.5, 16.5, .15)],
    "api_online": [(0.0, 7.0, .03), (7.0, 9.0, .08), (9.0, 12.0, .30), (12.0, 14.0, .12),
                   (14.0, 18.0, .30), (18.0, 23.0, .15), (23.0, 24.0, .02)],
}


def sample_secs(rng, prof, n, d):
    segs = PROFILES[prof] if isinstance(prof, str) else prof
    sh = 0.5 if summer(d) else 0.0
    st = np.array([s + (sh if (s >= 14 and isinstance(prof, str) and not prof.startswith(("api", "hotline")))
                        else 0.0) for s, _, _ in segs])
    ln = np.array([e - s for s, e, _ in segs])
    w = np.array([x for _, _, x in segs], float)
    k = rng.choice(len(segs), size=n, p=w / w.sum())
    secs = (st[k] + rng.random(n) * ln[k]) * 3600.0
    return np.clip(secs.astype(np.int64), 0, 86399)


# --------------------------------------------------------------------------- names
SURNAMES = ("王 7.8 李 7.4 张 7.2 刘 5.6 陈 3.2 杨 2.6 赵 2.3 郭 2.2 孙 1.8 马 1.9 朱 1.5 周 1.4 黄 1.2 吴 1.0 "
            "徐 1.0 胡 1.1 高 1.3 何 0.7 宋 1.0 郑 0.9 谢 0.5 韩 0.9 唐 0.5 冯 0.8 于 0.8 董 0.7 程 0.8 曹 0.8 "
            "袁 0.6 许 0.9 彭 0.5 吕 0.8 苏 0.6 卢 0.4 蒋 0.4 蔡 0.4 贾 0.8 丁 0.6 魏 0.8 薛 0.5 叶 0.3 "
            "阎 0.4 余 0.3 潘 0.3 杜 0.6 夏 0.4 汪 0.2 田 0.7 任 0.6 姜 0.4 范 0.6 方 0.3 石 0.5 姚 0.5 "
            "谭 0.2 邹 0.2 金 0.3 陆 0.2 郝 0.5 孔 0.5 白 0.5 崔 0.6 康 0.4 毛 0.4 秦 0.4 史 0.5 侯 0.6 "
            "邵 0.3 孟 0.6 段 0.4 雷 0.3 钱 0.2 尹 0.3 常 0.6 武 0.5 乔 0.4 贺 0.3 牛 0.6 申 0.3 付 0.6 "
            "耿 0.3 时 0.3 葛 0.3 闫 0.5 岳 0.3 梁 0.5 罗 0.4 林 0.3 邓 0.3 沈 0.3 曾 0.2 姬 0.2 楚 0.2 "
            "鲁 0.3 焦 0.3 柴 0.2 屈 0.2").split()
SN = SURNAMES[0::2]
SW = np.array([float(x) for x in SURNAMES[1::2]])
SW = SW / SW.sum()
MALE_CH = list("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帅国建新志永林海峰春生文东亮成龙兵庆祥德贵福全胜")
FEMALE_CH = list("芳娜敏静丽艳娟霞秀玲桂英红梅萍华慧莉燕丹洁颖婷雪琳倩蕾晶月兰凤琴云玉珍萍娇荣")
NEUTRAL_CH = list("子嘉博晨阳一思佳欣雨梓宁安可乐心天诗睿")


def given_name(rng, g, gen_char=None):
    pool = MALE_CH if g == "M" else FEMALE_CH
    if rng.random() < 0.25:
        return pool[rng.integers(len(pool))]
    first = gen_char if gen_char is not None else (
        pool[rng.integers(len(pool))] if rng.random() < 0.7 else NEUTRAL_CH[rng.integers(len(NEUTRAL_CH))])
    return first + pool[rng.integers(len(pool))]


# --------------------------------------------------------------------------- reference data
def load_ref():
    cty = pd.read_csv(os.path.join(REF_DIR, "counties.csv"), dtype=str)
    cty = cty[~cty["code"].str.startswith("ZK")].reset_index(drop=True)
    dep = pd.read_csv(os.path.join(REF_DIR, "departments.csv"), dtype=str)
    pur = pd.read_csv(os.path.join(REF_DIR, "purposes.csv"), dtype=str)
    return cty, list(dep["code"]), list(pur["code"])


OUT_OF_CITY = ["410102", "410105", "410122", "411402", "411421", "411423", "411723", "411724",
               "341221", "341282", "341203", "320322", "130102", "440306", "330106", "410302", "411102"]

DEPT_PURPOSES = {
    "DRC": {"OBJECTION": 3, "REPAIR": 5, "HONESTY_AWARD": 1, "POLICY_SUPPORT": 1, "PUBLIC_FUNDS": 1},
    "PSB": {"ENFORCEMENT": 6, "LICENSING": 2},
    "ORG": {"CIVIL_SERVICE": 5, "APPOINTMENT": 3, "COMMENDATION": 2, "EMPLOYMENT": 2},
    "HRSS": {"LABOUR": 5, "ENFORCEMENT": 2, "EMPLOYMENT": 2, "POLICY_SUPPORT": 2},
    "EDU": {"PRACTICE": 3, "EMPLOYMENT": 2, "ENFORCEMENT": 1, "COMMENDATION": 1},
    "HEALTH": {"PRACTICE": 5, "LICENSING": 3, "ENFORCEMENT": 1},
    "SAMR": {"LICENSING": 5, "ENFORCEMENT": 4, "EXECUTIVE": 2, "PRACTICE": 1},
    "TAX": {"ENFORCEMENT": 3, "PRACTICE": 1, "POLICY_SUPPORT": 2},
    "JUSTICE": {"PRACTICE": 4, "ENFORCEMENT": 1},
    "COURT": {"ENFORCEMENT": 8, "OBJECTION": 1},
    "HOUSING": {"LICENSING": 3, "PRACTICE": 3, "PUBLIC_FUNDS": 2, "POLICY_SUPPORT": 2},
    "TRANSPORT": {"LICENSING": 4, "PRACTICE": 3, "ENFORCEMENT": 2},
    "ECOENV": {"ENFORCEMENT": 4, "LICENSING": 2},
    "EMERGENCY": {"ENFORCEMENT": 3, "PRACTICE": 3, "LICENSING": 2},
    "FIRE": {"PRACTICE": 2, "ENFORCEMENT": 3, "LICENSING": 1},
    "FINANCE": {"PUBLIC_FUNDS": 5, "PRACTICE": 2, "POLICY_SUPPORT": 2},
    "AUDIT": {"PUBLIC_FUNDS": 3, "PRACTICE": 1},
    "CULTURE": {"PRACTICE": 3, "LICENSING": 2},
    "PROPAGANDA": {"PRACTICE": 2, "COMMENDATION": 2, "HONESTY_AWARD": 2},
    "POSTAL": {"PRACTICE": 3, "LICENSING": 2},
    "PBOC": {"AUTHORIZED": 5, "OBJECTION": 1},
    "NFRA": {"PRACTICE": 4, "EXECUTIVE": 2},
    "URBAN": {"ENFORCEMENT": 5, "LICENSING": 1},
    "COMMERCE": {"LICENSING": 2, "POLICY_SUPPORT": 2},
    "CIVILIZATION": {"HONESTY_AWARD": 3, "COMMENDATION": 3},
    "CIVIL": {"POLICY_SUPPORT": 5, "LICENSING": 1},
    "GOVSERVICE": {"AUTHORIZED": 5, "SELF": 3, "LICENSING": 2, "EMPLOYMENT": 1, "LABOUR": 1, "OBJECTION": 1},
}
HR_PURPOSES = {"CIVIL_SERVICE": 4, "COMMENDATION": 2, "APPOINTMENT": 2, "EMPLOYMENT": 1}
HR_DEPTS_CITY = ["ORG", "PSB", "EDU", "HEALTH", "TAX", "SAMR", "HRSS"]
AUTH_RATE = {"COURT": .97, "DRC": .9, "GOVSERVICE": .9, "PBOC": .95, "NFRA": .8, "PSB": .85, "ORG": .85,
             "HRSS": .7, "EDU": .6, "HEALTH": .75, "SAMR": .6, "TAX": .8, "JUSTICE": .8, "HOUSING": .65,
             "TRANSPORT": .5, "ECOENV": .55, "EMERGENCY": .5, "FIRE": .5, "FINANCE": .8, "AUDIT": .9,
             "CULTURE": .45, "PROPAGANDA": .4, "POSTAL": .45, "URBAN": .3, "COMMERCE": .5,
             "CIVILIZATION": .6, "CIVIL": .7}
COUNTY_BUREAUS = ["PSB", "HRSS", "EDU", "HEALTH", "SAMR", "TAX", "JUSTICE", "HOUSING", "TRANSPORT",
                  "ECOENV", "EMERGENCY", "FINANCE", "CIVIL", "URBAN", "DRC", "COMMERCE", "AUDIT", "CULTURE"]

KINDS = ["kin_neighbour", "colleague", "watchlist", "stalking", "bulk_harvest", "after_hours",
         "out_of_county", "foreign_purpose", "probing", "dormant_account", "borrowed_reference",
         "matchmaking"]


def log(args, *m):
    if not args.quiet:
        print("[gen_e]", *m, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- persons
class City:
    pass


def gen_persons(rng, n_target, cty):
    codes = list(cty["code"])
    hist = [str(h).split(";") if isinstance(h, str) else [] for h in cty["historical_id_codes"]]
    popw = cty["population_2018"].astype(float).values
    popw = popw / popw.sum()
    urban_share = [0.75 if c == "411602" else 0.22 for c in codes]

    # villages / communities
    vill_code, vill_county, vill_rural, vill_clans, vill_size = [], [], [], [], []
    for ci, c in enumerate(codes):
        n_c = n_target * popw[ci]
        n_urban = n_c * urban_share[ci]
        n_rural = n_c - n_urban
        n_comm = max(2, int(round(n_urban / 650)))
        n_vill = max(3, int(round(n_rural / 270)))
        for k in range(n_comm):
            street = 1 + k // 6
            vill_code.append(f"{c}{street:03d}{1 + k % 6:03d}")
            vill_county.append(ci)
            vill_rural.append(False)
            vill_clans.append(([], 0.0))
            vill_size.append(int(rng.integers(450, 850)))
        for k in range(n_vill):
            town = 100 + k // 14
            vill_code.append(f"{c}{town:03d}{200 + k % 14:03d}")
            vill_county.append(ci)
            vill_rural.append(True)
            nclan = int(rng.choice([1, 2, 3], p=[.35, .45, .2]))
            clans = list(rng.choice(len(SN), size=nclan, replace=False, p=SW))
            share = float(rng.uniform(.4, .78))
            vill_clans.append((clans, share))
            vill_size.append(int(rng.integers(150, 420)))
    # scale sizes to hit target
    vs = np.array(vill_size, float)
    vs = np.maximum(20, np.round(vs * n_target / vs.sum())).astype(int)

    P = {k: [] for k in ["surname", "given", "gender", "age_days", "village", "hh", "hrole"]}
    used_ids = set()
    hh_id = 0

    def add(sn, g, age_days, v, role, gen_char=None):
        P["surname"].append(sn)
        P["given"].append(given_name(rng, g, gen_char))
        P["gender"].append(g)
        P["age_days"].append(int(age_days))
        P["village"].append(v)
        P["hh"].append(hh_id)
        P["hrole"].append(role)

    def pick_surname(v, clan_ok=True):
        clans, share = vill_clans[v]
        if clan_ok and clans and rng.random() < share:
            return SN[clans[rng.integers(len(clans))]]
        return SN[rng.choice(len(SN), p=SW)]

    yr = 365.25
    for v in range(len(vill_code)):
        filled = 0
        while filled < vs[v]:
            t = rng.choice(4, p=[.55, .2, .12, .13])
            sn = pick_surname(v)
            start = len(P["surname"])
            gen_char = MALE_CH[rng.integers(len(MALE_CH))] if rng.random() < .5 else None
            if t == 0:  # family
                ha = rng.uniform(30, 58)
                add(sn, "M" if rng.random() < .85 else "F", ha * yr + rng.integers(365), v, "head")
                hg = P["gender"][-1]
                add(pick_surname(v, False), "F" if hg == "M" else "M",
                    max(20, ha + rng.normal(-2, 3)) * yr + rng.integers(365), v, "spouse")
                for _ in range(int(rng.choice([1, 2, 3], p=[.4, .45, .15]))):
                    ka = ha - rng.uniform(22, 34)
                    if ka >= 0:
                        add(sn, "M" if rng.random() < .52 else "F", ka * yr + rng.integers(365), v, "child",
                            gen_char)
                if ha > 36 and rng.random() < .4:
                    add(sn, "M" if rng.random() < .4 else "F", min(95, ha + rng.uniform(24, 32)) * yr, v, "parent")
            elif t == 1:  # elderly couple
                ha = rng.uniform(60, 86)
                add(sn, "M", ha * yr + rng.integers(365), v, "head")
                add(pick_surname(v, False), "F", max(55, ha + rng.normal(-2, 3)) * yr, v, "spouse")
            elif t == 2:  # single adult
                add(sn, "M" if rng.random() < .55 else "F", rng.uniform(20, 80) * yr + rng.integers(365), v, "single")
            else:  # young couple
                ha = rng.uniform(22, 35)
                add(sn, "M", ha * yr + rng.integers(365), v, "head")
                add(pick_surname(v, False), "F", max(20, ha + rng.normal(-1.5, 2)) * yr, v, "spouse")
                if rng.random() < .6:
                    add(sn, "M" if rng.random() < .52 else "F", rng.uniform(0, max(.5, ha - 21)) * yr, v, "child")
            filled += len(P["surname"]) - start
            hh_id += 1

    n = len(P["surname"])
    ref_day = date(2026, 3, 1)
    C = City()
    C.codes = codes
    C.vill_code = np.array(vill_code)
    C.vill_county = np.array(vill_county)
    C.vill_rural = np.array(vill_rural)
    C.village = np.array(P["village"])
    C.county = C.vill_county[C.village]
    C.hh = np.array(P["hh"])
    C.hrole = np.array(P["hrole"])
    C.gender = np.array(P["gender"])
    C.surname = np.array(P["surname"])
    C.name = np.array([s + g for s, g in zip(P["surname"], P["given"])], dtype=object)
    births = [ref_day - timedelta(days=int(a)) for a in P["age_days"]]
    C.birth = births
    C.birth_ord = np.array([b.toordinal() for b in births])
    C.age = (ref_day.toordinal() - C.birth_ord) / 365.25
    # ID numbers
    ids = []
    regions = []
    ur = rng.random(n)
    other_c = rng.integers(0, len(codes), n)
    ooc = rng.integers(0, len(OUT_OF_CITY), n)
    for i in range(n):
        ci = C.county[i]
        b = births[i]
        if ur[i] < .025:
            reg = OUT_OF_CITY[ooc[i]]
        else:
            cj = other_c[i] if ur[i] < .10 else ci
            code = codes[cj]
            h = hist[cj]
            if b.year < 2000:
                reg = h[0]
            elif code == "411603" and b.year < 2019:
                reg = h[1] if len(h) > 1 else code
            else:
                reg = code
        male = P["gender"][i] == "M"
        while True:
            seq = 2 * int(rng.integers(0, 499)) + (1 if male else 2)
            pid = make_id(reg, b, seq)
            if pid not in used_ids:
                break
        used_ids.add(pid)
        ids.append(pid)
        regions.append(reg)
    C.pid = np.array(ids, dtype=object)
    C.region = np.array(regions)
    C.n = n
    # sensitive watch list (~0.07%), adults, more in the city district
    w = np.where(C.age >= 25, 1.0, 0.0) * np.where(C.county == codes.index("411602"), 3.0, 1.0)
    k = max(20, int(round(n * 0.0007)))
    C.sensitive = np.zeros(n, bool)
    C.sensitive[rng.choice(n, size=k, replace=False, p=w / w.sum())] = True
    # activity weight: lognormal, by age
    agew = np.select([C.age < 18, C.age < 23, C.age < 60, C.age < 72], [0.0, .6, 1.0, .6], .25)
    C.weight = agew * rng.lognormal(0, 0.4, n)
    C.debtor = (rng.random(n) < .035) & (C.age >= 25) & (C.age < 68)
    C.hh_members = pd.Series(np.arange(n)).groupby(C.hh).apply(lambda s: s.values).to_dict()
    C.vill_members = pd.Series(np.arange(n)).groupby(C.village).apply(lambda s: s.values).to_dict()
    return C


class Pool:
    def __init__(self, idx, w):
        idx = np.asarray(idx)
        w = np.asarray(w, float)
        keep = w > 0
        self.idx = idx[keep]
        c = np.cumsum(w[keep])
        self.cum = c / c[-1]

    def sample(self, rng, n):
        j = np.searchsorted(self.cum, rng.random(n), side="right")
        return self.idx[np.minimum(j, len(self.idx) - 1)]


def build_pools(C):
    C.pool_city = Pool(np.arange(C.n), C.weight)
    C.pool_county = [Pool(np.where(C.county == ci)[0], C.weight[C.county == ci]) for ci in range(len(C.codes))]
    ad = (C.age >= 28) & (C.age < 48)
    C.pool_parents = [Pool(np.where((C.county == ci) & ad)[0], np.ones(((C.county == ci) & ad).sum()))
                      for ci in range(len(C.codes))]
    C.pool_debtors = Pool(np.where(C.debtor)[0], np.ones(C.debtor.sum()))
    rur = C.vill_rural[C.village] & (C.hrole == "head")
    C.pool_rural_heads = [Pool(np.where((C.county == ci) & rur)[0], np.ones(((C.county == ci) & rur).sum()))
                          for ci in range(len(C.codes))]
    C.nonsens = ~C.sensitive


# --------------------------------------------------------------------------- operators
class Op:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def gen_operators(rng, C, d_from, d_to):
    codes = C.codes
    specs = []

    def add(dept, role, arche, ci, n=1, **kw):
        for _ in range(n):
            specs.append(dict(dept=dept, role=role, arche=arche, ci=ci, **kw))

    for ci in range(10):
        add("GOVSERVICE", "window", "window", ci, 3)
    add("GOVSERVICE", "window", "window", None, 6)
    add("HOUSING", "window", "window", None, 2)
    for ci in rng.choice(10, 4, replace=False):
        add("HOUSING", "window", "window", int(ci))
    add("TAX", "window", "window", None, 2)
    for ci in rng.choice(10, 6, replace=False):
        add("TAX", "window", "window", int(ci))
    add("HRSS", "window", "window", None, 2)
    for ci in rng.choice(10, 4, replace=False):
        add("HRSS", "window", "window", int(ci))
    add("SAMR", "window", "window", None, 1)
    for ci in rng.choice(10, 3, replace=False):
        add("SAMR", "window", "window", int(ci))
    add("GOVSERVICE", "hotline", "hotline", None, 10)
    for ci in range(10):
        for dept in COUNTY_BUREAUS:
            add(dept, "officer", "officer", ci)
    extra_city = {"PSB": 6, "COURT": 0, "DRC": 3, "SAMR": 5, "TAX": 5, "HRSS": 4, "EDU": 4, "HEALTH": 4,
                  "HOUSING": 3, "FINANCE": 3}
    for dept in DEPT_PURPOSES:
        k = extra_city.get(dept, 2)
        add(dept, "officer", "officer", None, k)
    for ci in range(10):
        add("SAMR", "inspector", "inspector", ci, 2)
        add("URBAN", "inspector", "inspector", ci, 2)
        add("EMERGENCY", "inspector", "inspector", ci)
        add("ECOENV", "inspector", "inspector", ci)
        add("TRANSPORT", "inspector", "inspector", ci)
    add("FIRE", "inspector", "inspector", None, 4)
    add("ORG", "hr", "hr", None, 3)
    for ci in range(10):
        add("ORG", "hr", "hr", ci)
    for dept in HR_DEPTS_CITY[1:]:
        add(dept, "hr", "hr", None)
    for ci in range(10):
        add("GOVSERVICE", "supervisor", "supervisor", ci)
    for ci in rng.choice(10, 5, replace=False):
        add("SAMR", "supervisor", "supervisor", int(ci))
    for ci in rng.choice(10, 5, replace=False):
        add("TAX", "supervisor", "supervisor", int(ci))
    for ci in rng.choice(10, 4, replace=False):
        add("URBAN", "supervisor", "supervisor", int(ci))
    for dept, k in [("GOVSERVICE", 2), ("COURT", 2), ("DRC", 1), ("PSB", 2), ("HRSS", 2), ("HOUSING", 1),
                    ("SAMR", 1), ("EDU", 1)]:
        add(dept, "supervisor", "supervisor", None, k)
    for ci in range(10):
        add("CIVIL", "grid", "grid", ci, 8)
    add("COURT", "court_clerk", "court", None, 8)
    for ci in range(10):
        add("COURT", "court_clerk", "court", ci)
    add("DRC", "repair", "repair", None, 6)
    for ci in rng.choice(10, 2, replace=False):
        add("DRC", "repair", "repair", int(ci))
    for dept, k in [("DRC", 4), ("PBOC", 4), ("NFRA", 2), ("AUDIT", 2), ("FINANCE", 2), ("TAX", 1)]:
        add(dept, "analyst", "analyst", None, k)
    clerk_depts = ["GOVSERVICE", "CIVIL", "HRSS", "EDU", "HEALTH", "SAMR", "HOUSING", "TRANSPORT", "CULTURE",
                   "POSTAL", "CIVILIZATION", "PROPAGANDA", "JUSTICE", "COMMERCE", "URBAN", "FIRE"]
    for _ in range(62):
        dept = clerk_depts[rng.integers(len(clerk_depts))]
        ci = None if dept in ("POSTAL", "CIVILIZATION", "PROPAGANDA", "FIRE") or rng.random() < .3 \
            else int(rng.integers(10))
        add(dept, "clerk", "clerk", ci)
    for name, dept in [("sys-pboc-gateway", "PBOC"), ("sys-onestop-app", "GOVSERVICE"),
                       ("sys-housing-batch", "HOUSING"), ("sys-court-jp", "COURT"),
                       ("sys-nfra-batch", "NFRA"), ("sys-hrss-wage", "HRSS")]:
        add(dept, "system", "api", None, sysname=name)

    # residents for operators
    taken = set()
    ops = []
    nums = rng.permutation(np.arange(10000, 99999))[:len(specs)]
    ad = (C.age >= 23) & (C.age < 58)
    for k, s in enumerate(specs):
        if s["arche"] == "api":
            person = None
        else:
            ci = s["ci"]
            if ci is None:
                ci = codes.index("411602") if rng.random() < .7 else int(rng.integers(10))
            if s["arche"] == "grid":
                want_rural = ci != codes.index("411602") or rng.random() < .3
            else:
                want_rural = rng.random() < (.35 if ci == codes.index("411602") else .6)
            cand = np.where(ad & (C.county == ci) & (C.vill_rural[C.village] == want_rural))[0]
            while True:
                person = int(cand[rng.integers(len(cand))])
                if person not in taken:
                    break
            taken.add(person)
        op = Op(idx=k, dept=s["dept"], role=s["role"], arche=s["arche"], ci=s["ci"], person=person,
                sysname=s.get("sysname"))
        op.op_id = s.get("sysname") or f"zk{int(nums[k]):05d}"
        op.name = "系统接口账号" if person is None else C.name[person]
        if s["arche"] == "api":
            op.name = {"sys-pboc-gateway": "人行征信查询接口", "sys-onestop-app": "一网通办App接口",
                       "sys-housing-batch": "住建从业人员批量核查", "sys-court-jp": "联合惩戒名单比对",
                       "sys-nfra-batch": "保险从业人员批量核查", "sys-hrss-wage": "欠薪平台同步"}[op.op_id]
        ops.append(op)

    # volumes, schedules
    nd = (d_to - d_from).days + 1
    for op in ops:
        a = op.arche
        op.start = None
        op.end = None
        op.leaves = []
        op.transfer = None
        op.sat_rota = None
        op.shift = int(rng.integers(2))
        op.rota = int(rng.integers(7))
        op.total_target = None
        if a == "window":
            op.rate = float(rng.lognormal(np.log(32), .4))
            if op.dept == "GOVSERVICE" and op.ci is None and rng.random() < .5:
                op.rate = float(rng.uniform(65, 90))
            if op.dept == "GOVSERVICE":
                op.sat_rota = int(rng.integers(4))
        elif a == "hotline":
            op.rate = float(rng.uniform(22, 34))
        elif a == "officer":
            op.rate = float(np.clip(rng.lognormal(np.log(3.2), .9), .25, 30))
        elif a == "inspector":
            op.rate = float(rng.lognormal(np.log(4), .6))
            if op.dept in ("URBAN", "TRANSPORT"):
                op.sat_rota = int(rng.integers(2)) + 10  # every other Saturday
        elif a == "court":
            op.rate = float(rng.lognormal(np.log(7), .4))
        elif a == "repair":
            op.rate = float(rng.lognormal(np.log(5), .4))
        elif a == "analyst":
            op.rate = float(rng.lognormal(np.log(4), .8))
        elif a in ("supervisor", "grid", "clerk", "hr"):
            op.total_target = int(np.clip(rng.lognormal(np.log(22), .6), 5, 60))
            op.rate = op.total_target / 51.0
        else:
            op.rate = 0.0
    human = [op for op in ops if op.arche in ("window", "officer", "inspector", "clerk")]
    # new hires (start mid-range, ramp up), leavers, leaves, transfers
    pick = rng.permutation(len(human))
    p = 0
    for _ in range(24):
        op = human[pick[p]]; p += 1
        op.start = d_from + timedelta(days=int(rng.integers(5, nd - 10)))
    for _ in range(9):
        op = human[pick[p]]; p += 1
        op.end = d_from + timedelta(days=int(rng.integers(10, nd - 5)))  # first inactive day
    for _ in range(3):  # maternity / long sick leave, female staff
        while True:
            op = human[pick[p]]; p += 1
            if C.gender[op.person] == "F" and op.start is None and op.end is None:
                break
        s0 = d_from + timedelta(days=int(rng.integers(8, 30)))
        op.leaves.append((s0, s0 + timedelta(days=int(rng.integers(35, 60)))))
    for op in ops:
        if op.arche not in ("api",) and not op.leaves and rng.random() < .12:
            s0 = d_from + timedelta(days=int(rng.integers(0, nd - 5)))
            op.leaves.append((s0, s0 + timedelta(days=int(rng.integers(5, 16)))))
    movers = [op for op in ops if op.arche == "officer" and op.ci is not None and op.start is None
              and op.end is None and not op.leaves]
    for j, op in enumerate(rng.choice(len(movers), 3, replace=False)):
        op = movers[int(op)]
        old = op.ci
        new = int((old + 1 + rng.integers(9)) % 10)
        op.transfer = (d_from + timedelta(days=int([22, 36, 43][j])), old)
        op.ci = new  # operators.csv shows the new county
    return ops


def op_county_on(op, d):
    if op.transfer is not None and d < op.transfer[0]:
        return op.transfer[1]
    return op.ci


def op_active(op, d):
    if op.start is not None and d < op.start:
        return False
    if op.end is not None and d >= op.end:
        return False
    for a, b in op.leaves:
        if a <= d < b:
            return False
    return True


# --------------------------------------------------------------------------- campaigns
def campaigns(d_from):
    return {
        # school enrolment: EDU checks parents of applicants to high-fee private schools against the
        # dishonest-judgment-debtor list (joint punishment), all county EDU officers
        "school": (date(2026, 4, 13), date(2026, 5, 8)),
        # flood-relief subsidy re-verification in Xihua and Shangshui
        "flood": (date(2026, 3, 16), date(2026, 4, 10)),
        # wage-arrears winter push continuing after the Spring Festival
        "wage": (date(2026, 1, 5), date(2026, 3, 20)),
        # annual assessment and commendations (HR), spring promotions round
        "hr_assess": (date(2026, 3, 9), date(2026, 3, 20)),
        "hr_promo": (date(2026, 4, 20), date(2026, 4, 30)),
    }


FLOOD_COUNTIES = ["411622", "411623"]


# --------------------------------------------------------------------------- row blocks
class Rows:
    def __init__(self):
        self.cols = {k: [] for k in ["t", "op", "subj", "purpose", "ref", "channel", "term", "kind", "ep"]}

    def add(self, t, op, subj, purpose, ref, channel, term, kind="", ep=-1):
        n = len(t)
        if n == 0:
            return
        self.cols["t"].append(np.asarray(t, np.int64))
        self.cols["op"].append(np.full(n, op, np.int64))
        for k, v in [("subj", subj), ("purpose", purpose), ("ref", ref), ("channel", channel),
                     ("term", term), ("kind", kind)]:
            if isinstance(v, str):
                v = [v] * n
            v = np.asarray(v, dtype=object)
            if len(v) != n:
                raise ValueError(f"column {k}: {len(v)} values for {n} rows (operator {op}, kind {kind})")
            self.cols[k].append(v)
        self.cols["ep"].append(np.full(n, ep, np.int64))

    def frame(self):
        if not self.cols["t"]:
            return pd.DataFrame({k: [] for k in self.cols})
        return pd.DataFrame({k: np.concatenate(v) for k, v in self.cols.items()})


def choose_purpose(rng, dept, n, hr=False):
    d = dict(DEPT_PURPOSES[dept])
    if hr:
        d = HR_PURPOSES
    keys = list(d)
    w = np.array([d[k] for k in keys], float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=w / w.sum())]


def terminal_for(op, C):
    c4 = "ZK00" if op.ci is None else C.codes[op.ci][2:]
    if op.arche == "window":
        return f"W{c4}-{op.idx % 97:02d}"
    if op.arche == "inspector":
        return f"MOB-{op.dept[:3]}-{op.idx:04d}"
    if op.arche == "api":
        return f"API-{op.op_id[4:].upper()}"
    if op.arche == "analyst":
        return f"DSB-{op.dept}-{op.idx % 13:02d}"
    return f"PC-{op.dept[:4]}{c4}-{op.idx:04d}"


def op_channel(op):
    return {"window": "WINDOW", "api": "API", "analyst": "DASHBOARD"}.get(op.arche, "WEB")


# migrant IDs (out-of-city, valid check characters, not registered in persons)
def migrant_ids(rng, n, C):
    out = []
    pids = set(C.pid.tolist())
    while len(out) < n:
        reg = OUT_OF_CITY[rng.integers(len(OUT_OF_CITY))]
        b = date(1960, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 44)))
        pid = make_id(reg, b, int(rng.integers(1, 999)))
        if pid not in pids:
            out.append(pid)
    return np.array(out, dtype=object)


def typo_of(rng, pid):
    s = list(pid)
    if rng.random() < .6:
        j = int(rng.integers(6, 17))
        s[j] = str((int(s[j]) + 1 + int(rng.integers(9))) % 10)
    else:
        j = int(rng.integers(6, 16))
        if s[j] == s[j + 1]:
            s[j] = str((int(s[j]) + 1) % 10)
        else:
            s[j], s[j + 1] = s[j + 1], s[j]
    return "".join(s)


def gen_block(ops, C, days, seed, stream, rows, misusers_free=True, args=None):
    """Legitimate lookups for all operators over `days` (list of date). stream separates range/history."""
    camp = campaigns(days[0])
    migr = migrant_ids(np.random.default_rng([seed, stream, 7777]), 5000, C)
    global MIGR_SET
    MIGR_SET = set(migr.tolist())
    flood_ci = [C.codes.index(c) for c in FLOOD_COUNTIES]
    team_rows = {}  # (dept, county) -> list of (day_index, subj, purpose, ref)
    ord0 = days[0].toordinal()
    second = []
    for op in ops:
        if op.arche == "supervisor":
            second.append(op)
            continue
        rng = np.random.default_rng([seed, stream, op.idx])
        if op.arche == "api":
            gen_api(op, C, days, rng, rows, camp)
            continue
        gen_human(op, C, days, rng, rows, camp, migr, flood_ci, team_rows, ord0)
    for op in second:
        rng = np.random.default_rng([seed, stream, op.idx])
        gen_supervisor(op, C, days, rng, rows, team_rows, ord0)


def day_rate(op, d, rng, base):
    """Expected lookups for op on day d (0 if not working)."""
    if not op_active(op, d):
        return 0.0, None
    a = op.arche
    wd = is_workday(d)
    prof = {"window": "window", "inspector": "inspector", "analyst": "analyst"}.get(a, "office")
    if a == "hotline":
        works = (d.toordinal() + op.rota) % 7 < 5
        if not works:
            return 0.0, None
        wk = (d.toordinal() // 7 + op.shift) % 2
        return base * rng.gamma(8, 1 / 8), "hotline_b" if wk else "hotline_a"
    if not wd:
        if d.weekday() == 5 and d not in HOLIDAYS and op.sat_rota is not None:
            if op.sat_rota >= 10:
                if (d.toordinal() // 7) % 2 == op.sat_rota - 10:
                    return base * .5 * rng.gamma(4, 1 / 4), "inspector"
            elif (d.toordinal() // 7) % 4 == op.sat_rota:
                return base * .45 * rng.gamma(4, 1 / 4), "saturday"
        return 0.0, None
    mult = [1.15, 1.05, 1.0, 0.97, 0.85][d.weekday()] if d.weekday() < 5 else 0.9
    if op.start is not None:
        k = (d - op.start).days
        mult *= min(1.0, (k + 2) / 14.0)
    return base * mult * rng.gamma(5, 1 / 5), prof


def gen_human(op, C, days, rng, rows, camp, migr, flood_ci, team_rows, ord0):
    a = op.arche
    ch = op_channel(op)
    term = terminal_for(op, C)
    arate = AUTH_RATE[op.dept]
    if a == "window":
        arate = .93 if op.dept == "GOVSERVICE" else .8
    if a == "grid":
        arate = .72
    if a == "analyst":
        arate = .08
    missing_p = {"DASHBOARD": .4, "WEB": .012, "WINDOW": .004}[ch]
    ref_n = 0
    cases = []  # court / repair open cases: [ref, subjects, last_day]
    last_ref = None
    last_subj = None
    recent = []
    home_v = C.village[op.person]
    home_town = C.vill_code[home_v][:9]
    town_v = [v for v in range(len(C.vill_code)) if C.vill_code[v][:9] == home_town and v != home_v]
    colleagues = None
    for di, d in enumerate(days):
        lam, prof = day_rate(op, d, rng, op.rate)
        # campaigns
        extra = []
        ci = op_county_on(op, d)
        if prof is not None and is_workday(d):
            s, e = camp["school"]
            if op.dept == "EDU" and a == "officer" and ci is not None and s <= d <= e:
                extra.append(("school", rng.poisson(14 * rng.gamma(4, .25))))
            s, e = camp["flood"]
            if ci in flood_ci and s <= d <= e and (op.dept in ("CIVIL", "FINANCE")):
                extra.append(("flood", rng.poisson((22 if a != "grid" else 9) * rng.gamma(4, .25))))
                prof = "overtime"
            s, e = camp["wage"]
            if op.dept == "HRSS" and a == "officer" and s <= d <= e:
                extra.append(("wage", rng.poisson(8 * rng.gamma(4, .25))))
            if a == "hr":
                for key, r in (("hr_assess", 5), ("hr_promo", 3)):
                    s, e = camp[key]
                    if s <= d <= e:
                        extra.append((key, rng.poisson(r)))
        elif prof is None and d.weekday() == 5 and op_active(op, d) and d not in HOLIDAYS:
            s, e = camp["flood"]
            if ci in flood_ci and s <= d <= e and op.dept in ("CIVIL", "FINANCE") and a != "grid":
                extra.append(("flood", rng.poisson(10)))
                prof = "saturday"
        n = rng.poisson(lam) if lam > 0 else 0
        if n == 0 and not any(x[1] for x in extra):
            continue
        base_t = day_sec(d)
        # ---------------- regular work
        if n:
            secs = np.sort(sample_secs(rng, prof, n, d))
            subj = []
            purp = []
            refs = []
            if a in ("window", "officer", "inspector", "clerk", "grid", "analyst", "hotline", "hr"):
                if a == "hotline" or a == "analyst" or ci is None:
                    cand = C.pool_city.sample(rng, n)
                else:
                    cand = np.where(rng.random(n) < .955, C.pool_county[ci].sample(rng, n),
                                    C.pool_city.sample(rng, n))
                if a == "grid":
                    vm = C.vill_members[home_v]
                    adults = vm[C.age[vm] >= 18]
                    for j in range(n):
                        r = rng.random()
                        if r < .78:
                            cand[j] = adults[rng.integers(len(adults))]
                        elif r < .95 and town_v:
                            m = C.vill_members[town_v[rng.integers(len(town_v))]]
                            cand[j] = m[rng.integers(len(m))]
                if a == "hr":
                    if colleagues is None:
                        colleagues = np.array([o.person for o in HR_SCOPE[op.idx]], dtype=np.int64)
                    for j in range(n):
                        if rng.random() < .55 and len(colleagues):
                            cand[j] = colleagues[rng.integers(len(colleagues))]
                pp = choose_purpose(rng, op.dept, n, hr=(a == "hr"))
                if a == "grid":
                    pp = np.where(rng.random(n) < .9, "POLICY_SUPPORT", "LICENSING").astype(object)
                if a == "hotline":
                    pp = np.where(rng.random(n) < .7, "OBJECTION", "ENFORCEMENT").astype(object)
                for j in range(n):
                    s_i = int(cand[j])
                    sid = C.pid[s_i]
                    p_ = pp[j]
                    # same case as previous lookup: often a household member of the previous subject
                    if last_ref and rng.random() < (.25 if a != "window" else .12) and last_subj is not None:
                        hm = C.hh_members[C.hh[last_subj]]
                        if len(hm) > 1 and rng.random() < .6:
                            s_i = int(hm[rng.integers(len(hm))])
                            sid = C.pid[s_i]
                        ref = last_ref
                        p_ = purp[-1] if purp else p_
                    elif a == "hotline" and recent and rng.random() < .2:
                        s_i, ref, p_ = recent[rng.integers(len(recent))]
                        sid = C.pid[s_i]
                    else:
                        ref = ""
                        if rng.random() < arate or C.sensitive[s_i]:
                            ref_n += 1
                            ref = make_ref(op, C, d, ref_n, ci)
                    if ch in ("WEB", "WINDOW", "DASHBOARD") and rng.random() < (missing_p if not C.sensitive[s_i] else 0):
                        p_ = ""
                    if a in ("window", "hotline") and rng.random() < .016 and not ref == last_ref:
                        sid = migr[rng.integers(len(migr))]
                        s_i = -1
                    subj.append(sid)
                    purp.append(p_)
                    refs.append(ref)
                    last_ref = ref if ref else None
                    last_subj = s_i if s_i >= 0 else None
                    if a == "hotline" and s_i >= 0:
                        recent.append((s_i, ref, p_))
                        recent = recent[-60:]
            elif a in ("court", "repair"):
                for j in range(n):
                    open_c = [c for c in cases if di - c[2] < (40 if a == "court" else 15)]
                    if not open_c or rng.random() < (.28 if a == "court" else .3):
                        ref_n += 1
                        if a == "court":
                            cc = "16" if ci is None else C.codes[ci][4:]
                            ref = f"（2026）豫{16 if ci is None else '16' + cc}执{op.idx % 50 * 40 + ref_n}号"
                            k0 = C.pool_debtors.sample(rng, 1)[0] if rng.random() < .6 else \
                                (C.pool_city if ci is None else C.pool_county[ci]).sample(rng, 1)[0]
                            hm = C.hh_members[C.hh[k0]]
                            subjects = [int(k0)] + [int(x) for x in hm if x != k0 and C.age[x] >= 18][:int(rng.integers(0, 3))]
                            pur = "ENFORCEMENT" if rng.random() < .9 else "OBJECTION"
                        else:
                            ref = f"XF-2026-{op.idx:03d}{ref_n:04d}"
                            subjects = [int(C.pool_city.sample(rng, 1)[0])]
                            pur = "REPAIR" if rng.random() < .8 else "OBJECTION"
                        c = [ref, subjects, di, pur]
                        cases.append(c)
                        cases = cases[-80:]
                    else:
                        c = open_c[rng.integers(len(open_c))]
                        c[2] = di
                    s_i = c[1][rng.integers(len(c[1]))]
                    subj.append(C.pid[s_i]); purp.append(c[3]); refs.append(c[0])
            rows.add(base_t + secs, op.idx, subj, purp, refs, ch, term)
            if a in ("window", "officer", "inspector") and ci is not None:
                tr = team_rows.setdefault((op.dept, ci), [])
                for j in range(0, n, 3):
                    tr.append((d.toordinal() - ord0, subj[j], purp[j], refs[j]))
            elif a in ("window", "officer", "court", "repair") and ci is None:
                tr = team_rows.setdefault((op.dept, None), [])
                for j in range(0, n, 3):
                    tr.append((d.toordinal() - ord0, subj[j], purp[j], refs[j]))
            # typo IDs followed by the correct one
            if a in ("window", "officer", "clerk", "inspector", "hotline"):
                m = rng.random(n) < .005
                for j in np.where(m)[0]:
                    if subj[j] in MIGR_SET:
                        continue
                    rows.add([base_t + secs[j] - int(rng.integers(12, 80))], op.idx, [typo_of(rng, subj[j])],
                             [purp[j]], [refs[j]], ch, term)
        # ---------------- campaigns
        for key, k in extra:
            if not k:
                continue
            cprof = prof if prof in ("overtime", "saturday") else "office"
            secs = sample_secs(rng, cprof, k, d)
            if key == "school":
                s_idx = C.pool_parents[ci].sample(rng, k)
                purp, ref = "ENFORCEMENT", f"JY-{C.codes[ci]}-2026-ZS{(d - camp['school'][0]).days // 7 + 1:02d}"
            elif key == "flood":
                s_idx = C.pool_rural_heads[ci].sample(rng, k)
                purp = "POLICY_SUPPORT" if op.dept == "CIVIL" else "PUBLIC_FUNDS"
                ref = f"ZH-{C.codes[ci]}-{(d - camp['flood'][0]).days // 5 + 1:03d}"
            elif key == "wage":
                s_idx = (C.pool_city if ci is None else C.pool_county[ci]).sample(rng, k)
                purp = np.where(rng.random(k) < .6, "LABOUR", "ENFORCEMENT").astype(object)
                ref = np.array([f"QX-2026-{int(x):05d}" for x in rng.integers(1, 3000, k)], dtype=object)
            else:
                if colleagues is None:
                    colleagues = np.array([o.person for o in HR_SCOPE[op.idx]], dtype=np.int64)
                s_idx = colleagues[rng.integers(len(colleagues), size=k)] if len(colleagues) else \
                    C.pool_city.sample(rng, k)
                purp = "COMMENDATION" if key == "hr_assess" else "APPOINTMENT"
                ref = f"RS-{op.dept}-{d.strftime('%Y%m')}-{op.idx % 7 + 1:02d}"
            rows.add(base_t + secs, op.idx, C.pid[s_idx], purp, ref, ch, term)


HR_SCOPE = {}


def make_ref(op, C, d, n, ci):
    c4 = "0000" if ci is None else C.codes[ci][2:]
    if op.arche == "window":
        return f"SQ{d.strftime('%Y%m%d')}{c4}{op.idx % 100:02d}{n % 10000:04d}"
    if op.arche == "hotline":
        return f"12345-{d.strftime('%Y%m%d')}-{op.idx % 100:02d}{n % 1000:03d}"
    if op.arche == "grid":
        return f"DB-{C.codes[ci]}-{d.strftime('%Y%m')}-{op.idx % 100:02d}"
    if op.arche == "hr":
        return f"RS-{op.dept}-{d.strftime('%Y%m')}-{n % 40:02d}"
    return f"{op.dept}-{c4}-{d.year}-{op.idx % 1000:03d}{n:04d}"


def gen_api(op, C, days, rng, rows, camp):
    ch, term = "API", terminal_for(op, C)
    housing_pool = np.sort(rng.choice(np.where(C.age >= 25)[0], 6000, replace=False))
    nfra_pool = np.sort(rng.choice(np.where((C.age >= 22) & (C.age < 60))[0], 2600, replace=False))
    for d in days:
        b = day_sec(d)
        wd = is_workday(d)
        if op.op_id == "sys-pboc-gateway":
            k = rng.poisson(660 * (1.0 if wd else .45) * rng.gamma(10, .1))
            secs = sample_secs(rng, "api_online", k, d)
            s = C.pool_city.sample(rng, k)
            refs = [f"PBOC-{d.strftime('%Y%m%d')}-{j:05d}" for j in range(k)]
            rows.add(b + secs, op.idx, C.pid[s], "AUTHORIZED", refs, ch, term)
        elif op.op_id == "sys-onestop-app":
            k = rng.poisson(380 * (1.0 if wd else .7) * rng.gamma(10, .1))
            secs = sample_secs(rng, "api_online", k, d)
            s = C.pool_city.sample(rng, k)
            pp = np.where(rng.random(k) < .62, "SELF", "AUTHORIZED").astype(object)
            refs = [f"ZWFW{d.strftime('%y%m%d')}{j:05d}" for j in range(k)]
            rows.add(b + secs, op.idx, C.pid[s], pp, refs, ch, term)
        elif op.op_id == "sys-housing-batch":
            if wd:
                k = int(rng.integers(120, 190))
                s = housing_pool[rng.choice(len(housing_pool), k, replace=False)]
                secs = np.sort(2 * 3600 + 600 + rng.integers(0, 2400, k))
                rows.add(b + secs, op.idx, C.pid[s], "PRACTICE", f"ZJPL-{d.strftime('%Y%m%d')}", ch, term)
        elif op.op_id == "sys-nfra-batch":
            if d.weekday() == 6 and (d.toordinal() // 7) % 2 == 0:  # fortnightly, Sunday night
                s = nfra_pool
                secs = np.sort(3600 + rng.integers(0, 5400, len(s)))
                rows.add(b + secs, op.idx, C.pid[s], "PRACTICE", f"BXPL-{d.strftime('%Y%m%d')}", ch, term)
        elif op.op_id == "sys-court-jp":
            if d.day == 15:
                k = {1: 2600, 2: 2400, 3: 3100, 4: 11800, 5: 4200}.get(d.month, 3000)
                k = min(k, len(C.pool_debtors.idx))
                s = rng.choice(C.pool_debtors.idx, k, replace=False)
                secs = np.sort(22 * 3600 + rng.integers(0, 4 * 3600, k))  # runs past midnight
                rows.add(b + secs, op.idx, C.pid[s], "ENFORCEMENT", f"LHCJ-{d.strftime('%Y%m%d')}", ch, term)
        elif op.op_id == "sys-hrss-wage":
            s0, e0 = camp["wage"]
            k = rng.poisson(95 if s0 <= d <= e0 else 45) if wd else 0
            if k:
                secs = 18 * 3600 + 1800 + rng.integers(0, 1500, k)
                s = C.pool_city.sample(rng, k)
                rows.add(b + secs, op.idx, C.pid[s], "LABOUR", f"QXTB-{d.strftime('%Y%m%d')}", ch, term)


def gen_supervisor(op, C, days, rng, rows, team_rows, ord0):
    key = (op.dept, op.ci)
    tr = team_rows.get(key) or team_rows.get((op.dept, None)) or []
    if not tr:
        return
    tday = np.array([x[0] for x in tr])
    term = terminal_for(op, C)
    for d in days:
        lam, prof = day_rate(op, d, rng, op.rate)
        n = rng.poisson(lam) if lam > 0 else 0
        if not n:
            continue
        di = d.toordinal() - ord0
        cand = np.where((tday >= di - 6) & (tday <= di - 2))[0]
        if not len(cand):
            continue
        # review session: a handful of subjects rechecked in a row
        k = min(len(cand), n)
        pick = rng.choice(cand, k, replace=False)
        t0 = day_sec(d) + sample_secs(rng, "office", 1, d)[0]
        secs = t0 + np.cumsum(rng.integers(30, 240, k))
        rows.add(secs, op.idx, [tr[j][1] for j in pick], [tr[j][2] for j in pick],
                 [tr[j][3] for j in pick], "WEB", term)


# --------------------------------------------------------------------------- misuse
def gen_misuse(ops, C, days, seed, legit, rows):
    """Plan and generate labelled misuse episodes inside the range. Returns episode list."""
    rng = np.random.default_rng([seed, 3, 1])
    d_from, d_to = days[0], days[-1]
    workdays = [d for d in days if is_workday(d)]
    vol = legit.groupby("op").size()
    used = set()
    episodes = []
    codes = C.codes

    def stable(op):
        return op.start is None and op.end is None and not op.leaves and op.transfer is None

    def pick(pred, order=None):
        c = [op for op in ops if op.idx not in used and pred(op)]
        if not c:
            raise RuntimeError("no candidate operator for misuse plan")
        if order == "busiest":
            c.sort(key=lambda o: -vol.get(o.idx, 0))
            op = c[0]
        elif order == "busy":
            c.sort(key=lambda o: -vol.get(o.idx, 0))
            op = c[int(rng.integers(min(4, len(c))))]
        elif order == "low":
            c = [o for o in c if vol.get(o.idx, 0) <= 60] or c
            op = c[int(rng.integers(len(c)))]
        else:
            op = c[int(rng.integers(len(c)))]
        used.add(op.idx)
        return op

    def common_purpose(op):
        s = legit.loc[legit.op == op.idx, "purpose"]
        s = s[s != ""]
        return s.value_counts().index[0] if len(s) else ""

    def emit(op, kind, t, subj, purpose=None, ref="", channel=None, term=None):
        ep = len(episodes)
        t = np.asarray(t, np.int64)
        if purpose is None:
            purpose = common_purpose(op)
        rows.add(t, op.idx, subj, purpose, ref, channel or op_channel(op), term or terminal_for(op, C),
                 kind=kind, ep=ep)
        episodes.append((op.idx, kind))

    def wd_secs(d, prof, k):
        return day_sec(d) + np.sort(sample_secs(rng, prof, k, d))

    def burst(d, h0, h1, k, gap=(20, 240)):
        t0 = day_sec(d) + int(rng.uniform(h0, h1) * 3600)
        return t0 + np.cumsum(rng.integers(gap[0], gap[1], k))

    def spread(k, dlist=None, prof="office"):
        dl = dlist or workdays
        dd = sorted(rng.choice(len(dl), k, replace=k > len(dl)))
        return np.array([day_sec(dl[j]) + sample_secs(rng, prof, 1, dl[j])[0] for j in dd])

    def active_days(op, dl=None):
        return [d for d in (dl or workdays) if op_active(op, d)]

    def same_village(op, k, same_surname_p=.7, include_hh=2):
        v = C.village[op.person]
        vm = np.array([x for x in C.vill_members[v] if x != op.person and C.age[x] >= 16])
        hh = [x for x in C.hh_members[C.hh[op.person]] if x != op.person]
        out = list(rng.permutation(hh)[:include_hh])
        sn = C.surname[op.person]
        same = vm[C.surname[vm] == sn]
        other = vm[C.surname[vm] != sn]
        while len(out) < k:
            src = same if (len(same) and rng.random() < same_surname_p) else other
            out.append(int(src[rng.integers(len(src))]))
        return np.array(out[:k])

    def colleagues_of(op, k):
        col = [o.person for o in ops if o.dept == op.dept and o.person is not None and o.idx != op.idx]
        same_c = [o.person for o in ops if o.dept == op.dept and o.person is not None and o.idx != op.idx
                  and o.ci == op.ci]
        src = same_c if len(same_c) >= k else col
        return np.array(rng.choice(src, k, replace=len(src) < k))

    sens = np.where(C.sensitive)[0]
    n_ep_before = 0
    wd = workdays
    last2 = [d for d in days[-2:]]
    is_county_off = lambda o: o.arche == "officer" and o.ci is not None and stable(o)

    # 1 kin_neighbour A: county officer from a rural village, ~weekly over the whole range (subtle)
    op = pick(lambda o: is_county_off(o) and C.vill_rural[C.village[o.person]] and vol.get(o.idx, 0) > 60)
    k = 6
    weeks = [wd[i] for i in range(0, len(wd), max(1, len(wd) // k))][:k]
    emit(op, "kin_neighbour", [day_sec(d) + sample_secs(rng, PROFILES["office"][:5] + [(12.0, 13.5, .3)], 1, d)[0]
                               for d in weeks], C.pid[same_village(op, k)])
    # 2 kin_neighbour B: low-volume clerk, burst of relatives in one afternoon (subtle)
    op = pick(lambda o: o.arche == "clerk" and o.ci is not None and stable(o)
              and C.vill_rural[C.village[o.person]], "low")
    d = wd[int(rng.integers(10, len(wd) - 10))]
    emit(op, "kin_neighbour", burst(d, 15.0, 16.0, 9, (40, 300)), C.pid[same_village(op, 9, .8, 3)], ref="")
    # 3 kin_neighbour C + out_of_county B: very busy county window
    W1 = pick(lambda o: o.arche == "window" and o.ci is not None and stable(o)
              and C.vill_rural[C.village[o.person]], "busiest")
    ad = active_days(W1)
    emit(W1, "kin_neighbour", spread(9, ad, "window"), C.pid[same_village(W1, 9, .75, 2)],
         purpose="AUTHORIZED", ref="")
    # 4 colleague A: officer, first 3 days of the range (subtle)
    op = pick(lambda o: is_county_off(o) and vol.get(o.idx, 0) > 40)
    emit(op, "colleague", np.concatenate([wd_secs(d, "office", 4) for d in wd[:3]]),
         C.pid[colleagues_of(op, 12)], ref="")
    # 5 colleague B: busy window, lunchtime and quiet moments over weeks 3-8 (heavy)
    op = pick(lambda o: o.arche == "window" and o.ci is not None and stable(o), "busy")
    cols = colleagues_of(op, 40)
    subj = cols[rng.integers(len(cols), size=35)]
    emit(op, "colleague", spread(35, active_days(op, wd[10:42]), [(12.0, 12.6, .5), (8.3, 8.6, .2), (17.3, 17.8, .3)]),
         C.pid[subj], ref="")
    other = int((op.ci + 3) % 10)  # same window also serves a friend's business in another county
    emit(op, "out_of_county", spread(45, active_days(op), "window"), C.pid[C.pool_county[other].sample(rng, 45)],
         purpose=None, ref="")
    # 6 colleague C: analyst, last two days (subtle)
    op = pick(lambda o: o.arche == "analyst" and stable(o))
    emit(op, "colleague", np.concatenate([wd_secs(d, "office", 3) for d in last2]), C.pid[colleagues_of(op, 6)],
         purpose="", ref="")
    # 7 colleague D: supervisor looking up own-department colleagues (subtle)
    op = pick(lambda o: o.arche == "supervisor" and stable(o))
    emit(op, "colleague", spread(8, active_days(op)), C.pid[colleagues_of(op, 8)], ref="")
    # 8 watchlist A: city officer, every ~2 weeks, last one in the final two days (subtle)
    op = pick(lambda o: o.arche == "officer" and o.ci is None and stable(o))
    ds = [wd[i] for i in (6, 16, 27, 38)] + [last2[-1]]
    emit(op, "watchlist", [day_sec(d) + sample_secs(rng, "office", 1, d)[0] for d in ds],
         C.pid[rng.choice(sens, 5, replace=False)], ref="")
    # 9 watchlist B: busy 12345 hotline operator, evening shifts (subtle, <1%)
    op = pick(lambda o: o.arche == "hotline" and stable(o), "busy")
    hd = [d for d in days if op_active(op, d) and (d.toordinal() + op.rota) % 7 < 5
          and (d.toordinal() // 7 + op.shift) % 2 == 1]
    emit(op, "watchlist", spread(11, hd, [(19.0, 21.8, 1.0)]), C.pid[rng.choice(sens, 11, replace=False)],
         purpose="OBJECTION", ref="")
    # 10 watchlist C: inspector, burst one afternoon after a news story, then follow-ups (heavy)
    op = pick(lambda o: o.arche == "inspector" and o.ci is not None and stable(o))
    loc = sens[C.county[sens] == op.ci]
    tgt = rng.choice(sens, 18, replace=False) if len(loc) < 4 else np.concatenate(
        [rng.choice(loc, min(len(loc), 6), replace=False), rng.choice(sens, 12, replace=False)])
    d = wd[int(rng.integers(20, 40))]
    t = np.concatenate([burst(d, 14.6, 15.5, len(tgt), (30, 200)), spread(6, active_days(op, wd[41:]), "inspector")])
    emit(op, "watchlist", t, C.pid[np.concatenate([tgt, tgt[:6]])], ref="")

    # stalking helper
    def stalk_target(op, same_county=True):
        g = "F" if C.gender[op.person] == "M" else "M"
        a = C.age[op.person]
        m = (C.gender == g) & (np.abs(C.age - a) < 6) & (C.age >= 20) & (C.hh != C.hh[op.person])
        if same_county:
            m &= C.county == (op.ci if op.ci is not None else C.county[op.person])
        c = np.where(m)[0]
        return int(c[rng.integers(len(c))])

    # 11 stalking A + probing B: officer first probes ID numbers to find the target, then stalks
    S1 = pick(lambda o: is_county_off(o) and vol.get(o.idx, 0) > 30)
    tgt = stalk_target(S1)
    pid_t = C.pid[tgt]
    reg, bd, seq = pid_t[:6], C.birth[tgt], int(pid_t[14:17])
    k = 12
    seqs = [s for s in range(seq - 2 * (k - 1), seq + 1, 2) if s > 0][-k:]
    d0 = wd[int(rng.integers(3, 8))]
    probe_ids = [make_id(reg, bd, s) for s in seqs]
    emit(S1, "probing", day_sec(d0) + 20 * 3600 + 1200 + np.cumsum(rng.integers(25, 90, len(probe_ids))),
         probe_ids, purpose="", ref="")
    later = active_days(S1, [d for d in days if d > d0])
    nights = [d for d in days if d > d0 and op_active(S1, d)]
    t = np.concatenate([spread(20, later, [(12.0, 13.8, .6), (17.6, 18.5, .4)]),
                        spread(14, nights, [(20.5, 23.8, 1.0)])])
    emit(S1, "stalking", t, [pid_t] * len(t), purpose="", ref="")
    # 12 stalking B: low-volume clerk, 8 lookups in two weeks (subtle)
    op = pick(lambda o: o.arche == "clerk" and stable(o), "low")
    tgt = stalk_target(op, op.ci is not None)
    i0 = int(rng.integers(5, len(wd) - 12))
    emit(op, "stalking", spread(8, wd[i0:i0 + 10]), [C.pid[tgt]] * 8, ref="")
    # 13 stalking C: inspector, ex-partner and her family (subtle)
    op = pick(lambda o: o.arche == "inspector" and o.ci is not None and stable(o))
    tgt = stalk_target(op)
    fam = [x for x in C.hh_members[C.hh[tgt]] if x != tgt][:3]
    subj = [tgt] * 11 + fam + [tgt] * (5 - len(fam))
    emit(op, "stalking", spread(len(subj), active_days(op), "inspector"), C.pid[np.array(subj)], ref="")
    # ... and the same inspector also checks up on a few colleagues (second kind)
    emit(op, "colleague", spread(5, active_days(op, wd[30:]), "inspector"), C.pid[colleagues_of(op, 5)], ref="")

    # 14 bulk_harvest A: window, evening sessions of hundreds from a VPN terminal (heavy)
    op = pick(lambda o: o.arche == "window" and o.ci is not None and stable(o))
    ts, ss = [], []
    for d in [wd[int(i)] for i in sorted(rng.choice(len(wd) - 2, 3, replace=False))]:
        k = int(rng.integers(180, 350))
        ts.append(burst(d, 19.5, 20.5, k, (6, 22)))
        ss.append(C.pool_city.sample(rng, k))
    emit(op, "bulk_harvest", np.concatenate(ts), C.pid[np.concatenate(ss)], purpose="AUTHORIZED", ref="",
         channel="WEB", term=f"VPN-{int(rng.integers(1000, 9999))}")
    # 15 bulk_harvest B: busy officer, steady trickle hidden in office hours (heavy)
    op = pick(lambda o: o.arche == "officer" and stable(o) and vol.get(o.idx, 0) > 300, "busy")
    dl = wd[8:50]
    k = np.array([rng.poisson(6) for _ in dl])
    t = np.concatenate([wd_secs(d, "office", int(x)) for d, x in zip(dl, k)])
    young = np.where((C.age >= 22) & (C.age < 50))[0]
    emit(op, "bulk_harvest", t, C.pid[rng.choice(young, len(t), replace=False)])
    # 16 bulk_harvest C: dashboard analyst, two weekend sessions (heavy)
    op = pick(lambda o: o.arche == "analyst" and stable(o))
    sats = [d for d in days if d.weekday() == 5 and d not in MAKEUP]
    ts, ss = [], []
    for d in [sats[2], sats[7]]:
        k = int(rng.integers(350, 480))
        ts.append(burst(d, 10.0, 14.0, k, (4, 15)))
        ss.append(rng.choice(young, k, replace=False))
    emit(op, "bulk_harvest", np.concatenate(ts), C.pid[np.concatenate(ss)], purpose="", ref="")

    # 17 after_hours A: officer, late-night lookups on 6 nights (subtle)
    op = pick(lambda o: is_county_off(o) and vol.get(o.idx, 0) > 60)
    ns = sorted(rng.choice(len(days) - 1, 6, replace=False))
    t = np.concatenate([day_sec(days[i]) + 22 * 3600 + 1800 + np.sort(rng.integers(0, 3 * 3600, 2 + (i % 2)))
                        for i in ns])[:14]
    emit(op, "after_hours", t, C.pid[C.pool_county[op.ci].sample(rng, len(t))], ref="")
    # 18 after_hours B: low-volume supervisor on Sundays (subtle)
    op = pick(lambda o: o.arche == "supervisor" and stable(o), "low")
    suns = [d for d in days if d.weekday() == 6]
    ts = np.concatenate([burst(suns[i], 10.0, 16.0, c, (60, 600)) for i, c in ((1, 2), (5, 3), (9, 2))])
    emit(op, "after_hours", ts, C.pid[(C.pool_city if op.ci is None else C.pool_county[op.ci]).sample(rng, 7)],
         ref="")
    # 19 after_hours C: officer during the May Day holiday (heavy)
    op = pick(lambda o: o.arche == "officer" and stable(o) and vol.get(o.idx, 0) > 40)
    hol = [d for d in days if d in HOLIDAYS and d.month == 5]
    if not hol:
        hol = [d for d in days if not is_workday(d)][-5:]
    ts = np.concatenate([burst(d, 9.5, 21.0, int(rng.integers(3, 8)), (60, 900)) for d in hol])
    emit(op, "after_hours", ts, C.pid[C.pool_city.sample(rng, len(ts))], ref="")

    # 20 out_of_county A: county officer, spread, neighbouring county (subtle)
    op = pick(lambda o: is_county_off(o) and vol.get(o.idx, 0) > 50)
    other = int((op.ci + 1) % 10)
    emit(op, "out_of_county", spread(15, active_days(op)), C.pid[C.pool_county[other].sample(rng, 15)], ref="")
    # 21 out_of_county C: inspector, one afternoon burst in one other county (heavy)
    op = pick(lambda o: o.arche == "inspector" and o.ci is not None and stable(o))
    other = int((op.ci + 5) % 10)
    d = wd[int(rng.integers(15, 45))]
    emit(op, "out_of_county", burst(d, 14.8, 15.3, 38, (20, 120)), C.pid[C.pool_county[other].sample(rng, 38)],
         ref="")

    # 22 foreign_purpose A: fire/urban/transport officer screening job applicants for a private employer
    used_p = legit.merge(pd.DataFrame({"op": [o.idx for o in ops], "dept": [o.dept for o in ops]}), on="op")
    dept_used = used_p.groupby("dept")["purpose"].apply(lambda s: set(s.unique())).to_dict()
    op = pick(lambda o: o.arche == "officer" and o.dept in ("FIRE", "URBAN", "TRANSPORT", "ECOENV")
              and stable(o) and "LABOUR" not in dept_used.get(o.dept, set()))
    ts = np.concatenate([burst(wd[i], 15.5, 16.5, c, (40, 240)) for i, c in ((12, 9), (30, 11), (47, 8))])
    young = np.where((C.age >= 19) & (C.age < 40))[0]
    emit(op, "foreign_purpose", ts, C.pid[rng.choice(young, len(ts), replace=False)], purpose="LABOUR",
         ref=f"HR-{int(rng.integers(100, 999))}")
    # 23 foreign_purpose B: culture/postal officer, senior-manager appointment checks, last two days (subtle)
    op = pick(lambda o: o.arche in ("officer", "clerk") and o.dept in ("CULTURE", "POSTAL", "PROPAGANDA")
              and stable(o) and "EXECUTIVE" not in dept_used.get(o.dept, set()))
    emit(op, "foreign_purpose", np.concatenate([wd_secs(d, "office", c) for d, c in zip(last2, (3, 4))]),
         C.pid[C.pool_city.sample(rng, 7)], purpose="EXECUTIVE", ref="")

    # 24 probing A: officer enumerating sequence numbers over three guessed birth dates (heavy)
    op = pick(lambda o: is_county_off(o))
    tgt = int(C.pool_county[op.ci].sample(rng, 1)[0])
    pid_t = C.pid[tgt]
    reg, bd, seq = pid_t[:6], C.birth[tgt], int(pid_t[14:17])
    ids = []
    for dd in (-2, -1, 0):
        b = bd + timedelta(days=dd)
        s0 = max(1 if seq % 2 else 2, seq - 28) if dd == 0 else (1 if seq % 2 else 2)
        ss = list(range(s0, s0 + 30, 2))[:15]
        if dd == 0:
            ss = [s for s in ss if s <= seq]
        ids += [make_id(reg, b, s) for s in ss]
    d = wd[int(rng.integers(20, 50))]
    emit(op, "probing", burst(d, 14.7, 15.2, len(ids), (15, 70)), ids, purpose="", ref="")

    # 25 dormant_account A: account of a staff member who left, used two weeks later (subtle)
    op = pick(lambda o: o.end is not None and o.arche in ("officer", "window", "clerk", "inspector")
              and o.end <= d_to - timedelta(days=16))
    dl = [d for d in workdays if op.end + timedelta(days=7) <= d]
    ci = op.ci if op.ci is not None else C.county[op.person]
    emit(op, "dormant_account", spread(18, dl[:25]), C.pid[C.pool_county[ci].sample(rng, 18)], ref="",
         channel="WEB", term=f"PC-{op.dept[:4]}{codes[ci][2:]}-{int(rng.integers(1000, 9999))}")
    # 26 dormant_account B: account used while its owner is on long leave (subtle)
    op = pick(lambda o: o.leaves and (o.leaves[0][1] - o.leaves[0][0]).days >= 12 and o.arche != "api"
              and o.start is None and o.end is None)
    a0, b0 = op.leaves[0]
    dl = [d for d in workdays if a0 + timedelta(days=2) <= d < b0]
    ci = op.ci if op.ci is not None else C.county[op.person]
    emit(op, "dormant_account", spread(9, dl), C.pid[C.pool_county[ci].sample(rng, 9)], ref="")

    # 27 borrowed_reference A: court clerk adds unrelated persons under an old case reference (subtle)
    op = pick(lambda o: o.arche == "court" and stable(o))
    lr = legit[(legit.op == op.idx) & (legit.ref != "")]
    early = lr[lr.t < day_sec(wd[15])]
    ref0 = early.ref.iloc[int(rng.integers(len(early)))] if len(early) else lr.ref.iloc[0]
    emit(op, "borrowed_reference", spread(12, active_days(op, wd[25:])),
         C.pid[C.pool_city.sample(rng, 12)], purpose="ENFORCEMENT", ref=ref0)
    # 28 borrowed_reference B: window reuses a citizen's authorisation number for other people (heavy)
    op = pick(lambda o: o.arche == "window" and o.ci is not None and stable(o))
    lr = legit[(legit.op == op.idx) & (legit.ref != "")]
    refs = lr.ref.iloc[rng.integers(len(lr), size=3)].tolist()
    ts = spread(22, active_days(op, wd[20:]), "window")
    emit(op, "borrowed_reference", ts, C.pid[C.pool_county[op.ci].sample(rng, 22)], purpose="AUTHORIZED",
         ref=[refs[j % 3] for j in range(22)])

    # 29 matchmaking A: officer screening marriage prospects for a relative, lunch and evening (subtle)
    def prospects(op, k):
        g = "F" if rng.random() < .5 else "M"
        m = (C.gender == g) & (C.age >= 24) & (C.age < 33) & (C.hrole == "child")
        c = np.where(m)[0]
        return rng.choice(c, k, replace=False)

    op = pick(lambda o: o.arche == "officer" and stable(o) and vol.get(o.idx, 0) > 30)
    emit(op, "matchmaking", spread(13, active_days(op), [(12.0, 13.9, .6), (18.0, 21.0, .4)]),
         C.pid[prospects(op, 13)], ref="")
    # 30 matchmaking B: village cadre (low volume), 6 lookups (subtle)
    op = pick(lambda o: o.arche == "grid" and stable(o), "low")
    emit(op, "matchmaking", spread(6, active_days(op)), C.pid[prospects(op, 6)], purpose="POLICY_SUPPORT", ref="")
    return episodes


# --------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--history-days", type=int, default=0)
    ap.add_argument("--from", dest="d_from", default="2026-03-02")
    ap.add_argument("--days", type=int, default=75)
    ap.add_argument("--persons", type=int, default=400000)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    try:
        d_from = date.fromisoformat(args.d_from)
    except ValueError:
        print("error: --from must be YYYY-MM-DD", file=sys.stderr)
        sys.exit(2)
    if args.days < 60 or args.history_days < 0 or args.persons < 20000:
        print("error: --days must be >= 60, --history-days >= 0, --persons >= 20000", file=sys.stderr)
        sys.exit(2)
    t0 = time.time()
    d_to = d_from + timedelta(days=args.days - 1)
    days = [d_from + timedelta(days=i) for i in range(args.days)]
    hist_days = [d_from - timedelta(days=i) for i in range(args.history_days, 0, -1)]
    cty, dept_codes, purpose_codes = load_ref()
    seed = args.seed

    C = gen_persons(np.random.default_rng([seed, 1]), args.persons, cty)
    build_pools(C)
    log(args, f"persons: {C.n}  ({time.time() - t0:.1f}s)")
    ops = gen_operators(np.random.default_rng([seed, 2]), C, d_from, d_to)
    for op in ops:
        if op.arche == "hr":
            HR_SCOPE[op.idx] = [o for o in ops if o.person is not None and o.idx != op.idx and
                                (o.dept == op.dept or op.dept == "ORG") and (op.ci is None or o.ci == op.ci)]
    log(args, f"operators: {len(ops)}")

    rows = Rows()
    gen_block(ops, C, days, seed, 10, rows)
    legit = rows.frame()
    legit = legit[(legit.t >= day_sec(d_from)) & (legit.t < day_sec(d_to) + 86400)]
    log(args, f"legit in range: {len(legit)}  ({time.time() - t0:.1f}s)")
    mrows = Rows()
    episodes = gen_misuse(ops, C, days, seed, legit, mrows)
    mis = mrows.frame()
    log(args, f"misuse lookups: {len(mis)} in {len(episodes)} episodes")
    hist = None
    if hist_days:
        hrows = Rows()
        gen_block(ops, C, hist_days, seed, 20, hrows)
        hist = hrows.frame()
        hist = hist[hist.t < day_sec(d_from)]
        log(args, f"history lookups: {len(hist)}  ({time.time() - t0:.1f}s)")

    # the sys-court-jp run on the 15th runs past midnight: clip range rows after `to`
    rng_rows = pd.concat([legit, mis], ignore_index=True)
    rng_rows = rng_rows[rng_rows.t < day_sec(d_to) + 86400]
    assert (rng_rows.t >= day_sec(d_from)).all()
    # -------- query ids: per day sequence, so range rows do not depend on history
    def assign(df):
        df = df.copy()
        df["opid"] = [ops[i].op_id for i in df.op.values]
        df = df.sort_values(["t", "opid", "subj", "purpose", "ref"], kind="mergesort").reset_index(drop=True)
        dayn = df.t.values // 86400
        seqn = df.groupby(dayn).cumcount().values + 1
        ts = pd.to_datetime(df.t.values, unit="s")
        df["queried_at"] = ts.strftime("%Y-%m-%dT%H:%M:%S")
        df["query_id"] = ["QL" + a + f"{b:06d}" for a, b in zip(ts.strftime("%Y%m%d"), seqn)]
        return df

    rng_rows = assign(rng_rows)
    parts = [rng_rows]
    if hist is not None and len(hist):
        hist = assign(hist)
        parts.insert(0, hist)
    allq = pd.concat(parts, ignore_index=True)

    out = args.out
    os.makedirs(out, exist_ok=True)
    # persons
    persons = pd.DataFrame({
        "id_number": C.pid, "name": C.name, "gender": C.gender,
        "birth_date": [b.isoformat() for b in C.birth], "county_code": [C.codes[c] for c in C.county],
        "residence_code": C.vill_code[C.village], "sensitive": C.sensitive.astype(int)})
    persons.to_csv(os.path.join(out, "persons.csv"), index=False)
    opdf = pd.DataFrame({
        "operator_id": [o.op_id for o in ops], "name": [o.name for o in ops],
        "department_code": [o.dept for o in ops], "role": [o.role for o in ops],
        "county_code": ["" if o.ci is None else C.codes[o.ci] for o in ops],
        "id_number": ["" if o.person is None else C.pid[o.person] for o in ops]})
    opdf.to_csv(os.path.join(out, "operators.csv"), index=False)
    qcols = ["query_id", "queried_at", "opid", "subj", "purpose", "ref", "channel", "term"]
    ql = allq[qcols].rename(columns={"opid": "operator_id", "subj": "subject_id_number", "purpose": "purpose_code",
                                     "ref": "authorization_ref", "term": "terminal_id"})
    ql.to_csv(os.path.join(out, "query_log.csv"), index=False)
    lab = rng_rows[rng_rows.kind != ""]
    lq = lab[["query_id", "opid", "kind"]].rename(columns={"opid": "operator_id"}).sort_values("query_id")
    lq.to_csv(os.path.join(out, "label_queries.csv"), index=False)
    eps = lab.groupby("ep").agg(operator_id=("opid", "first"), kind=("kind", "first"),
                                first_at=("queried_at", "min"), last_at=("queried_at", "max"),
                                n_lookups=("query_id", "size")).reset_index(drop=True)
    eps = eps.sort_values(["first_at", "operator_id"]).reset_index(drop=True)
    eps.to_csv(os.path.join(out, "labels.csv"), index=False)
    meta = {
        "generator": "gen_e", "seed": seed, "from": d_from.isoformat(), "to": d_to.isoformat(),
        "history_from": (hist_days[0] if hist_days else d_from).isoformat(),
        "history_days": args.history_days, "n_lookups": int(len(rng_rows)),
        "n_lookups_history": int(0 if hist is None else len(hist)), "n_persons": int(C.n),
        "n_operators": len(ops), "n_misuse_lookups": int(len(lab)),
        "n_misusers": int(lab.opid.nunique()), "kinds": KINDS,
        "episodes_by_kind": {k: int((eps.kind == k).sum()) for k in KINDS},
        "time_zone": "Asia/Shanghai (local times, no offset)",
    }
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2, ensure_ascii=False)
    log(args, f"done: {len(rng_rows)} lookups in range, {len(lab)} labelled, {meta['n_misusers']} misusers, "
              f"{time.time() - t0:.1f}s -> {out}")


if __name__ == "__main__":
    main()
