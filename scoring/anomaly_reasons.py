"""Reasons in plain words, in Chinese and English, with the numbers that triggered them."""

from __future__ import annotations

import datetime as dt

import numpy as np

from data_access.reference import read_catalogue


def _names(catalogue: str) -> dict[str, tuple[str, str]]:
    return {r["code"]: (r["name_zh"], r["name_en"]) for r in read_catalogue(catalogue)}


def hour_ranges(hours: list[int]) -> str:
    """[21, 22, 23, 0, 1] -> '21:00-02:00'; separate stretches joined by ', '."""
    if not hours:
        return ""
    hs = sorted(set(hours))
    runs: list[list[int]] = [[hs[0], hs[0]]]
    for h in hs[1:]:
        if h == runs[-1][1] + 1:
            runs[-1][1] = h
        else:
            runs.append([h, h])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][1] == 23:  # wrap around midnight
        runs[-1][1] = runs[0][1]
        runs = runs[1:]
    return ", ".join(f"{a:02d}:00-{(b + 1) % 24:02d}:00" for a, b in runs)


def _fmt(x: float) -> str:
    if x < 0.1:
        return f"{x:.2f}"
    return f"{x:.1f}" if x < 10 else f"{x:.0f}"


def reason(name: str, row: dict, nums: dict) -> tuple[str, str]:
    """(zh, en) for one fired signal of one operator-window."""
    if name == "unauth":
        k, mu = int(row["unauth"]), nums["unauth_mu"]
        return (
            f"{k} 次查询无查询事由或授权编号（共 {int(row['n'])} 次查询；按本人和同岗位人员的习惯预计约 {_fmt(mu)} 次）",
            f"{k} of {int(row['n'])} lookups without a purpose or an authorisation reference "
            f"(about {_fmt(mu)} expected from the operator's own and peers' habits)",
        )
    if name == "volume":
        u = int(nums["vol_u"])
        own, peer = nums["vol_own"], nums["vol_peer"]
        zh_parts, en_parts = [], []
        if not np.isnan(own):
            zh_parts.append(f"本人平时约 {_fmt(own)} 次")
            en_parts.append(f"the operator's usual {_fmt(own)}")
        if not np.isnan(peer):
            zh_parts.append(f"同部门同岗位人员约 {_fmt(peer)} 次")
            en_parts.append(f"peers' {_fmt(peer)} in the same department and role")
        return (
            f"批量授权核查之外查询 {u} 次，为常态的 {nums['vol_ratio']:.1f} 倍（{'，'.join(zh_parts)}）",
            f"{u} lookups outside authorised batch checks, {nums['vol_ratio']:.1f} times the usual "
            f"({' and '.join(en_parts)})",
        )
    if name == "hours":
        k, ku = int(nums["hours_k"]), int(nums["hours_unauth"])
        when = hour_ranges(nums["hours_list"])
        return (
            f"{k} 次查询发生在本人及同岗位人员极少工作的时段（{when}），其中 {ku} 次无授权编号；"
            f"按习惯预计不到 {_fmt(max(nums['hours_mu'], 0.1))} 次",
            f"{k} lookups at hours the operator and peers rarely work ({when}), {ku} of them "
            f"without an authorisation reference; fewer than {_fmt(max(nums['hours_mu'], 0.1))} expected",
        )
    if name == "days":
        k, ku, mu = int(row["off_n"]), int(row["off_unauth"]), _fmt(nums["off_mu"])
        dates = row["off_dates"]
        return (
            f"{k} 次查询发生在多数人员不上班的日子（{dates}），其中 {ku} 次无授权编号；"
            f"按本人和同岗位人员的习惯预计约 {mu} 次",
            f"{k} lookups on days when most operators do not work ({dates}), {ku} of them "
            f"without an authorisation reference; about {mu} expected from own and peers' habits",
        )
    rel = {
        "kin": ("kin", "位与本人同姓同村（社区）的居民", "residents sharing the operator's surname and village"),
        "neighbours": ("nb", "位与本人同村（社区）的居民", "residents of the operator's own village or community"),
        "colleagues": ("col", "位本部门同事", "colleagues of the operator's own department"),
        "sensitive": ("sens", "位隐私保护名单上的人员（公众人物、受保护人员）",
                      "persons on the privacy watch list (public figures, protected persons)"),
    }  # fmt: skip
    if name in rel:
        col, zh, en = rel[name]
        k, n, u = int(nums[f"{col}_k"]), int(nums[f"{col}_nn"]), int(nums[f"{col}_u"])
        mu = nums[f"{col}_mu"]
        two = int(nums[f"{col}_weeks"]) == 2
        return (
            f"{'近两周' if two else ''}查询了 {k} {zh}（共 {n} 次），其中 {u} 次无授权编号；"
            f"按常态预计约 {_fmt(mu)} 位",
            f"{'In the last two weeks, looked' if two else 'Looked'} up {k} {en} ({n} lookups), "
            f"{u} of them without an authorisation reference; about {_fmt(mu)} expected",
        )
    if name == "out_county":
        counties = _names("counties")
        own = counties.get(row["op_county"], (row["op_county"], row["op_county"]))
        top = counties.get(row["out_top_county"] or "", ("?", "?"))
        k, u, mu = int(row["out_n"]), int(row["out_unauth"]), nums["out_mu"]
        return (
            f"查询了 {k} 次{own[0]}以外的居民（最多为{top[0]} {int(row['out_top_n'])} 次），其中 {u} 次无授权编号；"
            f"按本人和同岗位人员的习惯预计约 {_fmt(mu)} 次",
            f"{k} lookups of residents outside {own[1]} (most in {top[1]}: {int(row['out_top_n'])}), "
            f"{u} of them without an authorisation reference; about {_fmt(mu)} expected",
        )
    if name == "repeat":
        first, last = row["rep_first"], row["rep_last"]
        days = (last.date() - first.date()).days + 1 if isinstance(first, dt.datetime) else 1
        k, u = int(row["rep_n"]), int(row["rep_unauth"])
        return (
            f"{days} 天内反复查询同一人 {k} 次，其中 {u} 次无授权编号",
            f"Looked up the same person {k} times within {days} days, {u} of them without an "
            "authorisation reference",
        )
    if name == "purpose":
        purposes = _names("purposes")
        code = str(nums["rare_top"])
        zh, en = purposes.get(code, (code, code))
        k = int(nums["rare_n"])
        return (
            f"{k} 次查询使用了本部门极少使用的查询事由（主要为“{zh}”）",
            f"{k} lookups under purposes rarely used in the department (mostly '{en}')",
        )
    raise KeyError(name)


def model_reason(feature: str, value: float, percentile: float) -> tuple[str, str]:
    """A reason for a window the unsupervised model ranks among the most unusual."""
    zh, en = FEATURE_WORDS.get(feature, (feature, feature))
    top = max(0.1, 100.0 - percentile)
    return (
        f"查询模式与本人历史及同岗位人员明显不同（异常程度居前 {top:.1f}%），最突出的是{zh}（偏离 {value:.1f} 个标准差）",
        f"The lookup pattern differs markedly from the operator's own history and peers (in the "
        f"most unusual {top:.1f}%), above all {en} ({value:.1f} standard deviations off)",
    )


FEATURE_WORDS = {
    "vol_own": ("查询量（相对本人）", "the volume against the operator's own history"),
    "vol_peer": ("查询量（相对同岗位）", "the volume against peers"),
    "max_day": ("单日最高查询量", "the busiest day's volume"),
    "unauth": ("无授权查询", "lookups without authorisation"),
    "hours": ("非惯常时段查询", "lookups at unusual hours"),
    "days": ("休息日查询", "lookups on days off"),
    "kin": ("同姓同村查询", "lookups of kin"),
    "neighbours": ("同村查询", "lookups of neighbours"),
    "colleagues": ("同事查询", "lookups of colleagues"),
    "sensitive": ("隐私保护名单查询", "lookups of watch-listed persons"),
    "out_county": ("外县查询", "lookups outside the county"),
    "repeat": ("重复查询同一人", "repeated lookups of one person"),
    "purpose": ("少见查询事由", "rarely used purposes"),
    "distinct": ("不同查询对象的比例", "the share of distinct persons"),
    "unknown": ("库中不存在的身份证号", "ID numbers not on file"),
}


# ------------------------------------------------------------------ range and weekly shares

SHARES = {  # signal: (count column, basis column, what (zh, en), unit (zh, en))
    "unauth": ("unauth", "n", ("无查询事由或授权编号的查询", "lookups without a purpose or an "
               "authorisation reference"), ("次", "lookups")),
    "kin": ("kin_s", "persons", ("与本人同姓同村（社区）的居民", "residents sharing the "
            "operator's surname and village"), ("位", "persons")),
    "neighbours": ("nb_s", "persons", ("与本人同村（社区）的居民", "residents of the operator's "
                   "own village or community"), ("位", "persons")),
    "colleagues": ("col_s", "persons", ("本部门同事", "colleagues of the operator's own "
                   "department"), ("位", "persons")),
    "sensitive": ("sens_s", "persons", ("隐私保护名单上的人员", "persons on the privacy watch "
                  "list"), ("位", "persons")),
    "out_county": ("out_n", "n", ("本县以外居民的查询", "lookups of residents of other "
                   "counties"), ("次", "lookups")),
    "unknown": ("unknown_n", "n", ("库中不存在的身份证号的查询", "lookups of ID numbers not in "
                "the registry"), ("次", "lookups")),
    "hours": ("hours_k", "n", ("同组人员极少工作时段的查询", "lookups at hours the peer group "
              "hardly works"), ("次", "lookups")),
    "days": ("off_n", "n", ("多数人员不上班日子的查询", "lookups on days most operators do not "
             "work"), ("次", "lookups")),
    "purpose": ("purpose_k", "n", ("同组人员几乎不用的查询事由下的查询", "lookups under purposes "
                "the peer group hardly uses"), ("次", "lookups")),
    "terminal": ("term_k", "n", ("在他人终端上的查询（本人极少使用、主要由他人使用的终端）",
                 "lookups from someone else's terminal (rarely the operator's, mostly others')"),
                 ("次", "lookups")),
}  # fmt: skip
WEEK_COLUMNS = {"kin": "kin_subj", "neighbours": "nb_subj", "colleagues": "col_subj",
                "sensitive": "sens_subj", "out_county": "out_n", "unknown": "unknown_n",
                "hours": "hours_k", "days": "off_unauth", "purpose": "purpose_k", "unauth": "unauth",
                "terminal": "terminal_k"}  # fmt: skip


def _pct(x: float) -> str:
    x *= 100.0
    if x >= 10:
        return f"{x:.0f}%"
    return f"{x:.1f}%" if x >= 0.1 else f"{x:.2f}%"


def _detail(name: str, row: dict) -> tuple[str, str]:
    if name == "hours" and row.get("hours_rare"):
        when = hour_ranges(list(row["hours_rare"]))
        return f"（{when}）", f" ({when})"
    if name == "purpose" and row.get("purpose_top"):
        zh, en = _names("purposes").get(row["purpose_top"], (row["purpose_top"],) * 2)
        return f"（主要为“{zh}”）", f" (mostly '{en}')"
    if name == "out_county" and row.get("op_county"):
        zh, en = _names("counties").get(row["op_county"], (row["op_county"],) * 2)
        return f"（本县：{zh}）", f" (own county: {en})"
    return "", ""


def range_reason(name: str, row: dict, rng, i: int) -> tuple[str, str]:
    """(zh, en) for one signal of one operator over the whole range, with the baseline used."""
    from scoring.anomaly_peers import LEVEL_WORDS

    if name == "repeat":
        from data_access.id_number import mask_id_number

        who, days, tail = mask_id_number(row["rep_subject"]), int(row["rep_days"]), row["rep_tail"]
        return (
            f"在 {days} 个不同日期反复查询同一人（{who}）；同组人员查询的人中只有 {_pct(tail)} 被查询这么多天",
            f"Looked up the same person ({who}) on {days} different days; only {_pct(tail)} of "
            "the persons the peer group looks up are looked up on so many days",
        )
    if name == "out_focus":
        zh, en = _names("counties").get(row["focus_county"] or "", ("?", "?"))
        k, exp = int(row["focus_k"]), float(rng.expected["out_focus"][i])
        return (
            f"整个时段：查询{zh}居民 {k} 次；按本县其他人员的外县查询去向，预计约 {_fmt(exp)} 次",
            f"Over the range: {k} lookups of residents of {en}; about {_fmt(exp)} expected from "
            "where the out-of-county lookups of the county's other operators go",
        )
    if name == "reuse":
        x, tail = int(row["reuse_x"]), row["reuse_tail"]
        return (
            f"同一授权编号“{row['reuse_ref']}”在至少 {x} 天里用于至少 {x} 人；同组人员的授权编号中只有 {_pct(tail)} 这样反复使用",
            f"One authorisation reference ('{row['reuse_ref']}') used for at least {x} persons on "
            f"at least {x} days; only {_pct(tail)} of the peer group's references are reused so",
        )
    if name == "batch":
        n, tail = int(row["ref_n"]), row["ref_tail"]
        return (
            f"以同一授权编号“{row['ref']}”查询 {n} 次；同组人员的授权编号中只有 {_pct(tail)} 用到这么多次",
            f"Used one authorisation reference ('{row['ref']}') for {n} lookups; only "
            f"{_pct(tail)} of the peer group's references are used so often",
        )
    kcol, bcol, (what_zh, what_en), (unit_zh, unit_en) = SHARES[name]
    k, basis = int(row[kcol]), max(int(row[bcol]), 1)
    exp = float(rng.expected[name][i])
    base = rng.baseline.get(name)
    if base is not None:
        lv_zh, lv_en = LEVEL_WORDS[str(base.level[i])]
        peers = int(base.peers[i])
        mu = float(base.mu[i])
        ctx_zh = f"{lv_zh}（{peers} 人）通常占 {_pct(mu)}"
        ctx_en = f"{lv_en} ({peers}): usually {_pct(mu)}"
    else:
        ctx_zh, ctx_en = "同组人员通常极少使用", "the peer group hardly ever does"
    d_zh, d_en = _detail(name, row)
    total_zh = "查询对象" if bcol == "persons" else "查询"
    return (
        f"整个时段：{what_zh}{d_zh} {k} {unit_zh}，占其全部{total_zh} {basis} {unit_zh}的 "
        f"{_pct(k / basis)}；{ctx_zh}，预计约 {_fmt(exp)} {unit_zh}",
        f"Over the range: {k} {what_en}{d_en} of {basis} {unit_en} ({_pct(k / basis)}); "
        f"{ctx_en}, about {_fmt(exp)} expected",
    )


def week_reason(name: str, row: dict, expected: float) -> tuple[str, str]:
    """(zh, en) for one share signal of one operator-week against the operator's other weeks."""
    _, bcol, (what_zh, what_en), (unit_zh, unit_en) = SHARES[name]
    k = int(row[WEEK_COLUMNS[name]])
    basis = max(int(row["subjects"] if bcol == "persons" else row["n"]), 1)
    if name in ("hours", "days"):
        what_zh, what_en = (
            f"无授权的{what_zh}",
            f"{what_en.replace('lookups', 'unauthorised lookups', 1)}",
        )
    d_zh, d_en = ("", "")
    if name == "days" and row.get("off_dates"):
        d_zh, d_en = f"（{row['off_dates']}）", f" ({row['off_dates']})"
    return (
        f"本周：{what_zh}{d_zh} {k} {unit_zh}（本周共 {basis} {unit_zh}）；"
        f"按本人其他各周（及同组人员）的比例预计约 {_fmt(expected)} {unit_zh}",
        f"This week: {k} {what_en}{d_en} of {basis} {unit_en}; about {_fmt(expected)} expected "
        "from the operator's other weeks (and peers)",
    )
