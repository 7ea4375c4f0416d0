#!/usr/bin/env python3
"""Hold-out generator C: a labelled synthetic credit-platform query log for Zhoukou.

    python generate.py --out DIR --seed N [--from 2026-03-02] [--days 120]
                       [--history-days 0] [--operators 500] [--lookups 380000] [--misusers 25]

Writes persons.csv, operators.csv, query_log.csv (contract formats), labels.csv,
label_queries.csv, meta.json and README.md into DIR.  Deterministic for a seed.
Only numpy / pandas / the standard library are used.
"""
from __future__ import annotations

import argparse
import datetime as dt
import heapq
import json
import math
import os
import shutil
import sys
import time

import numpy as np
import pandas as pd

H = 3600
M = 60

# --------------------------------------------------------------------------- reference
COUNTIES = [  # code, name, population 2018, historical ID codes (first: pre-2000 births)
    ("411602", "川汇区", 721300, ["412701"]),
    ("411603", "淮阳区", 976500, ["412727", "411626"]),
    ("411621", "扶沟县", 589500, ["412721"]),
    ("411622", "西华县", 737000, ["412722"]),
    ("411623", "商水县", 880000, ["412723"]),
    ("411624", "沈丘县", 933000, ["412728"]),
    ("411625", "郸城县", 957000, ["412726"]),
    ("411627", "太康县", 1032100, ["412724"]),
    ("411628", "鹿邑县", 878200, ["412725"]),
    ("411681", "项城市", 973200, ["412702"]),
]
CCODES = [c[0] for c in COUNTIES]
CIDX = {c: i for i, c in enumerate(CCODES)}
CHUANHUI = CIDX["411602"]
# neighbouring county pairs in which some county officers legitimately work jointly
PAIR = {"411621": "411622", "411622": "411621", "411627": "411603", "411603": "411627",
        "411628": "411625", "411625": "411628", "411624": "411681", "411681": "411624",
        "411623": "411602", "411602": "411623"}
# county offices that close on Wednesday afternoons (internal study afternoon)
WED_PM_CLOSED_COUNTIES = ("411627", "411624")
WED_PM_CLOSED_CITY_DEPTS = ("FINANCE", "AUDIT")

# ID region codes outside Zhoukou (migrants; people looked up but not registered here)
OUTSIDE_CODES = ["410102", "410105", "410302", "410402", "411102", "411302", "411502",
                 "411702", "341202", "341221", "341222", "341226", "410702", "320106",
                 "330106", "440304", "310115", "110105", "411402", "411403", "411481"]

PURPOSES = ["EMPLOYMENT", "PRACTICE", "LABOUR", "EXECUTIVE", "CIVIL_SERVICE", "COMMENDATION",
            "APPOINTMENT", "HONESTY_AWARD", "LICENSING", "PUBLIC_FUNDS", "POLICY_SUPPORT",
            "ENFORCEMENT", "OBJECTION", "REPAIR", "SELF", "AUTHORIZED"]
PIDX = {p: i for i, p in enumerate(PURPOSES)}
CHANNELS = ["WINDOW", "WEB", "API", "DASHBOARD"]
WINDOW, WEB, API, DASH = 0, 1, 2, 3

# Chinese public holidays and make-up working days (assumed calendar)
def _span(y, a, b):
    d0 = dt.date(y, *a)
    d1 = dt.date(y, *b)
    return [d0 + dt.timedelta(days=i) for i in range((d1 - d0).days + 1)]

HOLIDAYS = set(
    _span(2025, (1, 1), (1, 1)) + _span(2025, (1, 28), (2, 4)) + _span(2025, (4, 4), (4, 6))
    + _span(2025, (5, 1), (5, 5)) + _span(2025, (5, 31), (6, 2)) + _span(2025, (10, 1), (10, 8))
    + _span(2026, (1, 1), (1, 3)) + _span(2026, (2, 15), (2, 23)) + _span(2026, (4, 4), (4, 6))
    + _span(2026, (5, 1), (5, 5)) + _span(2026, (6, 19), (6, 21)) + _span(2026, (9, 25), (9, 27))
    + _span(2026, (10, 1), (10, 7)) + _span(2027, (1, 1), (1, 1)))
MAKEUP = {dt.date(2025, 1, 26), dt.date(2025, 2, 8), dt.date(2025, 4, 27), dt.date(2025, 9, 28),
          dt.date(2025, 10, 11), dt.date(2026, 1, 4), dt.date(2026, 2, 14), dt.date(2026, 2, 28),
          dt.date(2026, 5, 9), dt.date(2026, 9, 20), dt.date(2026, 10, 10)}

# --------------------------------------------------------------------------- names
SURNAMES = [
    ("王", 7.6), ("李", 7.4), ("张", 7.1), ("刘", 5.6), ("陈", 3.2), ("杨", 3.0), ("赵", 2.6),
    ("黄", 1.1), ("周", 1.5), ("吴", 1.0), ("徐", 1.3), ("孙", 1.8), ("胡", 1.4), ("朱", 1.5),
    ("高", 1.5), ("林", 0.4), ("何", 0.9), ("郭", 1.9), ("马", 1.7), ("罗", 0.5), ("梁", 0.8),
    ("宋", 1.3), ("郑", 1.0), ("谢", 0.6), ("韩", 1.0), ("唐", 0.5), ("冯", 0.9), ("于", 0.6),
    ("董", 0.7), ("肖", 0.5), ("程", 0.8), ("曹", 0.9), ("袁", 0.8), ("邓", 0.5), ("许", 1.1),
    ("付", 0.9), ("沈", 0.4), ("曾", 0.2), ("彭", 0.5), ("吕", 0.9), ("苏", 0.5), ("卢", 0.6),
    ("蒋", 0.4), ("蔡", 0.5), ("贾", 0.8), ("丁", 0.6), ("魏", 0.9), ("薛", 0.4), ("叶", 0.3),
    ("闫", 0.8), ("余", 0.4), ("潘", 0.4), ("杜", 0.7), ("戴", 0.3), ("夏", 0.4), ("钟", 0.2),
    ("汪", 0.3), ("田", 0.8), ("任", 0.7), ("姜", 0.5), ("范", 0.7), ("方", 0.4), ("石", 0.6),
    ("姚", 0.5), ("谭", 0.2), ("廖", 0.1), ("邹", 0.2), ("熊", 0.2), ("金", 0.3), ("陆", 0.2),
    ("郝", 0.5), ("孔", 0.5), ("白", 0.5), ("崔", 0.6), ("康", 0.4), ("毛", 0.4), ("邱", 0.3),
    ("秦", 0.4), ("江", 0.3), ("史", 0.5), ("顾", 0.1), ("侯", 0.6), ("邵", 0.3), ("孟", 0.6),
    ("龙", 0.1), ("万", 0.3), ("段", 0.4), ("雷", 0.3), ("钱", 0.2), ("汤", 0.3), ("尹", 0.3),
    ("常", 0.5), ("武", 0.5), ("乔", 0.4), ("贺", 0.3), ("龚", 0.1), ("牛", 0.6), ("耿", 0.3),
    ("屈", 0.2), ("申", 0.3), ("娄", 0.2), ("窦", 0.15), ("訾", 0.05), ("岳", 0.3), ("葛", 0.3),
    ("欧阳", 0.02), ("司马", 0.015), ("上官", 0.01), ("诸葛", 0.005), ("皇甫", 0.008),
    ("端木", 0.004), ("东方", 0.006), ("公孙", 0.004), ("令狐", 0.003)]
SN = [s for s, _ in SURNAMES]
SW = np.array([w for _, w in SURNAMES])
SW = SW / SW.sum()
M_OLD = list("建国军华明志德文海春金林保永庆福长全中新学振红卫东平生忠义荣成贵山峰强刚勇伟洪占书")
M_NEW = list("浩宇轩子然博文俊杰涛鹏磊晨阳凯鑫泽睿一航昊辰铭天豪皓帅超亮佳")
F_OLD = list("秀英兰桂芳玉珍凤梅华荣霞翠花琴云莲爱香淑丽敏娟红素巧")
F_NEW = list("梓涵萱欣怡雨诗佳琪思婷雪静晶慧悦可馨瑶妍月若一嘉璐")

# --------------------------------------------------------------------------- departments
# code: weight, share of city-level operators, roles [(label, category, weight)],
#       purposes {code: w}, subject tags {tag: w}
DEPTS = {
    "GOVSERVICE": (70, 0.25, [("窗口人员", "window", 6), ("综合窗口受理员", "window", 3),
                              ("帮办代办员", "window", 1), ("大厅值班长", "lead", 0.5)],
                   {"SELF": 55, "AUTHORIZED": 30, "LICENSING": 10, "POLICY_SUPPORT": 5},
                   {"general": 1}),
    "COURT": (45, 0.30, [("执行干警", "field", 5), ("书记员", "desk", 2), ("法官助理", "desk", 2),
                         ("执行局科员", "desk", 1)],
              {"ENFORCEMENT": 95, "OBJECTION": 5}, {"debtor": 0.7, "legal_rep": 0.1, "general": 0.2}),
    "URBAN": (35, 0.30, [("执法队员", "field", 6), ("中队长", "lead", 1), ("科员", "desk", 1.5)],
              {"ENFORCEMENT": 75, "LICENSING": 25}, {"general": 0.6, "legal_rep": 0.2, "debtor": 0.2}),
    "SAMR": (45, 0.30, [("稽查员", "field", 3), ("登记窗口人员", "dwindow", 2),
                        ("食品安全监管员", "field", 2), ("科员", "desk", 2)],
             {"LICENSING": 40, "ENFORCEMENT": 30, "EXECUTIVE": 15, "PRACTICE": 15},
             {"legal_rep": 0.55, "prof": 0.15, "general": 0.3}),
    "TAX": (30, 0.35, [("稽查员", "field", 2), ("税源管理员", "desk", 3),
                       ("纳税服务窗口人员", "dwindow", 2), ("科员", "desk", 1)],
            {"ENFORCEMENT": 45, "PRACTICE": 15, "POLICY_SUPPORT": 25, "LICENSING": 15},
            {"legal_rep": 0.4, "prof": 0.1, "general": 0.5}),
    "HRSS": (35, 0.30, [("劳动保障监察员", "field", 3), ("社保窗口人员", "dwindow", 2),
                        ("就业服务专员", "desk", 2), ("科员", "desk", 1)],
             {"LABOUR": 35, "ENFORCEMENT": 25, "EMPLOYMENT": 20, "POLICY_SUPPORT": 20},
             {"worker": 0.4, "legal_rep": 0.25, "general": 0.35}),
    "PSB": (25, 0.35, [("户籍民警", "desk", 3), ("网安民警", "desk", 1), ("治安民警", "field", 2)],
            {"ENFORCEMENT": 60, "LICENSING": 30, "EMPLOYMENT": 10}, {"general": 0.8, "debtor": 0.2}),
    "HOUSING": (20, 0.35, [("科员", "desk", 2), ("工程监管员", "field", 2), ("房产交易窗口人员", "dwindow", 2)],
                {"LICENSING": 35, "PRACTICE": 25, "PUBLIC_FUNDS": 25, "POLICY_SUPPORT": 15},
                {"legal_rep": 0.3, "prof": 0.3, "general": 0.4}),
    "TRANSPORT": (22, 0.30, [("路政执法队员", "field", 3), ("运管科员", "desk", 2), ("从业资格审核员", "desk", 2)],
                  {"PRACTICE": 45, "LICENSING": 30, "ENFORCEMENT": 25}, {"driver": 0.7, "general": 0.3}),
    "EDU": (22, 0.40, [("教师资格审核员", "desk", 3), ("科员", "desk", 2)],
            {"PRACTICE": 60, "EMPLOYMENT": 15, "COMMENDATION": 15, "POLICY_SUPPORT": 10},
            {"teacher": 0.7, "general": 0.3}),
    "HEALTH": (18, 0.40, [("医政科员", "desk", 3), ("卫生监督员", "field", 2)],
               {"PRACTICE": 60, "LICENSING": 30, "ENFORCEMENT": 10}, {"physician": 0.7, "general": 0.3}),
    "ECOENV": (12, 0.35, [("环境执法队员", "field", 3), ("科员", "desk", 1)],
               {"ENFORCEMENT": 70, "LICENSING": 30}, {"legal_rep": 0.5, "general": 0.5}),
    "EMERGENCY": (12, 0.40, [("安全监管员", "field", 2), ("科员", "desk", 2)],
                  {"PRACTICE": 40, "ENFORCEMENT": 40, "LICENSING": 20},
                  {"prof": 0.4, "legal_rep": 0.4, "general": 0.2}),
    "FIRE": (8, 0.50, [("防火监督员", "field", 2), ("科员", "desk", 1)],
             {"PRACTICE": 50, "ENFORCEMENT": 30, "LICENSING": 20},
             {"prof": 0.4, "legal_rep": 0.3, "general": 0.3}),
    "FINANCE": (10, 0.60, [("政府采购审核员", "desk", 2), ("科员", "desk", 2)],
                {"PUBLIC_FUNDS": 55, "PRACTICE": 30, "POLICY_SUPPORT": 15},
                {"prof": 0.4, "legal_rep": 0.3, "general": 0.3}),
    "AUDIT": (10, 0.60, [("审计员", "reviewer", 3), ("审计组长", "lead", 1)],
              {"PUBLIC_FUNDS": 70, "PRACTICE": 30}, {"legal_rep": 0.4, "civil_servant": 0.3, "general": 0.3}),
    "DRC": (18, 0.60, [("信用修复专员", "reviewer", 3), ("异议处理专员", "reviewer", 2), ("信用办科员", "desk", 2)],
            {"REPAIR": 40, "OBJECTION": 30, "COMMENDATION": 10, "POLICY_SUPPORT": 10, "HONESTY_AWARD": 10},
            {"general": 0.6, "debtor": 0.4}),
    "ORG": (10, 0.80, [("干部科科员", "desk", 2), ("公务员管理科员", "desk", 2)],
            {"CIVIL_SERVICE": 45, "APPOINTMENT": 35, "EMPLOYMENT": 10, "COMMENDATION": 10},
            {"civil_servant": 0.8, "general": 0.2}),
    "JUSTICE": (8, 0.50, [("律师管理科员", "desk", 2), ("科员", "desk", 1)],
                {"PRACTICE": 80, "LICENSING": 20}, {"lawyer": 0.7, "general": 0.3}),
    "CULTURE": (6, 0.50, [("市场管理科员", "desk", 2), ("文化市场执法队员", "field", 1)],
                {"PRACTICE": 60, "LICENSING": 40}, {"prof": 0.5, "general": 0.5}),
    "PROPAGANDA": (4, 1.0, [("科员", "desk", 1)],
                   {"PRACTICE": 40, "HONESTY_AWARD": 30, "COMMENDATION": 30}, {"general": 1}),
    "POSTAL": (5, 1.0, [("快递监管员", "desk", 1)], {"PRACTICE": 70, "LICENSING": 30},
               {"worker": 0.5, "general": 0.5}),
    "PBOC": (12, 0.70, [("征信管理员", "desk", 2), ("异议处理专员", "reviewer", 1), ("信贷审核", "gateway", 2)],
             {"PRACTICE": 30, "EXECUTIVE": 20, "AUTHORIZED": 40, "OBJECTION": 10},
             {"general": 0.5, "debtor": 0.3, "legal_rep": 0.2}),
    "NFRA": (8, 1.0, [("任职资格审核员", "desk", 2), ("科员", "desk", 1)],
             {"EXECUTIVE": 60, "PRACTICE": 40}, {"prof": 0.4, "general": 0.6}),
    "COMMERCE": (6, 0.50, [("科员", "desk", 1)], {"LICENSING": 50, "POLICY_SUPPORT": 50},
                 {"legal_rep": 0.6, "general": 0.4}),
    "CIVILIZATION": (5, 1.0, [("科员", "desk", 1)], {"HONESTY_AWARD": 50, "COMMENDATION": 50}, {"general": 1}),
    "CIVIL": (15, 0.30, [("低保审核员", "desk", 2), ("社会救助科员", "desk", 2)],
              {"POLICY_SUPPORT": 80, "LICENSING": 10, "COMMENDATION": 10}, {"welfare": 0.7, "general": 0.3}),
}
ROLE_PURPOSE_OVERRIDE = {
    ("DRC", "信用修复专员"): {"REPAIR": 90, "OBJECTION": 10},
    ("DRC", "异议处理专员"): {"OBJECTION": 90, "REPAIR": 10},
    ("PBOC", "异议处理专员"): {"OBJECTION": 100},
    ("PBOC", "信贷审核"): {"AUTHORIZED": 85, "EXECUTIVE": 15},
    ("HRSS", "社保窗口人员"): {"POLICY_SUPPORT": 45, "LABOUR": 35, "EMPLOYMENT": 20},
    ("SAMR", "登记窗口人员"): {"LICENSING": 70, "EXECUTIVE": 30},
    ("TAX", "纳税服务窗口人员"): {"POLICY_SUPPORT": 50, "LICENSING": 30, "PRACTICE": 20},
    ("HOUSING", "房产交易窗口人员"): {"LICENSING": 50, "POLICY_SUPPORT": 50},
}
CAMPAIGN_MULT = {"COURT": 1.8, "URBAN": 2.2, "SAMR": 1.5, "TAX": 1.4, "HRSS": 1.6,
                 "TRANSPORT": 1.5, "ECOENV": 1.3, "DRC": 1.3}
PAIR_DEPTS = ("HRSS", "TRANSPORT", "ECOENV")
MISSING_PURPOSE = {"URBAN": 0.03, "ECOENV": 0.04, "CULTURE": 0.02}
RATE = {"window": 40.0, "dwindow": 18.0, "field": 11.0, "desk": 7.0, "reviewer": 9.0,
        "hr": 0.6, "lead": 1.5, "gateway": 22.0, "batch": 4.0}
CASE_MEAN = {"window": 1.15, "dwindow": 1.3, "field": 1.6, "desk": 1.4, "reviewer": 1.0,
             "hr": 1.2, "lead": 1.2, "gateway": 1.0, "batch": 1.2}
# follow-up behaviour: probability a case gets re-checks, gap ranges (days) of successive checks
FOLLOW = {"reviewer": (0.92, [(2, 6), (6, 14), (12, 30), (20, 40)]),
          "window": (0.03, [(1, 15)]), "dwindow": (0.05, [(1, 10)]), "desk": (0.06, [(1, 6)]),
          "gateway": (0.10, [(0, 3)]), "lead": (0.0, []), "hr": (0.0, []), "batch": (0.0, []),
          "field": (0.05, [(1, 8)])}
NOREF = {"window": 0.015, "dwindow": 0.03, "field": 0.06, "desk": 0.03, "reviewer": 0.005,
         "hr": 0.0, "lead": 0.08, "gateway": 0.01, "batch": 0.0}

KINDS = ["kin_neighbour", "colleague", "watchlist", "stalking", "bulk_harvest", "after_hours",
         "out_of_county", "foreign_purpose", "probing",
         # own inventions
         "account_borrowing", "news_curiosity", "ref_reuse"]


def gb_check(body17: np.ndarray) -> np.ndarray:
    """body17: (n,17) uint8 digits -> check characters array."""
    w = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    r = (body17.astype(np.int64) * w).sum(axis=1) % 11
    return np.array(list("10X98765432"))[r]


def id_with_check(body: str) -> str:
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * x for c, x in zip(body, w)) % 11]


def id_valid(s: str) -> bool:
    return len(s) == 18 and s[:17].isdigit() and id_with_check(s[:17]) == s


class Gen:
    def __init__(self, a):
        self.a = a
        self.rng = np.random.default_rng(a.seed)
        self.d_from = dt.date.fromisoformat(a.date_from)
        self.ndays = a.days
        self.hist = max(0, a.history_days)
        self.d0 = self.d_from - dt.timedelta(days=self.hist)
        self.D = self.hist + self.ndays
        self.R0 = self.hist  # first in-range global day
        self.dates = [self.d0 + dt.timedelta(days=i) for i in range(self.D)]
        self.epoch_day = [(d - dt.date(1970, 1, 1)).days * 86400 for d in self.dates]
        self.year = self.d_from.year
        self.refctr = {}

    # ------------------------------------------------------------------ helpers
    def ri(self, lo, hi):
        """Random integer in [lo, hi), robust to short ranges."""
        return int(self.rng.integers(lo, max(lo + 1, hi)))

    def rchoice(self, seq, p=None):
        return seq[int(self.rng.choice(len(seq), p=p))]

    def wchoice(self, d: dict):
        keys = list(d.keys())
        w = np.array([d[k] for k in keys], float)
        return keys[int(self.rng.choice(len(keys), p=w / w.sum()))]

    def is_workday(self, g):
        d = self.dates[g]
        if d in MAKEUP:
            return True
        return d.weekday() < 5 and d not in HOLIDAYS

    # ------------------------------------------------------------------ persons
    def gen_persons(self):
        rng = self.rng
        a = self.a
        N = max(6000, int(a.lookups * 0.42))
        pops = np.array([c[2] for c in COUNTIES], float)
        per_c = np.round(pops / pops.sum() * N).astype(int)
        vil_code, vil_cty, vil_urban, vil_clans = [], [], [], []
        for ci, (code, _, _, _) in enumerate(COUNTIES):
            nv = max(6, per_c[ci] // 42)
            urban = 0.7 if code == "411602" else 0.15
            n_urb = max(2, int(round(nv * urban)))
            n_rur = max(2, nv - n_urb)
            # streets (街道) with communities
            n_streets = max(1, n_urb // 9)
            k = 0
            for s in range(n_streets):
                cnt = n_urb // n_streets + (1 if s < n_urb % n_streets else 0)
                for v in range(cnt):
                    vil_code.append(f"{code}{s + 1:03d}{v + 1:03d}")
                    vil_cty.append(ci); vil_urban.append(True); vil_clans.append(())
                    k += 1
            # towns (镇 100+) and townships (乡 200+) with administrative villages (2xx)
            n_towns = max(1, n_rur // 18)
            for t in range(n_towns):
                tcode = (100 + t) if t < n_towns * 0.6 else (200 + t)
                cnt = n_rur // n_towns + (1 if t < n_rur % n_towns else 0)
                for v in range(cnt):
                    vil_code.append(f"{code}{tcode:03d}{200 + v + 1:03d}")
                    vil_cty.append(ci); vil_urban.append(False)
                    nclan = 1 if rng.random() < 0.6 else 2
                    vil_clans.append(tuple(int(x) for x in rng.choice(len(SN), size=nclan, replace=False, p=SW)))
        nvil = len(vil_code)
        vil_cty = np.array(vil_cty)
        vw = rng.lognormal(0, 0.45, nvil)
        # persons per village
        vil_target = np.zeros(nvil, int)
        for ci in range(len(COUNTIES)):
            m = np.where(vil_cty == ci)[0]
            ww = vw[m] / vw[m].sum()
            vil_target[m] = np.maximum(4, np.round(ww * per_c[ci])).astype(int)

        sur, gen, age, vil, hh, hrole = [], [], [], [], [], []
        hid = 0
        head_ages = np.arange(22, 90)
        hw = np.exp(-((head_ages - 52) / 17.0) ** 2)
        hw = hw / hw.sum()
        for v in range(nvil):
            clans = vil_clans[v]
            n = 0
            while n < vil_target[v]:
                r = rng.random()
                if clans and r < 0.38:
                    s_head = clans[0]
                elif len(clans) > 1 and r < 0.55:
                    s_head = clans[1]
                else:
                    s_head = int(rng.choice(len(SN), p=SW))
                ha = float(rng.choice(head_ages, p=hw)) + rng.random()
                hg = 1 if rng.random() < 0.8 else 0
                members = [(s_head, hg, ha, 0)]
                father_s = s_head if hg == 1 else None
                if ha >= 24 and rng.random() < (0.85 if hg == 1 else 0.35):
                    sa = max(20.0, ha + rng.normal(-2 if hg == 1 else 2, 3))
                    ss = int(rng.choice(len(SN), p=SW))
                    members.append((ss, 1 - hg, sa, 1))
                    if hg == 0:
                        father_s = ss
                mother_age = ha if hg == 0 else (members[1][2] if len(members) > 1 else ha - 2)
                nk = int(rng.choice([0, 1, 2, 3], p=[0.25, 0.35, 0.3, 0.1]))
                for _ in range(nk):
                    ka = mother_age - rng.uniform(21, 36)
                    if ka < 0.1:
                        continue
                    ks = father_s if father_s is not None else s_head
                    members.append((ks, int(rng.random() < 0.52), ka, 2))
                if ha < 58 and rng.random() < 0.15:
                    pa = ha + rng.uniform(24, 34)
                    if pa < 95:
                        if rng.random() < 0.6:
                            members.append((s_head, 1, pa, 3))
                        else:
                            members.append((int(rng.choice(len(SN), p=SW)), 0, pa, 3))
                for (s_, g_, a_, r_) in members:
                    sur.append(s_); gen.append(g_); age.append(a_); vil.append(v); hh.append(hid); hrole.append(r_)
                n += len(members)
                hid += 1
        sur = np.array(sur); gen = np.array(gen); age = np.array(age); vil = np.array(vil)
        hh = np.array(hh); hrole = np.array(hrole)
        n = len(sur)
        cty = vil_cty[vil]
        ref_ord = self.d_from.toordinal()
        birth_ord = (ref_ord - np.floor(age * 365.2425)).astype(np.int64)
        births = [dt.date.fromordinal(int(o)) for o in birth_ord]
        by = np.array([b.year for b in births])
        bstr = np.array([b.strftime("%Y%m%d") for b in births])
        # region code in the ID (birth registration; never changes)
        u = rng.random(n)
        src = cty.copy()
        moved = (u < 0.08) & (age >= 16)
        src[moved] = rng.integers(0, len(COUNTIES), moved.sum())
        outside = (u > 0.96) & (age >= 18)
        region = np.empty(n, dtype="U6")
        for i in range(n):
            if outside[i]:
                region[i] = OUTSIDE_CODES[int(rng.integers(len(OUTSIDE_CODES)))]
                continue
            code, _, _, hist = COUNTIES[src[i]]
            y = by[i]
            if y < 2000:
                region[i] = hist[0]
            elif code == "411603" and y <= 2019:
                region[i] = "411626"
            else:
                region[i] = code
        # sequence numbers with gender parity, unique IDs
        seq = rng.integers(0, 500, n) * 2 + gen  # odd male
        seq = np.where(seq == 0, 2, seq)
        body = np.char.add(np.char.add(region, bstr), np.char.zfill(seq.astype(str), 3))
        for _ in range(50):
            _, first, inv, cnt = np.unique(body, return_index=True, return_inverse=True, return_counts=True)
            dup = np.ones(n, bool)
            dup[first] = False
            if not dup.any():
                break
            k = np.where(dup)[0]
            seq[k] = rng.integers(1, 499, len(k)) * 2 + gen[k]
            body = np.char.add(np.char.add(region, bstr), np.char.zfill(seq.astype(str), 3))
        digits = np.frombuffer(body.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17) - 48
        ids = np.char.add(body, gb_check(digits))
        assert len(np.unique(ids)) == n
        # given names
        old = by < 1980
        given = np.empty(n, dtype=object)
        for g_, o_, pool in ((1, True, M_OLD), (1, False, M_NEW), (0, True, F_OLD), (0, False, F_NEW)):
            m = np.where((gen == g_) & (old == o_))[0]
            pa = np.array(pool)
            c1 = pa[rng.integers(0, len(pool), len(m))]
            c2 = pa[rng.integers(0, len(pool), len(m))]
            single = rng.random(len(m)) < (0.14 if o_ else 0.07)
            given[m] = np.where(single, c1, np.char.add(c1, c2))
        names = np.char.add(np.array(SN, dtype=object)[sur].astype(str), given.astype(str))
        adult = age >= 18
        # tags (primary occupation) and flags
        tag = np.full(n, "", dtype="U14")
        r = rng.random(n)
        work = adult & (age < 66)
        cum = 0.0
        for t, p in (("legal_rep", 0.06), ("teacher", 0.025), ("physician", 0.012), ("lawyer", 0.003),
                     ("prof", 0.03), ("civil_servant", 0.02), ("worker", 0.10)):
            tag[work & (r >= cum) & (r < cum + p)] = t
            cum += p
        drv = work & (tag == "") & (rng.random(n) < np.where(gen == 1, 0.07, 0.01))
        tag[drv] = "driver"
        welf = adult & (tag == "") & (rng.random(n) < np.where(age > 60, 0.10, 0.025))
        tag[welf] = "welfare"
        debtor = adult & (age >= 24) & (age < 70) & (rng.random(n) < np.where(tag == "legal_rep", 0.09, 0.022))
        # propensity to be looked up
        af = np.where(age < 16, 0.0, np.where(age < 18, 0.03, np.where(age < 66, 1.0, np.where(age < 80, 0.3, 0.08))))
        pw = af * rng.lognormal(0, 0.6, n)
        # watch list
        n_watch = max(12, int(n * 0.0006))
        cand = np.where(adult & (age > 30))[0]
        cw = np.where(age[cand] > 40, 3.0, 1.0)
        watch = rng.choice(cand, size=n_watch - n_watch // 6, replace=False, p=cw / cw.sum())
        prot = rng.choice(np.where(age > 8)[0], size=n_watch // 6, replace=False)  # protected persons
        sens = np.zeros(n, bool)
        sens[watch] = True
        sens[prot] = True
        self.P = dict(n=n, ids=ids, names=names, gender=gen, age=age, birth=bstr, cty=cty, vil=vil,
                      hh=hh, hrole=hrole, sur=sur, tag=tag, debtor=debtor, pw=pw, sens=sens,
                      region=region, by=by)
        self.vil_code = np.array(vil_code)
        self.vil_cty = vil_cty
        # household / village member indices
        order = np.argsort(hh, kind="stable")
        self.hh_order = order
        self.hh_start = np.searchsorted(hh[order], np.arange(hid + 1))
        vorder = np.argsort(vil, kind="stable")
        self.vil_order = vorder
        self.vil_start = np.searchsorted(vil[vorder], np.arange(nvil + 1))
        self.id_set = set(ids.tolist())

    def hh_members(self, p):
        h = self.P["hh"][p]
        return self.hh_order[self.hh_start[h]:self.hh_start[h + 1]]

    def vil_members(self, v):
        return self.vil_order[self.vil_start[v]:self.vil_start[v + 1]]

    def build_pools(self):
        P = self.P
        adult = P["age"] >= 18
        pw = P["pw"]
        masks = {
            "general": adult,
            "debtor": P["debtor"],
            "young": (P["age"] >= 21) & (P["age"] < 33),
        }
        for t in ("legal_rep", "teacher", "physician", "lawyer", "prof", "civil_servant", "worker",
                  "driver", "welfare"):
            masks[t] = P["tag"] == t
        self.pools = {}
        for t, m in masks.items():
            for ci in range(len(COUNTIES)):
                idx = np.where(m & (P["cty"] == ci) & (pw > 0))[0]
                if len(idx) == 0:
                    idx = np.where(adult & (P["cty"] == ci))[0]
                cw = np.cumsum(pw[idx] + 1e-9)
                self.pools[(t, ci)] = (idx, cw)
        self.sens_idx = np.where(P["sens"])[0]

    def pick(self, tag, ci):
        idx, cw = self.pools[(tag, ci)]
        return int(idx[np.searchsorted(cw, self.rng.random() * cw[-1])])

    def pick_many(self, tag, ci, k):
        idx, cw = self.pools[(tag, ci)]
        return idx[np.searchsorted(cw, self.rng.random(k) * cw[-1])]

    # ------------------------------------------------------------------ absent IDs
    def outside_id(self, min_age=18, max_age=60, region=None, birth=None):
        rng = self.rng
        for _ in range(20):
            reg = region or OUTSIDE_CODES[int(rng.integers(len(OUTSIDE_CODES)))]
            if birth is None:
                b = self.d_from - dt.timedelta(days=int(rng.uniform(min_age, max_age) * 365.25))
                bs = b.strftime("%Y%m%d")
            else:
                bs = birth
            s = id_with_check(f"{reg}{bs}{int(rng.integers(1, 999)):03d}")
            if s not in self.id_set:
                return s
        return s

    def typo(self, s):
        rng = self.rng
        i = int(rng.integers(6, 17))
        c = str((int(s[i]) + int(rng.integers(1, 10))) % 10)
        return s[:i] + c + s[i + 1:]

    # ------------------------------------------------------------------ operators
    def gen_operators(self):
        rng = self.rng
        P = self.P
        n_ops = self.a.operators
        codes = list(DEPTS.keys())
        w = np.array([DEPTS[c][0] for c in codes], float)
        raw = w / w.sum() * n_ops
        cnt = np.maximum(1 if n_ops < 60 else 2, np.floor(raw)).astype(int)
        while cnt.sum() < n_ops:
            cnt[int(np.argmax(raw - cnt))] += 1
        while cnt.sum() > n_ops:
            j = int(np.argmax(cnt))
            cnt[j] -= 1
        pops = np.array([c[2] for c in COUNTIES], float)
        used = set()
        ops = []
        cs_eligible = (P["age"] >= 23) & (P["age"] < 58) & (~P["sens"])
        for dcode, k in zip(codes, cnt):
            _, city_share, roles, _, _ = DEPTS[dcode]
            n_city = int(round(k * city_share))
            if dcode == "GOVSERVICE":
                n_city = max(n_city, 1)
            for j in range(k):
                is_city = j < n_city
                if is_city:
                    res = CHUANHUI if rng.random() < 0.65 else (CIDX["411603"] if rng.random() < 0.4 else int(rng.integers(10)))
                    cty = None
                else:
                    cty = int(rng.choice(10, p=pops / pops.sum()))
                    res = cty if rng.random() < 0.97 else int(rng.integers(10))
                ri = rng.choice(len(roles), p=np.array([r[2] for r in roles]) / sum(r[2] for r in roles))
                label, cat = roles[ri][0], roles[ri][1]
                cand, cw = self.pools[("general", res)]
                p = -1
                for _ in range(400):
                    q = int(cand[int(rng.integers(len(cand)))])
                    if cs_eligible[q] and q not in used:
                        p = q
                        break
                if p < 0:
                    p = int(next(q for q in np.where(cs_eligible)[0] if int(q) not in used))
                used.add(p)
                ops.append(dict(dept=dcode, role=label, cat=cat, cty=cty, person=p))
        # guarantee one HR per department with >= 6 operators, one batch account in DRC
        by_dept = {}
        for i, o in enumerate(ops):
            by_dept.setdefault(o["dept"], []).append(i)
        for dcode, lst in by_dept.items():
            if len(lst) >= 6:
                cand = [i for i in lst if ops[i]["cat"] in ("desk", "lead")] or lst
                i = cand[int(rng.integers(len(cand)))]
                ops[i]["role"] = "政工科科员" if dcode in ("PSB", "COURT") else "人事专员"
                ops[i]["cat"] = "hr"
                ops[i]["cty"] = None
        drc = [i for i in by_dept.get("DRC", []) if ops[i]["cat"] == "desk" and ops[i]["cty"] is None]
        if drc:
            i = drc[0]
            ops[i]["role"] = "数据管理员（名单比对）"
            ops[i]["cat"] = "batch"
        # urban night-market patrol officers (evening shift from May 1)
        urb = [i for i in by_dept.get("URBAN", []) if ops[i]["cat"] == "field" and ops[i]["cty"] is not None]
        for i in urb[: max(1, len(urb) // 6)]:
            ops[i]["role"] = "夜间巡查队员"
            ops[i]["night"] = True
        # operator ids
        ids = rng.choice(np.arange(100000, 999999), size=len(ops), replace=False)
        for i, o in enumerate(ops):
            o["id"] = f"ZK{int(ids[i]):06d}"
            o["idx"] = i
            P["tag"][o["person"]] = "civil_servant"
        self.ops = ops
        self.by_dept = by_dept
        self.op_person = {o["person"]: i for i, o in enumerate(ops)}

    def setup_operator_attrs(self):
        """Schedules, terminals, rates, subject-county distributions."""
        rng = self.rng
        ops = self.ops
        pops = np.array([c[2] for c in COUNTIES], float)
        halls = {}
        mobpools = {}
        pc_n = 0
        for o in ops:
            d = o["dept"]
            cc = CCODES[o["cty"]] if o["cty"] is not None else None
            o["rate"] = RATE[o["cat"]] * float(rng.lognormal(0, 0.45))
            o["wed_closed"] = ((cc in WED_PM_CLOSED_COUNTIES and o["cat"] not in ("window", "field"))
                               or (cc is None and d in WED_PM_CLOSED_CITY_DEPTS))
            o["sat"] = o["cat"] == "window" or (o["cat"] == "dwindow" and cc is not None and d in ("SAMR", "HRSS"))
            o["remote_ok"] = cc is None and o["cat"] in ("desk", "reviewer", "lead") and rng.random() < 0.15
            # subject county distribution
            if cc is None:
                w = pops.copy()
                w[CHUANHUI] *= 3.0 if d == "GOVSERVICE" else 2.2
                o["cdist"] = w / w.sum()
            else:
                w = pops / pops.sum() * 0.05
                w[o["cty"]] = 0.0
                w = w / w.sum() * (0.04 + 0.02 * rng.random())
                own = 1.0 - w.sum()
                if d in PAIR_DEPTS and o["cat"] in ("field", "desk"):
                    ps = 0.15 + 0.12 * rng.random()
                    w[CIDX[PAIR[cc]]] += ps
                    own -= ps
                    o["pair"] = PAIR[cc]
                w[o["cty"]] = own
                o["cdist"] = w / w.sum()
            o["ccum"] = np.cumsum(o["cdist"])
            # terminals
            if o["cat"] == "window":
                key = cc or "SJ"
                halls.setdefault(key, []).append(o["idx"])
            elif o["cat"] == "field":
                mobpools.setdefault((d, cc or "SJ"), []).append(o["idx"])
            pc_n += 1
            o["pc"] = f"PC-{d}-{int(rng.integers(1000, 9999))}"
            o["dsb"] = f"DSB-{d}-{int(rng.integers(1, 40)):02d}"
            o["vpn"] = f"VPN-{o['id'][2:]}"
            purp = dict(ROLE_PURPOSE_OVERRIDE.get((d, o["role"]), DEPTS[d][3]))
            o["tags"] = DEPTS[d][4]
            if o["cat"] == "hr":
                purp = {"CIVIL_SERVICE": 70, "EMPLOYMENT": 30}
                o["tags"] = {"young": 1}
            if o["cat"] == "batch":
                purp = {"ENFORCEMENT": 60, "COMMENDATION": 20, "POLICY_SUPPORT": 20}
            o["purp"] = purp
            o["active_from"] = 0
            o["active_to"] = self.D - 1
            o["leave"] = set()
        # shared PCs: some desk operators share an office PC with a colleague
        for d, lst in self.by_dept.items():
            desk = [i for i in lst if ops[i]["cat"] in ("desk", "reviewer", "lead", "hr")]
            for a_, b_ in zip(desk[0::2], desk[1::2]):
                if rng.random() < 0.12:
                    ops[b_]["pc"] = ops[a_]["pc"]
        # service-hall windows, several operators share one window terminal
        self.halls = {}
        for key, lst in halls.items():
            nwin = max(1, int(math.ceil(len(lst) / 1.6)))
            terms = [f"ZWDT-{key}-W{k + 1:02d}" for k in range(nwin)]
            self.halls[key] = terms
            for j, i in enumerate(lst):
                ops[i]["home_win"] = terms[j % nwin]
                ops[i]["hall"] = key
        for key, lst in mobpools.items():
            nm = max(1, int(math.ceil(len(lst) / 2.2)))
            terms = [f"YDZF-{key[0]}-{key[1]}-{k + 1:02d}" for k in range(nm)]
            for i in lst:
                ops[i]["mob"] = terms
        for o in ops:
            if o["dept"] == "PBOC" and o["cat"] == "gateway":
                o["gw"] = "GW-PBOC-QZ01"

    # ------------------------------------------------------------------ calendar / context
    def set_events(self):
        R0, nd = self.R0, self.ndays
        self.camp = (R0 + int(0.35 * nd), R0 + int(0.35 * nd) + max(7, min(30, int(0.25 * nd))))
        self.edu0 = R0 + int(0.58 * nd)
        self.hon = (R0 + int(0.73 * nd), R0 + int(0.92 * nd))
        self.orgr = (R0 + int(0.79 * nd), R0 + int(0.79 * nd) + 14)
        # two campaign evening actions (集中夜查)
        c0, c1 = self.camp
        wd = [g for g in range(c0, min(c1, self.D - 1) + 1) if self.is_workday(g)]
        self.camp_nights = [wd[3], wd[min(len(wd) - 1, 14)]] if len(wd) > 4 else []
        may1 = dt.date(self.year, 5, 1)
        self.summer_start = (may1 - self.d0).days  # may be outside range

    def in_campaign(self, g, dept):
        return dept in CAMPAIGN_MULT and self.camp[0] <= g <= self.camp[1]

    def ivs_for(self, o, g):
        """Working intervals (start_sec, end_sec, weight) of operator o on global day g, or None."""
        d = self.dates[g]
        if g < o["active_from"] or g > o["active_to"] or g in o["leave"]:
            return None
        summer = 5 <= d.month <= 9
        wd = d.weekday()
        work = self.is_workday(g)
        am = (8.5 * H + 600, 12 * H, 1.0)
        pm = (15 * H + 300, 18 * H, 0.85) if summer else (14.5 * H + 300, 17.5 * H, 0.85)
        cat = o["cat"]
        if o.get("night") and g >= self.summer_start:
            if wd in (1, 2, 3, 4, 5) and d not in HOLIDAYS:
                return [(18.5 * H, 22.5 * H, 1.0)]
            if d in HOLIDAYS and o.get("duty", {}).get(g, False):
                return [(18.5 * H, 22.5 * H, 1.0)]
            return None
        if cat == "window":
            if work:
                lunch_end = pm[0]
                return [(8.5 * H + 300, 12 * H, 1.0), (12 * H, lunch_end, 0.3), (lunch_end, pm[1], 0.9)]
            if o["sat"] and wd == 5 and d not in HOLIDAYS and o.get("sat_on", {}).get(g, False):
                return [(9 * H, 12 * H, 1.0)]
            return None
        if cat == "field":
            if work:
                return [(7.8 * H, 12.5 * H, 1.0), (12.5 * H, pm[0] - 1800, 0.25), (pm[0] - 1800, pm[1] + 1800, 0.9)]
            if o["dept"] == "URBAN" and d in HOLIDAYS and o.get("duty", {}).get(g, False):
                return [(9 * H, 12 * H, 1.0), (15 * H, 21 * H, 1.0)]
            return None
        if cat == "dwindow":
            if work:
                return [am, pm]
            if o["sat"] and wd == 5 and d not in HOLIDAYS and o.get("sat_on", {}).get(g, False):
                return [(9 * H, 12 * H, 1.0)]
            return None
        if work:
            if wd == 2 and o["wed_closed"]:
                return [am]
            return [am, pm]
        if o["remote_ok"] and o.get("wkend", {}).get(g, False):
            return [(9.5 * H, 11.5 * H, 1.0), (20 * H, 22 * H, 0.6)]
        return None

    def plan_schedules(self):
        rng = self.rng
        ops = self.ops
        D = self.D
        for o in ops:
            # personal leave days, one annual-leave block for some
            for g in range(D):
                if self.is_workday(g) and rng.random() < 0.03:
                    o["leave"].add(g)
            if rng.random() < 0.4:
                s = int(rng.integers(0, D - 5))
                for g in range(s, s + int(rng.integers(3, 8))):
                    o["leave"].add(g)
            sat_on, duty, wk = {}, {}, {}
            for g in range(D):
                d = self.dates[g]
                if o["sat"] and d.weekday() == 5 and rng.random() < 0.4:
                    sat_on[g] = True
                    # compensatory weekday off the following week
                    if rng.random() < 0.6:
                        o["leave"].add(min(D - 1, g + int(rng.integers(2, 5))))
                if d in HOLIDAYS and rng.random() < 0.25:
                    duty[g] = True
                if o["remote_ok"] and not self.is_workday(g) and rng.random() < 0.04:
                    wk[g] = True
            o["sat_on"], o["duty"], o["wkend"] = sat_on, duty, wk

    # ------------------------------------------------------------------ references
    def ctr(self, key):
        self.refctr[key] = self.refctr.get(key, 0) + 1
        return self.refctr[key]

    def new_ref(self, o, purpose, g):
        d = o["dept"]
        cc = CCODES[o["cty"]] if o["cty"] is not None else "SJ"
        date = self.dates[g]
        yr = date.year
        if d == "COURT":
            n = self.ctr(("COURT", cc, yr))
            court = cc[2:] if cc != "SJ" else "16"
            return f"（{yr}）豫{court}执{n + 100 * (1 + CCODES.index(cc) if cc != 'SJ' else 1)}号"
        if d == "GOVSERVICE" or o["cat"] in ("window",):
            n = self.ctr(("ZW", cc, date))
            return f"ZWFW{cc if cc != 'SJ' else '411600'}{date:%Y%m%d}{n:04d}"
        if purpose == "REPAIR":
            return f"XYXF{yr}{self.ctr(('XF', yr)):06d}"
        if purpose == "OBJECTION":
            return f"XYYY{yr}{self.ctr(('YY', d, yr)):06d}" if d == "DRC" else f"{d}-YY-{yr}-{self.ctr((d, 'YY')):05d}"
        if d == "PBOC" and purpose == "AUTHORIZED":
            return f"ZXSQ{date:%Y%m%d}{self.ctr(('ZXSQ', date)):05d}"
        if d == "URBAN":
            return f"CGZF-{cc}-{yr}-{self.ctr(('URBAN', cc, yr)):05d}"
        if d == "EDU" and purpose == "EMPLOYMENT":
            return f"JSZP-{yr}-{cc}-{self.ctr(('JSZP', cc)):04d}"
        return f"{d}-{purpose[:3]}-{cc}-{yr}-{self.ctr((d, purpose, cc, yr)):05d}"

    # ------------------------------------------------------------------ rows
    def init_rows(self):
        self.r_ts, self.r_op, self.r_subj, self.r_purp, self.r_ref, self.r_ch, self.r_term, self.r_ep = \
            [], [], [], [], [], [], [], []
        self.extra_ids = []
        self.extra_map = {}

    def subj_code(self, s):
        """Return subject index: int person index or encoded extra id."""
        if isinstance(s, str):
            if s not in self.extra_map:
                self.extra_map[s] = self.P["n"] + len(self.extra_ids)
                self.extra_ids.append(s)
            return self.extra_map[s]
        return int(s)

    def emit(self, ts, o, s, purpose, ref, ch, term, ep=-1):
        self.r_ts.append(int(ts)); self.r_op.append(o); self.r_subj.append(self.subj_code(s))
        self.r_purp.append(-1 if purpose is None else PIDX[purpose])
        self.r_ref.append(ref or ""); self.r_ch.append(ch); self.r_term.append(term or ""); self.r_ep.append(ep)

    def sample_secs(self, ivs, k):
        a = np.array([iv[0] for iv in ivs]); b = np.array([iv[1] for iv in ivs])
        w = (b - a) * np.array([iv[2] for iv in ivs])
        j = self.rng.choice(len(ivs), size=k, p=w / w.sum())
        u = self.rng.beta(1.4, 1.3, size=k)
        return a[j] + u * (b - a)[j]

    def chan_term(self, o, g, field_p=0.6):
        cat = o["cat"]
        rng = self.rng
        if cat == "window":
            t = o["home_win"] if rng.random() < 0.75 else self.rchoice(self.halls[o["hall"]])
            return WINDOW, t
        if cat == "field" and rng.random() < field_p:
            return API, self.rchoice(o["mob"])
        if cat == "gateway":
            return API, o["gw"]
        if cat == "reviewer":
            return (DASH, o["dsb"]) if rng.random() < 0.6 else (WEB, o["pc"])
        if cat == "batch":
            return DASH, o["dsb"]
        if o["dept"] == "ECOENV" and rng.random() < 0.5:
            return WEB, ""  # legacy client reports no terminal id
        return WEB, o["pc"]

    def day_context(self, o, g):
        d = o["dept"]
        if g < self.R0:
            return 1.0, None
        if self.in_campaign(g, d) and o["cat"] in ("field", "desk", "dwindow", "lead", "reviewer"):
            return CAMPAIGN_MULT[d], "campaign"
        if d == "EDU" and g >= self.edu0:
            return 1.8, "edu"
        if d == "CIVILIZATION" and self.hon[0] <= g <= self.hon[1]:
            return 3.0, "honesty"
        if d == "ORG" and self.orgr[0] <= g <= self.orgr[1]:
            return 2.0, "org"
        return 1.0, None

    # ------------------------------------------------------------------ normal work
    def normal_work(self, scale):
        rng = self.rng
        P = self.P
        self.case_refs = {}  # op -> list of (ref, subject, purpose, g)
        for o in self.ops:
            oi = o["idx"]
            cat = o["cat"]
            pf, gaps = FOLLOW[cat]
            if o["dept"] == "COURT" and cat == "field":
                pf, gaps = 0.35, [(15, 35), (20, 40)]
            if o["dept"] == "AUDIT":
                pf, gaps = 0.7, [(5, 20), (5, 20), (10, 25)]
            mean_nf = (len(gaps) + 1) / 2.0 if gaps else 0
            per_case = CASE_MEAN[cat] * (1 + pf * mean_nf)
            pending = []
            seqn = 0
            refs = []
            noref = NOREF[cat]
            miss_p = MISSING_PURPOSE.get(o["dept"], 0.005)
            for g in range(self.D):
                ivs = self.ivs_for(o, g)
                if ivs is None:
                    continue
                base = self.epoch_day[g]
                mult, ctx = self.day_context(o, g)
                if o.get("wkend", {}).get(g) and not self.is_workday(g):
                    mult *= 0.25
                if o["dept"] == "URBAN" and self.dates[g] in HOLIDAYS:
                    mult *= 0.5
                lam = o["rate"] * scale * mult
                pc = per_case * 1.065
                if ctx == "campaign":
                    pc = (0.3 * 12.5 + 0.7 * CASE_MEAN[cat]) * 1.065 * (1 + 0.7 * pf * mean_nf)
                # follow-ups due
                while pending and pending[0][0] <= g:
                    _, _, case = heapq.heappop(pending)
                    subj, purp, ref, k = case
                    t = base + self.sample_secs(ivs, 1)[0]
                    ch, term = self.chan_term(o, g)
                    self.emit(t, oi, subj, purp, ref, ch, term)
                    if k + 1 < len(gaps) and rng.random() < 0.75:
                        lo, hi = gaps[k + 1]
                        seqn += 1
                        heapq.heappush(pending, (g + int(rng.integers(lo, hi + 1)), seqn, (subj, purp, ref, k + 1)))
                ncase = rng.poisson(lam / pc)
                if ncase == 0:
                    continue
                starts = np.sort(self.sample_secs(ivs, ncase))
                # stragglers: a little overtime / lunch for office staff
                if cat in ("desk", "reviewer", "lead", "dwindow", "hr"):
                    late = rng.random(ncase) < 0.025
                    if late.any():
                        end = ivs[-1][1]
                        starts[late] = end + rng.uniform(0, 50 * M, late.sum())
                for st in starts:
                    self.one_case(o, g, base + st, ctx, pf, gaps, pending, refs, noref, miss_p)
                    seqn += 1
            self.case_refs[oi] = refs

    def one_case(self, o, g, t0, ctx, pf, gaps, pending, refs, noref, miss_p):
        rng = self.rng
        P = self.P
        oi = o["idx"]
        cat = o["cat"]
        d = o["dept"]
        ci = int(np.searchsorted(o["ccum"], rng.random()))
        ci = min(ci, 9)
        size = 1
        batch_ref = None
        tags = o["tags"]
        purpose = self.wchoice(o["purp"])
        if ctx == "campaign" and rng.random() < 0.75:
            purpose = "ENFORCEMENT"
            tags = {"debtor": 0.6, "legal_rep": 0.2, "general": 0.2}
            if rng.random() < 0.4:
                size = int(rng.integers(5, 21))
                cc = CCODES[o["cty"]] if o["cty"] is not None else "SJ"
                b = (g - self.camp[0]) // 3 + 1
                batch_ref = f"LHCJ{self.dates[g].year}-{cc}-PC{b:03d}"
        elif ctx == "edu" and rng.random() < 0.65:
            purpose = "EMPLOYMENT"
            tags = {"young": 1}
        elif ctx == "honesty" and rng.random() < 0.8:
            purpose = "HONESTY_AWARD"
            tags = {"general": 1}
        elif ctx == "org" and rng.random() < 0.7:
            purpose = "APPOINTMENT" if rng.random() < 0.5 else "EMPLOYMENT"
            tags = {"young": 0.5, "civil_servant": 0.5}
        if size == 1:
            cm = CASE_MEAN[cat]
            if cm > 1.0:
                size = 1 + rng.poisson(cm - 1.0)
        tag = self.wchoice(tags) if len(tags) > 1 else next(iter(tags))
        # primary subject
        absent_p = 0.0
        if d in ("GOVSERVICE", "HRSS", "PSB", "TRANSPORT", "POSTAL") or cat == "gateway":
            absent_p = 0.012
        if rng.random() < absent_p:
            if self.extra_ids and rng.random() < 0.2:
                prim = self.rchoice(self.extra_ids)
                if not id_valid(prim):
                    prim = self.outside_id()
            else:
                prim = self.outside_id()
        elif d in ("ORG", "DRC", "PROPAGANDA", "CIVILIZATION") and rng.random() < 0.004 and purpose in (
                "APPOINTMENT", "COMMENDATION", "HONESTY_AWARD", "CIVIL_SERVICE", "REPAIR", "OBJECTION"):
            prim = int(self.rchoice(self.sens_idx))
        else:
            prim = self.pick(tag, ci)
        subjects = [prim]
        for _ in range(size - 1):
            if batch_ref is not None:
                subjects.append(self.pick(tag, ci))
            elif not isinstance(prim, str) and rng.random() < (0.45 if d in ("COURT", "CIVIL", "DRC") else 0.25):
                fam = self.hh_members(prim)
                fam = fam[(P["age"][fam] >= 18) & (fam != prim)]
                subjects.append(int(self.rchoice(fam)) if len(fam) else self.pick(tag, ci))
            else:
                subjects.append(self.pick(tag, ci))
        if rng.random() < miss_p:
            purpose_out = None
        else:
            purpose_out = purpose
        if batch_ref is not None:
            ref = batch_ref
        elif rng.random() < noref:
            ref = ""
        else:
            ref = self.new_ref(o, purpose, g)
        fp = 0.8 if ctx == "campaign" else 0.6
        ch, term = self.chan_term(o, g, fp)
        t = t0
        gap_mean = 8.0 if batch_ref else 35.0
        for j, s in enumerate(subjects):
            if j > 0:
                t += 4 + rng.exponential(gap_mean)
            if cat in ("window", "dwindow") and rng.random() < 0.004 and not isinstance(s, str):
                # mistyped ID at the counter, corrected a few seconds later
                self.emit(t, oi, self.typo(P["ids"][s]), purpose_out, ref, ch, term)
                t += 8 + rng.exponential(15)
            self.emit(t, oi, s, purpose_out, ref, ch, term)
            if rng.random() < 0.06:  # refresh / print
                t += 3 + rng.exponential(20)
                self.emit(t, oi, s, purpose_out, ref, ch, term)
        if ref and len(refs) < 400 and batch_ref is None:
            refs.append((ref, prim, purpose, g))
        if pf > 0 and gaps and rng.random() < pf and batch_ref is None:
            lo, hi = gaps[0]
            heapq.heappush(pending, (g + int(rng.integers(lo, hi + 1)), int(rng.integers(1 << 30)),
                                     (prim, purpose_out, ref, 0)))

    # ------------------------------------------------------------------ special legit patterns
    def special_legit(self, scale):
        rng = self.rng
        P = self.P
        ops = self.ops
        # (1) HR civil-servant reviews of own-department staff, quarterly/annual windows
        windows = []
        for g in range(self.D):
            d = self.dates[g]
            if (d.month, d.day) in ((1, 5), (4, 1), (7, 1), (10, 9)):
                q = {1: "ND", 4: "Q1", 7: "Q2", 10: "Q3"}[d.month]
                windows.append((g, q))
        for o in ops:
            if o["cat"] != "hr":
                continue
            staff = [i for i in self.by_dept[o["dept"]] if i != o["idx"]]
            for g0, q in windows:
                yr = self.dates[g0].year - (1 if q == "ND" else 0)
                ref = f"KH-{o['dept']}-{yr}{'ND' if q == 'ND' else q}"
                days = [g for g in range(g0, min(self.D, g0 + 16)) if self.ivs_for(o, g)]
                if not days:
                    continue
                sel = list(rng.permutation(staff))
                if len(sel) > 40:
                    sel = sel[: int(len(sel) * 0.6)]
                nd = min(len(days), max(1, len(sel) // 8))
                chunks = np.array_split(np.array(sel, dtype=int), nd)
                dsel = sorted(rng.choice(days, size=nd, replace=False))
                for g, ch_ in zip(dsel, chunks):
                    if len(ch_) == 0:
                        continue
                    ivs = self.ivs_for(o, g) or [(9 * H, 11 * H, 1)]
                    t = self.epoch_day[g] + self.sample_secs(ivs, 1)[0]
                    for i in ch_:
                        self.emit(t, o["idx"], ops[int(i)]["person"], "CIVIL_SERVICE", ref, WEB, o["pc"])
                        t += 20 + rng.exponential(60)
        # (2) nightly black-list reconciliation job (Monday 01:00-02:30) by the DRC data administrator
        for o in ops:
            if o["cat"] != "batch":
                continue
            debt = np.where(P["debtor"])[0]
            core = rng.choice(debt, size=min(len(debt), max(60, int(320 * scale ** 0.5))), replace=False)
            for g in range(self.D):
                if self.dates[g].weekday() != 0:
                    continue
                k = int(len(core) * rng.uniform(0.5, 0.8))
                subj = rng.choice(core, size=k, replace=False)
                t = self.epoch_day[g] + 1 * H + rng.uniform(0, 900)
                ref = f"HMD-DB-{self.dates[g]:%Y%m%d}"
                for s in subj:
                    self.emit(t, o["idx"], int(s), "ENFORCEMENT", ref, API, "SRV-XYPT-BATCH01")
                    t += rng.uniform(3, 12)
        # (3) dawn enforcement operations (凌晨执行) by county court field officers
        court = {}
        for o in ops:
            if o["dept"] == "COURT" and o["cat"] == "field" and o["cty"] is not None:
                court.setdefault(o["cty"], []).append(o)
        for cty, team in court.items():
            g = self.R0 + int(rng.integers(0, 10))
            while g < self.D:
                if self.is_workday(g):
                    for o in team:
                        if rng.random() < 0.7 and g not in o["leave"]:
                            k = int(rng.integers(2, 7))
                            t = self.epoch_day[g] + 5.5 * H + rng.uniform(0, 1.5 * H)
                            for _ in range(k):
                                s = self.pick("debtor", cty)
                                self.emit(t, o["idx"], s, "ENFORCEMENT", self.new_ref(o, "ENFORCEMENT", g), API, self.rchoice(o["mob"]))
                                t += 30 + rng.exponential(240)
                g += int(rng.integers(10, 18))
        # (4) campaign evening actions: URBAN/COURT field officers until ~21:30
        for g in self.camp_nights:
            for o in ops:
                if o["dept"] in ("URBAN", "COURT") and o["cat"] == "field" and not o.get("night") and rng.random() < 0.6:
                    if g in o["leave"]:
                        continue
                    k = int(rng.integers(3, 15))
                    cc = CCODES[o["cty"]] if o["cty"] is not None else "SJ"
                    ref = f"LHCJ{self.dates[g].year}-{cc}-YC{(g - self.camp[0]):02d}"
                    ts = np.sort(self.epoch_day[g] + rng.uniform(19 * H, 21.6 * H, k))
                    ci = o["cty"] if o["cty"] is not None else CHUANHUI
                    for t in ts:
                        self.emit(t, o["idx"], self.pick("debtor" if rng.random() < 0.6 else "general", ci),
                                  "ENFORCEMENT", ref, API, self.rchoice(o["mob"]))

    # ------------------------------------------------------------------ misuse helpers
    def worked(self, o, lo, hi):
        return [g for g in range(max(lo, self.R0), min(hi, self.D - 1) + 1) if self.ivs_for(o, g)]

    def work_slots(self, o, n, lo=None, hi=None, days=None, per_day_max=3):
        """n timestamps inside o's working hours on worked days in [lo, hi]."""
        rng = self.rng
        if days is None:
            days = self.worked(o, self.R0 if lo is None else lo, self.D - 1 if hi is None else hi)
        if not days:
            return []
        k = min(len(days), max(1, int(math.ceil(n / max(1, per_day_max) * 1.5))))
        ds = sorted(rng.choice(days, size=min(k, len(days)), replace=False))
        alloc = np.bincount(rng.integers(0, len(ds), n), minlength=len(ds))
        out = []
        for g, c in zip(ds, alloc):
            if c == 0:
                continue
            ivs = self.ivs_for(o, g)
            secs = np.sort(self.sample_secs(ivs, int(c)))
            out += [self.epoch_day[g] + s for s in secs]
        return sorted(out)

    def usual(self, o):
        return self.wchoice(o["purp"])

    def copied_ref(self, o, exclude_subj=None):
        rng = self.rng
        refs = self.case_refs.get(o["idx"], [])
        if refs and rng.random() < 0.75:
            for _ in range(5):
                r = refs[int(rng.integers(len(refs)))]
                if r[1] != exclude_subj:
                    return r[0]
        col = [i for i in self.by_dept[o["dept"]] if i != o["idx"] and self.case_refs.get(i)]
        if col:
            rr = self.case_refs[self.rchoice(col)]
            return rr[int(rng.integers(len(rr)))][0]
        return ""

    def ref_mode(self, o, mode, g, purpose, subj=None):
        if mode == "none":
            return ""
        if mode == "copy":
            return self.copied_ref(o, subj)
        if mode == "fake":
            return self.new_ref(o, purpose, g)
        return ""

    def mrow(self, ts, o, s, purpose, ref, ep, ch=None, term=None):
        if ch is None:
            # one device per operator-day for misuse look-ups (a burst is done from one terminal)
            g = self.day_of(ts)
            key = (o["idx"], g)
            if key not in self.mis_ct:
                self.mis_ct[key] = self.chan_term(o, g)
            ch, term = self.mis_ct[key]
        self.emit(ts, o["idx"], s, purpose, ref, ch, term, ep)

    def day_of(self, ts):
        return int((ts - self.epoch_day[0]) // 86400)

    def new_episode(self, o, kind, subtle):
        self.episodes.append(dict(op=o["idx"], kind=kind, subtle=subtle))
        return len(self.episodes) - 1

    # ------------------------------------------------------------------ misuse kinds
    def m_kin(self, o, subtle):
        rng = self.rng
        P = self.P
        me = o["person"]
        v = P["vil"][me]
        mem = self.vil_members(v)
        mem = mem[(mem != me) & (P["age"][mem] >= 16)]
        hhm = self.hh_members(me)
        mem = np.array([m for m in mem if m not in hhm] + [m for m in hhm if m != me and P["age"][m] >= 18])
        same = mem[P["sur"][mem] == P["sur"][me]]
        other = mem[P["sur"][mem] != P["sur"][me]]
        nt = int(rng.integers(3, 6)) if subtle else int(rng.integers(8, 16))
        tg = list(rng.choice(same, size=min(len(same), int(nt * 0.65) + 1), replace=False)) if len(same) else []
        if len(other):
            tg += list(rng.choice(other, size=min(len(other), nt - len(tg)), replace=False))
        tg = [int(x) for x in tg][:nt] or [int(mem[0])]
        if subtle:
            # a family dispute: short burst, a couple of later checks
            g0 = self.R0 + self.ri(5, self.ndays - 30)
            ep = self.new_episode(o, "kin_neighbour", True)
            ts = self.work_slots(o, int(rng.integers(5, 10)), g0, g0 + 4, per_day_max=4)
            ts += self.work_slots(o, int(rng.integers(2, 5)), g0 + 10, self.D - 1, per_day_max=1)
            for t in ts:
                s = self.rchoice(tg)
                self.mrow(t, o, s, self.usual(o), self.ref_mode(o, "copy" if rng.random() < 0.4 else "none", 0, None, s), ep)
        else:
            # two separate episodes: spring trickle, later burst around a land/inheritance matter
            ep1 = self.new_episode(o, "kin_neighbour", False)
            mid = self.R0 + self.ndays // 2
            for t in self.work_slots(o, int(rng.integers(20, 35)), self.R0, mid - 12, per_day_max=2):
                s = self.rchoice(tg)
                self.mrow(t, o, s, self.usual(o), self.ref_mode(o, "copy" if rng.random() < 0.5 else "none", 0, None, s), ep1)
            ep2 = self.new_episode(o, "kin_neighbour", False)
            g0 = mid + int(rng.integers(14, max(15, self.ndays // 2 - 10)))
            for t in self.work_slots(o, int(rng.integers(15, 30)), g0, g0 + 6, per_day_max=6):
                s = self.rchoice(tg)
                self.mrow(t, o, s, self.usual(o), self.ref_mode(o, "none", 0, None), ep2)

    def m_colleague(self, o, subtle):
        rng = self.rng
        col = [self.ops[i]["person"] for i in self.by_dept[o["dept"]] if i != o["idx"]]
        nt = int(rng.integers(2, 5)) if subtle else int(rng.integers(6, 16))
        tg = [int(x) for x in rng.choice(col, size=min(nt, len(col)), replace=False)]
        n = int(rng.integers(5, 13)) if subtle else int(rng.integers(25, 50))
        ep = self.new_episode(o, "colleague", subtle)
        lo = self.R0 + (self.ri(0, self.ndays // 2) if subtle else 0)
        hi = lo + 25 if subtle else self.D - 1
        for t in self.work_slots(o, n, lo, hi, per_day_max=3):
            s = self.rchoice(tg)
            p = "CIVIL_SERVICE" if rng.random() < 0.3 else self.usual(o)
            self.mrow(t, o, s, p, self.ref_mode(o, "copy" if rng.random() < 0.3 else "none", 0, None, s), ep)

    def m_watch(self, o, subtle):
        rng = self.rng
        nt = int(rng.integers(2, 5)) if subtle else int(rng.integers(5, 14))
        tg = [int(x) for x in rng.choice(self.sens_idx, size=min(nt, len(self.sens_idx)), replace=False)]
        ep = self.new_episode(o, "watchlist", subtle)
        if subtle:
            ts = self.work_slots(o, int(rng.integers(3, 9)), self.R0, self.D - 1, per_day_max=1)
        else:
            g0 = self.R0 + self.ri(0, self.ndays // 3)
            ts = self.work_slots(o, int(rng.integers(15, 40)), g0, g0 + 45, per_day_max=5)
        for t in ts:
            s = self.rchoice(tg)
            self.mrow(t, o, s, self.usual(o), self.ref_mode(o, "copy" if rng.random() < 0.3 else "none", 0, None, s), ep)

    def m_stalk(self, o, subtle):
        rng = self.rng
        P = self.P
        me = o["person"]
        ci = o["cty"] if o["cty"] is not None else CHUANHUI
        cand = self.pools[("general", ci)][0]
        ok = cand[(P["gender"][cand] != P["gender"][me]) & (np.abs(P["age"][cand] - P["age"][me] + 3) < 9)]
        target = int(self.rchoice(ok)) if len(ok) else self.pick("general", ci)
        ep = self.new_episode(o, "stalking", subtle)
        if subtle:
            # about one look a week over the whole range
            n = int(rng.integers(12, 24))
            ts = self.work_slots(o, n, self.R0, self.D - 1, per_day_max=1)
        else:
            g0 = self.R0 + self.ri(self.ndays // 4, self.ndays // 2)
            n = int(rng.integers(30, 55))
            ts = self.work_slots(o, int(n * 0.75), g0, self.D - 1, per_day_max=2)
            # some evening look-ups from home
            days = [g for g in range(g0, self.D) if g not in o["leave"]]
            for g in rng.choice(days, size=min(len(days), n - len(ts)), replace=False):
                ts.append(self.epoch_day[int(g)] + rng.uniform(20.5 * H, 23.8 * H))
        housemates = [int(x) for x in self.hh_members(target) if x != target and P["age"][x] >= 18]
        for t in sorted(ts):
            s = target if (not housemates or rng.random() < 0.88) else self.rchoice(housemates)
            hrs = (t % 86400) / H
            if hrs > 19:
                ch, term = WEB, (o["vpn"] if rng.random() < 0.7 else o["pc"])
                self.mrow(t, o, s, self.usual(o), self.ref_mode(o, "copy" if rng.random() < 0.5 else "none", 0, None, s), ep, ch, term)
            else:
                self.mrow(t, o, s, self.usual(o), self.ref_mode(o, "copy" if rng.random() < 0.6 else "none", 0, None, s), ep)

    def m_bulk(self, o, variant):
        rng = self.rng
        P = self.P
        ep = self.new_episode(o, "bulk_harvest", False)
        if variant == 0:
            # evening sessions, fast sequential lookups of 22-50 year olds across the city
            young = np.where((P["age"] >= 22) & (P["age"] < 50))[0]
            total = int(rng.integers(700, 1600))
            g0 = self.R0 + self.ri(self.ndays // 5, self.ndays // 2)
            sess = int(rng.integers(3, 7))
            days = sorted(rng.choice(range(g0, min(self.D, g0 + 35)), size=sess, replace=False))
            per = np.bincount(rng.integers(0, sess, total), minlength=sess)
            subj = rng.choice(young, size=total, replace=False)
            k = 0
            ref = "" if rng.random() < 0.5 else f"PLHC-{self.year}-{int(rng.integers(100, 999))}"
            term = o["vpn"] if rng.random() < 0.5 else o["pc"]
            bp = self.usual(o)
            for g, c in zip(days, per):
                t = self.epoch_day[int(g)] + rng.uniform(20 * H, 21.5 * H)
                for _ in range(int(c)):
                    self.mrow(t, o, int(subj[k]), bp, ref, ep, WEB, term)
                    k += 1
                    t += rng.uniform(2.5, 9)
        else:
            # folded into office hours: 12-25 extra lookups a day for 3-4 weeks of business owners,
            # all under one made-up batch reference
            lr = np.where(P["tag"] == "legal_rep")[0]
            g0 = self.R0 + self.ri(0, self.ndays // 2)
            days = self.worked(o, g0, g0 + 26)
            ref = f"{o['dept']}-PLHC-{self.year}-{int(rng.integers(10, 99))}"
            subj = list(rng.choice(lr, size=min(len(lr), 25 * len(days)), replace=False))
            for g in days:
                c = int(rng.integers(12, 26))
                ivs = self.ivs_for(o, g)
                t = self.epoch_day[g] + self.sample_secs(ivs, 1)[0]
                for _ in range(c):
                    if not subj:
                        break
                    self.mrow(t, o, int(subj.pop()), self.usual(o), ref, ep)
                    t += rng.uniform(6, 40)

    def m_after(self, o, subtle):
        rng = self.rng
        ep = self.new_episode(o, "after_hours", subtle)
        ci = o["cty"] if o["cty"] is not None else CHUANHUI
        if subtle:
            # a few quiet Sunday afternoons / evenings
            sundays = [g for g in range(self.R0, self.D) if self.dates[g].weekday() == 6]
            ds = rng.choice(sundays, size=min(len(sundays), int(rng.integers(4, 7))), replace=False)
            for g in ds:
                for _ in range(int(rng.integers(1, 4))):
                    t = self.epoch_day[int(g)] + rng.uniform(15 * H, 22.5 * H)
                    s = self.pick("general", ci)
                    self.mrow(t, o, s, self.usual(o), "", ep, WEB, o["pc"] if rng.random() < 0.5 else o["vpn"])
        else:
            g0 = self.R0 + self.ri(self.ndays // 3, self.ndays // 2)
            days = [g for g in range(g0, self.D) if g not in o["leave"]]
            ds = rng.choice(days, size=min(len(days), int(rng.integers(8, 15))), replace=False)
            for g in ds:
                base = self.epoch_day[int(g)] + rng.uniform(20.5 * H, 23.5 * H)
                for j in range(int(rng.integers(2, 8))):
                    t = base + j * rng.uniform(30, 400)
                    s = self.pick("general" if rng.random() < 0.7 else "legal_rep", ci)
                    self.mrow(t, o, s, self.usual(o), self.ref_mode(o, "copy" if rng.random() < 0.3 else "none", 0, None), ep,
                              WEB, o["vpn"] if rng.random() < 0.6 else o["pc"])

    def m_ooc(self, o, subtle):
        rng = self.rng
        own = CCODES[o["cty"]]
        others = [i for i, c in enumerate(CCODES) if c != own and c != o.get("pair", PAIR[own])]
        ep = self.new_episode(o, "out_of_county", subtle)
        if subtle:
            tc = [int(self.rchoice(others))]
            n = int(rng.integers(10, 25))
            ts = self.work_slots(o, n, self.R0, self.D - 1, per_day_max=2)
        else:
            tc = [int(x) for x in rng.choice(others, size=2, replace=False)]
            n = int(rng.integers(45, 100))
            g0 = self.R0 + self.ri(self.ndays // 3, self.ndays * 2 // 3)
            ts = self.work_slots(o, n, g0, g0 + 35, per_day_max=6)
        tags = o["tags"]
        for t in ts:
            ci = self.rchoice(tc)
            tg = self.wchoice(tags) if len(tags) > 1 else next(iter(tags))
            s = self.pick(tg, ci)
            p = self.usual(o)
            self.mrow(t, o, s, p, self.ref_mode(o, "fake" if rng.random() < 0.5 else "none", self.day_of(t), p), ep)

    def m_foreign(self, o, subtle):
        rng = self.rng
        P = self.P
        allowed = set(o["purp"]) | set(DEPTS[o["dept"]][3])
        foreign = [p for p in ("EMPLOYMENT", "EXECUTIVE", "LABOUR", "APPOINTMENT", "PUBLIC_FUNDS", "CIVIL_SERVICE")
                   if p not in allowed]
        fp = self.rchoice(foreign)
        ep = self.new_episode(o, "foreign_purpose", subtle)
        ci = o["cty"] if o["cty"] is not None else CHUANHUI
        n = int(rng.integers(10, 26)) if subtle else int(rng.integers(40, 110))
        g0 = self.R0 if not subtle else self.R0 + self.ri(0, self.ndays // 2)
        ts = self.work_slots(o, n, g0, self.D - 1, per_day_max=5 if not subtle else 3)
        fake_prefix = f"ZP-{self.year}-{int(rng.integers(10, 99))}"
        for j, t in enumerate(ts):
            s = self.pick("young" if fp in ("EMPLOYMENT", "LABOUR") else "general", ci)
            ref = f"{fake_prefix}{j + 1:03d}" if rng.random() < 0.6 else ""
            self.mrow(t, o, s, fp, ref, ep)

    def m_probe(self, o, subtle):
        rng = self.rng
        P = self.P
        ep = self.new_episode(o, "probing", subtle)
        nsess = 2 if subtle else int(rng.integers(3, 7))
        days = self.worked(o, self.R0, self.D - 1)
        ds = sorted(rng.choice(days, size=min(nsess, len(days)), replace=False))
        ci = o["cty"] if o["cty"] is not None else CHUANHUI
        for g in ds:
            # enumerate sequence numbers for a known birth date and region, looking for one person
            target = self.pick("general", ci)
            region = P["ids"][target][:6]
            birth = P["ids"][target][6:14]
            k = int(rng.integers(5, 12)) if subtle else int(rng.integers(20, 60))
            ivs = self.ivs_for(o, g)
            t = self.epoch_day[g] + self.sample_secs(ivs, 1)[0]
            start = int(rng.integers(1, 400))
            step = 2 if rng.random() < 0.7 else 1
            p = self.usual(o) if rng.random() < 0.5 else None
            for j in range(k):
                seqn = (start + j * step) % 1000 or 1
                body = f"{region}{birth}{seqn:03d}"
                s = id_with_check(body)
                if rng.random() < 0.2:
                    s = body + str(int(rng.integers(0, 10)))
                if s in self.id_set:
                    s = id_with_check(f"{region}{birth}{(seqn + 500) % 1000:03d}")
                    if s in self.id_set:
                        continue
                self.mrow(t, o, s, p, "", ep)
                t += rng.uniform(4, 25)
            if rng.random() < 0.6:
                self.mrow(t + rng.uniform(5, 20), o, target, p, "", ep)

    def m_borrow(self, o, subtle):
        """Someone else uses the account of an operator who is on long leave."""
        rng = self.rng
        ep = self.new_episode(o, "account_borrowing", subtle)
        L0, L1 = o["long_leave"]
        days = [g for g in range(L0, L1 + 1) if self.is_workday(g)]
        nd = min(len(days), int(rng.integers(3, 6)) if subtle else int(rng.integers(6, 12)))
        ds = sorted(rng.choice(days, size=nd, replace=False))
        ci = o["cty"] if o["cty"] is not None else CHUANHUI
        # the borrower sits at a colleague's PC (or another hall window)
        col = [i for i in self.by_dept[o["dept"]] if i != o["idx"]]
        other = self.ops[self.rchoice(col)] if col else o
        term = other.get("home_win") if o["cat"] == "window" and other.get("home_win") else other["pc"]
        ch = WINDOW if o["cat"] == "window" else WEB
        total = int(rng.integers(8, 16)) if subtle else int(rng.integers(25, 60))
        per = np.bincount(rng.integers(0, nd, total), minlength=nd)
        for g, c in zip(ds, per):
            base = self.epoch_day[int(g)] + (rng.uniform(12.1 * H, 13.5 * H) if rng.random() < 0.5 else rng.uniform(17.8 * H, 19.5 * H))
            for j in range(int(c)):
                s = self.pick("general", ci)
                p = self.usual(o)
                self.mrow(base + j * rng.uniform(20, 200), o, s, p, self.ref_mode(o, "fake" if rng.random() < 0.4 else "none", int(g), p), ep, ch, term)

    def m_news(self, o, news):
        rng = self.rng
        ep = self.new_episode(o, "news_curiosity", True)
        subj, g0, fam = news
        days = self.worked(o, g0, g0 + 3)
        if not days:
            days = self.worked(o, g0, self.D - 1)[:2]
        k = int(rng.integers(1, 3))
        ts = self.work_slots(o, k, days=days[:2], per_day_max=2)
        if not ts:
            return
        for t in ts:
            self.mrow(t, o, subj, self.usual(o), "", ep)
        for f in fam[: int(rng.integers(0, 3))]:
            self.mrow(ts[-1] + rng.uniform(20, 120), o, f, self.usual(o), "", ep)

    def m_refreuse(self, o, subtle):
        rng = self.rng
        refs = [r for r in self.case_refs.get(o["idx"], []) if r[3] < self.R0 + 20] or self.case_refs.get(o["idx"], [])
        ep = self.new_episode(o, "ref_reuse", subtle)
        if refs:
            ref, prim, purp, g = refs[int(rng.integers(len(refs)))]
        else:
            purp = self.usual(o)
            ref = self.new_ref(o, purp, self.R0)
        ci = o["cty"] if o["cty"] is not None else CHUANHUI
        n = int(rng.integers(10, 22)) if subtle else int(rng.integers(35, 90))
        g0 = self.R0 + self.ri(10, self.ndays // 3)
        for t in self.work_slots(o, n, g0, self.D - 1, per_day_max=3):
            self.mrow(t, o, self.pick("general", ci), purp, ref, ep)

    # ------------------------------------------------------------------ choose misusers
    def choose_misusers(self):
        rng = self.rng
        ops = self.ops
        n_mis = min(self.a.misusers, max(0, len(ops) // 4))
        kinds = []
        base = list(KINDS)
        order = list(rng.permutation(base))
        while len(kinds) < n_mis:
            kinds += order
        kinds = kinds[:n_mis]
        eligible = [o for o in ops if o["cat"] not in ("hr", "batch") and not o.get("night")]
        taken = set()
        plan = []
        seen_kind = {}
        self_off = {}
        for kind in kinds:
            k_i = seen_kind.get(kind, 0)
            seen_kind[kind] = k_i + 1
            if kind == "bulk_harvest":
                subtle = False
            elif kind == "news_curiosity":
                subtle = True
            else:
                if kind not in self_off:
                    self_off[kind] = int(rng.integers(0, 2))
                subtle = ((k_i + self_off[kind]) % 2 == 1) if k_i < 2 else bool(rng.random() < 0.5)
            def ok(o):
                if o["idx"] in taken:
                    return False
                if kind in ("out_of_county",):
                    return o["cty"] is not None and o["cat"] != "window"
                if kind == "colleague":
                    return len(self.by_dept[o["dept"]]) >= 6
                if kind == "kin_neighbour":
                    P = self.P
                    v = P["vil"][o["person"]]
                    mem = self.vil_members(v)
                    return (P["sur"][mem] == P["sur"][o["person"]]).sum() >= 4 and len(mem) >= 12
                if kind == "after_hours":
                    return o["cat"] in ("desk", "dwindow", "reviewer", "window") and not o["remote_ok"]
                if kind == "foreign_purpose":
                    return o["dept"] not in ("ORG",) and o["cat"] != "window"
                if kind in ("bulk_harvest", "ref_reuse"):
                    return o["cat"] in ("desk", "dwindow", "reviewer", "field")
                if kind == "account_borrowing":
                    return o["cat"] in ("desk", "window", "dwindow", "reviewer")
                return True
            cand = [o for o in eligible if ok(o)]
            if not cand:
                continue
            # spread over departments
            used_depts = {ops[i]["dept"] for i in taken}
            pref = [o for o in cand if o["dept"] not in used_depts] or cand
            o = pref[int(rng.integers(len(pref)))]
            taken.add(o["idx"])
            plan.append((o, kind, subtle, k_i))
        # long leave for borrowed accounts (plus a few innocent long leaves as decoys)
        for o, kind, subtle, k_i in plan:
            if kind == "account_borrowing":
                L0 = self.R0 + self.ri(self.ndays // 5, self.ndays // 2)
                L1 = min(self.D - 1, L0 + int(rng.integers(28, 50)))
                o["long_leave"] = (L0, L1)
                o["leave"] |= set(range(L0, L1 + 1))
        others = [o for o in ops if o["idx"] not in taken and o["cat"] not in ("batch",)]
        for j in rng.choice(len(others), size=max(1, len(ops) // 60), replace=False):
            o = others[int(j)]
            L0 = int(rng.integers(0, self.D - 20))
            o["leave"] |= set(range(L0, min(self.D, L0 + int(rng.integers(21, 56)))))
        # new hires mid-range, and a few who leave (transfer) before the end
        for j in rng.choice(len(others), size=max(1, len(ops) // 70), replace=False):
            o = others[int(j)]
            o["active_from"] = self.R0 + int(rng.integers(5, max(6, self.ndays - 20)))
        for j in rng.choice(len(others), size=max(1, len(ops) // 120), replace=False):
            o = others[int(j)]
            if o["active_from"] == 0:
                o["active_to"] = self.R0 + self.ri(self.ndays // 3, self.ndays - 5)
        # seasonal EDU recruitment helpers start with the recruitment season
        for o in ops:
            if o["dept"] == "EDU" and o["idx"] not in taken and o["cat"] == "desk" and rng.random() < 0.25:
                o["role"] = "招聘专员（借调）"
                o["active_from"] = self.edu0
                o["rate"] *= 1.5
        self.plan = plan

    def run_misuse(self):
        rng = self.rng
        P = self.P
        self.episodes = []
        self.mis_ct = {}
        # the news subject (a local entrepreneur detained; not on the watch list)
        cand = np.where((P["tag"] == "legal_rep") & (~P["sens"]) & (P["age"] > 35))[0]
        ns = int(self.rchoice(cand))
        ng = self.R0 + self.ri(self.ndays // 3, self.ndays * 2 // 3)
        fam = [int(x) for x in self.hh_members(ns) if x != ns and P["age"][x] >= 18]
        news = (ns, ng, fam)
        # legitimate PSB/COURT lookups of the news subject, with case references
        for o in self.ops:
            if o["dept"] in ("PSB", "COURT") and o["cty"] in (None, P["cty"][ns]) and o["cat"] in ("desk", "field") \
                    and rng.random() < 0.3:
                for t in self.work_slots(o, int(rng.integers(1, 3)), ng, ng + 5, per_day_max=1):
                    self.emit(t, o["idx"], ns, "ENFORCEMENT", self.new_ref(o, "ENFORCEMENT", self.day_of(t)), WEB, o["pc"])
        bulk_i = 0
        for o, kind, subtle, k_i in self.plan:
            if kind == "kin_neighbour":
                self.m_kin(o, subtle)
            elif kind == "colleague":
                self.m_colleague(o, subtle)
            elif kind == "watchlist":
                self.m_watch(o, subtle)
            elif kind == "stalking":
                self.m_stalk(o, subtle)
            elif kind == "bulk_harvest":
                self.m_bulk(o, bulk_i % 2)
                bulk_i += 1
            elif kind == "after_hours":
                self.m_after(o, subtle)
            elif kind == "out_of_county":
                self.m_ooc(o, subtle)
            elif kind == "foreign_purpose":
                self.m_foreign(o, subtle)
            elif kind == "probing":
                self.m_probe(o, subtle)
            elif kind == "account_borrowing":
                self.m_borrow(o, subtle)
            elif kind == "news_curiosity":
                self.m_news(o, news)
            elif kind == "ref_reuse":
                self.m_refreuse(o, subtle)
        self.news = news

    # ------------------------------------------------------------------ expected volume
    def expected_normal(self):
        tot = 0.0
        for o in self.ops:
            for g in range(self.R0, self.D):
                if self.ivs_for(o, g) is None:
                    continue
                m, _ = self.day_context(o, g)
                tot += o["rate"] * m
        return tot

    # ------------------------------------------------------------------ output
    def finish(self, out):
        rng = self.rng
        P = self.P
        ts = np.array(self.r_ts, dtype=np.int64)
        op = np.array(self.r_op)
        ep = np.array(self.r_ep)
        start_ts = self.epoch_day[self.R0]
        end_ts = self.epoch_day[-1] + 86400
        # keep everything inside [history_from, to]
        keep = (ts >= self.epoch_day[0]) & (ts < end_ts)
        inr = (ts >= start_ts) & keep
        # trim normal in-range rows to the requested volume
        n_in = int(inr.sum())
        excess = n_in - self.a.lookups
        if excess > 0:
            cand = np.where(inr & (ep < 0))[0]
            drop = rng.choice(cand, size=min(excess, len(cand)), replace=False)
            keep[drop] = False
        idx = np.where(keep)[0]
        order = idx[np.lexsort((op[idx], ts[idx]))]
        ts = ts[order]
        op = op[order]
        ep = ep[order]
        subj = np.array(self.r_subj)[order]
        purp = np.array(self.r_purp)[order]
        ref = np.array(self.r_ref, dtype=object)[order]
        ch = np.array(self.r_ch)[order]
        term = np.array(self.r_term, dtype=object)[order]
        all_ids = np.concatenate([P["ids"], np.array(self.extra_ids, dtype="U18")]) if self.extra_ids else P["ids"]
        subj_s = all_ids[subj]
        tstr = np.datetime_as_string(ts.astype("datetime64[s]"), unit="s")
        day = ts // 86400
        first = np.r_[True, day[1:] != day[:-1]]
        grp_start = np.maximum.accumulate(np.where(first, np.arange(len(day)), 0))
        seqn = np.arange(len(day)) - grp_start + 1
        dstr = np.char.replace(tstr.astype("U10"), "-", "")
        qid = np.char.add(np.char.add("Q", dstr), np.char.zfill(seqn.astype(str), 6))
        op_ids = np.array([o["id"] for o in self.ops])
        pnames = np.array([""] + PURPOSES, dtype=object)
        log = pd.DataFrame({
            "query_id": qid, "queried_at": tstr, "operator_id": op_ids[op], "subject_id_number": subj_s,
            "purpose_code": pnames[purp + 1], "authorization_ref": ref,
            "channel": np.array(CHANNELS)[ch], "terminal_id": term})
        os.makedirs(out, exist_ok=True)
        log.to_csv(os.path.join(out, "query_log.csv"), index=False)
        # persons
        gender = np.where(P["gender"] == 1, "M", "F")
        bd = np.array([f"{b[:4]}-{b[4:6]}-{b[6:]}" for b in P["birth"]])
        persons = pd.DataFrame({
            "id_number": P["ids"], "name": P["names"], "gender": gender, "birth_date": bd,
            "county_code": np.array(CCODES)[P["cty"]], "residence_code": self.vil_code[P["vil"]],
            "sensitive": P["sens"].astype(int)})
        persons.to_csv(os.path.join(out, "persons.csv"), index=False)
        opdf = pd.DataFrame({
            "operator_id": op_ids, "name": [P["names"][o["person"]] for o in self.ops],
            "department_code": [o["dept"] for o in self.ops], "role": [o["role"] for o in self.ops],
            "county_code": [CCODES[o["cty"]] if o["cty"] is not None else "" for o in self.ops],
            "id_number": [P["ids"][o["person"]] for o in self.ops]})
        opdf.to_csv(os.path.join(out, "operators.csv"), index=False)
        # labels
        mis = ep >= 0
        lq = pd.DataFrame({"query_id": qid[mis], "operator_id": op_ids[op[mis]],
                           "kind": [self.episodes[e]["kind"] for e in ep[mis]]})
        lq.to_csv(os.path.join(out, "label_queries.csv"), index=False)
        rows = []
        for e, epi in enumerate(self.episodes):
            m = np.where(ep == e)[0]
            if len(m) == 0:
                continue
            rows.append(dict(operator_id=op_ids[epi["op"]], kind=epi["kind"], first_at=tstr[m[0]],
                             last_at=tstr[m[-1]], n_lookups=len(m)))
        labels = pd.DataFrame(rows, columns=["operator_id", "kind", "first_at", "last_at", "n_lookups"])
        labels = labels.sort_values(["first_at", "operator_id"]).reset_index(drop=True)
        labels.to_csv(os.path.join(out, "labels.csv"), index=False)
        meta = {"from": self.d_from.isoformat(), "to": self.dates[-1].isoformat(),
                "history_from": self.d0.isoformat(), "seed": self.a.seed, "n_operators": len(self.ops),
                "n_lookups": int(len(log)), "n_misusers": int(labels["operator_id"].nunique())}
        with open(os.path.join(out, "meta.json"), "w") as f:
            json.dump(meta, f, indent=2)
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.md")
        if os.path.exists(src) and os.path.abspath(os.path.dirname(src)) != os.path.abspath(out):
            shutil.copyfile(src, os.path.join(out, "README.md"))
        return meta, labels

    def run(self, out):
        t0 = time.time()
        self.gen_persons()
        self.build_pools()
        log(f"persons {self.P['n']} ({time.time() - t0:.1f}s)")
        self.gen_operators()
        self.build_pools()
        self.setup_operator_attrs()
        self.set_events()
        self.plan_schedules()
        self.choose_misusers()
        exp = self.expected_normal()
        scale = self.a.lookups * 1.06 / max(1.0, exp)
        self.init_rows()
        self.normal_work(scale)
        self.special_legit(scale)
        log(f"normal rows {len(self.r_ts)} ({time.time() - t0:.1f}s)")
        self.run_misuse()
        meta, labels = self.finish(out)
        log(f"done: {meta['n_lookups']} lookups, {len(labels)} episodes, {meta['n_misusers']} misusers "
            f"({time.time() - t0:.1f}s)")
        return meta


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--from", dest="date_from", default="2026-03-02")
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--history-days", type=int, default=0)
    ap.add_argument("--operators", type=int, default=500)
    ap.add_argument("--lookups", type=int, default=380000)
    ap.add_argument("--misusers", type=int, default=25)
    a = ap.parse_args(argv)
    if a.days < 28 or a.operators < 30 or a.lookups < 1000:
        ap.error("need --days >= 28, --operators >= 30, --lookups >= 1000")
    Gen(a).run(a.out)


if __name__ == "__main__":
    main()
