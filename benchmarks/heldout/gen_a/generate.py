#!/usr/bin/env python3
"""Independent, labelled synthetic query-log generator (hold-out test bed "gen_a").

Writes persons.csv, operators.csv, query_log.csv (import contract formats), labels.csv,
label_queries.csv and meta.json into --out.  Deterministic for a given --seed.
Only numpy, polars and the standard library are used.  See README.md for the assumptions.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import time

import numpy as np
import polars as pl

# --------------------------------------------------------------------------------------------
# Reference codes (copied from shared/reference; embedded so the generator is self-contained)
# --------------------------------------------------------------------------------------------
# code, short name, 2018 population, historical ID codes (first = the pre-2000 code)
COUNTIES = [
    ("411602", "川汇", 721300, ["412701"]),
    ("411603", "淮阳", 976500, ["412727", "411626"]),
    ("411621", "扶沟", 589500, ["412721"]),
    ("411622", "西华", 737000, ["412722"]),
    ("411623", "商水", 880000, ["412723"]),
    ("411624", "沈丘", 933000, ["412728"]),
    ("411625", "郸城", 957000, ["412726"]),
    ("411627", "太康", 1032100, ["412724"]),
    ("411628", "鹿邑", 878200, ["412725"]),
    ("411681", "项城", 973200, ["412702"]),
]
NC = len(COUNTIES)
C_CODE = [c[0] for c in COUNTIES]
C_POP = np.array([c[2] for c in COUNTIES], dtype=float)
C_PW = C_POP / C_POP.sum()
HUAIYANG = 1
CHUANHUI = 0
# region codes of people who were born / first registered outside Zhoukou
OUTSIDE_CODES = ["410102", "410105", "410202", "410302", "411102", "411302", "411402",
                 "411502", "341202", "341221", "341204", "410702", "440306", "310115"]

PURPOSES = ["EMPLOYMENT", "PRACTICE", "LABOUR", "EXECUTIVE", "CIVIL_SERVICE", "COMMENDATION",
            "APPOINTMENT", "HONESTY_AWARD", "LICENSING", "PUBLIC_FUNDS", "POLICY_SUPPORT",
            "ENFORCEMENT", "OBJECTION", "REPAIR", "SELF", "AUTHORIZED"]
PIDX = {p: i for i, p in enumerate(PURPOSES)}
CHANNELS = ["WINDOW", "WEB", "API", "DASHBOARD"]
CH = {c: i for i, c in enumerate(CHANNELS)}

# Department profiles -------------------------------------------------------------------------
# ops: relative head-count; county: share of county-level operators; mix: purpose weights
# (a purpose absent from the mix is never used legitimately by the department);
# ep/er: base rates of honest empty purpose / empty authorization_ref;
# roles: (role, share, weekly lookups, schedule, channels, purposes subset or None, p_case, batch)
def R(role, share, weekly, sched, ch, purp=None, case=0.0, batch=False):
    return dict(role=role, share=share, weekly=weekly, sched=sched, ch=ch, purp=purp,
                case=case, batch=batch)


WEBC = {"WEB": 0.93, "DASHBOARD": 0.07}
WINC = {"WINDOW": 0.97, "WEB": 0.03}
DASHC = {"DASHBOARD": 0.75, "WEB": 0.25}

DEPTS = {
    "GOVSERVICE": dict(ops=70, county=0.85, ep=0.02, er=0.03, abbr="ZW",
                       mix=dict(SELF=35, AUTHORIZED=25, LICENSING=22, POLICY_SUPPORT=12, PUBLIC_FUNDS=6),
                       roles=[R("window", .72, 330, "window", WINC, ["SELF", "AUTHORIZED", "LICENSING", "POLICY_SUPPORT"]),
                              R("backoffice", .18, 50, "office", WEBC, ["LICENSING", "PUBLIC_FUNDS", "POLICY_SUPPORT"]),
                              R("supervisor", .10, 10, "office", DASHC)]),
    "PSB": dict(ops=30, county=0.6, ep=0.03, er=0.06, abbr="GA",
                mix=dict(ENFORCEMENT=80, LICENSING=10, EMPLOYMENT=5, APPOINTMENT=5),
                roles=[R("duty_officer", .40, 75, "duty", {"WEB": 1.0}, ["ENFORCEMENT"], case=0.15),
                       R("investigator", .35, 35, "office", WEBC, ["ENFORCEMENT"], case=0.45),
                       R("registration_clerk", .25, 55, "office", WEBC, ["LICENSING", "EMPLOYMENT", "APPOINTMENT"])]),
    "COURT": dict(ops=25, county=0.6, ep=0.015, er=0.02, abbr="FY",
                  mix=dict(ENFORCEMENT=85, OBJECTION=10, REPAIR=5),
                  roles=[R("enforcement_officer", .50, 55, "enforce", {"WEB": 0.95, "DASHBOARD": 0.05}, ["ENFORCEMENT"], case=0.55),
                         R("clerk", .35, 40, "office", WEBC, None, case=0.25),
                         R("judge_assistant", .15, 15, "office", WEBC, ["ENFORCEMENT", "OBJECTION"], case=0.5)]),
    "ORG": dict(ops=10, county=0.3, ep=0.01, er=0.02, abbr="ZZ",
                mix=dict(CIVIL_SERVICE=45, APPOINTMENT=30, EMPLOYMENT=15, COMMENDATION=10),
                roles=[R("cadre_officer", .6, 25, "office", WEBC, ["CIVIL_SERVICE", "APPOINTMENT", "COMMENDATION"]),
                       R("hr", .4, 12, "office", WEBC, ["EMPLOYMENT", "CIVIL_SERVICE"], batch=True)]),
    "HRSS": dict(ops=35, county=0.6, ep=0.03, er=0.04, abbr="RS",
                 mix=dict(LABOUR=35, EMPLOYMENT=25, POLICY_SUPPORT=25, ENFORCEMENT=15),
                 roles=[R("window", .40, 200, "window", WINC, ["LABOUR", "POLICY_SUPPORT"]),
                        R("labour_inspector", .30, 30, "office", WEBC, ["ENFORCEMENT", "LABOUR"], case=0.4),
                        R("hr", .30, 18, "office", WEBC, ["EMPLOYMENT", "POLICY_SUPPORT"], batch=True)]),
    "EDU": dict(ops=20, county=0.5, ep=0.02, er=0.03, abbr="JY",
                mix=dict(PRACTICE=35, EMPLOYMENT=30, POLICY_SUPPORT=20, COMMENDATION=15),
                roles=[R("officer", .5, 28, "office", WEBC, ["PRACTICE", "COMMENDATION", "POLICY_SUPPORT"]),
                       R("hr", .5, 14, "office", WEBC, ["EMPLOYMENT", "PRACTICE"], batch=True)]),
    "HEALTH": dict(ops=15, county=0.4, ep=0.02, er=0.03, abbr="WJ",
                   mix=dict(PRACTICE=55, LICENSING=20, ENFORCEMENT=20, COMMENDATION=5),
                   roles=[R("licensing_officer", .6, 40, "office", WEBC, ["PRACTICE", "LICENSING", "COMMENDATION"], batch=True),
                          R("inspector", .4, 22, "office", WEBC, ["ENFORCEMENT"], case=0.4)]),
    "SAMR": dict(ops=40, county=0.65, ep=0.03, er=0.04, abbr="SJ",
                 mix=dict(LICENSING=35, EXECUTIVE=25, ENFORCEMENT=25, PRACTICE=15),
                 roles=[R("window", .45, 240, "window", WINC, ["LICENSING", "EXECUTIVE"]),
                        R("inspector", .35, 28, "office", WEBC, ["ENFORCEMENT"], case=0.4),
                        R("officer", .20, 35, "office", WEBC, ["PRACTICE", "EXECUTIVE"], batch=True)]),
    "TAX": dict(ops=30, county=0.6, ep=0.02, er=0.03, abbr="SW",
                mix=dict(ENFORCEMENT=40, POLICY_SUPPORT=30, PRACTICE=15, REPAIR=15),
                roles=[R("window", .40, 180, "window", WINC, ["POLICY_SUPPORT", "REPAIR"]),
                       R("inspector", .35, 28, "office", WEBC, ["ENFORCEMENT"], case=0.4),
                       R("officer", .25, 30, "office", WEBC, ["PRACTICE", "POLICY_SUPPORT"], batch=True)]),
    "JUSTICE": dict(ops=8, county=0.4, ep=0.02, er=0.03, abbr="SF",
                    mix=dict(PRACTICE=70, LICENSING=15, ENFORCEMENT=15),
                    roles=[R("officer", .7, 22, "office", WEBC, ["PRACTICE", "LICENSING"]),
                           R("clerk", .3, 14, "office", WEBC, ["PRACTICE", "ENFORCEMENT"])]),
    "HOUSING": dict(ops=20, county=0.5, ep=0.03, er=0.04, abbr="ZJ",
                    mix=dict(LICENSING=35, PRACTICE=25, ENFORCEMENT=20, PUBLIC_FUNDS=10, POLICY_SUPPORT=10),
                    roles=[R("window", .35, 120, "window", WINC, ["LICENSING", "POLICY_SUPPORT"]),
                           R("inspector", .35, 24, "office", WEBC, ["ENFORCEMENT"], case=0.4),
                           R("officer", .30, 30, "office", WEBC, ["PRACTICE", "PUBLIC_FUNDS"], batch=True)]),
    "TRANSPORT": dict(ops=12, county=0.4, ep=0.03, er=0.04, abbr="JT",
                      mix=dict(PRACTICE=45, LICENSING=35, ENFORCEMENT=20),
                      roles=[R("window", .4, 100, "window", WINC, ["PRACTICE", "LICENSING"]),
                             R("inspector", .6, 24, "office", WEBC, ["ENFORCEMENT", "PRACTICE"], case=0.35)]),
    "ECOENV": dict(ops=10, county=0.5, ep=0.03, er=0.04, abbr="HB",
                   mix=dict(ENFORCEMENT=70, LICENSING=30),
                   roles=[R("inspector", .7, 15, "office", WEBC, ["ENFORCEMENT"], case=0.4),
                          R("officer", .3, 14, "office", WEBC, ["LICENSING"])]),
    "EMERGENCY": dict(ops=10, county=0.4, ep=0.03, er=0.04, abbr="YJ",
                      mix=dict(ENFORCEMENT=55, PRACTICE=35, LICENSING=10),
                      roles=[R("inspector", .6, 15, "office", WEBC, ["ENFORCEMENT"], case=0.4),
                             R("officer", .4, 18, "office", WEBC, ["PRACTICE", "LICENSING"])]),
    "FIRE": dict(ops=8, county=0.4, ep=0.02, er=0.03, abbr="XF",
                 mix=dict(ENFORCEMENT=50, PRACTICE=40, LICENSING=10),
                 roles=[R("inspector", .6, 14, "office", WEBC, ["ENFORCEMENT"], case=0.35),
                        R("officer", .4, 14, "office", WEBC, ["PRACTICE", "LICENSING"])]),
    "FINANCE": dict(ops=8, county=0.3, ep=0.02, er=0.02, abbr="CZ",
                    mix=dict(PUBLIC_FUNDS=60, PRACTICE=30, POLICY_SUPPORT=10),
                    roles=[R("officer", 1.0, 18, "office", WEBC, None, batch=True)]),
    "AUDIT": dict(ops=6, county=0.2, ep=0.01, er=0.01, abbr="SJJ",
                  mix=dict(PUBLIC_FUNDS=50, CIVIL_SERVICE=20, APPOINTMENT=30),
                  roles=[R("auditor", 1.0, 4, "office", DASHC)]),
    "CULTURE": dict(ops=6, county=0.2, ep=0.03, er=0.04, abbr="WL",
                    mix=dict(PRACTICE=60, LICENSING=30, COMMENDATION=10),
                    roles=[R("officer", 1.0, 12, "office", WEBC)]),
    "PROPAGANDA": dict(ops=4, county=0.0, ep=0.02, er=0.03, abbr="XC",
                       mix=dict(COMMENDATION=40, HONESTY_AWARD=40, PRACTICE=20),
                       roles=[R("officer", 1.0, 7, "office", WEBC, None, batch=True)]),
    "POSTAL": dict(ops=4, county=0.0, ep=0.03, er=0.04, abbr="YZ",
                   mix=dict(PRACTICE=60, LICENSING=25, ENFORCEMENT=15),
                   roles=[R("officer", 1.0, 14, "office", WEBC, None, batch=True)]),
    "PBOC": dict(ops=10, county=0.3, ep=0.01, er=0.02, abbr="RH",
                 mix=dict(OBJECTION=30, REPAIR=20, ENFORCEMENT=25, PRACTICE=25),
                 roles=[R("analyst", .5, 38, "office", {"WEB": 0.6, "DASHBOARD": 0.4}, ["OBJECTION", "REPAIR"]),
                        R("officer", .5, 22, "office", WEBC, ["ENFORCEMENT", "PRACTICE"], batch=True)]),
    "NFRA": dict(ops=8, county=0.2, ep=0.02, er=0.02, abbr="JG",
                 mix=dict(PRACTICE=40, EXECUTIVE=35, ENFORCEMENT=25),
                 roles=[R("officer", 1.0, 22, "office", WEBC, None, batch=True)]),
    "URBAN": dict(ops=12, county=0.6, ep=0.08, er=0.09, abbr="CG",
                  mix=dict(ENFORCEMENT=70, LICENSING=30),
                  roles=[R("inspector", .7, 28, "office", WEBC, ["ENFORCEMENT"], case=0.3),
                         R("window", .3, 60, "window", WINC, ["LICENSING"])]),
    "COMMERCE": dict(ops=6, county=0.2, ep=0.03, er=0.04, abbr="SWJ",
                     mix=dict(POLICY_SUPPORT=50, LICENSING=35, PUBLIC_FUNDS=15),
                     roles=[R("officer", 1.0, 14, "office", WEBC)]),
    "CIVILIZATION": dict(ops=5, county=0.2, ep=0.02, er=0.03, abbr="WM",
                         mix=dict(HONESTY_AWARD=50, COMMENDATION=50),
                         roles=[R("officer", 1.0, 7, "office", WEBC, None, batch=True)]),
    "CIVIL": dict(ops=12, county=0.5, ep=0.06, er=0.07, abbr="MZ",
                  mix=dict(POLICY_SUPPORT=60, LICENSING=25, COMMENDATION=15),
                  roles=[R("window", .5, 90, "window", WINC, ["POLICY_SUPPORT"]),
                         R("officer", .5, 18, "office", WEBC, None, batch=True)]),
    "DRC": dict(ops=10, county=0.3, ep=0.01, er=0.02, abbr="XY",
                mix=dict(OBJECTION=30, REPAIR=30, COMMENDATION=10, HONESTY_AWARD=8, PUBLIC_FUNDS=12, POLICY_SUPPORT=10),
                roles=[R("officer", .6, 38, "office", {"WEB": 0.6, "DASHBOARD": 0.4}, ["OBJECTION", "REPAIR", "PUBLIC_FUNDS", "POLICY_SUPPORT"]),
                       R("auditor", .2, 5, "office", DASHC),
                       R("analyst", .2, 18, "office", {"WEB": 0.5, "DASHBOARD": 0.5}, ["COMMENDATION", "HONESTY_AWARD", "PUBLIC_FUNDS"], batch=True)]),
}
DEPT_CODES = list(DEPTS.keys())

# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------
SURNAMES = (
    "王 7.1 李 7.0 张 6.8 刘 5.4 陈 4.5 杨 3.1 赵 2.4 黄 1.8 周 1.7 吴 1.6 徐 1.4 孙 1.5 胡 1.2 朱 1.3 "
    "高 1.2 林 0.6 何 0.9 郭 1.3 马 1.3 罗 0.6 梁 0.7 宋 0.9 郑 0.8 谢 0.5 韩 0.8 唐 0.5 冯 0.7 于 0.6 "
    "董 0.6 萧 0.2 程 0.6 曹 0.7 袁 0.5 邓 0.5 许 0.8 傅 0.3 沈 0.4 曾 0.3 彭 0.4 吕 0.6 苏 0.5 卢 0.4 "
    "蒋 0.4 蔡 0.4 贾 0.5 丁 0.5 魏 0.6 薛 0.4 叶 0.4 阎 0.3 余 0.3 潘 0.3 杜 0.5 戴 0.3 夏 0.3 钟 0.2 "
    "汪 0.3 田 0.6 任 0.5 姜 0.4 范 0.4 方 0.4 石 0.4 姚 0.4 谭 0.2 廖 0.1 邹 0.2 熊 0.2 金 0.3 陆 0.2 "
    "郝 0.4 孔 0.3 白 0.4 崔 0.4 康 0.3 毛 0.3 邱 0.2 秦 0.3 江 0.2 史 0.4 顾 0.2 侯 0.4 邵 0.3 孟 0.4 "
    "龙 0.1 万 0.2 段 0.3 雷 0.2 钱 0.1 汤 0.2 尹 0.2 黎 0.1 易 0.1 常 0.4 武 0.4 乔 0.3 贺 0.2 赖 0.05 "
    "龚 0.1 文 0.1 申 0.2 牛 0.3 耿 0.2 付 0.4 葛 0.2 路 0.2 房 0.1 翟 0.2 岳 0.2 闫 0.4 鲁 0.2 "
    "欧阳 0.03 司马 0.012 诸葛 0.006 上官 0.008 司徒 0.005 夏侯 0.004 公孙 0.003 皇甫 0.005 东方 0.004"
).split()
SN = np.array(SURNAMES[0::2])
SW = np.array([float(x) for x in SURNAMES[1::2]])
SW = SW / SW.sum()

M_CH = list("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩亮俊建国志文海东林峰宇凯健永庆春新洋旭博豪晨阳帅龙毅松坤振兴家德胜利福成金广")
F_CH = list("芳娜敏静丽艳娟霞秀英玲燕红梅莉婷雪琳慧洁倩颖佳欣怡萍琴云兰丹晶璐薇月凤桂荣玉爱淑彩娇琳")
M_OLD = "建国 建军 国强 卫东 振华 志刚 德明 春生 永贵 保国 金山 长江 新民 国庆 建华 学军 红旗 富贵 文革 广田".split()
F_OLD = "秀英 桂兰 玉兰 淑珍 秀兰 凤英 桂英 玉珍 春梅 翠花 秀珍 桂芳 玉梅 素芬 金凤 爱华 凤兰 小红 美玲 丽华".split()
M_MID = "俊杰 海涛 志强 晓东 文博 建伟 明辉 永刚 晓明 鹏飞 国栋 东升 伟华 文涛 亚军 红军 卫国 少华 成龙 向阳".split()
F_MID = "丽娟 晓燕 海燕 丽丽 秀丽 艳红 雪梅 晓丽 春燕 丽萍 红霞 玉洁 晓敏 静静 亚楠 俊英 文静 佳佳 晓霞 莉莉".split()
M_NEW = "子轩 浩然 宇航 梓豪 博文 一鸣 天佑 思远 家豪 子墨 皓轩 宇泽 俊熙 明轩 浩宇 奕辰 沐阳 子豪 嘉懿 睿泽".split()
F_NEW = "梓涵 欣怡 诗涵 雨萱 佳怡 思彤 可馨 语嫣 梦瑶 一诺 子涵 紫萱 若汐 雨桐 欣妍 心怡 嘉怡 雅琪 艺涵 佳琪".split()

# --------------------------------------------------------------------------------------------
# Calendar: Chinese public holidays and make-up working days (调休)
# --------------------------------------------------------------------------------------------
def _rng_days(y, m, d, n):
    s = dt.date(y, m, d)
    return [s + dt.timedelta(days=i) for i in range(n)]


HOLIDAYS: set = set()
MAKEUP: set = set()
for _y, _off, _mk in [
    (2024, [(1, 1, 1), (2, 10, 8), (4, 4, 3), (5, 1, 5), (6, 10, 1), (9, 15, 3), (10, 1, 7)],
     [(2, 4), (2, 18), (4, 7), (4, 28), (5, 11), (9, 14), (9, 29), (10, 12)]),
    (2025, [(1, 1, 1), (1, 28, 8), (4, 4, 3), (5, 1, 5), (5, 31, 3), (10, 1, 8)],
     [(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)]),
    (2026, [(1, 1, 3), (2, 15, 9), (4, 4, 3), (5, 1, 5), (6, 19, 3), (9, 25, 3), (10, 1, 7)],
     [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)]),
    # 2027: approximate (official schedule unknown when written)
    (2027, [(1, 1, 3), (2, 6, 7), (4, 3, 3), (5, 1, 5), (6, 9, 1), (9, 15, 1), (10, 1, 7)],
     [(2, 20), (10, 9)]),
]:
    for (m, d, n) in _off:
        HOLIDAYS.update(_rng_days(_y, m, d, n))
    for (m, d) in _mk:
        MAKEUP.add(dt.date(_y, m, d))


def holiday_fallback(d: dt.date) -> bool:
    if d.year in (2024, 2025, 2026, 2027):
        return d in HOLIDAYS
    return (d.month, d.day) in {(1, 1), (5, 1), (5, 2), (5, 3)} or (d.month == 10 and d.day <= 7)


# --------------------------------------------------------------------------------------------
# ID numbers (GB 11643-1999)
# --------------------------------------------------------------------------------------------
ID_W = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_MAP = np.array(list("10X98765432"))


def check_chars(region: np.ndarray, birth: np.ndarray, seq: np.ndarray) -> np.ndarray:
    region = np.asarray(region, dtype=np.int64)
    birth = np.asarray(birth, dtype=np.int64)
    seq = np.asarray(seq, dtype=np.int64)
    digs = np.empty((len(region), 17), dtype=np.int64)
    for k in range(6):
        digs[:, k] = (region // 10 ** (5 - k)) % 10
    for k in range(8):
        digs[:, 6 + k] = (birth // 10 ** (7 - k)) % 10
    for k in range(3):
        digs[:, 14 + k] = (seq // 10 ** (2 - k)) % 10
    return ID_MAP[(digs * ID_W).sum(1) % 11]


def make_ids(region, birth, seq) -> list:
    cc = check_chars(region, birth, seq)
    return [f"{r:06d}{b:08d}{s:03d}{c}" for r, b, s, c in zip(np.asarray(region).tolist(), np.asarray(birth).tolist(), np.asarray(seq).tolist(), cc.tolist())]


def id_ok(s: str) -> bool:
    if len(s) != 18 or not s[:17].isdigit():
        return False
    tot = sum(int(ch) * w for ch, w in zip(s[:17], ID_W.tolist()))
    return "10X98765432"[tot % 11] == s[17]


def ymd(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


# --------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------
class Gen:
    def __init__(self, a):
        self.a = a
        self.rng = np.random.default_rng(a.seed)
        self.t0 = time.time()
        self.d_from = dt.date.fromisoformat(a.date_from)
        self.D = a.days
        self.H = a.history_days
        self.d_to = self.d_from + dt.timedelta(days=self.D - 1)
        self.d_hist = self.d_from - dt.timedelta(days=self.H)
        self.ND = self.H + self.D
        self.dates = [self.d_hist + dt.timedelta(days=i) for i in range(self.ND)]
        self.S0 = self.H  # index of first scored day

    def log(self, msg):
        print(f"[{time.time() - self.t0:6.1f}s] {msg}", file=sys.stderr)

    # ---------------------------------------------------------------- calendar
    def calendar(self):
        n = self.ND
        self.dow = np.array([d.weekday() for d in self.dates])
        self.is_hol = np.array([holiday_fallback(d) for d in self.dates])
        self.is_mk = np.array([d in MAKEUP for d in self.dates])
        self.is_work = ((self.dow < 5) & ~self.is_hol) | self.is_mk
        self.month = np.array([d.month for d in self.dates])
        self.mday = np.array([d.day for d in self.dates])
        self.summer = (self.month >= 5) & (self.month <= 9)
        f = np.ones(n)
        f *= np.choose(np.minimum(self.dow, 5), [1.12, 1.05, 1.0, 0.98, 0.86, 0.9])
        # first two working days after a block of >= 3 days off: catch-up; last day before: lighter
        off_run = 0
        seen_work = 0
        for i in range(n):
            if not self.is_work[i]:
                off_run += 1
                seen_work = 0
            else:
                if off_run >= 3:
                    seen_work = 2
                if seen_work > 0:
                    f[i] *= 1.3
                    seen_work -= 1
                off_run = 0
        for i in range(n - 3):
            if self.is_work[i] and not self.is_work[i + 1] and not self.is_work[i + 2] and not self.is_work[i + 3]:
                f[i] *= 0.9
        self.day_f = f
        self.ts_day0 = np.arange(n, dtype=np.int64) * 86400

    def season(self, dept, role):
        """Per-day seasonal multiplier for one department/role."""
        m, d = self.month, self.mday
        s = np.ones(self.ND)
        if dept == "EDU":  # school enrolment and teacher assignment: late August to early September
            s[((m == 8) & (d >= 15)) | ((m == 9) & (d <= 8))] *= 2.2
            s[(m == 7)] *= 1.2
        if dept in ("ORG", "HRSS") and role in ("hr", "cadre_officer"):
            s[(m == 7)] *= 1.5  # graduate / civil-service recruitment season
        if dept in ("CIVILIZATION", "PROPAGANDA", "DRC", "ORG") and role != "auditor":
            s[(m == 12) | ((m == 11) & (d >= 20))] *= 1.8  # year-end commendations
        if dept == "HRSS" and role == "labour_inspector":
            s[(m == 12) | (m == 1)] *= 1.8  # winter wage-arrears campaign
        if dept == "TAX":
            s[(m == 3) | (m == 6)] *= 1.2
        return s

    # ---------------------------------------------------------------- geography & persons
    def geography(self):
        rng = self.rng
        v_code, v_c, v_w, v_urban = [], [], [], []
        for ci, (code, _, _, _) in enumerate(COUNTIES):
            district = ci in (0, 1, 9)
            n_streets = rng.integers(5, 9) if ci == 0 else (rng.integers(3, 6) if district else rng.integers(2, 4))
            n_towns = rng.integers(4, 7) if ci == 0 else rng.integers(8, 14)
            n_ships = rng.integers(1, 3) if ci == 0 else rng.integers(5, 10)
            units = [(k + 1, True) for k in range(n_streets)]
            units += [(100 + k + 1, False) for k in range(n_towns)]
            units += [(200 + k + 1, False) for k in range(n_ships)]
            for (t, urban_unit) in units:
                if urban_unit:
                    nv = rng.integers(5, 14)
                    codes = [(k + 1, True) for k in range(nv)]
                else:
                    nc = rng.integers(1, 3)
                    nv = rng.integers(8, 22)
                    codes = [(k + 1, True) for k in range(nc)] + [(200 + k + 1, False) for k in range(nv)]
                for (v, urban) in codes:
                    v_code.append(int(code) * 10 ** 6 + t * 1000 + v)
                    v_c.append(ci)
                    v_urban.append(urban)
                    v_w.append(rng.lognormal(0, 0.5) * (2.2 if urban else 1.0))
        self.v_code = np.array(v_code, dtype=np.int64)
        self.v_c = np.array(v_c)
        self.v_urban = np.array(v_urban)
        w = np.array(v_w)
        # urban share: Chuanhui mostly urban, counties mostly rural
        for ci in range(NC):
            m = self.v_c == ci
            tgt = 0.75 if ci == 0 else 0.3
            uw = w[m & self.v_urban].sum()
            rw = w[m & ~self.v_urban].sum()
            w[m & self.v_urban] *= tgt / uw
            w[m & ~self.v_urban] *= (1 - tgt) / rw
        self.v_w = w
        nv = len(self.v_code)
        # clan surnames in rural villages (宗族村)
        self.v_clan1 = rng.choice(len(SN), nv, p=SW)
        self.v_clan2 = rng.choice(len(SN), nv, p=SW)
        self.v_nclan = np.where(rng.random(nv) < 0.4, 2, 1)
        self.v_clanshare = np.where(self.v_urban, 0.0, rng.uniform(0.25, 0.65, nv))
        self.log(f"geography: {nv} villages/communities")

    def _given_names(self, male: np.ndarray, byear: np.ndarray) -> np.ndarray:
        rng = self.rng
        n = len(male)
        out = np.empty(n, dtype=object)
        single = rng.random(n) < 0.22
        fixed = rng.random(n) < 0.45
        mch = np.array(M_CH)
        fch = np.array(F_CH)
        c1 = np.where(male, mch[rng.integers(0, len(mch), n)], fch[rng.integers(0, len(fch), n)])
        c2 = np.where(male, mch[rng.integers(0, len(mch), n)], fch[rng.integers(0, len(fch), n)])
        era = np.where(byear < 1965, 0, np.where(byear < 1990, 1, 2))
        pools = {(True, 0): M_OLD, (False, 0): F_OLD, (True, 1): M_MID, (False, 1): F_MID,
                 (True, 2): M_NEW, (False, 2): F_NEW}
        for i in range(n):
            if single[i]:
                out[i] = c1[i]
            elif fixed[i]:
                p = pools[(bool(male[i]), int(era[i]))]
                out[i] = p[rng.integers(0, len(p))]
            else:
                out[i] = c1[i] + (c2[i] if c2[i] != c1[i] else ("华" if male[i] else "丽"))
        return out

    def _birth(self, age: np.ndarray) -> np.ndarray:
        """age in years (float allowed) -> yyyymmdd ints relative to the scored start date."""
        base = np.datetime64(self.d_from.isoformat())
        days = (np.asarray(age) * 365.2425 + self.rng.uniform(0, 365, len(age))).astype(np.int64)
        bd = base - days.astype("timedelta64[D]")
        s = np.datetime_as_string(bd)
        return np.array([int(x.replace("-", "")) for x in s], dtype=np.int64)

    def _regions(self, county: np.ndarray, birth: np.ndarray, mobile: float = 0.08) -> np.ndarray:
        rng = self.rng
        n = len(county)
        byear = birth // 10000
        origin = county.copy()
        u = rng.random(n)
        moved = u < mobile * 0.65
        origin[moved] = rng.choice(NC, moved.sum(), p=C_PW)
        outside = (u >= mobile * 0.65) & (u < mobile)
        reg = np.empty(n, dtype=np.int64)
        for i in range(n):
            c = origin[i]
            if outside[i]:
                reg[i] = int(OUTSIDE_CODES[rng.integers(0, len(OUTSIDE_CODES))])
            elif byear[i] < 2000:
                reg[i] = int(COUNTIES[c][3][0])
            elif c == HUAIYANG and byear[i] < 2019:
                reg[i] = 411626
            else:
                reg[i] = int(COUNTIES[c][0])
        return reg

    def _new_people(self, county, village, surname_idx, male, age):
        """Create persons (arrays) and register them. Returns index range."""
        rng = self.rng
        n = len(county)
        birth = self._birth(age)
        region = self._regions(county, birth)
        seq = rng.integers(1, 500, n) * 2 - np.where(male, 1, 0)  # odd male, even female
        seq = np.clip(seq, 1, 999)
        ids17 = [f"{r:06d}{b:08d}{s:03d}" for r, b, s in zip(region.tolist(), birth.tolist(), seq.tolist())]
        for i in range(n):
            while ids17[i] in self.id17_set:
                seq[i] = int(rng.integers(1, 500)) * 2 - (1 if male[i] else 0)
                ids17[i] = f"{region[i]:06d}{birth[i]:08d}{seq[i]:03d}"
            self.id17_set.add(ids17[i])
        ids = make_ids(region, birth, seq)
        given = self._given_names(male, birth // 10000)
        names = [SN[s] + g for s, g in zip(surname_idx, given)]
        start = len(self.p_id)
        self.p_id.extend(ids)
        self.p_name.extend(names)
        self.p_male.extend(male.tolist())
        self.p_birth.extend(birth.tolist())
        self.p_county.extend(county.tolist())
        self.p_village.extend(village.tolist())
        self.p_surname.extend(surname_idx.tolist())
        return start, start + n

    def persons(self):
        rng = self.rng
        a = self.a
        n = a.persons if a.persons else int(np.clip(a.lookups * 0.25, 20000, 150000))
        self.p_id, self.p_name, self.p_male, self.p_birth = [], [], [], []
        self.p_county, self.p_village, self.p_surname = [], [], []
        self.id17_set = set()
        county = rng.choice(NC, n, p=C_PW)
        village = np.empty(n, dtype=np.int64)
        for ci in range(NC):
            m = county == ci
            vi = np.flatnonzero(self.v_c == ci)
            w = self.v_w[vi] / self.v_w[vi].sum()
            village[m] = vi[rng.choice(len(vi), m.sum(), p=w)]
        sur = rng.choice(len(SN), n, p=SW)
        u = rng.random(n)
        clan = u < self.v_clanshare[village]
        second = (self.v_nclan[village] == 2) & (rng.random(n) < 0.4)
        sur = np.where(clan, np.where(second, self.v_clan2[village], self.v_clan1[village]), sur)
        male = rng.random(n) < 0.505
        ages = np.arange(18, 86)
        aw = np.interp(ages, [18, 24, 30, 40, 50, 57, 65, 75, 85], [0.75, 0.85, 1.0, 1.0, 1.25, 1.25, 0.9, 0.55, 0.2])
        age = rng.choice(ages, n, p=aw / aw.sum()).astype(float)
        self._new_people(county, village, sur, male, age)
        self.n_base = n
        self.log(f"persons: {n} base persons")

    # ---------------------------------------------------------------- operators
    def operators(self):
        rng = self.rng
        a = self.a
        nops = a.operators
        w = np.array([DEPTS[d]["ops"] for d in DEPT_CODES], dtype=float)
        raw = w / w.sum() * nops
        cnt = np.maximum(np.floor(raw).astype(int), 1 if nops >= len(DEPT_CODES) else 0)
        while cnt.sum() < nops:
            cnt[np.argmax(raw - cnt)] += 1
        while cnt.sum() > nops:
            cnt[np.argmax(cnt - raw)] -= 1
        ops = []
        for di, dc in enumerate(DEPT_CODES):
            dep = DEPTS[dc]
            k = cnt[di]
            if k <= 0:
                continue
            shares = np.array([r["share"] for r in dep["roles"]])
            rr = shares * k
            rc = np.floor(rr).astype(int)
            while rc.sum() < k:
                rc[np.argmax(rr - rc)] += 1
            roles = sum(([ri] * int(c) for ri, c in enumerate(rc)), [])
            rng.shuffle(roles)
            for ri in roles:
                level_county = rng.random() < dep["county"]
                county = int(rng.choice(NC, p=C_PW)) if level_county else -1
                ops.append(dict(dept=dc, role_i=ri, role=dep["roles"][ri]["role"], county=county))
        # make sure GOVSERVICE has windows in every county
        self.ops = ops
        nop = len(ops)
        # operator ids
        ids = rng.choice(np.arange(10000, 99999), nop, replace=False)
        used_persons = set()
        p_birth = np.array(self.p_birth)
        p_county = np.array(self.p_county)
        age = (ymd(self.d_from) - p_birth) // 10000
        elig = (age >= 23) & (age <= 58)
        by_c = [np.flatnonzero(elig & (p_county == c)) for c in range(NC)]
        fam_county, fam_village, fam_sur, fam_male, fam_age, fam_owner = [], [], [], [], [], []
        for k, o in enumerate(ops):
            o["op_id"] = f"OP{ids[k]}"
            home = o["county"] if o["county"] >= 0 else (CHUANHUI if rng.random() < 0.6 else int(rng.choice(NC, p=C_PW)))
            while True:
                pi = int(by_c[home][rng.integers(0, len(by_c[home]))])
                if pi not in used_persons:
                    break
            used_persons.add(pi)
            o["person"] = pi
            o["home"] = home
            my_age = int(age[pi])
            vil = self.p_village[pi]
            sur = self.p_surname[pi]
            # family: parents, siblings, cousins with the same surname in the same village,
            # plus (usually) a spouse with another surname at the same address
            nf = int(rng.integers(2, 7))
            for j in range(nf):
                rel = rng.random()
                if rel < 0.35:
                    fa = my_age + rng.integers(22, 32)
                elif rel < 0.75:
                    fa = my_age + rng.integers(-8, 9)
                else:
                    fa = my_age + rng.integers(-20, 21)
                fam_age.append(float(np.clip(fa, 18, 88)))
                fam_county.append(home)
                fam_village.append(vil)
                fam_sur.append(sur)
                fam_male.append(bool(rng.random() < 0.5))
                fam_owner.append(k)
            if rng.random() < 0.75:
                fam_age.append(float(np.clip(my_age + rng.integers(-4, 5), 20, 80)))
                fam_county.append(home)
                fam_village.append(vil)
                fam_sur.append(int(rng.choice(len(SN), p=SW)))
                fam_male.append(not self.p_male[pi])
                fam_owner.append(k)
        s, e = self._new_people(np.array(fam_county), np.array(fam_village, dtype=np.int64),
                                np.array(fam_sur), np.array(fam_male), np.array(fam_age))
        fam_owner = np.array(fam_owner)
        for k, o in enumerate(ops):
            o["family"] = set((np.flatnonzero(fam_owner == k) + s).tolist())
            o["excl"] = o["family"] | {o["person"]}
        self.log(f"operators: {nop} ({sum(o['county'] >= 0 for o in ops)} county-level); persons now {len(self.p_id)}")

    def finalize_persons(self):
        rng = self.rng
        self.P = len(self.p_id)
        self.p_county_a = np.array(self.p_county)
        self.p_village_a = np.array(self.p_village, dtype=np.int64)
        self.p_surname_a = np.array(self.p_surname)
        self.p_birth_a = np.array(self.p_birth, dtype=np.int64)
        self.p_male_a = np.array(self.p_male)
        age = (ymd(self.d_from) - self.p_birth_a) // 10000
        self.p_age = age
        # watch list: ~0.12 % of persons (public figures skew older), never operators/family
        op_persons = set()
        for o in self.ops:
            op_persons |= o["excl"]
        n_s = max(5, int(round(self.P * 0.0012)))
        w = np.where((age >= 35) & (age <= 75), 1.0, 0.25)
        w[list(op_persons)] = 0
        sens = rng.choice(self.P, n_s, replace=False, p=w / w.sum())
        self.p_sens = np.zeros(self.P, dtype=bool)
        self.p_sens[sens] = True
        self.sens_idx = np.sort(sens)
        self.by_county = [np.flatnonzero(self.p_county_a == c) for c in range(NC)]
        # department clientele pools (practitioners, legal representatives, ...)
        self.pool = {}
        for dc in DEPT_CODES:
            m = (rng.random(self.P) < 0.05) & (age >= 22) & (age <= 65)
            self.pool[dc] = [np.flatnonzero(m & (self.p_county_a == c)) for c in range(NC)]
        self.young = [np.flatnonzero((self.p_county_a == c) & (age >= 20) & (age <= 38)) for c in range(NC)]
        # subject id table: persons first, then unregistered ids appended
        self.ids = list(self.p_id)
        self.id_pos = {x: i for i, x in enumerate(self.ids)}
        self.reg_set = self.id_pos  # every id already used (persons and extras)
        self.extra_kind = []  # per appended id: 'newcomer' / 'typo' / 'probe'
        # newcomers: valid IDs absent from persons (moved in, not yet loaded)
        n_new = max(50, int(self.a.lookups * 0.0015))
        reg = np.array([int(OUTSIDE_CODES[i]) for i in rng.integers(0, len(OUTSIDE_CODES), n_new)])
        zk = rng.random(n_new) < 0.3
        reg[zk] = [int(C_CODE[i]) for i in rng.choice(NC, zk.sum(), p=C_PW)]
        birth = self._birth(rng.uniform(18, 60, n_new))
        male = rng.random(n_new) < 0.5
        seq = np.clip(rng.integers(1, 500, n_new) * 2 - np.where(male, 1, 0), 1, 999)
        ids = make_ids(reg, birth, seq)
        self.newcomers = []
        for s in ids:
            if s not in self.reg_set:
                self.newcomers.append(self._add_extra(s, "newcomer"))
        self.newcomers = np.array(self.newcomers)
        self.log(f"persons final: {self.P}, sensitive {len(self.sens_idx)}, newcomer ids {len(self.newcomers)}")

    def _add_extra(self, s, kind):
        self.ids.append(s)
        self.extra_kind.append(kind)
        self.id_pos[s] = len(self.ids) - 1  # so that later guesses never collide
        return len(self.ids) - 1

    def typo_of(self, pi):
        """A mistyped but check-valid ID for person pi (wrong sequence digits, check recomputed)."""
        rng = self.rng
        s = self.p_id[pi]
        for _ in range(20):
            seq = int(s[14:17])
            seq2 = (seq + int(rng.choice([2, 4, 10, 20, 100, -2, -10, -100]))) % 1000
            if seq2 == 0:
                continue
            reg, b = int(s[:6]), int(s[6:14])
            cand = make_ids([reg], [b], [seq2])[0]
            if cand not in self.reg_set:
                return self._add_extra(cand, "typo")
        return int(self.newcomers[rng.integers(0, len(self.newcomers))])

    # ---------------------------------------------------------------- operator schedules
    def schedules(self):
        rng = self.rng
        ND, S0 = self.ND, self.S0
        nop = len(self.ops)
        W = np.zeros((nop, ND))
        MODE = np.zeros((nop, ND), dtype=np.int8)
        # office keys -> terminals
        office_members = {}
        for k, o in enumerate(self.ops):
            key = ((C_CODE[o["county"]] if o["county"] >= 0 else "CITY"), o["dept"])
            office_members.setdefault(key, []).append(k)
        for key, mem in office_members.items():
            cc, dc = key
            nwin = 0
            npc = 0
            for k in mem:
                o = self.ops[k]
                rd = DEPTS[dc]["roles"][o["role_i"]]
                if rd["sched"] == "window":
                    nwin += 1
                    o["term1"] = f"{cc}-{dc}-W{nwin:02d}"
                else:
                    npc += 1
                    o["term1"] = f"{cc}-{dc}-PC{npc:02d}"
            nshared = max(1, (npc + nwin) // 4)
            for k in mem:
                o = self.ops[k]
                o["term2"] = f"{cc}-{dc}-PC{npc + 1 + int(rng.integers(0, nshared)):02d}"
                o["p_term1"] = float(rng.uniform(0.8, 0.97))
        for k, o in enumerate(self.ops):
            dep = DEPTS[o["dept"]]
            rd = dep["roles"][o["role_i"]]
            o["rd"] = rd
            sched = rd["sched"]
            o["sched"] = sched
            weekly = rd["weekly"] * rng.lognormal(0, 0.45)
            o["part_time"] = False
            # employment span
            u = rng.random()
            start, end = 0, ND
            if u < 0.05:
                start = int(rng.integers(S0 + 5, ND - 10)) if self.D > 20 else 0
            elif u < 0.09:
                end = int(rng.integers(S0 + 10, ND - 5)) if self.D > 20 else ND
            o["start"], o["end"] = start, end
            active = np.zeros(ND, dtype=bool)
            active[start:end] = True
            workdays_pattern = np.ones(7, dtype=bool)
            if rng.random() < 0.06 and sched in ("office", "window"):
                o["part_time"] = True
                weekly *= rng.uniform(0.35, 0.6)
                days = rng.choice(5, int(rng.integers(2, 4)), replace=False)
                workdays_pattern = np.zeros(7, dtype=bool)
                workdays_pattern[days] = True
                workdays_pattern[5:] = True  # make-up Saturdays still possible
            o["weekly"] = weekly
            base = weekly / 5.0 if not o["part_time"] else weekly / max(1, workdays_pattern[:5].sum())
            season = self.season(o["dept"], rd["role"])
            w = np.zeros(ND)
            mode = np.zeros(ND, dtype=np.int8)
            work = self.is_work & workdays_pattern[self.dow]
            # leave blocks (annual leave, summer heavy) and single sick days
            leave = np.zeros(ND, dtype=bool)
            nblocks = (rng.random() < 0.45) + (rng.random() < 0.1)
            catch = np.ones(ND)
            for _ in range(nblocks):
                L = int(rng.integers(4, 11))
                wd = np.flatnonzero(work & active)
                if len(wd) <= L + 2:
                    continue
                sidx = int(rng.integers(0, len(wd) - L - 2))
                blk = wd[sidx:sidx + L]
                leave[blk] = True
                after = wd[sidx + L: sidx + L + 2]
                catch[after] *= rng.uniform(1.5, 2.2)
            leave |= rng.random(ND) < 0.012
            o["leave"] = leave
            if sched in ("office", "window", "enforce"):
                on = work & active & ~leave
                w[on] = base
                mode[on] = 1
                if sched == "window" and o["dept"] == "GOVSERVICE" and not o["part_time"]:
                    rota = int(rng.integers(0, 4))
                    sat = (self.dow == 5) & ~self.is_hol & ~self.is_mk & active & ~leave
                    sat &= ((np.arange(ND) // 7) % 4) == rota
                    w[sat] = base * 0.55
                    mode[sat] = 2
                if sched in ("office", "enforce"):
                    ot = (~self.is_work) & active & ~leave & (rng.random(ND) < np.where(self.is_hol, 0.004, 0.018))
                    w[ot] = base * 0.3
                    mode[ot] = 3
                if sched == "enforce":
                    # enforcement operations (集中执行行动): early morning / weekends, every 2-4 weeks
                    dd = int(rng.integers(0, 14))
                    while dd < ND:
                        if active[dd] and not self.is_hol[dd]:
                            w[dd] = base * 2.5
                            mode[dd] = 5
                        dd += int(rng.integers(14, 29))
            elif sched == "duty":
                off = int(rng.integers(0, 4))
                pos = (np.arange(ND) + off) % 4
                shift = (pos == 0) & active & ~leave
                w[shift] = base * 1.7
                mode[shift] = 4
                offi = ((pos == 2) | (pos == 3)) & self.is_work & active & ~leave
                w[offi] = base * 0.8
                mode[offi] = 1
            noise = rng.gamma(5.0, 1 / 5.0, ND)
            w = w * self.day_f * season * catch * noise
            W[k] = w
            MODE[k] = mode
            o["active"] = active
            o["hour_off"] = float(rng.normal(0, 600))
            # county scope
            if o["county"] >= 0:
                o["p_own"] = float(rng.uniform(0.75, 0.85))
                p = C_PW.copy()
                p[o["county"]] = 0
                p = p / p.sum() * (1 - o["p_own"])
                p[o["county"]] = o["p_own"]
            else:
                p = C_PW.copy()
                p[CHUANHUI] *= 1.5
                p = p / p.sum()
            o["cprobs"] = p
            o["ep"] = min(0.3, dep["ep"] * rng.lognormal(0, 0.7))
            o["er"] = min(0.3, dep["er"] * rng.lognormal(0, 0.7))
            pur = rd["purp"] or list(dep["mix"].keys())
            pw = np.array([dep["mix"][p_] for p_ in pur], dtype=float)
            pw *= rng.lognormal(0, 0.3, len(pw))
            o["purp"] = np.array([PIDX[p_] for p_ in pur])
            o["purp_w"] = pw / pw.sum()
            o["dept_purps"] = set(PIDX[p_] for p_ in dep["mix"])
            chs = list(rd["ch"].keys())
            cw = np.array(list(rd["ch"].values()))
            o["ch"] = np.array([CH[c] for c in chs])
            o["ch_w"] = cw / cw.sum()
        self.W = W
        self.MODE = MODE
        self.log("schedules done")

    # ---------------------------------------------------------------- time of day sampling
    def sample_secs(self, o, mode, day_idx):
        """Seconds after midnight for lookups with given per-lookup mode and day index."""
        rng = self.rng
        n = len(mode)
        out = np.zeros(n)
        summer = self.summer[day_idx]
        pm_start = np.where(summer, 15 * 3600, 14.5 * 3600)
        pm_end = np.where(summer, 18 * 3600, 17.5 * 3600)
        u = rng.random(n)
        # standard office/window day
        am = rng.triangular(8.4 * 3600, 10 * 3600, 12 * 3600, n)
        pm = pm_start + rng.triangular(0, 0.4, 1, n) * (pm_end - pm_start)
        if o["sched"] == "window":
            day = np.where(u < 0.52, rng.uniform(8.5 * 3600, 12 * 3600, n), pm_start + rng.uniform(0, 1, n) * (pm_end - pm_start - 600))
            extra = u > 0.985
            day[extra] = np.where(rng.random(extra.sum()) < 0.5, rng.uniform(12 * 3600, 12.6 * 3600, extra.sum()),
                                  pm_end[extra] + rng.uniform(0, 2400, extra.sum()))
        else:
            day = np.where(u < 0.48, am, pm)
            ev = u > 0.96  # overtime tail
            day[ev] = pm_end[ev] + rng.exponential(3600, ev.sum())
            early = (u > 0.95) & (u <= 0.96)
            day[early] = rng.uniform(7.4 * 3600, 8.4 * 3600, early.sum())
            lunch = (u > 0.935) & (u <= 0.95)
            day[lunch] = rng.uniform(12 * 3600, pm_start[lunch])
        day = day + o["hour_off"]
        out[:] = day
        m2 = mode == 2
        out[m2] = rng.uniform(9 * 3600, 12 * 3600, m2.sum())
        m3 = mode == 3
        out[m3] = rng.triangular(8.5 * 3600, 10.5 * 3600, 18 * 3600, m3.sum())
        m4 = mode == 4  # 24h shift: busy daytime and evening, quiet small hours
        if m4.any():
            hw = np.array([3, 2, 1.2, 1, 1, 1.3, 2, 4, 6, 7, 7, 6, 4, 5, 6, 6, 6, 5, 5, 5, 5, 4.5, 4, 3.5])
            hrs = rng.choice(24, m4.sum(), p=hw / hw.sum())
            out[m4] = hrs * 3600 + rng.uniform(0, 3600, m4.sum())
        m5 = mode == 5
        if m5.any():
            k = m5.sum()
            early = rng.random(k) < 0.6
            out[m5] = np.where(early, rng.uniform(5 * 3600, 9 * 3600, k), day[m5])
        return np.clip(out, 0, 86399).astype(np.int64)

    # ---------------------------------------------------------------- references
    def ref_for(self, o, purpose, day_idx, n=None):
        """Authorisation references for legit lookups (vectorised over arrays)."""
        rng = self.rng
        dep = DEPTS[o["dept"]]
        ab = dep["abbr"]
        cc = C_CODE[o["county"]] if o["county"] >= 0 else "411600"
        dates = [self.dates[i] for i in day_idx]
        r = rng.integers(1, 99999, len(day_idx))
        out = []
        win = o["term1"].split("-")[-1]
        for p, d, x in zip(purpose.tolist(), dates, r.tolist()):
            y = d.year
            if o["sched"] == "window" or PURPOSES[p] in ("SELF", "AUTHORIZED"):
                out.append(f"{ab}{cc[2:]}-{d:%Y%m%d}-{win}-{x % 1000:03d}")
            elif PURPOSES[p] == "LICENSING":
                out.append(f"XK{cc}{d:%Y%m%d}{x:05d}")
            elif PURPOSES[p] == "ENFORCEMENT":
                out.append(f"{ab}-ZF-{y}-{x:05d}")
            elif PURPOSES[p] in ("OBJECTION", "REPAIR"):
                out.append(f"{ab}-{'YY' if PURPOSES[p] == 'OBJECTION' else 'XF'}-{y}-{x:05d}")
            else:
                out.append(f"{ab}-{PURPOSES[p][:3]}-{y}{d.month:02d}-{x:05d}")
        return out

    def case_ref(self, o, day):
        rng = self.rng
        d = self.dates[day]
        x = int(rng.integers(1, 3000))
        if o["dept"] == "COURT":
            ct = "16" if o["county"] < 0 else C_CODE[o["county"]][2:]
            return f"({d.year})豫{ct}执{x}号"
        if o["dept"] == "PSB":
            return f"周公立[{d.year}]{x:05d}"
        return f"{DEPTS[o['dept']]['abbr']}-AJ-{d.year}-{x:04d}"

    # ---------------------------------------------------------------- subjects
    def draw_subjects(self, o, n, p_pool=0.35, cprobs=None, young=False):
        rng = self.rng
        cprobs = o["cprobs"] if cprobs is None else cprobs
        cs = rng.choice(NC, n, p=cprobs)
        use_pool = rng.random(n) < p_pool
        out = np.empty(n, dtype=np.int64)
        for c in range(NC):
            for flag in (True, False):
                m = (cs == c) & (use_pool == flag)
                k = int(m.sum())
                if k == 0:
                    continue
                arr = self.young[c] if young else (self.pool[o["dept"]][c] if flag else self.by_county[c])
                out[m] = arr[rng.integers(0, len(arr), k)]
        # recusal: never the operator or their own family; public figures rarely
        bad = np.isin(out, list(o["excl"])) | (self.p_sens[out] & (rng.random(n) < 0.8))
        for i in np.flatnonzero(bad):
            c = cs[i]
            while True:
                x = int(self.by_county[c][rng.integers(0, len(self.by_county[c]))])
                if x not in o["excl"] and not self.p_sens[x]:
                    break
            out[i] = x
        return out

    def unregistered_replace(self, subj, rate):
        rng = self.rng
        m = rng.random(len(subj)) < rate
        for i in np.flatnonzero(m):
            if rng.random() < 0.7:
                subj[i] = self.newcomers[rng.integers(0, len(self.newcomers))]
            else:
                subj[i] = self.typo_of(int(subj[i]))
        return subj

    # ---------------------------------------------------------------- batches
    def batches(self):
        rng = self.rng
        ev = []
        for k, o in enumerate(self.ops):
            if not o["rd"]["batch"]:
                continue
            wd = np.flatnonzero(self.MODE[k] == 1)
            if len(wd) == 0:
                continue
            rate = len(wd) / 5 / 7.0  # about one batch per 7 working weeks
            nb = rng.poisson(rate)
            season = self.season(o["dept"], o["role"])[wd]
            for _ in range(nb):
                day = int(rng.choice(wd, p=season / season.sum()))
                size = int(np.clip(rng.lognormal(math.log(130), 0.6), 30, 800))
                if rng.random() < 0.15:
                    size = int(rng.choice([100, 150, 200, 300, 500]))
                pur = int(rng.choice(o["purp"], p=o["purp_w"]))
                api = rng.random() < 0.75
                night = api and rng.random() < 0.2
                ev.append(dict(op=k, day=day, size=size, purpose=pur, api=api, night=night))
        self.batch_events = ev
        self.batch_scored = sum(e["size"] for e in ev if e["day"] >= self.S0)
        self.log(f"batches: {len(ev)} events, {self.batch_scored} scored lookups")

    def gen_batches(self):
        rng = self.rng
        rows = []
        for bi, e in enumerate(self.batch_events):
            o = self.ops[e["op"]]
            n = e["size"]
            pur = e["purpose"]
            young = PURPOSES[pur] in ("EMPLOYMENT", "LABOUR")
            cp = o["cprobs"]
            if o["county"] >= 0:
                cp = np.full(NC, 0.15 / (NC - 1))
                cp[o["county"]] = 0.85
            # unique candidates
            subj = self.draw_subjects(o, n, p_pool=0.0 if young else 0.6, cprobs=cp, young=young)
            subj = np.unique(subj)
            rng.shuffle(subj)
            subj = self.unregistered_replace(subj, 0.004)
            n = len(subj)
            d = self.dates[e["day"]]
            ref = f"{DEPTS[o['dept']]['abbr']}-PC-{d.year}-{bi % 997 + 1:03d}"
            if e["api"]:
                start = rng.uniform(21 * 3600, 22.8 * 3600) if e["night"] else rng.uniform(9 * 3600, 11 * 3600)
                gaps = rng.uniform(1, 6, n)
                ch = CH["API"]
                term = f"APIGW-{o['dept']}"
            else:
                start = rng.uniform(8.7 * 3600, 10 * 3600)
                gaps = rng.uniform(8, 40, n)
                ch = CH["WEB"]
                term = o["term1"]
            secs = start + np.cumsum(gaps)
            # a large manual batch spills into the next working day(s)
            dayv = np.full(n, e["day"], dtype=np.int64)
            if not e["api"]:
                per_day = 600
                wd = np.flatnonzero(self.MODE[e["op"]] >= 1)
                wd = wd[wd >= e["day"]]
                for j in range(n):
                    q = j // per_day
                    if q > 0 and q < len(wd):
                        dayv[j] = wd[q]
                secs = (8.7 * 3600 + (secs - 8.7 * 3600) % (9 * 3600))
                secs = np.where((secs > 12 * 3600) & (secs < 14.5 * 3600), secs + 3 * 3600, secs)
            ts = self.ts_day0[dayv] + secs.astype(np.int64)
            last = (self.ND) * 86400 - 1
            ts = np.minimum(ts, last)
            rows.append(dict(op=np.full(n, e["op"]), ts=ts, subj=subj, purpose=np.full(n, pur),
                             ref=[ref] * n, ch=np.full(n, ch), term=[term] * n))
        return rows

    # ---------------------------------------------------------------- normal lookups
    def gen_normal(self, n_scored):
        rng = self.rng
        S0 = self.S0
        Ws = self.W[:, S0:]
        tot = Ws.sum()
        counts = np.zeros_like(self.W, dtype=np.int64)
        if n_scored > 0 and tot > 0:
            c = rng.multinomial(n_scored, (Ws / tot).ravel()).reshape(Ws.shape)
            counts[:, S0:] = c
        if S0 > 0 and tot > 0:
            counts[:, :S0] = rng.poisson(self.W[:, :S0] * n_scored / tot)
        self.counts = counts
        rows = []
        for k, o in enumerate(self.ops):
            cnt = counts[k]
            n = int(cnt.sum())
            if n == 0:
                continue
            day = np.repeat(np.arange(self.ND), cnt)
            mode = self.MODE[k][day]
            secs = self.sample_secs(o, mode, day)
            ts = self.ts_day0[day] + secs
            pur = rng.choice(o["purp"], n, p=o["purp_w"])
            # year-end commendation shift
            if (self.month[day] == 12).any():
                cm = PIDX["COMMENDATION"]
                if cm in o["dept_purps"]:
                    dec = (self.month[day] == 12) & (rng.random(n) < 0.3)
                    pur[dec] = cm
            subj = self.draw_subjects(o, n, p_pool=0.0 if o["sched"] == "window" else 0.4)
            ref = self.ref_for(o, pur, day)
            # case follow-ups (legitimate repeats with a case reference)
            p_case = o["rd"]["case"]
            if p_case > 0:
                is_case = rng.random(n) < p_case
                if mode.max() == 4:
                    is_case &= mode != 4  # shift-duty lookups are mostly ad-hoc checks
                ncase_l = int(is_case.sum())
                ncases = max(3, int(ncase_l / 7))
                first = max(0, o["start"] - 30)
                cs_start = rng.integers(first - 20, max(first - 19, o["end"]), ncases)
                cs_len = rng.integers(7, 61, ncases)
                cs_w = rng.lognormal(0, 0.8, ncases)
                cs_subj = []
                cs_ref = []
                cs_pur = []
                cpur = [p_ for p_ in o["purp"].tolist() if PURPOSES[p_] in ("ENFORCEMENT", "OBJECTION", "LABOUR")] or o["purp"].tolist()
                for j in range(ncases):
                    ns = int(rng.choice([1, 1, 1, 2, 2, 3, 4]))
                    cs_subj.append(self.draw_subjects(o, ns, p_pool=0.3))
                    cs_ref.append(self.case_ref(o, int(max(0, cs_start[j]))))
                    cs_pur.append(int(rng.choice(cpur)))
                for i in np.flatnonzero(is_case):
                    d = day[i]
                    open_ = np.flatnonzero((cs_start <= d) & (cs_start + cs_len >= d))
                    if len(open_) == 0:
                        continue
                    j = int(rng.choice(open_, p=cs_w[open_] / cs_w[open_].sum()))
                    ss = cs_subj[j]
                    subj[i] = ss[0] if (len(ss) == 1 or rng.random() < 0.6) else ss[rng.integers(1, len(ss))]
                    ref[i] = cs_ref[j]
                    pur[i] = cs_pur[j]
            unreg = 0.004 if o["sched"] == "window" else 0.0015
            subj = self.unregistered_replace(subj, unreg)
            # honest sloppiness
            pur = pur.astype(np.int64)
            pur[rng.random(n) < o["ep"]] = -1
            er = rng.random(n) < o["er"]
            ref = [("" if e else r) for r, e in zip(ref, er.tolist())]
            ch = rng.choice(o["ch"], n, p=o["ch_w"])
            t1 = rng.random(n) < o["p_term1"]
            term = [o["term1"] if t else o["term2"] for t in t1.tolist()]
            rows.append(dict(op=np.full(n, k), ts=ts, subj=subj, purpose=pur, ref=ref, ch=ch, term=term))
        return rows

    # ---------------------------------------------------------------- misuse
    KINDS = ["kin", "colleagues", "watchlist", "stalking", "harvesting", "after_hours",
             "out_of_county", "foreign_purpose", "probing"]

    def eligible(self, k, kind):
        o = self.ops[k]
        act = o["active"][self.S0:] & (self.MODE[k][self.S0:] >= 1)
        if act.sum() < max(8, 0.35 * self.D):
            return False
        if kind == "colleagues":
            return sum(1 for x in self.ops if x["dept"] == o["dept"]) >= 6
        if kind == "after_hours":
            return o["sched"] in ("office", "window")
        if kind == "out_of_county":
            return o["county"] >= 0 and o["weekly"] < 150
        if kind == "foreign_purpose":
            return len(set(range(len(PURPOSES))) - o["dept_purps"]) >= 3
        return True

    def plan_misuse(self):
        rng = self.rng
        m = min(self.a.misusers, len(self.ops))
        kinds = self.KINDS
        cnt = {kd: m // len(kinds) for kd in kinds}
        for kd in rng.choice(kinds, m % len(kinds), replace=False):
            cnt[kd] += 1
        order = list(rng.permutation(len(self.ops)))
        chosen = {}
        prim = []
        for kd in kinds:
            for _ in range(cnt[kd]):
                for k in order:
                    if k not in chosen and self.eligible(k, kd):
                        chosen[k] = kd
                        prim.append((k, kd))
                        order.remove(k)
                        break
        ops_per_kind = {kd: sum(1 for _, x in prim if x == kd) for kd in kinds}
        episodes = [(k, kd) for k, kd in prim]
        # some misusers have a second episode (another kind, or a separate repeat of the same kind)
        nsec = int(round(0.2 * m))
        cands = list(chosen.keys())
        rng.shuffle(cands)
        for k in cands[:nsec]:
            if rng.random() < 0.3:
                episodes.append((k, chosen[k]))
                continue
            opts = [kd for kd in kinds if kd != chosen[k] and ops_per_kind[kd] < 4 and self.eligible(k, kd)]
            if opts:
                kd = opts[int(rng.integers(0, len(opts)))]
                ops_per_kind[kd] += 1
                episodes.append((k, kd))
        # tempo: alternate burst / thin within each kind (stalking starts thin, harvesting burst)
        tempo = []
        seen = {}
        start_thin = {kd: bool(rng.random() < 0.5) for kd in kinds}
        start_thin["stalking"] = True
        start_thin["harvesting"] = False
        for (k, kd) in episodes:
            j = seen.get(kd, 0)
            seen[kd] = j + 1
            thin = start_thin[kd] if j % 2 == 0 else not start_thin[kd]
            tempo.append("thin" if thin else "burst")
        self.episodes = []
        for (k, kd), tp in zip(episodes, tempo):
            self.episodes.append(self.make_episode(k, kd, tp))
        self.misuse_n = sum(len(e["ts"]) for e in self.episodes)
        self.log(f"misuse: {len({e['op'] for e in self.episodes})} operators, {len(self.episodes)} episodes, {self.misuse_n} lookups")

    def _episode_days(self, k, tempo, kind, n_days_thin):
        rng = self.rng
        S0 = self.S0
        o = self.ops[k]
        if kind == "after_hours":
            cand = np.flatnonzero(o["active"] & (np.arange(self.ND) >= S0))
        else:
            cand = np.flatnonzero((self.MODE[k] >= 1) & (np.arange(self.ND) >= S0))
        if tempo == "burst":
            nb = {"stalking": int(rng.integers(3, 6)), "probing": 1, "after_hours": int(rng.integers(1, 3)),
                  "harvesting": int(rng.integers(1, 4))}.get(kind, 1 if rng.random() < 0.5 else int(rng.integers(2, 4)))
            d0 = int(rng.choice(cand[cand <= cand.max() - 3] if (cand <= cand.max() - 3).any() else cand))
            more = cand[(cand > d0) & (cand <= d0 + 6)]
            nx = min(len(more), nb - 1)
            return sorted([d0] + (sorted(rng.choice(more, nx, replace=False).tolist()) if nx > 0 else []))
        best = None
        for _ in range(200):
            pick = np.sort(rng.choice(cand, min(n_days_thin, len(cand)), replace=False))
            gaps = np.diff(pick)
            ok_span = pick[-1] - pick[0] >= min(21, self.D // 3)
            if ok_span and (len(gaps) == 0 or gaps.min() >= 3):
                return pick.tolist()
            if best is None and ok_span:
                best = pick
        return (best if best is not None else pick).tolist()

    def make_episode(self, k, kind, tempo):
        rng = self.rng
        o = self.ops[k]
        R_ = lambda a, b: int(rng.integers(a, b + 1))
        # --- days and counts
        if tempo == "burst":
            n = {"kin": R_(6, 18), "colleagues": R_(8, 25), "watchlist": R_(4, 12), "stalking": R_(8, 20),
                 "harvesting": R_(150, 600), "after_hours": R_(10, 30), "out_of_county": R_(12, 35),
                 "foreign_purpose": R_(5, 15), "probing": R_(20, 60)}[kind]
            days = self._episode_days(k, "burst", kind, 0)
            split = rng.multinomial(n - len(days), np.ones(len(days)) / len(days)) + 1
        else:
            nd = {"kin": R_(3, 6), "colleagues": R_(3, 6), "watchlist": R_(3, 6), "stalking": R_(6, 12),
                  "harvesting": R_(4, 8), "after_hours": R_(3, 7), "out_of_county": R_(4, 7),
                  "foreign_purpose": R_(3, 6), "probing": R_(3, 6)}[kind]
            days = self._episode_days(k, "thin", kind, nd)
            lo, hi = (8, 25) if kind == "harvesting" else ((1, 3) if kind == "stalking" else (1, 4))
            split = rng.integers(lo, hi + 1, len(days))
            n = int(split.sum())
        # --- subjects
        subj = self.misuse_subjects(o, kind, n, k)
        # --- times
        ts = []
        api = kind == "harvesting" and o["rd"]["batch"] and rng.random() < 0.7
        odd = kind == "harvesting" and rng.random() < 0.5
        for d, c in zip(days, split.tolist()):
            c = int(c)
            day_start = int(self.ts_day0[d])
            if kind == "after_hours":
                if self.is_work[d]:
                    start = rng.uniform(19.5 * 3600, 23.2 * 3600)
                else:
                    start = rng.uniform(9 * 3600, 22 * 3600)
                secs = start + np.cumsum(rng.exponential(150, c))
            elif kind == "harvesting":
                if odd:
                    start = rng.uniform(21 * 3600, 23 * 3600) if rng.random() < 0.6 else rng.uniform(12.1 * 3600, 13.5 * 3600)
                else:
                    start = float(self.sample_secs(o, np.array([1]), np.array([d]))[0])
                gaps = rng.uniform(2, 7, c) if api else rng.uniform(12, 45, c)
                secs = start + np.cumsum(gaps)
            elif kind == "probing" and c >= 5:
                start = float(self.sample_secs(o, np.array([1]), np.array([d]))[0])
                secs = start + np.cumsum(rng.uniform(8, 40, c))
            elif tempo == "burst" and c >= 3:
                start = float(self.sample_secs(o, np.array([1]), np.array([d]))[0])
                secs = start + np.cumsum(rng.exponential(100, c))
            else:
                secs = self.sample_secs(o, np.full(c, 1, dtype=np.int8), np.full(c, d)).astype(float)
            t = day_start + secs.astype(np.int64)
            t = np.minimum(t, self.ND * 86400 - 1)
            ts.append(t)
        ts = np.concatenate(ts)
        order = np.argsort(ts, kind="stable")
        ts = ts[order]
        # ch / terminal
        if api:
            ch = np.full(n, CH["API"])
            term = [f"APIGW-{o['dept']}"] * n
        else:
            chs = [c for c in o["ch"].tolist() if c != CH["API"]] or [CH["WEB"]]
            if kind == "after_hours" and CH["WINDOW"] in chs:
                chs = [CH["WEB"]]
            ch = np.array([chs[0] if rng.random() < 0.9 else chs[int(rng.integers(0, len(chs)))] for _ in range(n)])
            term = [o["term1"] if rng.random() < 0.85 else o["term2"] for _ in range(n)]
        style = str(rng.choice(["none", "purpose_only", "copy", "fake"], p=[0.35, 0.25, 0.25, 0.15]))
        if kind == "harvesting":
            style = str(rng.choice(["none", "reuse", "copy"], p=[0.4, 0.4, 0.2]))
        if kind == "foreign_purpose":
            foreign = sorted(set(range(len(PURPOSES))) - o["dept_purps"])
            pref = [p for p in foreign if PURPOSES[p] in ("SELF", "AUTHORIZED", "CIVIL_SERVICE", "EMPLOYMENT", "HONESTY_AWARD", "APPOINTMENT")]
            fp = (pref or foreign)
            style = "foreign"
            o_fp = [int(x) for x in rng.choice(fp, min(2, len(fp)), replace=False)]
        else:
            o_fp = []
        return dict(op=k, kind=kind, tempo=tempo, ts=ts, subj=subj, ch=ch, term=term, style=style, fp=o_fp)

    def misuse_subjects(self, o, kind, n, k):
        rng = self.rng
        P = self.P
        pi = o["person"]
        if kind == "kin":
            vil = self.p_village[pi]
            same_v = np.flatnonzero(self.p_village_a == vil)
            same_v = same_v[same_v != pi]
            kin = same_v[self.p_surname_a[same_v] == self.p_surname[pi]]
            other = np.setdiff1d(same_v, kin)
            nt = min(len(same_v), int(rng.integers(3, 11)))
            nk = min(len(kin), max(1, int(round(nt * 0.7))))
            tg = list(rng.choice(kin, nk, replace=False)) if nk else []
            if len(other):
                tg += list(rng.choice(other, min(len(other), max(0, nt - nk)), replace=False))
            tg = np.array(tg)
            return tg[rng.integers(0, len(tg), n)] if n > len(tg) else rng.permutation(tg)[:n]
        if kind == "colleagues":
            same = [x["person"] for j, x in enumerate(self.ops) if x["dept"] == o["dept"] and j != k]
            near = [x["person"] for j, x in enumerate(self.ops) if x["dept"] == o["dept"] and j != k and x["county"] == o["county"]]
            pool = np.array(near if len(near) >= 4 and rng.random() < 0.6 else same)
            nt = min(len(pool), int(rng.integers(4, 21)))
            tg = rng.choice(pool, nt, replace=False)
            return np.concatenate([tg, tg[rng.integers(0, nt, max(0, n - nt))]])[:n] if n > nt else tg[:n]
        if kind == "watchlist":
            nt = min(len(self.sens_idx), int(rng.integers(3, 13)))
            tg = rng.choice(self.sens_idx, nt, replace=False)
            return np.concatenate([tg, tg[rng.integers(0, nt, max(0, n - nt))]])[:n]
        if kind == "stalking":
            c = o["home"] if rng.random() < 0.8 else int(rng.choice(NC, p=C_PW))
            my_age = self.p_age[pi]
            cand = self.by_county[c]
            cand = cand[(self.p_male_a[cand] != self.p_male[pi]) & (np.abs(self.p_age[cand] - my_age) <= 10)]
            cand = cand[~np.isin(cand, list(o["excl"]))]
            t1 = int(rng.choice(cand))
            if rng.random() < 0.2:
                t2 = int(rng.choice(self.by_county[c]))
                return np.where(rng.random(n) < 0.8, t1, t2)
            return np.full(n, t1)
        if kind == "harvesting":
            cand = np.flatnonzero((self.p_age >= 25) & (self.p_age <= 60))
            tg = rng.choice(cand, n, replace=False)
            return tg
        if kind in ("after_hours", "foreign_purpose"):
            cs = rng.choice(NC, n, p=o["cprobs"] if o["county"] < 0 else np.eye(NC)[o["home"]] * 0.7 + C_PW * 0.3)
            tg = np.array([int(self.by_county[c][rng.integers(0, len(self.by_county[c]))]) for c in cs])
            rep = rng.random(n) < 0.25  # some of them looked at twice
            if n > 1:
                tg[rep] = tg[rng.integers(0, n, rep.sum())]
            return tg
        if kind == "out_of_county":
            others = [c for c in range(NC) if c != o["county"]]
            tc = int(rng.choice(others))
            arr = self.by_county[tc]
            nt = max(1, int(n * 0.8))
            tg = arr[rng.integers(0, len(arr), nt)]
            return np.concatenate([tg, tg[rng.integers(0, nt, n - nt)]])
        if kind == "probing":
            return self.probe_ids(o, n)
        raise ValueError(kind)

    def probe_ids(self, o, n):
        """Guessed ID numbers: enumerate sequence numbers for a known birth date / region;
        the last guess of a run may hit the wanted (registered) person."""
        rng = self.rng
        out = []
        while len(out) < n:
            target = int(rng.choice(self.by_county[o["home"]]))
            s = self.p_id[target]
            reg, b = int(s[:6]), int(s[6:14])
            seq0 = int(s[14:17])
            run = int(min(n - len(out), rng.integers(5, 30)))
            start = max(1, seq0 - 2 * run)
            seqs = [start + 2 * i for i in range(run)]
            for q in seqs:
                if len(out) >= n:
                    break
                if q == seq0:
                    out.append(target)
                    continue
                if q > 999:
                    q = q % 999 + 1
                cand = make_ids([reg], [b], [q])[0]
                if cand in self.id_pos:
                    out.append(self.id_pos[cand])
                else:
                    out.append(self._add_extra(cand, "probe"))
            if rng.random() < 0.5 and len(out) < n:
                out.append(target)
        return np.array(out[:n], dtype=np.int64)

    def finish_misuse(self, normal_rows):
        """Fill purposes and references of misuse lookups (needs the operator's legit rows)."""
        rng = self.rng
        by_op = {}
        for r in normal_rows:
            k = int(r["op"][0])
            by_op.setdefault(k, []).append(r)
        rows = []
        for ei, e in enumerate(self.episodes):
            k = e["op"]
            o = self.ops[k]
            n = len(e["ts"])
            legit_ts, legit_p, legit_r = [], [], []
            for r in by_op.get(k, []):
                legit_ts.append(r["ts"])
                legit_p.append(r["purpose"])
                legit_r.extend(r["ref"])
            if legit_ts:
                lt = np.concatenate(legit_ts)
                lp = np.concatenate(legit_p)
                lr = np.array(legit_r, dtype=object)
                okm = (lp >= 0) & (lr != "")
                lt, lp, lr = lt[okm], lp[okm], lr[okm]
                srt = np.argsort(lt)
                lt, lp, lr = lt[srt], lp[srt], lr[srt]
            else:
                lt = np.zeros(0, dtype=np.int64)
            pur = np.full(n, -1, dtype=np.int64)
            ref = [""] * n
            reuse_ref = None
            fake_refs = self.ref_for(o, rng.choice(o["purp"], n, p=o["purp_w"]), np.full(n, int(e["ts"][0] // 86400)))
            for i in range(n):
                st = e["style"]
                if st not in ("foreign", "reuse") and rng.random() < 0.25:
                    st = str(rng.choice(["none", "purpose_only", "copy", "fake"]))
                if st == "copy" and len(lt):
                    j = np.searchsorted(lt, e["ts"][i])
                    lo = np.searchsorted(lt, e["ts"][i] - 14 * 86400)
                    if j > lo:
                        x = int(rng.integers(lo, j))
                    else:
                        x = int(rng.integers(0, len(lt)))
                    pur[i] = lp[x]
                    ref[i] = lr[x]
                elif st == "purpose_only" or (st == "copy"):
                    pur[i] = int(rng.choice(o["purp"], p=o["purp_w"]))
                elif st == "fake":
                    pur[i] = int(rng.choice(o["purp"], p=o["purp_w"]))
                    ref[i] = fake_refs[i]
                elif st == "reuse":
                    if reuse_ref is None:
                        if len(lt) and rng.random() < 0.6:
                            x = int(rng.integers(0, len(lt)))
                            reuse_ref, reuse_p = lr[x], int(lp[x])
                        else:
                            reuse_ref = f"{DEPTS[o['dept']]['abbr']}-PC-{self.dates[-1].year}-{int(rng.integers(1, 40)):03d}"
                            reuse_p = int(rng.choice(o["purp"], p=o["purp_w"]))
                    ref[i] = reuse_ref
                    pur[i] = reuse_p if rng.random() < 0.8 else -1
                elif st == "foreign":
                    pur[i] = int(rng.choice(e["fp"]))
                    ref[i] = fake_refs[i] if rng.random() < 0.45 else ""
                # "none": keep empty
            rows.append(dict(op=np.full(n, k), ts=e["ts"], subj=e["subj"], purpose=pur, ref=ref,
                             ch=e["ch"], term=e["term"], ep=np.full(n, ei)))
        return rows

    # ---------------------------------------------------------------- assemble & write
    def run(self):
        a = self.a
        self.calendar()
        self.geography()
        self.persons()
        self.operators()
        self.finalize_persons()
        self.schedules()
        self.batches()
        self.plan_misuse()
        brows = self.gen_batches()
        b_scored = sum(int((r["ts"] >= self.S0 * 86400).sum()) for r in brows)
        n_norm = a.lookups - b_scored - self.misuse_n
        if n_norm < 0:
            self.log("warning: --lookups smaller than batches + misuse; no ordinary lookups")
            n_norm = 0
        normal = self.gen_normal(n_norm)
        self.log(f"normal rows: {sum(len(r['ts']) for r in normal)}, batch rows {sum(len(r['ts']) for r in brows)}")
        mrows = self.finish_misuse(normal)
        allrows = normal + brows + mrows
        for r in normal + brows:
            r["ep"] = np.full(len(r["ts"]), -1)
        op = np.concatenate([r["op"] for r in allrows]).astype(np.int64)
        ts = np.concatenate([r["ts"] for r in allrows]).astype(np.int64)
        subj = np.concatenate([r["subj"] for r in allrows]).astype(np.int64)
        pur = np.concatenate([r["purpose"] for r in allrows]).astype(np.int64)
        ch = np.concatenate([r["ch"] for r in allrows]).astype(np.int64)
        ep = np.concatenate([r["ep"] for r in allrows]).astype(np.int64)
        ref = [x for r in allrows for x in r["ref"]]
        term = [x for r in allrows for x in r["term"]]
        # shuffle ties then sort by time
        tie = self.rng.random(len(ts))
        order = np.lexsort((tie, ts))
        self.write(op[order], ts[order], subj[order], pur[order], ch[order], ep[order],
                   [ref[i] for i in order], [term[i] for i in order])

    def write(self, op, ts, subj, pur, ch, ep, ref, term):
        a = self.a
        out = a.out
        os.makedirs(out, exist_ok=True)
        base = np.datetime64(self.d_hist.isoformat() + "T00:00:00")
        stamps = np.datetime_as_string(base + ts.astype("timedelta64[s]"), unit="s")
        n = len(ts)
        qid = np.char.add("Q", np.char.zfill(np.arange(1, n + 1).astype(str), 9))
        ids = np.array(self.ids, dtype=object)
        op_ids = np.array([o["op_id"] for o in self.ops], dtype=object)
        purs = np.array(PURPOSES + [""], dtype=object)
        chs = np.array(CHANNELS, dtype=object)
        ql = pl.DataFrame({
            "query_id": qid,
            "queried_at": stamps,
            "operator_id": op_ids[op],
            "subject_id_number": ids[subj],
            "purpose_code": purs[np.where(pur < 0, len(PURPOSES), pur)],
            "authorization_ref": ref,
            "channel": chs[ch],
            "terminal_id": term,
        }, schema={c: pl.Utf8 for c in ["query_id", "queried_at", "operator_id", "subject_id_number",
                                        "purpose_code", "authorization_ref", "channel", "terminal_id"]})
        ql = ql.with_columns([pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c)
                              for c in ("purpose_code", "authorization_ref", "terminal_id")])
        ql.write_csv(os.path.join(out, "query_log.csv"))
        # persons
        pdf = pl.DataFrame({
            "id_number": self.p_id,
            "name": self.p_name,
            "gender": ["M" if m else "F" for m in self.p_male],
            "birth_date": [f"{b // 10000:04d}-{b // 100 % 100:02d}-{b % 100:02d}" for b in self.p_birth],
            "county_code": [C_CODE[c] for c in self.p_county],
            "residence_code": [str(self.v_code[v]) for v in self.p_village],
            "sensitive": self.p_sens.astype(np.int8).tolist(),
        })
        # shuffle persons so that family clusters are not adjacent
        perm = self.rng.permutation(len(pdf))
        pdf.with_columns(pl.Series("_k", perm)).sort("_k").drop("_k").write_csv(os.path.join(out, "persons.csv"))
        odf = pl.DataFrame({
            "operator_id": [o["op_id"] for o in self.ops],
            "name": [self.p_name[o["person"]] for o in self.ops],
            "department_code": [o["dept"] for o in self.ops],
            "role": [o["role"] for o in self.ops],
            "county_code": [C_CODE[o["county"]] if o["county"] >= 0 else None for o in self.ops],
            "id_number": [self.p_id[o["person"]] for o in self.ops],
        }, schema={c: pl.Utf8 for c in ["operator_id", "name", "department_code", "role", "county_code", "id_number"]})
        odf.sort("operator_id").write_csv(os.path.join(out, "operators.csv"))
        # labels
        lab_rows = []
        lq = []
        mis = np.flatnonzero(ep >= 0)
        for ei, e in enumerate(self.episodes):
            idx = mis[ep[mis] == ei]
            if len(idx) == 0:
                continue
            lab_rows.append(dict(operator_id=self.ops[e["op"]]["op_id"], kind=e["kind"],
                                 first_at=str(stamps[idx[0]]), last_at=str(stamps[idx[-1]]),
                                 n_lookups=len(idx), tempo=e["tempo"]))
            for i in idx:
                lq.append((str(qid[i]), self.ops[e["op"]]["op_id"], e["kind"]))
        labels = pl.DataFrame(lab_rows).sort(["first_at", "operator_id"])
        labels.select(["operator_id", "kind", "first_at", "last_at", "n_lookups"]).write_csv(os.path.join(out, "labels.csv"))
        # episode tempo is extra information, kept apart from the required labels format
        labels.write_csv(os.path.join(out, "labels_detail.csv"))
        pl.DataFrame(lq, schema=["query_id", "operator_id", "kind"], orient="row").sort("query_id").write_csv(
            os.path.join(out, "label_queries.csv"))
        scored = ts >= self.S0 * 86400
        meta = {"from": self.d_from.isoformat(), "to": self.d_to.isoformat(),
                "history_from": self.d_hist.isoformat(), "seed": a.seed,
                "n_operators": len(self.ops), "n_lookups": int(scored.sum()),
                "n_misusers": len({e["op"] for e in self.episodes}),
                "n_history_lookups": int((~scored).sum()), "n_rows_total": int(n),
                "n_persons": int(self.P), "n_episodes": len(lab_rows), "n_misuse_lookups": int(len(mis)),
                "generator": "heldout/gen_a"}
        with open(os.path.join(out, "meta.json"), "w") as f:
            json.dump(meta, f, indent=2)
        self.log(f"wrote {n} query rows ({int(scored.sum())} scored), {self.P} persons, {len(self.ops)} operators, "
                 f"{len(lab_rows)} episodes to {out}")




def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--from", dest="date_from", default="2026-07-01")
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--history-days", type=int, default=0)
    ap.add_argument("--operators", type=int, default=420)
    ap.add_argument("--lookups", type=int, default=407000)
    ap.add_argument("--misusers", type=int, default=24)
    ap.add_argument("--persons", type=int, default=0, help="base persons (default: lookups/4, 20k..150k)")
    a = ap.parse_args(argv)
    if a.days < 7 or a.operators < 30 or a.history_days < 0:
        ap.error("need --days >= 7, --operators >= 30, --history-days >= 0")
    Gen(a).run()


if __name__ == "__main__":
    main()
