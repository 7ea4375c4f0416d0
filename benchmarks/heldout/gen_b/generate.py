#!/usr/bin/env python3
"""gen_b: independent, labelled synthetic query-log generator (hold-out test bed).

python generate.py --out DIR --seed N [--from 2026-05-01] [--days 150] [--history-days 0]
                   [--operators 570] [--lookups 425000] [--misusers 26]

Writes persons.csv, operators.csv, query_log.csv, labels.csv, label_queries.csv, meta.json.
Only numpy, polars and the standard library. Deterministic for a seed.
See README.md next to this file for the model.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from datetime import date, timedelta

import numpy as np
import polars as pl

# ----------------------------------------------------------------------------------------------
# Reference facts (codes follow /work/shared/reference)
# ----------------------------------------------------------------------------------------------
COUNTIES = [  # code, name, 2018 population
    ("411602", "川汇区", 721300),
    ("411603", "淮阳区", 976500),
    ("411621", "扶沟县", 589500),
    ("411622", "西华县", 737000),
    ("411623", "商水县", 880000),
    ("411624", "沈丘县", 933000),
    ("411625", "郸城县", 957000),
    ("411627", "太康县", 1032100),
    ("411628", "鹿邑县", 878200),
    ("411681", "项城市", 973200),
]
NC = len(COUNTIES)
CCODE = [c[0] for c in COUNTIES]
POP = np.array([c[2] for c in COUNTIES], float)
HIST_CODE = {"411602": "412701", "411603": "412727", "411621": "412721", "411622": "412722",
             "411623": "412723", "411624": "412728", "411625": "412726", "411627": "412724",
             "411628": "412725", "411681": "412702"}
# ID region codes of people registered in Zhoukou but born elsewhere (Henan + Anhui neighbours)
OUTSIDE_CODES = ["410102", "410105", "410122", "411102", "411402", "411421", "411702", "411302",
                 "341202", "341282", "341221", "410702", "410802", "320311", "440306", "330106"]

ALL_PURPOSES = ["EMPLOYMENT", "PRACTICE", "LABOUR", "EXECUTIVE", "CIVIL_SERVICE", "COMMENDATION",
                "APPOINTMENT", "HONESTY_AWARD", "LICENSING", "PUBLIC_FUNDS", "POLICY_SUPPORT",
                "ENFORCEMENT", "OBJECTION", "REPAIR", "SELF", "AUTHORIZED"]
CASE_PURPOSES = {"ENFORCEMENT", "OBJECTION", "REPAIR", "APPOINTMENT", "CIVIL_SERVICE", "LICENSING",
                 "EXECUTIVE"}

# Chinese public holidays (days off) and 调休 make-up working days.
HOLIDAY_RANGES = {
    2025: [("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
           ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08")],
    2026: [("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
           ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
           ("2026-10-01", "2026-10-07")],
}
MAKEUP_DAYS = {"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
               "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}

# ----------------------------------------------------------------------------------------------
# Department model.  n = nominal head count (of ~500 humans), cf = share of county-level officers,
# cross = legitimate cross-county share of county officers, pur = purpose mix, ch = channel mix,
# roles (city, county, shift), batch = None|'small'|'giant', fu = follow-up probability,
# shift = share of shift workers, rate = relative daily volume, season = {month: factor}
# ----------------------------------------------------------------------------------------------
D = {}


def dept(code, n, cf, cross, pur, ch, roles_city, roles_county, rate, batch=None, fu=0.05, shift=0.0,
         shift_roles=None, season=None, giant_purpose=None, batch_share=0.4):
    D[code] = dict(n=n, cf=cf, cross=cross, pur=pur, ch=ch, rc=roles_city, rk=roles_county, rate=rate,
                   batch=batch, fu=fu, shift=shift, sr=shift_roles or [], season=season or {},
                   gp=giant_purpose, bs=batch_share)


dept("GOVSERVICE", 70, .86, .06, {"AUTHORIZED": .45, "SELF": .33, "LICENSING": .13, "POLICY_SUPPORT": .09},
     {"WINDOW": .93, "WEB": .07}, ["数据管理", "平台运维", "综合受理"], ["窗口受理", "综合窗口", "帮办代办", "window clerk"],
     16, season={9: 1.12, 7: 1.05})
dept("PSB", 60, .80, .22, {"ENFORCEMENT": .74, "LICENSING": .16, "EMPLOYMENT": .10}, {"WEB": .85, "DASHBOARD": .15},
     ["网安审计", "治安管理", "officer"], ["执法民警", "治安管理", "辅警", "officer"], 5, fu=.30, shift=.35,
     shift_roles=["值班民警", "巡特警值班", "shift officer"])
dept("COURT", 40, .75, .28, {"ENFORCEMENT": .86, "OBJECTION": .09, "EMPLOYMENT": .05}, {"WEB": 1.0},
     ["执行法官", "书记员"], ["执行法官", "执行干警", "书记员", "clerk"], 5.5, batch="giant", fu=.45,
     giant_purpose="ENFORCEMENT", season={6: 1.15, 12: 1.3})
dept("HRSS", 45, .80, .38, {"LABOUR": .48, "EMPLOYMENT": .30, "POLICY_SUPPORT": .13, "PRACTICE": .09},
     {"WEB": .9, "WINDOW": .1}, ["就业服务", "人事", "社保经办"], ["劳动监察", "就业服务", "社保经办", "人事"], 4.5,
     batch="small", fu=.08, season={1: 1.5, 2: 1.3, 6: 1.3, 7: 1.35}, batch_share=.45)
dept("SAMR", 45, .80, .15, {"LICENSING": .45, "EXECUTIVE": .25, "ENFORCEMENT": .20, "PRACTICE": .10},
     {"WEB": 1.0}, ["登记注册", "稽查", "inspector"], ["登记注册", "食品安全监管", "稽查", "inspector"], 4.5,
     batch="small", fu=.12, batch_share=.35)
dept("TAX", 30, .75, .12, {"ENFORCEMENT": .45, "POLICY_SUPPORT": .32, "PRACTICE": .23}, {"WEB": 1.0},
     ["稽查", "纳税服务"], ["稽查", "纳税服务", "征管"], 4, batch="giant", fu=.25, giant_purpose="PRACTICE",
     season={3: 1.2, 4: 1.25, 5: 1.3, 6: 1.35})
dept("EDU", 25, .70, .05, {"PRACTICE": .48, "EMPLOYMENT": .42, "COMMENDATION": .10}, {"WEB": 1.0},
     ["人事", "教师资格"], ["人事", "教师资格", "审查"], 2, batch="giant", giant_purpose="EMPLOYMENT",
     season={7: 1.8, 8: 1.6, 6: 1.2, 9: 1.1})
dept("HEALTH", 20, .70, .10, {"PRACTICE": .60, "LICENSING": .30, "ENFORCEMENT": .10}, {"WEB": 1.0},
     ["医政", "执业注册"], ["医政", "卫生监督", "执业注册"], 2, batch="giant", giant_purpose="PRACTICE",
     season={5: 1.2})
dept("ORG", 10, .40, .10, {"CIVIL_SERVICE": .45, "APPOINTMENT": .35, "EMPLOYMENT": .10, "COMMENDATION": .10},
     {"WEB": 1.0}, ["干部审查", "公务员管理"], ["干部审查", "审查"], 1.5, batch="giant", fu=.2,
     giant_purpose="CIVIL_SERVICE", season={6: 1.5, 7: 1.5, 12: 1.3})
dept("DRC", 14, .50, .15, {"REPAIR": .34, "OBJECTION": .30, "HONESTY_AWARD": .10, "POLICY_SUPPORT": .10,
                           "COMMENDATION": .10, "ENFORCEMENT": .06}, {"DASHBOARD": .5, "WEB": .5},
     ["信用修复", "异议处理", "analyst"], ["信用修复", "信用监管"], 3, batch="giant", fu=.35,
     giant_purpose="HONESTY_AWARD")
dept("JUSTICE", 8, .50, .10, {"PRACTICE": .60, "ENFORCEMENT": .40}, {"WEB": 1.0},
     ["律师管理"], ["社区矫正", "律师管理"], 1.5, fu=.2)
dept("HOUSING", 18, .60, .32, {"PRACTICE": .40, "LICENSING": .35, "PUBLIC_FUNDS": .25}, {"WEB": 1.0},
     ["资质审查", "建筑市场监管"], ["房产中介管理", "资质审查"], 3, batch="small", season={3: 1.2, 4: 1.2, 9: 1.1},
     batch_share=.4)
dept("TRANSPORT", 16, .60, .42, {"PRACTICE": .55, "LICENSING": .35, "ENFORCEMENT": .10}, {"WEB": 1.0},
     ["运管", "从业资格"], ["运管", "从业资格", "路政执法"], 3, batch="small", shift=.12,
     shift_roles=["路政值班"], batch_share=.4)
dept("ECOENV", 10, .60, .12, {"ENFORCEMENT": .70, "LICENSING": .30}, {"WEB": 1.0},
     ["排污许可"], ["环境执法", "排污许可"], 1.5, fu=.2)
dept("EMERGENCY", 10, .50, .18, {"PRACTICE": .50, "ENFORCEMENT": .35, "LICENSING": .15}, {"WEB": 1.0},
     ["安全监管"], ["安全监管", "安全执法"], 1.5, shift=.3, shift_roles=["应急值守"])
dept("FIRE", 8, .50, .15, {"PRACTICE": .50, "LICENSING": .30, "ENFORCEMENT": .20}, {"WEB": 1.0},
     ["消防监督"], ["消防监督", "fire inspector"], 1.2, shift=.4, shift_roles=["值班", "duty officer"])
dept("FINANCE", 10, .50, .20, {"PUBLIC_FUNDS": .50, "PRACTICE": .40, "POLICY_SUPPORT": .10}, {"WEB": 1.0},
     ["政府采购", "会计管理"], ["会计管理", "政府采购"], 2, batch="giant", giant_purpose="PRACTICE",
     season={9: 1.2, 11: 1.4, 12: 1.4})
dept("AUDIT", 5, 0.0, .0, {"PUBLIC_FUNDS": .80, "PRACTICE": .20}, {"DASHBOARD": .7, "WEB": .3},
     ["审计", "auditor"], ["审计"], .6)
dept("CULTURE", 6, .30, .10, {"PRACTICE": .60, "LICENSING": .30, "COMMENDATION": .10}, {"WEB": 1.0},
     ["导游管理"], ["文化市场执法"], .8, season={7: 1.4, 8: 1.4, 10: 1.3})
dept("PROPAGANDA", 4, 0.0, .0, {"PRACTICE": .40, "COMMENDATION": .30, "HONESTY_AWARD": .30}, {"WEB": 1.0},
     ["新闻出版", "宣传"], ["宣传"], .3)
dept("POSTAL", 5, .40, .20, {"PRACTICE": .80, "LICENSING": .20}, {"WEB": 1.0},
     ["快递监管"], ["快递监管"], 1, batch="small", batch_share=.5)
dept("PBOC", 8, .25, .20, {"AUTHORIZED": .50, "EXECUTIVE": .30, "ENFORCEMENT": .20}, {"WEB": 1.0},
     ["征信管理", "金融服务"], ["征信管理"], 2)
dept("NFRA", 6, 0.0, .0, {"EXECUTIVE": .60, "PRACTICE": .40}, {"WEB": 1.0},
     ["任职资格审查", "监管"], ["监管"], 1.5)
dept("URBAN", 12, .80, .04, {"ENFORCEMENT": .80, "LICENSING": .20}, {"WEB": .8, "DASHBOARD": .2},
     ["市容管理"], ["城管执法", "市容管理"], 1.5, shift=.15, shift_roles=["城管夜巡"], fu=.15)
dept("COMMERCE", 5, .20, .20, {"LICENSING": .40, "POLICY_SUPPORT": .40, "PUBLIC_FUNDS": .20}, {"WEB": 1.0},
     ["电子商务", "市场运行"], ["电子商务"], .7)
dept("CIVILIZATION", 4, 0.0, .0, {"HONESTY_AWARD": .50, "COMMENDATION": .50}, {"WEB": 1.0},
     ["志愿服务", "文明创建"], ["志愿服务"], .3, batch="giant", giant_purpose="HONESTY_AWARD", season={12: 1.8})
dept("CIVIL", 8, .50, .10, {"LICENSING": .40, "POLICY_SUPPORT": .40, "EXECUTIVE": .20}, {"WEB": 1.0},
     ["社会组织管理", "慈善"], ["社会救助", "社会组织管理"], 1)

# API integrations: dept, share of API volume, purpose mix, hourly profile kind, weekend factor
APIS = [
    ("GOVSERVICE", .40, {"SELF": .62, "AUTHORIZED": .38}, "citizen", .65, "豫事办接口"),
    ("PBOC", .25, {"AUTHORIZED": .88, "EXECUTIVE": .12}, "loan", .55, "征信前置接口"),
    ("HRSS", .10, {"LABOUR": .6, "EMPLOYMENT": .4}, "nightsync", .30, "人力资源市场接口"),
    ("SAMR", .10, {"EXECUTIVE": .7, "LICENSING": .3}, "office", .15, "企业登记接口"),
    ("NFRA", .08, {"EXECUTIVE": .55, "PRACTICE": .45}, "office", .10, "银保任职接口"),
    ("FINANCE", .04, {"PUBLIC_FUNDS": 1.0}, "office", .05, "公共资源交易接口"),
    ("HOUSING", .03, {"PUBLIC_FUNDS": .5, "PRACTICE": .5}, "office", .10, "建筑市场接口"),
]
API_HOURLY = {
    "citizen": [2, 1, .6, .4, .4, .8, 2, 5, 9, 12, 12, 10, 6, 6, 9, 11, 11, 10, 8, 8, 9, 8, 6, 4],
    "loan": [14, 16, 9, 2, 1, 1, 2, 4, 8, 12, 12, 11, 8, 8, 11, 12, 12, 10, 7, 6, 6, 5, 4, 3],
    "nightsync": [6, 30, 32, 18, 2, 1, 1, 2, 6, 8, 8, 7, 4, 4, 7, 8, 7, 5, 2, 1, 1, 1, 1, 1],
    "office": [.2, .1, .1, .1, .1, .2, .5, 2, 9, 13, 13, 11, 4, 3, 8, 12, 12, 10, 3, 1, .6, .4, .3, .2],
}

SURNAMES = [
    ("王", 7.6), ("李", 7.2), ("张", 7.0), ("刘", 5.1), ("陈", 3.1), ("杨", 2.8), ("赵", 2.6), ("郭", 2.0),
    ("孙", 1.8), ("周", 1.6), ("黄", 1.3), ("吴", 1.2), ("徐", 1.3), ("马", 1.4), ("朱", 1.2), ("胡", 1.1),
    ("高", 1.2), ("何", .8), ("宋", 1.0), ("梁", .8), ("郑", .8), ("韩", .9), ("冯", .8), ("于", .7),
    ("董", .6), ("程", .7), ("曹", .7), ("袁", .6), ("邓", .5), ("许", .7), ("田", .6), ("任", .5),
    ("魏", .6), ("吕", .5), ("丁", .5), ("范", .5), ("孟", .5), ("崔", .4), ("杜", .4), ("贾", .5),
    ("付", .5), ("侯", .4), ("姚", .3), ("史", .4), ("谢", .3), ("罗", .3), ("林", .2), ("唐", .3),
    ("蔡", .3), ("牛", .4), ("秦", .3), ("苏", .3), ("彭", .2), ("姜", .2), ("潘", .2), ("薛", .2),
    ("闫", .4), ("申", .2), ("葛", .2), ("齐", .15), ("耿", .15), ("常", .25), ("尚", .2), ("靳", .15),
    ("褚", .1), ("娄", .1), ("楚", .1), ("司", .12), ("乔", .15), ("卢", .2), ("时", .12), ("武", .2),
    ("方", .15), ("石", .2), ("汪", .1), ("邵", .1), ("毛", .1), ("雷", .1), ("金", .1), ("白", .15),
    ("段", .15), ("郝", .15), ("陶", .1), ("沈", .1), ("蒋", .15), ("岳", .12), ("黎", .05), ("化", .03),
    ("欧阳", .012), ("司马", .02), ("诸葛", .004), ("上官", .008), ("东方", .005), ("皇甫", .006),
    ("公孙", .003), ("令狐", .003), ("夏侯", .004), ("尉迟", .002),
]
M_OLD = "建国军华明伟强志文德福永长海新春保全成林平振东金玉山广学庆宝祥富贵义忠友胜利"
F_OLD = "秀英兰桂芳玉珍凤梅霞华丽红琴荣云花娟敏艳萍琳素翠香爱彩巧"
M_NEW = "浩宇子轩博文俊杰涛鹏磊晨阳一鑫豪帅凯旭航宁昊然泽辰瑞"
F_NEW = "雪婷静颖欣怡佳梦雨琪萌璐悦晶倩娜蕊瑶可涵梓诗思馨"

W17 = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHK = "10X98765432"


def check_char(s17: str) -> str:
    return CHK[sum(int(c) * w for c, w in zip(s17, W17)) % 11]


def region_code(ccode: str, birth_year: int) -> str:
    if birth_year < 2000:
        return HIST_CODE[ccode]
    if ccode == "411603" and birth_year < 2020:
        return "411626"
    return ccode


def wchoice(rng, d: dict, size=None):
    keys = list(d.keys())
    p = np.array(list(d.values()), float)
    return keys, rng.choice(len(keys), size=size, p=p / p.sum())


# ----------------------------------------------------------------------------------------------
class Cal:
    def __init__(self, start: date, end: date):
        self.start = start
        self.days = [start + timedelta(i) for i in range((end - start).days + 1)]
        self.n = len(self.days)
        off = set()
        for y in range(start.year, end.year + 1):
            if y in HOLIDAY_RANGES:
                for a, b in HOLIDAY_RANGES[y]:
                    da, db = date.fromisoformat(a), date.fromisoformat(b)
                    while da <= db:
                        off.add(da)
                        da += timedelta(1)
            else:  # fallback approximation for years without an official schedule here
                for m, dd in [(1, 1), (5, 1), (5, 2), (5, 3)] + [(10, i) for i in range(1, 8)]:
                    off.add(date(y, m, dd))
        self.wd = np.array([d.weekday() for d in self.days])
        self.hol = np.array([d in off for d in self.days])
        self.mk = np.array([d.isoformat() in MAKEUP_DAYS for d in self.days])
        self.work = ((self.wd < 5) & ~self.hol) | self.mk
        self.month = np.array([d.month for d in self.days])
        self.summer = (self.month >= 5) & (self.month <= 9)
        # catch-up after a block of >= 3 days off: first two working days busier
        self.after_break = np.ones(self.n)
        run = 0
        seen = 0
        for i in range(self.n):
            if not self.work[i]:
                run += 1
            else:
                if run >= 3:
                    seen = 2
                run = 0
                if seen > 0:
                    self.after_break[i] = 1.25 if seen == 2 else 1.12
                    seen -= 1
        self.wdf = np.array([1.15, 1.05, 1.0, 1.0, 0.88, 0.9, 0.9])[self.wd]


# ----------------------------------------------------------------------------------------------
class Gen:
    def __init__(self, a):
        self.a = a
        self.rng = np.random.default_rng(a.seed)
        self.frm = date.fromisoformat(a.frm)
        self.to = self.frm + timedelta(a.days - 1)
        self.hfrom = self.frm - timedelta(a.history_days)
        self.cal = Cal(self.hfrom, self.to)
        self.r0 = a.history_days  # index of first in-range day
        self.r1 = a.history_days + a.days - 1
        self.scale_r = a.lookups / 425000.0
        self.ref_ctr = {}

    # ------------------------------------------------------------------ persons
    def make_id(self, region, bdate, male, taken):
        rng = self.rng
        while True:
            k = int(rng.integers(0, 500))
            seq = 2 * k + 1 if male else 2 * k + 2
            if seq > 999:
                seq = 998
            s17 = f"{region}{bdate.strftime('%Y%m%d')}{seq:03d}"
            idn = s17 + check_char(s17)
            if idn not in taken:
                taken.add(idn)
                return idn

    def birth(self, n):
        rng = self.rng
        # age pyramid of adults (rural Henan: many 50-65, thinner 25-40 because of out-migration)
        edges = np.array([18, 25, 30, 40, 50, 60, 70, 80, 88])
        w = np.array([.10, .08, .15, .18, .22, .15, .09, .03])
        b = rng.choice(len(w), size=n, p=w / w.sum())
        age = edges[b] + rng.random(n) * (edges[b + 1] - edges[b])
        ref = self.frm
        out = []
        for x in age:
            out.append(ref - timedelta(days=int(x * 365.25)))
        return out

    def given_name(self, male, by):
        rng = self.rng
        if by < 1975:
            pool = M_OLD if male else F_OLD
            one = .32
        elif by < 1990:
            pool = (M_OLD + M_NEW) if male else (F_OLD + F_NEW)
            one = .2
        else:
            pool = M_NEW if male else F_NEW
            one = .1
        if rng.random() < one:
            return pool[int(rng.integers(len(pool)))]
        a = pool[int(rng.integers(len(pool)))]
        if rng.random() < .04:
            return a + a
        b = pool[int(rng.integers(len(pool)))]
        return a + b

    def build_persons(self):
        rng = self.rng
        n = int(min(200000, max(3000, round(self.a.lookups * 0.25))))
        sn = [s for s, _ in SURNAMES]
        sw = np.array([w for _, w in SURNAMES])
        sw = sw / sw.sum()
        self.surnames = sn
        # villages / communities
        vil_county, vil_code, vil_dom, vil_share, vil_w = [], [], [], [], []
        for ci, cc in enumerate(CCODE):
            urban = ci == 0
            n_sub = int(rng.integers(6, 10)) if urban else int(rng.integers(2, 4))
            n_town = int(rng.integers(2, 5)) if urban else int(rng.integers(9, 15))
            n_tsp = 0 if urban else int(rng.integers(3, 8))
            units = [(f"{i + 1:03d}", "sub") for i in range(n_sub)]
            units += [(f"{100 + i + 1:03d}", "town") for i in range(n_town)]
            units += [(f"{200 + i + 1:03d}", "tsp") for i in range(n_tsp)]
            for tcode, kind in units:
                if kind == "sub":
                    codes = [f"{j + 1:03d}" for j in range(int(rng.integers(5, 14)))]
                elif kind == "town":
                    codes = [f"{j + 1:03d}" for j in range(int(rng.integers(1, 4)))]
                    codes += [f"{200 + j + 1:03d}" for j in range(int(rng.integers(14, 32)))]
                else:
                    codes = [f"{200 + j + 1:03d}" for j in range(int(rng.integers(12, 26)))]
                for vc in codes:
                    vil_county.append(ci)
                    vil_code.append(cc + tcode + vc)
                    rural = vc[0] == "2"
                    vil_dom.append(int(rng.choice(len(sn), p=sw)))
                    vil_share.append(rng.uniform(.25, .6) if rural else rng.uniform(.0, .1))
                    vil_w.append(rng.lognormal(0, .45) * (1.6 if not rural else 1.0))
        self.vil_county = np.array(vil_county)
        self.vil_code = vil_code
        self.vil_dom = np.array(vil_dom)
        vil_share = np.array(vil_share)
        vil_w = np.array(vil_w)

        county = rng.choice(NC, size=n, p=POP / POP.sum())
        village = np.empty(n, int)
        for ci in range(NC):
            m = county == ci
            vs = np.nonzero(self.vil_county == ci)[0]
            p = vil_w[vs] / vil_w[vs].sum()
            village[m] = vs[rng.choice(len(vs), size=int(m.sum()), p=p)]
        sur = rng.choice(len(sn), size=n, p=sw)
        dom = rng.random(n) < vil_share[village]
        sur[dom] = self.vil_dom[village[dom]]
        male = rng.random(n) < .5
        births = self.birth(n)
        mig = rng.random(n)
        taken = set()
        ids, names = [], []
        for i in range(n):
            by = births[i].year
            cc = CCODE[county[i]]
            if mig[i] < .05:
                cc2 = CCODE[int(rng.integers(NC))]
                reg = region_code(cc2, by)
            elif mig[i] < .07:
                reg = OUTSIDE_CODES[int(rng.integers(len(OUTSIDE_CODES)))]
            else:
                reg = region_code(cc, by)
            ids.append(self.make_id(reg, births[i], bool(male[i]), taken))
            names.append(sn[sur[i]] + self.given_name(bool(male[i]), by))
        self.P_id = ids
        self.P_name = names
        self.P_male = male
        self.P_birth = births
        self.P_county = county
        self.P_village = village
        self.P_sur = sur
        self.P_sens = rng.random(n) < .003
        prop = rng.lognormal(0, 1.0, n)
        prop[self.P_sens] *= .25
        self.P_prop = prop
        self.taken = taken
        # valid IDs of people who are NOT in the registry (outsiders, not yet registered)
        ext = []
        eb = self.birth(3000)
        for i in range(3000):
            by = eb[i].year
            if rng.random() < .55:
                reg = OUTSIDE_CODES[int(rng.integers(len(OUTSIDE_CODES)))]
            else:
                reg = region_code(CCODE[int(rng.integers(NC))], by)
            ext.append(self.make_id(reg, eb[i], bool(rng.random() < .5), taken))
        self.ext_ids = ext
        # sampling pools
        self.pool = {}
        for ci in range(NC):
            idx = np.nonzero(county == ci)[0]
            self.pool[("g", ci)] = (idx, np.cumsum(prop[idx]))
        self.dept_cli = {}
        for dc in D:
            f = 0.12 if D[dc]["n"] >= 15 else 0.05
            for ci in range(NC):
                idx, _ = self.pool[("g", ci)]
                k = max(20, int(len(idx) * f))
                sel = np.sort(rng.choice(idx, size=min(k, len(idx)), replace=False))
                self.pool[(dc, ci)] = (sel, np.cumsum(prop[sel]))
        self.extra_persons = []  # appended later (relatives)

    def sample_pool(self, key, k):
        idx, cum = self.pool[key]
        return idx[np.searchsorted(cum, self.rng.random(k) * cum[-1], side="right").clip(0, len(idx) - 1)]

    # ------------------------------------------------------------------ operators
    def build_operators(self):
        rng, a, cal = self.rng, self.a, self.cal
        n_api = min(len(APIS), max(1, a.operators // 60))
        n_h = a.operators - n_api
        codes = list(D.keys())
        nom = np.array([D[c]["n"] for c in codes], float)
        raw = nom / nom.sum() * n_h
        cnt = np.floor(raw).astype(int)
        if n_h >= len(codes):
            cnt = np.maximum(cnt, 1)
        while cnt.sum() < n_h:
            cnt[np.argmax(raw - cnt)] += 1
        while cnt.sum() > n_h:
            cnt[np.argmax(cnt)] -= 1
        ops = []
        used = set()
        age_ok = np.array([(self.frm.year - b.year) for b in self.P_birth])
        ND = cal.n
        for dc, k in zip(codes, cnt):
            prof = D[dc]
            n_cty = int(round(k * prof["cf"]))
            ctys = list(rng.choice(NC, size=n_cty, p=POP / POP.sum())) if n_cty else []
            levels = [int(c) for c in ctys] + [-1] * (k - n_cty)
            for j, ci in enumerate(levels):
                o = dict(dept=dc, county=ci, api=False, idx=len(ops))
                cc2 = "00" if ci < 0 else CCODE[ci][4:6]
                o["id"] = f"{dc}{cc2}{j + 1:03d}"
                # schedule
                if prof["shift"] and rng.random() < prof["shift"]:
                    o["sched"] = "shift"
                    o["role"] = prof["sr"][int(rng.integers(len(prof["sr"])))]
                elif dc == "GOVSERVICE" and ci >= 0:
                    o["sched"] = "window"
                    o["role"] = prof["rk"][int(rng.integers(len(prof["rk"])))]
                else:
                    o["sched"] = "day"
                    rl = prof["rk"] if ci >= 0 else prof["rc"]
                    o["role"] = rl[int(rng.integers(len(rl)))]
                # resident identity
                home = ci if ci >= 0 else (0 if rng.random() < .6 else int(rng.choice(NC, p=POP / POP.sum())))
                if ci >= 0 and rng.random() < .08:
                    home = int(rng.integers(NC))
                cand = np.nonzero((self.P_county == home) & (age_ok >= 23) & (age_ok <= 59) & ~self.P_sens)[0]
                while True:
                    p = int(cand[int(rng.integers(len(cand)))])
                    if p not in used:
                        used.add(p)
                        break
                o["person"] = p
                o["name"] = self.P_name[p]
                # volume: heavy-tailed
                r = prof["rate"] * rng.lognormal(0, .9)
                if rng.random() < .13:
                    r *= rng.uniform(.01, .08)  # near-idle account
                o["rate"] = r
                pw = prof["pur"]
                keys = list(pw.keys())
                alpha = np.array([pw[x] for x in keys]) * 6 + .05
                o["pur"] = (keys, rng.dirichlet(alpha))
                chk, chw = list(prof["ch"].keys()), np.array(list(prof["ch"].values()))
                o["chan"] = chk[int(rng.choice(len(chk), p=chw / chw.sum()))]
                o["cross"] = float(np.clip(prof["cross"] * rng.lognormal(0, .35), 0, .8)) if ci >= 0 else None
                o["sloppy_p"] = float(rng.choice([.015, .04, .12], p=[.6, .32, .08]))
                o["sloppy_r"] = float(rng.choice([.02, .05, .15], p=[.6, .32, .08]))
                o["fu"] = prof["fu"]
                o["early"] = rng.normal(0, 12) * 60
                o["late"] = float(rng.choice([.01, .04, .10], p=[.6, .32, .08]))
                o["sat"] = o["sched"] == "window" and ci in (0, 4, 9) and rng.random() < .5
                o["phase"] = int(rng.integers(4))
                # active period
                u = rng.random()
                o["start"], o["end"] = 0, ND - 1
                R = a.days
                if u < .07 and R > 40:
                    o["start"] = self.r0 + int(rng.integers(7, R - 25))
                elif u < .09 and a.history_days > 20:
                    o["start"] = int(rng.integers(5, a.history_days))
                if rng.random() < .05 and R > 40:
                    o["end"] = self.r0 + int(rng.integers(15, R - 10))
                    if o["end"] < o["start"] + 14:
                        o["end"] = ND - 1
                # leave periods (calendar days)
                o["leave"] = []
                for _ in range(int(rng.choice([0, 1, 1, 2]))):
                    s = int(rng.integers(0, ND))
                    o["leave"].append((s, min(ND - 1, s + int(rng.integers(3, 11)))))
                # drift (new assignment)
                o["drift"] = None
                if rng.random() < .07 and R > 60:
                    dd = self.r0 + int(rng.integers(20, R - 20))
                    keys2 = list(pw.keys())
                    al2 = np.ones(len(keys2)) * .6
                    new = rng.dirichlet(al2)
                    focus = None
                    if ci >= 0 and rng.random() < .6:
                        focus = int(rng.choice([c for c in range(NC) if c != ci]))
                    o["drift"] = dict(day=dd, pur=(keys2, new), focus=focus,
                                      rate=float(rng.uniform(.6, 1.8)))
                o["bhab"] = None
                if prof["batch"] == "small" and rng.random() < prof["bs"]:
                    o["bhab"] = ("small", float(rng.uniform(.12, .6)))
                o["term"] = None
                ops.append(o)
            if prof["batch"] == "giant":
                mine = [o for o in ops if o["dept"] == dc and o["rate"] > .3 * prof["rate"]]
                if not mine:
                    mine = [o for o in ops if o["dept"] == dc]
                nd = 2 if dc in ("COURT", "EDU") else 1
                for o in mine[:nd]:
                    o["bhab"] = ("giant", 0.0)
        # terminals: window staff share a hall terminal pairwise
        hall_ctr = {}
        for o in ops:
            cc = "411600" if o["county"] < 0 else CCODE[o["county"]]
            if o["sched"] == "window":
                k = hall_ctr.get(cc, 0)
                hall_ctr[cc] = k + 1
                o["term"] = f"ZWFW-{cc}-W{k // 2 + 1:02d}"
                o["term2"] = f"ZWFW-{cc}-W{k // 2 + 2:02d}"
            else:
                x = int(rng.integers(1, 998))
                o["term"] = f"{o['dept'][:4]}-{cc}-{x:03d}"
                o["term2"] = f"{o['dept'][:4]}-{cc}-{x + 1:03d}"
        for j in range(n_api):
            dc, share, pur, prof_kind, wkend, nm = APIS[j]
            resp = int(rng.choice(np.nonzero((self.P_county == 0) & (age_ok >= 28) & (age_ok <= 55))[0]))
            while resp in used:
                resp = int(rng.choice(np.nonzero((self.P_county == 0) & (age_ok >= 28))[0]))
            used.add(resp)
            ops.append(dict(dept=dc, county=-1, api=True, idx=len(ops), id=f"API-{dc}-{j + 1:02d}",
                            role=["系统接口", "api-integration", "interface account"][j % 3], person=resp,
                            name=nm, share=share, pur=(list(pur.keys()), np.array(list(pur.values()))),
                            prof=prof_kind, wkend=wkend, chan="API", term=f"GW-{dc[:4]}-{j + 1:02d}",
                            start=0, end=ND - 1, leave=[], drift=None, bhab=None, sched="api"))
        self.ops = ops
        self.dept_ops = {}
        for o in ops:
            if not o["api"]:
                self.dept_ops.setdefault(o["dept"], []).append(o["idx"])

    # ------------------------------------------------------------------ schedules & weights
    def duty(self, o):
        """on[d]: 1 day duty, 2 night shift, 3 Saturday window morning, 4 holiday duty."""
        cal, ND, rng = self.cal, self.cal.n, self.rng
        on = np.zeros(ND, np.int8)
        if o["sched"] == "shift":
            cyc = np.array([1, 2, 0, 0])
            on = cyc[(np.arange(ND) + o["phase"]) % 4].astype(np.int8)
        else:
            on[cal.work] = 1
            if o["sat"]:
                on[(cal.wd == 5) & ~cal.hol & ~cal.mk] = 3
            hd = cal.hol & (rng.random(ND) < .03)
            on[hd] = 4
        on[: o["start"]] = 0
        on[o["end"] + 1:] = 0
        for s, e in o["leave"]:
            on[s: e + 1] = 0
        sick = rng.random(ND) < .025
        on[sick & (on == 1)] = 0
        return on

    def weights(self, o):
        cal, rng = self.cal, self.rng
        on = o["on"]
        w = np.where(on > 0, 1.0, 0.0)
        w[on == 3] = .55
        w[on == 4] = .35
        if o["sched"] != "shift":
            w *= cal.wdf * cal.after_break
        seas = D[o["dept"]]["season"]
        w *= np.array([seas.get(m, 1.0) for m in cal.month])
        for s, e in o["leave"]:  # catch-up after own leave
            nxt = np.nonzero(on[e + 1:] > 0)[0][:3]
            for k, j in enumerate(nxt):
                w[e + 1 + j] *= (1.6, 1.4, 1.2)[k]
        if o["start"] > 0:
            w[o["start"]: o["start"] + 12] *= .5
        if o["drift"]:
            w[o["drift"]["day"]:] *= o["drift"]["rate"]
        w *= rng.gamma(4, .25, cal.n)
        return w * o["rate"]

    def api_weights(self, o):
        cal, rng = self.cal, self.rng
        w = np.ones(cal.n)
        w[cal.wd >= 5] = o["wkend"]
        w[cal.mk] = 1.0
        w[cal.hol] = o["wkend"] * .8
        w *= np.where(cal.wd < 5, cal.wdf, 1.0)
        w *= rng.gamma(12, 1 / 12, cal.n)
        # month-end spike for loan checks
        if o["dept"] == "PBOC":
            dom = np.array([d.day for d in cal.days])
            w[dom >= 25] *= 1.25
        return w

    # ------------------------------------------------------------------ time of day
    def day_secs(self, o, d, k):
        """k lookup times (seconds from midnight of day d) for operator o on duty day d."""
        rng, cal = self.rng, self.cal
        if k <= 0:
            return np.zeros(0, np.int64)
        on = o["on"][d]
        if o["sched"] == "shift" and on in (1, 2):
            if on == 1:
                x = rng.uniform(8 * 3600, 20 * 3600, k)
            else:
                # night shift 20:00 - 08:00 next day, quieter 01:00-06:00
                x = rng.uniform(0, 12 * 3600, k)
                quiet = (x > 5 * 3600) & (x < 10 * 3600) & (rng.random(k) < .6)
                x[quiet] = rng.uniform(0, 5 * 3600, int(quiet.sum()))
                x = x + 20 * 3600
            return x.astype(np.int64)
        if on == 3:  # Saturday morning window
            return (rng.uniform(9 * 3600, 12 * 3600, k)).astype(np.int64)
        if cal.summer[d]:
            am, pm = (8 * 3600, 12 * 3600), (15 * 3600, 18 * 3600)
        else:
            am, pm = (8.5 * 3600, 12 * 3600), (14 * 3600, 17.5 * 3600)
        if o["sched"] == "window":
            am = (am[0] + 1800, am[1])
            pm = (pm[0], pm[1] - 1800)
        late = o.get("late", .02)
        seg = rng.choice(4, size=k, p=[.5 - late / 2 - .015, .5 - late / 2 - .015, .03, late])
        b = rng.beta(2, 2.3, k)
        x = np.where(seg == 0, am[0] + b * (am[1] - am[0]),
                     np.where(seg == 1, pm[0] + b * (pm[1] - pm[0]),
                              np.where(seg == 2, am[1] + rng.random(k) * (pm[0] - am[1]),
                                       pm[1] + rng.exponential(2400, k))))
        x = x + o.get("early", 0)
        return np.clip(x, 6 * 3600, 23.5 * 3600).astype(np.int64)

    def ref(self, o, purpose, d, kind="single"):
        dt = self.cal.days[min(max(int(d), 0), self.cal.n - 1)]
        Y = dt.year
        cc = "411600" if o["county"] < 0 else CCODE[o["county"]]
        dc = o["dept"]
        if kind == "single":
            if purpose in ("SELF", "AUTHORIZED"):
                key = ("SQ", cc, dt)
                pre = f"SQ{cc[2:]}{dt.strftime('%Y%m%d')}"
                fmt = "{:04d}"
            elif dc == "COURT":
                key = ("CT", cc, Y)
                pre = f"({Y})豫16{cc[4:] if o['county'] >= 0 else ''}执"
                fmt = "{}号"
            elif dc == "PSB" and purpose == "ENFORCEMENT":
                key = ("PS", cc, Y)
                pre = f"周公{cc[4:]}立字〔{Y}〕"
                fmt = "{:05d}号"
            elif dc == "TAX" and purpose == "ENFORCEMENT":
                key = ("TX", cc, Y)
                pre = f"周税稽{cc[4:]}〔{Y}〕"
                fmt = "{}号"
            else:
                key = (dc, cc, Y)
                pre = f"{dc}-{cc[2:]}-{Y}-"
                fmt = "{:05d}"
        elif kind == "batch":
            key = ("PL", dc, cc, dt)
            pre = f"{dc}-PL{dt.strftime('%Y%m%d')}-{cc[4:]}"
            fmt = "{:02d}"
        else:
            q = (dt.month - 1) // 3 + 1
            key = ("ZX", dc, Y, q)
            pre = f"{dc}-ZX{Y}Q{q}-"
            fmt = "{:02d}"
        n = self.ref_ctr.get(key, 0) + 1
        if kind == "single" and n == 1:
            n = int(self.rng.integers(1, 60))
        self.ref_ctr[key] = n
        return pre + fmt.format(n)

    # ------------------------------------------------------------------ batches
    def plan_batches(self):
        rng, cal = self.rng, self.cal
        bl = []
        for o in self.ops:
            if not o.get("bhab"):
                continue
            typ, p = o["bhab"]
            days = np.nonzero(o["on"] == 1)[0]
            if typ == "small":
                pp = min(.95, p * max(.15, self.scale_r))
                for d in days:
                    if rng.random() < pp:
                        bl.append(dict(o=o["idx"], d=int(d), size=int(rng.integers(20, 51)), typ="small"))
            else:
                seas = D[o["dept"]]["season"]
                qs = sorted({(cal.days[d].year, (cal.days[d].month - 1) // 3) for d in days})
                for (y, q) in qs:
                    qd = [d for d in days if cal.days[d].year == y and (cal.days[d].month - 1) // 3 == q]
                    if len(qd) < 5:
                        continue
                    nr = int(rng.choice([1, 1, 2, 3]))
                    wq = np.array([seas.get(cal.month[d], 1.0) ** 3 for d in qd])
                    for d in rng.choice(qd, size=min(nr, len(qd)), replace=False, p=wq / wq.sum()):
                        size = int(np.clip(rng.lognormal(math.log(900), .6), 250, 3000) * min(1, self.scale_r))
                        bl.append(dict(o=o["idx"], d=int(d), size=max(20, size), typ="giant"))
        bl.sort(key=lambda b: (b["d"], b["o"]))
        self.batches = bl

    # ------------------------------------------------------------------ misuse planning
    REQUIRED = ["kin_neighbour", "colleague", "watchlist", "stalking", "bulk_harvest", "after_hours",
                "out_of_county", "foreign_purpose", "probe_unknown_ids"]
    EXTRA = ["shared_credentials", "ghost_account", "batch_piggyback", "tipoff", "broker_proxy"]
    SPREADS = {
        "kin_neighbour": ["burst", "drip", "at_start"],
        "colleague": ["burst", "mid_start"],
        "watchlist": ["drip", "at_start", "burst"],
        "stalking": ["escalating", "drip", "mid_start"],
        "bulk_harvest": ["multi_night", "at_start", "mid_start"],
        "after_hours": ["drip", "mid_start", "at_start"],
        "out_of_county": ["drip", "mid_start", "at_start"],
        "foreign_purpose": ["drip", "burst", "mid_start"],
        "probe_unknown_ids": ["burst", "at_start"],
        "shared_credentials": ["during_leave"],
        "ghost_account": ["after_departure"],
        "batch_piggyback": ["in_batches"],
        "tipoff": ["triggered"],
        "broker_proxy": ["drip", "mid_start"],
    }
    SIZE = {"kin_neighbour": (8, 24), "colleague": (6, 18), "watchlist": (6, 20), "stalking": (12, 40),
            "bulk_harvest": (250, 800), "after_hours": (15, 45), "out_of_county": (30, 80),
            "foreign_purpose": (10, 30), "probe_unknown_ids": (30, 120), "shared_credentials": (25, 70),
            "ghost_account": (20, 60), "batch_piggyback": (10, 30), "tipoff": (8, 20), "broker_proxy": (25, 70)}

    def expected(self, o):
        return float(o["w"][self.r0: self.r1 + 1].sum()) * self.h_scale + o.get("bvol", 0)

    def plan_misuse(self):
        rng, a = self.rng, self.a
        M = a.misusers
        plan = self.REQUIRED * 2 + self.EXTRA * 2 + ["bulk_harvest", "stalking", "after_hours",
                                                     "out_of_county", "watchlist", "kin_neighbour"]
        n_ep = M + max(2, M // 8) if M > 0 else 0
        while n_ep > len(plan):
            plan += self.REQUIRED + self.EXTRA
        plan = plan[:n_ep]
        # the last (n_ep - M) flexible episodes become second episodes of an existing misuser
        flexible = ("tipoff", "watchlist", "kin_neighbour", "foreign_purpose", "after_hours", "stalking",
                    "colleague")
        second = set()
        for i in range(len(plan) - 1, -1, -1):
            if len(second) >= n_ep - M:
                break
            if plan[i] in flexible:
                second.add(i)
        R = self.a.days
        cnt_ep = {}
        episodes = []
        misusers = []
        humans = [o for o in self.ops if not o["api"]]
        bysize = {}
        for b in self.batches:
            if self.r0 <= b["d"] <= self.r1:
                bysize[b["o"]] = bysize.get(b["o"], 0) + 1
        # order: primaries first (constrained kinds first), then second episodes
        order = sorted(range(len(plan)), key=lambda i: (
            1 if i in second else 0,
            0 if plan[i] in ("ghost_account", "shared_credentials", "batch_piggyback", "broker_proxy",
                             "out_of_county", "bulk_harvest") else 1, i))
        exclusive = {"ghost_account", "shared_credentials"}
        for i in order:
            kind = plan[i]
            is_second = i in second
            lo, hi = self.SIZE[kind]
            size = int(rng.integers(lo, hi + 1))
            if kind == "bulk_harvest":
                size = max(80, int(size * min(1, math.sqrt(self.scale_r))))

            def ok(o):
                e = o["idx"]
                c = cnt_ep.get(e, 0)
                if is_second:
                    if c != 1 or kind in exclusive or o.get("excl") or \
                            any(x["o"] == e and x["kind"] == kind for x in episodes):
                        return False
                elif c > 0 or len(misusers) >= M:
                    return False
                if o["start"] > self.r0 + R * .3 or o["end"] < self.r1 - 5:
                    if kind != "ghost_account":
                        return False
                if o["sched"] == "shift" and kind in ("after_hours", "shared_credentials"):
                    return False
                if kind == "colleague" and len(self.dept_ops[o["dept"]]) < 6:
                    return False
                if kind == "out_of_county" and (o["county"] < 0 or D[o["dept"]]["cross"] > .2):
                    return False
                if kind == "batch_piggyback" and bysize.get(e, 0) < 3:
                    return False
                if kind == "tipoff" and o["dept"] in ("PSB", "COURT", "TAX", "DRC"):
                    return False
                if kind == "broker_proxy" and o["chan"] != "WINDOW":
                    return False
                if kind == "ghost_account" and (o["end"] < self.r1 or o["start"] > 0 or o["drift"]):
                    return False
                if kind == "kin_neighbour" and o["county"] < 0 and rng.random() < .5:
                    return False
                if kind == "foreign_purpose" and "ENFORCEMENT" in D[o["dept"]]["pur"] and \
                        "EXECUTIVE" in D[o["dept"]]["pur"]:
                    return False
                return True

            cands = [o for o in humans if ok(o)]
            if not cands:
                continue
            need = size * (5 if kind != "bulk_harvest" else 3.5)
            exp = np.array([self.expected(o) for o in cands])
            good = [o for o, x in zip(cands, exp) if x >= need]
            if not good:
                j = int(np.argmax(exp))
                o = cands[j]
                size = max(lo // 2 if kind != "bulk_harvest" else 60, int(exp[j] / 5))
            else:
                # prefer not always the busiest: weight by sqrt(volume)
                ex = np.array([self.expected(x) for x in good])
                w = np.sqrt(ex)
                o = good[int(rng.choice(len(good), p=w / w.sum()))]
            e = o["idx"]
            if cnt_ep.get(e, 0) == 0:
                misusers.append(e)
            cnt_ep[e] = cnt_ep.get(e, 0) + 1
            if kind in exclusive:
                o["excl"] = True
            sp = self.SPREADS[kind]
            n_start = sum(1 for x in episodes if x["spread"] == "at_start")
            wsp = np.array([(.35 if n_start < 4 else 0.0) if x == "at_start" else 1.0 for x in sp])
            spread = sp[int(rng.choice(len(sp), p=wsp / wsp.sum()))]
            ep = dict(kind=kind, o=e, size=size, spread=spread, disguise=bool(rng.random() < .45))
            # force the operator history needed by the kind
            if kind == "ghost_account":
                o["end"] = self.r0 + int(R * rng.uniform(.25, .55))
                ep["spread"] = "after_departure"
            if kind == "shared_credentials":
                s = self.r0 + int(R * rng.uniform(.2, .75))
                o["leave"] = [(x, y) for (x, y) in o["leave"] if y < s - 10 or x > s + 25]
                o["leave"].append((s, s + int(rng.integers(8, 14))))
            episodes.append(ep)
        # guarantee a few episodes right at the start of the range
        starts = [ep for ep in episodes if ep["spread"] == "at_start"]
        for ep in episodes:
            if len(starts) >= 3:
                break
            if "at_start" in self.SPREADS[ep["kind"]] and ep["spread"] != "at_start":
                ep["spread"] = "at_start"
                starts.append(ep)
        self.episodes = episodes
        self.misusers = misusers

    # ------------------------------------------------------------------ legit generation
    def subjects_for(self, o, ts, purpose_cli=True):
        """Pick subject person indices for lookups at times ts (seconds) of human operator o."""
        rng = self.rng
        n = len(ts)
        dd = ts // 86400
        ci = o["county"]
        if ci < 0:
            p = POP.copy()
            p[0] *= 1.6
            cty = rng.choice(NC, size=n, p=p / p.sum())
        else:
            cty = np.full(n, ci)
            cr = rng.random(n) < o["cross"]
            others = [c for c in range(NC) if c != ci]
            po = POP[others] / POP[others].sum()
            cty[cr] = np.array(others)[rng.choice(len(others), size=int(cr.sum()), p=po)]
            dr = o["drift"]
            if dr and dr["focus"] is not None:
                m = (dd >= dr["day"]) & (rng.random(n) < .5)
                cty[m] = dr["focus"]
        cli = rng.random(n) < (.65 if purpose_cli else 0)
        out = np.empty(n, np.int64)
        for c in np.unique(cty):
            for f in (False, True):
                m = (cty == c) & (cli == f)
                k = int(m.sum())
                if k:
                    out[m] = self.sample_pool((o["dept"], int(c)) if f else ("g", int(c)), k)
        return out

    def purposes_for(self, o, ts):
        rng = self.rng
        keys, p = o["pur"]
        pr = rng.choice(len(keys), size=len(ts), p=p)
        res = np.array(keys, dtype=object)[pr]
        dr = o["drift"]
        if dr:
            m = (ts // 86400) >= dr["day"]
            k2, p2 = dr["pur"]
            res[m] = np.array(k2, dtype=object)[rng.choice(len(k2), size=int(m.sum()), p=p2)]
        return res

    def emit(self, t, o, subj_idx, subj, purpose, ref, chan, term, kind="", ep=-1, batch=-1):
        R = self.rows
        R["t"].append(int(t))
        R["o"].append(o)
        R["si"].append(int(subj_idx))
        R["s"].append(subj)
        R["p"].append(purpose)
        R["r"].append(ref)
        R["c"].append(chan)
        R["m"].append(term)
        R["k"].append(kind)
        R["e"].append(ep)
        R["b"].append(batch)

    def gen_human(self, o):
        rng = self.rng
        counts = rng.poisson(o["w"] * self.h_scale)
        parts = []
        for d in np.nonzero(counts)[0]:
            k = int(counts[d])
            x = np.sort(self.day_secs(o, int(d), k))
            # sessions: some lookups follow the previous one within minutes
            fol = rng.random(k) < .3
            for i in range(1, k):
                if fol[i]:
                    x[i] = x[i - 1] + int(rng.integers(15, 180))
            parts.append(int(d) * 86400 + np.sort(x))
        if not parts:
            return
        ts = np.concatenate(parts)
        ts = ts[ts < self.cal.n * 86400 - 300]
        n = len(ts)
        if n == 0:
            return
        subj = self.subjects_for(o, ts)
        purp = self.purposes_for(o, ts)
        ext = rng.random(n) < .012
        u_p = rng.random(n)
        u_r = rng.random(n)
        u_f = rng.random(n)
        u_ch = rng.random(n)
        u_tm = rng.random(n)
        cases = []
        oi = o["idx"]
        for i in range(n):
            t = int(ts[i])
            d = t // 86400
            pu = purp[i]
            si = int(subj[i])
            if cases and u_f[i] < o["fu"]:
                c = cases[int(rng.integers(len(cases)))]
                si = c[0][int(rng.integers(len(c[0])))]
                pu, rf = c[1], c[2]
                c[3] -= 1
                if c[3] <= 0:
                    cases.remove(c)
                sid = self.P_id[si]
            else:
                rf = self.ref(o, pu, d)
                if ext[i]:
                    si = -1
                    sid = self.ext_ids[int(rng.integers(len(self.ext_ids)))]
                else:
                    sid = self.P_id[si]
                    if pu in CASE_PURPOSES and o["fu"] > .1 and rng.random() < .5:
                        grp = [si]
                        if rng.random() < .25:  # co-debtor / co-applicant looked up right after
                            s2 = int(self.sample_pool(("g", int(self.P_county[si])), 1)[0])
                            grp.append(s2)
                            self.emit(t + int(rng.integers(20, 120)), oi, s2, self.P_id[s2], pu, rf,
                                      o["chan"], o["term"])
                        cases.append([grp, pu, rf, int(rng.integers(1, 8))])
                        if len(cases) > 60:
                            cases.pop(0)
            chan = o["chan"]
            if u_ch[i] < .04:
                chan = "WEB" if chan != "WEB" else "DASHBOARD"
            term = o["term"]
            if u_tm[i] < .03:
                term = o["term2"]
            if u_p[i] < o["sloppy_p"]:
                pu = ""
            if u_r[i] < o["sloppy_r"]:
                rf = ""
            if chan == "WINDOW" and si >= 0 and rng.random() < .002:
                # typing error at the window (invalid check character), corrected right after
                bad = sid[:17] + ("0" if sid[17] != "0" else "1")
                self.emit(t - int(rng.integers(15, 60)), oi, -2, bad, pu, rf, chan, term)
            self.emit(t, oi, si, sid, pu, rf, chan, term)

    def gen_batches(self):
        rng = self.rng
        for bi, b in enumerate(self.batches):
            o = self.ops[b["o"]]
            d = b["d"]
            if o["on"][d] == 0:
                continue
            oi = o["idx"]
            if b["typ"] == "small":
                pu = o["pur"][0][int(np.argmax(o["pur"][1]))]
                rf = self.ref(o, pu, d, "batch")
                start = int(self.day_secs(o, d, 1)[0])
                gaps = rng.integers(8, 46, b["size"])
                subj = self.subjects_for(o, np.full(b["size"], d * 86400))
                chan = "WEB" if o["chan"] != "WINDOW" else "WINDOW"
            else:
                pu = D[o["dept"]]["gp"]
                rf = self.ref(o, pu, d, "giant")
                if rng.random() < .2:
                    start = int(rng.uniform(18.5, 20.5) * 3600)  # scheduled evening run
                else:
                    start = int(rng.uniform(9, 15) * 3600)
                gaps = rng.integers(1, 7, b["size"])
                if o["county"] >= 0:
                    own = [o["county"]]
                    oth = [c for c in range(NC) if c != o["county"]]
                    k_oth = int(rng.binomial(b["size"], o["cross"]))
                    parts = [(own, b["size"] - k_oth), (oth, k_oth)]
                else:
                    parts = [(list(range(NC)), b["size"])]
                subj = []
                for keyc, kk in parts:
                    if kk <= 0:
                        continue
                    pool = np.concatenate([self.pool[(o["dept"], c)][0] for c in keyc])
                    if len(pool) < kk:
                        pool = np.concatenate([pool] + [self.pool[("g", c)][0] for c in keyc])
                    subj.append(rng.choice(pool, size=min(kk, len(pool)), replace=False))
                subj = np.concatenate(subj)
                rng.shuffle(subj)
                gaps = gaps[: len(subj)]
                chan = "WEB" if rng.random() < .6 else "API"
            t = d * 86400 + start
            b["t0"] = t
            b["pu"], b["rf"], b["chan"] = pu, rf, chan
            for j, si in enumerate(subj):
                t += int(gaps[j])
                self.emit(t, oi, int(si), self.P_id[int(si)], pu, rf, chan, o["term"], batch=bi)
            b["t1"] = t

    def gen_api(self, o):
        rng, cal = self.rng, self.cal
        counts = rng.poisson(o["w"] * o["a_scale"])
        hw = np.array(API_HOURLY[o["prof"]], float)
        hw /= hw.sum()
        n = int(counts.sum())
        if n == 0:
            return
        dd = np.repeat(np.arange(cal.n), counts)
        hh = rng.choice(24, size=n, p=hw)
        ts = dd * 86400 + hh * 3600 + rng.integers(0, 3600, n)
        keys, p = o["pur"]
        pu = np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]
        pp = POP.copy()
        cty = rng.choice(NC, size=n, p=pp / pp.sum())
        subj = np.empty(n, np.int64)
        for c in range(NC):
            m = cty == c
            if m.any():
                subj[m] = self.sample_pool(("g", c), int(m.sum()))
        ext = rng.random(n) < .02
        emp = rng.random(n) < .01
        oi = o["idx"]
        tokbase = int(rng.integers(10 ** 6, 9 * 10 ** 6))
        pre = {"GOVSERVICE": "YSB", "PBOC": "LN", "HRSS": "RLSC", "SAMR": "QYDJ", "NFRA": "RZZG",
               "FINANCE": "GGZY", "HOUSING": "JZSC"}[o["dept"]]
        for i in range(n):
            if ext[i]:
                si, sid = -1, self.ext_ids[int(rng.integers(len(self.ext_ids)))]
            else:
                si = int(subj[i])
                sid = self.P_id[si]
            d = int(ts[i] // 86400)
            rf = "" if emp[i] else f"{pre}{cal.days[d].strftime('%y%m%d')}{tokbase + i:08d}"
            self.emit(int(ts[i]), oi, si, sid, pu[i], rf, "API", o["term"])

    # ------------------------------------------------------------------ misuse generation
    def op_days(self, o, lo, hi, codes=(1,)):
        on = o["on"]
        return [d for d in range(max(lo, 0), min(hi, self.cal.n - 1) + 1) if on[d] in codes]

    def spread_days(self, o, spread, n, pool_days=None):
        rng, R = self.rng, self.a.days
        r0, r1 = self.r0, self.r1
        days = pool_days if pool_days is not None else self.op_days(o, r0, r1)
        if not days:
            days = [d for d in range(r0, r1 + 1) if self.cal.work[d]] or list(range(r0, r1 + 1))
        days = np.array(days)
        if spread == "at_start":
            sel = days[days <= r0 + 12]
            if len(sel) == 0:
                sel = days[:3]
            # a few sessions in the first days
            ch = rng.choice(sel, size=min(len(sel), int(rng.integers(1, 4))), replace=False)
            return np.sort(rng.choice(ch, size=n)), True
        if spread == "burst":
            d0 = int(rng.choice(days[: max(1, len(days) - 2)]))
            nxt = days[days >= d0][: int(rng.integers(1, 3))]
            return np.sort(rng.choice(nxt, size=n)), True
        if spread == "mid_start":
            cut = r0 + int(R * rng.uniform(.35, .65))
            sel = days[days >= cut]
            if len(sel) == 0:
                sel = days
            return np.sort(rng.choice(sel, size=n)), False
        if spread == "escalating":
            x = (days - days[0] + 1).astype(float) ** 2
            return np.sort(rng.choice(days, size=n, p=x / x.sum())), False
        if spread == "multi_night":
            k = int(rng.integers(3, 9))
            ch = np.sort(rng.choice(days, size=min(k, len(days)), replace=False))
            return np.sort(rng.choice(ch, size=n)), True
        return np.sort(rng.choice(days, size=n)), False  # drip

    def session_times(self, o, days, sessions, gap=(10, 90), clock=None):
        """times for misuse lookups on given days. sessions=True -> grouped runs within a day."""
        rng = self.rng
        out = []
        for d in np.unique(days):
            k = int((days == d).sum())
            if sessions:
                ns = int(rng.integers(1, min(3, k) + 1))
                sizes = np.bincount(rng.integers(0, ns, k), minlength=ns)
                for s in sizes:
                    if s == 0:
                        continue
                    st = int(clock(1)[0]) if clock else int(self.day_secs(o, int(d), 1)[0])
                    tt = st + np.cumsum(rng.integers(gap[0], gap[1], s))
                    out.extend((d * 86400 + tt).tolist())
            else:
                xs = clock(k) if clock else self.day_secs(o, int(d), k)
                out.extend((d * 86400 + xs).tolist())
        return sorted(out)

    def fabricate(self, o, ts, disguise, fixed_purpose=None, empty_ref=False):
        """purpose/ref pairs for misuse rows: copied from the operator's own legit work, or made up."""
        rng = self.rng
        lt, lp, lr = self.legit_by_op.get(o["idx"], (np.zeros(0, np.int64), [], []))
        res = []
        keys, p = o["pur"]
        for t in ts:
            if disguise and len(lt):
                j = int(np.searchsorted(lt, t)) - 1
                j = max(0, j - int(rng.integers(0, 3)))
                pu, rf = lp[j], lr[j]
                if not pu:
                    pu = keys[int(rng.choice(len(keys), p=p))]
            else:
                pu = fixed_purpose or keys[int(rng.choice(len(keys), p=p))]
                rf = "" if (empty_ref or rng.random() < .45) else self.ref(o, pu, int(t // 86400))
            if fixed_purpose:
                pu = fixed_purpose
            if empty_ref:
                rf = ""
            res.append((pu, rf))
        return res

    def random_persons(self, k, county=None, exclude=None):
        rng = self.rng
        if county is None:
            idx = rng.integers(0, len(self.P_id), k * 2)
        else:
            pool = self.pool[("g", county)][0]
            idx = pool[rng.integers(0, len(pool), k * 2)]
        seen, out = set(), []
        for x in idx:
            x = int(x)
            if x in seen or (exclude is not None and x in exclude):
                continue
            seen.add(x)
            out.append(x)
            if len(out) == k:
                break
        return out

    def gen_misuse(self):
        rng, cal = self.rng, self.cal
        r0, r1 = self.r0, self.r1
        lo_t, hi_t = r0 * 86400, (r1 + 1) * 86400 - 1
        # index of legit rows per operator (for disguise and triggers)
        R = self.rows
        t_arr = np.array(R["t"])
        o_arr = np.array(R["o"])
        order = np.lexsort((t_arr, o_arr))
        self.legit_by_op = {}
        bounds = np.searchsorted(o_arr[order], np.arange(len(self.ops) + 1))
        for oi in self.misusers:
            sl = order[bounds[oi]: bounds[oi + 1]]
            self.legit_by_op[oi] = (t_arr[sl], [R["p"][j] for j in sl], [R["r"][j] for j in sl])
        enf_ops = {o["idx"] for o in self.ops if o["dept"] in ("PSB", "COURT") and not o["api"]}
        trig = [j for j in range(len(t_arr)) if o_arr[j] in enf_ops and R["p"][j] == "ENFORCEMENT"
                and R["si"][j] >= 0 and lo_t <= t_arr[j] <= hi_t - 3 * 86400]
        person_of_op = {o["person"] for o in self.ops}
        for ei, ep in enumerate(self.episodes):
            o = self.ops[ep["o"]]
            oi = o["idx"]
            kind, n, spread = ep["kind"], ep["size"], ep["spread"]
            chan, term = o["chan"], o["term"]
            rows = []  # (t, si, sid, pu, rf, chan, term)
            if kind == "kin_neighbour":
                p = o["person"]
                v = self.P_village[p]
                same = [int(x) for x in np.nonzero((self.P_village == v) & ~self.P_sens)[0] if x != p]
                kin = [x for x in same if self.P_sur[x] == self.P_sur[p]]
                others = [x for x in same if self.P_sur[x] != self.P_sur[p]]
                tg = kin[: int(rng.integers(4, 12))] + others[: int(rng.integers(1, 6))]
                if len(tg) < 3:
                    tg = same[:8]
                days, ses = self.spread_days(o, spread, n)
                ts = self.session_times(o, days, ses)
                subj = [tg[int(rng.integers(len(tg)))] for _ in ts]
                fab = self.fabricate(o, ts, ep["disguise"])
                rows = [(t, s, self.P_id[s], pu, rf, chan, term) for t, s, (pu, rf) in zip(ts, subj, fab)]
            elif kind == "colleague":
                same = [self.ops[j]["person"] for j in self.dept_ops[o["dept"]]
                        if j != oi and self.ops[j]["county"] == o["county"]]
                rest = [self.ops[j]["person"] for j in self.dept_ops[o["dept"]]
                        if j != oi and self.ops[j]["county"] != o["county"]]
                k = int(rng.integers(4, 14))
                tg = list(rng.permutation(same))[:k]
                if len(tg) < 4:
                    tg += list(rng.permutation(rest))[: 4 - len(tg) + int(rng.integers(0, 4))]
                days, ses = self.spread_days(o, spread, n)
                ts = self.session_times(o, days, ses)
                subj = [int(tg[int(rng.integers(len(tg)))]) for _ in ts]
                fab = self.fabricate(o, ts, ep["disguise"])
                rows = [(t, s, self.P_id[s], pu, rf, chan, term) for t, s, (pu, rf) in zip(ts, subj, fab)]
            elif kind == "watchlist":
                sens = np.nonzero(self.P_sens)[0]
                tg = list(rng.choice(sens, size=min(len(sens), int(rng.integers(5, 16))), replace=False))
                days, ses = self.spread_days(o, spread, n)
                ts = self.session_times(o, days, ses)
                subj = [int(tg[int(rng.integers(len(tg)))]) for _ in ts]
                fab = self.fabricate(o, ts, ep["disguise"])
                rows = [(t, s, self.P_id[s], pu, rf, chan, term) for t, s, (pu, rf) in zip(ts, subj, fab)]
            elif kind == "stalking":
                p = o["person"]
                by = self.P_birth[p].year
                byears = np.array([b.year for b in self.P_birth])
                cand = np.nonzero((self.P_male != self.P_male[p]) & (np.abs(byears - by) <= 10) &
                                  ~self.P_sens)[0]
                target = int(rng.choice(cand))
                days, ses = self.spread_days(o, spread, n)
                ts = self.session_times(o, days, False)
                fab = self.fabricate(o, ts, ep["disguise"], empty_ref=True)
                rows = [(t, target, self.P_id[target], pu if rng.random() < .7 else "", "", chan, term)
                        for t, (pu, rf) in zip(ts, fab)]
            elif kind == "bulk_harvest":
                tg = self.random_persons(n)
                if spread == "multi_night":
                    days, _ = self.spread_days(o, "multi_night", len(tg))
                    clock = lambda k: rng.uniform(19.5 * 3600, 23 * 3600, k).astype(np.int64)
                else:
                    days, _ = self.spread_days(o, "burst" if spread == "at_start" else "drip", len(tg))
                    if spread == "at_start":
                        days, _ = self.spread_days(o, "at_start", len(tg))
                    clock = lambda k: rng.uniform(12.1 * 3600, 14.4 * 3600, k).astype(np.int64)
                ts = self.session_times(o, days, True, gap=(3, 16), clock=clock)
                ref0 = self.ref(o, o["pur"][0][0], int(ts[0] // 86400), "batch") if rng.random() < .5 else ""
                pu0 = o["pur"][0][int(np.argmax(o["pur"][1]))]
                rows = [(t, s, self.P_id[s], pu0, ref0, "WEB" if chan != "API" else chan, term)
                        for t, s in zip(ts, tg)]
            elif kind == "after_hours":
                pool = self.op_days(o, r0, r1, (0, 1))
                days, _ = self.spread_days(o, spread, n, pool_days=pool)

                def clock(k):
                    x = rng.uniform(20.75 * 3600, 25.5 * 3600, k)
                    return x.astype(np.int64)
                if chan == "WINDOW":
                    chan = "WEB"
                ts = self.session_times(o, days, True, gap=(20, 300), clock=clock)
                tg = self.random_persons(n, county=o["county"] if o["county"] >= 0 else None)
                fab = self.fabricate(o, ts, ep["disguise"])
                rows = [(t, s, self.P_id[s], pu, rf, chan, term) for t, s, (pu, rf) in zip(ts, tg, fab)]
            elif kind == "out_of_county":
                others = [c for c in range(NC) if c != o["county"]]
                tcs = list(rng.choice(others, size=int(rng.integers(1, 3)), replace=False))
                days, ses = self.spread_days(o, spread, n)
                ts = self.session_times(o, days, ses)
                subj = [self.random_persons(1, county=int(tcs[int(rng.integers(len(tcs)))]))[0] for _ in ts]
                fab = self.fabricate(o, ts, ep["disguise"])
                rows = [(t, s, self.P_id[s], pu, rf, chan, term) for t, s, (pu, rf) in zip(ts, subj, fab)]
            elif kind == "foreign_purpose":
                own = set(D[o["dept"]]["pur"])
                foreign = [x for x in ["EXECUTIVE", "ENFORCEMENT", "AUTHORIZED", "CIVIL_SERVICE",
                                       "APPOINTMENT", "LABOUR"] if x not in own]
                fp = foreign[int(rng.integers(len(foreign)))]
                days, ses = self.spread_days(o, spread, n)
                ts = self.session_times(o, days, ses)
                tg = self.random_persons(len(ts))
                fab = self.fabricate(o, ts, False, fixed_purpose=fp)
                rows = [(t, s, self.P_id[s], pu, rf, chan, term) for t, s, (pu, rf) in zip(ts, tg, fab)]
            elif kind == "probe_unknown_ids":
                days, _ = self.spread_days(o, spread, n)
                ts = self.session_times(o, days, True, gap=(4, 40))
                ids = []
                mode = int(rng.integers(3))
                base = self.P_id[int(rng.integers(len(self.P_id)))]
                bd = date(int(base[6:10]), int(base[10:12]), int(base[12:14]))
                k = 0
                while len(ids) < len(ts):
                    k += 1
                    if mode == 0:  # sequence scan of one birth date
                        s17 = base[:14] + f"{(int(base[14:17]) + k) % 1000:03d}"
                    elif mode == 1:  # birth-date scan
                        s17 = base[:6] + (bd + timedelta(k)).strftime("%Y%m%d") + base[14:17]
                    else:  # random region/birth guesses
                        rb = bd + timedelta(int(rng.integers(-4000, 4000)))
                        s17 = region_code(CCODE[int(rng.integers(NC))], rb.year) + rb.strftime("%Y%m%d") + \
                            f"{int(rng.integers(1, 999)):03d}"
                    cc = check_char(s17)
                    if rng.random() < .15:
                        cc = CHK[(CHK.index(cc) + 1) % 11]
                    x = s17 + cc
                    if x in self.taken:
                        continue
                    ids.append(x)
                fab = self.fabricate(o, ts, ep["disguise"])
                rows = [(t, -3, x, pu, rf, chan, term) for t, x, (pu, rf) in zip(ts, ids, fab)]
            elif kind == "shared_credentials":
                s, e = o["leave"][-1]
                pool = [d for d in range(s, e + 1) if r0 <= d <= r1]
                days = np.sort(rng.choice(pool, size=n))

                def clock(k):
                    return rng.uniform(9 * 3600, 23 * 3600, k).astype(np.int64)
                ts = self.session_times(o, days, True, gap=(15, 240), clock=clock)
                other = self.ops[int(rng.integers(len(self.ops)))]
                fterm = other["term"] if other["dept"] != o["dept"] and rng.random() < .5 else \
                    f"PC-{int(rng.integers(0, 16 ** 6)):06X}"
                tg = self.random_persons(len(ts))
                fab = self.fabricate(o, ts, True)
                rows = [(t, x, self.P_id[x], pu, rf, chan if chan != "WINDOW" else "WEB", fterm)
                        for t, x, (pu, rf) in zip(ts, tg, fab)]
            elif kind == "ghost_account":
                s = o["end"] + int(rng.integers(7, 25))
                pool = [d for d in range(s, r1 + 1) if cal.work[d]]
                k = int(rng.integers(3, 9))
                ch = np.sort(rng.choice(pool, size=min(k, len(pool)), replace=False))
                days = np.sort(rng.choice(ch, size=n))
                tmp = dict(o, on=np.ones(cal.n, np.int8), sched="day")
                ts = self.session_times(tmp, days, True, gap=(20, 200))
                tg = self.random_persons(len(ts))
                fab = self.fabricate(o, ts, ep["disguise"])
                nterm = term if rng.random() < .5 else f"{o['dept'][:4]}-{CCODE[o['county']] if o['county'] >= 0 else '411600'}-{int(rng.integers(1, 999)):03d}"
                rows = [(t, x, self.P_id[x], pu, rf, chan, nterm) for t, x, (pu, rf) in zip(ts, tg, fab)]
            elif kind == "batch_piggyback":
                mine = [b for b in self.batches if b["o"] == oi and "t0" in b and lo_t <= b["t0"] <= hi_t]
                k = min(len(mine), int(rng.integers(3, 7)))
                sel = [mine[j] for j in sorted(rng.choice(len(mine), size=k, replace=False))]
                per = max(1, n // max(1, k))
                for b in sel:
                    m = per + int(rng.integers(-1, 2))
                    tg = self.random_persons(max(1, m))
                    if rng.random() < .3:
                        tg[0] = int(rng.choice(np.nonzero(self.P_sens)[0]))
                    for x in tg:
                        t = int(rng.integers(b["t0"], b["t1"] + 1))
                        rows.append((t, x, self.P_id[x], b["pu"], b["rf"], b["chan"], term))
            elif kind == "tipoff":
                if not trig:
                    continue
                js = rng.choice(len(trig), size=min(len(trig), n), replace=False)
                for j in js:
                    jj = trig[int(j)]
                    t = int(t_arr[jj]) + int(rng.uniform(.3, 26) * 3600)
                    d = t // 86400
                    sec = t % 86400
                    # shift to the operator's working time
                    tries = 0
                    while (o["on"][min(d, cal.n - 1)] != 1 or not (8 * 3600 <= sec <= 18 * 3600)) and tries < 10:
                        if o["on"][min(d, cal.n - 1)] == 1 and sec < 8 * 3600:
                            sec = int(self.day_secs(o, int(d), 1)[0])
                        else:
                            d += 1
                            sec = int(self.day_secs(o, int(d) if d < cal.n else cal.n - 1, 1)[0])
                        tries += 1
                    t = d * 86400 + sec
                    x = R["si"][jj]
                    rows.append((t, x, self.P_id[x], None, None, chan, term))
                fab = self.fabricate(o, [r[0] for r in rows], ep["disguise"])
                rows = [(r[0], r[1], r[2], pu, rf, r[5], r[6]) for r, (pu, rf) in zip(rows, fab)]
            elif kind == "broker_proxy":
                days, _ = self.spread_days(o, spread, n)

                def clock(k):
                    a_ = rng.uniform(12.0 * 3600, 14.8 * 3600, k)
                    b_ = rng.uniform(18.0 * 3600, 19.2 * 3600, k)
                    return np.where(rng.random(k) < .6, a_, b_).astype(np.int64)
                ts = self.session_times(o, days, True, gap=(30, 200), clock=clock)
                refs = [self.ref(o, "AUTHORIZED", int(ts[0] // 86400)) for _ in range(int(rng.integers(2, 4)))]
                oth = [c for c in range(NC) if c != o["county"]]
                rows = []
                for t in ts:
                    c = int(rng.choice(oth)) if rng.random() < .6 else (o["county"] if o["county"] >= 0 else 0)
                    x = self.random_persons(1, county=c)[0]
                    rows.append((t, x, self.P_id[x], "AUTHORIZED", refs[int(rng.integers(len(refs)))], chan, term))
            # keep inside the labelled range
            rows = [r for r in rows if lo_t <= r[0] <= hi_t]
            for r in rows:
                self.emit(r[0], oi, r[1], r[2], r[3] or "", r[4] or "", r[5], r[6], kind=kind, ep=ei)

    # ------------------------------------------------------------------ run
    def run(self):
        a, rng = self.a, self.rng
        self.build_persons()
        self.build_operators()
        for o in self.ops:
            if o["api"]:
                o["w"] = self.api_weights(o)
            else:
                o["on"] = self.duty(o)
                o["w"] = self.weights(o)
        self.plan_batches()
        # provisional scale, to pick misusers by expected volume
        self.h_scale = self.compute_scale()
        self.plan_misuse()
        # operators modified by the plan: recompute duty, weights, batches
        for o in self.ops:
            if not o["api"]:
                o["on"] = self.duty(o) if (o.get("excl")) else o["on"]
                if o.get("excl"):
                    o["w"] = self.weights(o)
        self.batches = [b for b in self.batches if self.ops[b["o"]]["on"][b["d"]] == 1]
        self.h_scale = self.compute_scale()
        self.rows = {k: [] for k in "t o si s p r c m k e b".split()}
        for o in self.ops:
            if o["api"]:
                self.gen_api(o)
            else:
                self.gen_human(o)
        self.gen_batches()
        self.gen_misuse()

    def compute_scale(self):
        a = self.a
        r0, r1 = self.r0, self.r1
        tgt = a.lookups
        api_total = .38 * tgt
        for o in self.ops:
            if o["api"]:
                o["a_scale"] = api_total * o["share"] / max(1e-9, o["w"][r0: r1 + 1].sum()) / \
                    sum(x["share"] for x in self.ops if x["api"])
        bvol = 0
        for o in self.ops:
            o["bvol"] = 0
        for b in self.batches:
            if r0 <= b["d"] <= r1:
                bvol += b["size"]
                self.ops[b["o"]]["bvol"] += b["size"]
        mis = 6000 * self.a.misusers / 26 * min(1, math.sqrt(self.scale_r))
        hum = sum(float(o["w"][r0: r1 + 1].sum()) for o in self.ops if not o["api"])
        rest = max(.15 * tgt, tgt - api_total - bvol - mis)
        return rest / max(hum, 1e-9) / 1.03  # small allowance for co-subject rows

    # ------------------------------------------------------------------ output
    def write(self, out):
        os.makedirs(out, exist_ok=True)
        a = self.a
        # persons
        pdf = pl.DataFrame({
            "id_number": self.P_id,
            "name": self.P_name,
            "gender": ["M" if m else "F" for m in self.P_male],
            "birth_date": [b.isoformat() for b in self.P_birth],
            "county_code": [CCODE[c] for c in self.P_county],
            "residence_code": [self.vil_code[v] for v in self.P_village],
            "sensitive": self.P_sens.astype(np.int8),
        })
        pdf.write_csv(os.path.join(out, "persons.csv"))
        odf = pl.DataFrame({
            "operator_id": [o["id"] for o in self.ops],
            "name": [o["name"] for o in self.ops],
            "department_code": [o["dept"] for o in self.ops],
            "role": [o["role"] for o in self.ops],
            "county_code": [None if o["county"] < 0 else CCODE[o["county"]] for o in self.ops],
            "id_number": [self.P_id[o["person"]] for o in self.ops],
        })
        odf.write_csv(os.path.join(out, "operators.csv"))
        R = self.rows
        t = np.array(R["t"], np.int64)
        o = np.array(R["o"])
        order = np.lexsort((np.arange(len(t)), o, t))
        order = order[(t[order] >= 0) & (t[order] < self.cal.n * 86400)]
        t = t[order]
        base = np.datetime64(self.hfrom.isoformat() + "T00:00:00")
        ts = np.datetime_as_string(base + t.astype("timedelta64[s]"), unit="s")
        opid = np.array([x["id"] for x in self.ops], dtype=object)
        qid = [f"Q{i + 1:09d}" for i in range(len(t))]

        def col(k):
            arr = np.array(R[k], dtype=object)[order]
            return [x if x != "" else None for x in arr]
        qdf = pl.DataFrame({
            "query_id": qid,
            "queried_at": ts.tolist(),
            "operator_id": opid[o[order]].tolist(),
            "subject_id_number": np.array(R["s"], dtype=object)[order].tolist(),
            "purpose_code": col("p"),
            "authorization_ref": col("r"),
            "channel": np.array(R["c"], dtype=object)[order].tolist(),
            "terminal_id": col("m"),
        }, schema={"query_id": pl.Utf8, "queried_at": pl.Utf8, "operator_id": pl.Utf8,
                   "subject_id_number": pl.Utf8, "purpose_code": pl.Utf8, "authorization_ref": pl.Utf8,
                   "channel": pl.Utf8, "terminal_id": pl.Utf8})
        qdf.write_csv(os.path.join(out, "query_log.csv"))
        kinds = np.array(R["k"], dtype=object)[order]
        eps = np.array(R["e"])[order]
        mi = np.nonzero(eps >= 0)[0]
        lq = pl.DataFrame({"query_id": [qid[i] for i in mi],
                           "operator_id": [opid[o[order][i]] for i in mi],
                           "kind": [kinds[i] for i in mi]},
                          schema={"query_id": pl.Utf8, "operator_id": pl.Utf8, "kind": pl.Utf8})
        lq.write_csv(os.path.join(out, "label_queries.csv"))
        lab = []
        for ei, ep in enumerate(self.episodes):
            sel = mi[eps[mi] == ei]
            if len(sel) == 0:
                continue
            lab.append((self.ops[ep["o"]]["id"], ep["kind"], ts[sel[0]], ts[sel[-1]], int(len(sel)),
                        ep["spread"], int(ep["disguise"])))
        ldf = pl.DataFrame(lab, schema={"operator_id": pl.Utf8, "kind": pl.Utf8, "first_at": pl.Utf8,
                                        "last_at": pl.Utf8, "n_lookups": pl.Int64, "spread": pl.Utf8,
                                        "disguised": pl.Int64}, orient="row")
        ldf.select(["operator_id", "kind", "first_at", "last_at", "n_lookups"]).write_csv(
            os.path.join(out, "labels.csv"))
        ldf.write_csv(os.path.join(out, "labels_detail.csv"))
        r0s = (self.r0 * 86400)
        meta = {"from": self.frm.isoformat(), "to": self.to.isoformat(), "history_from": self.hfrom.isoformat(),
                "seed": a.seed, "n_operators": len(self.ops), "n_lookups": int(len(t)),
                "n_lookups_in_range": int((t >= r0s).sum()),
                "n_misusers": len({r[0] for r in lab}), "n_episodes": len(lab),
                "n_misuse_lookups": int(len(mi)), "n_persons": len(self.P_id),
                "generator": "gen_b"}
        with open(os.path.join(out, "meta.json"), "w") as f:
            json.dump(meta, f, indent=2)
        return meta


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--from", dest="frm", default="2026-05-01")
    ap.add_argument("--days", type=int, default=150)
    ap.add_argument("--history-days", type=int, default=0)
    ap.add_argument("--operators", type=int, default=570)
    ap.add_argument("--lookups", type=int, default=425000)
    ap.add_argument("--misusers", type=int, default=26)
    a = ap.parse_args(argv)
    if a.days < 14 or a.operators < 40 or a.lookups < 5000 or a.history_days < 0 or a.misusers < 0:
        ap.error("need --days >= 14, --operators >= 40, --lookups >= 5000, --history-days >= 0")
    t0 = time.time()
    g = Gen(a)
    g.run()
    meta = g.write(a.out)
    print(f"wrote {a.out}: {meta['n_lookups']} lookups, {meta['n_persons']} persons, "
          f"{meta['n_operators']} operators, {meta['n_misusers']} misusers / {meta['n_episodes']} episodes "
          f"({meta['n_misuse_lookups']} misuse lookups) in {time.time() - t0:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
