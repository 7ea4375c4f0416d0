"""Reasons in plain words, in Chinese and English, with the numbers that triggered them."""

from __future__ import annotations

import math

import numpy as np

from data_access.schema.reference import read_catalogue
from scoring.anomaly_burst import USUAL_FLOOR
from scoring.anomaly_family import FAMILY_DAYS
from scoring.anomaly_range import RELATIONS, SHARE_COLUMNS
from scoring.anomaly_weekly import WEEKLY


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
    if 0 < x < 0.005:  # one significant digit, never a bare 0.00 (a chance of 1 in 10,000)
        return f"{max(x, 1e-6):.{min(6, -math.floor(math.log10(max(x, 1e-6))))}f}"
    if x < 0.1:
        return f"{x:.2f}"
    return f"{x:.1f}" if x < 10 else f"{x:.0f}"


def volume_reason(nums: dict) -> tuple[str, str]:
    """(zh, en) for a week's volume outside batch checks against own and peers' usual weeks."""
    u = int(nums["vol_u"])
    own, peer = nums["vol_own"], nums["vol_peer"]
    zh_parts, en_parts = [], []
    if not np.isnan(own):
        zh_parts.append(f"本人平时约 {_fmt(own)} 次")
        en_parts.append(f"the operator's usual {_fmt(own)}")
    if not np.isnan(peer):
        zh_parts.append(f"同部门同岗位同层级人员约 {_fmt(peer)} 次")
        en_parts.append(f"peers' {_fmt(peer)} of the same department, role and level")
    return (
        f"时间窗内批量授权核查之外查询 {u} 次，为常态的 {nums['vol_ratio']:.1f} 倍（{'，'.join(zh_parts)}）",
        f"In the window: {u} lookups outside authorised batch checks, {nums['vol_ratio']:.1f} times "
        f"the usual ({' and '.join(en_parts)})",
    )


def burst_reason(row: dict) -> tuple[str, str]:
    """(zh, en) for the day of a week whose lookups without authorisation stand out
    (anomaly_burst), with the usual days the expectation was made of."""
    u, exp, day = int(row["burst_u"]), float(row["burst_exp"]), row["burst_date"]
    usual = {name: float(v) for name in ("burst_own", "burst_peer", "burst_all")
             if (v := row.get(name)) is not None and not np.isnan(v)}  # fmt: skip
    words = {"burst_own": ("本人平日至多约 {} 次", "the operator's usual day up to about {}"),
             "burst_peer": ("同部门同岗位同层级人员约 {} 次",
                            "the peers' of the same department, role and level about {}"),
             "burst_all": ("全部人员平日约 {} 次", "everyone's usual day about {}")}  # fmt: skip
    zh_parts = [words[name][0].format(_fmt(v)) for name, v in usual.items()]
    en_parts = [words[name][1].format(_fmt(v)) for name, v in usual.items()]
    if not usual or max(usual.values()) < USUAL_FLOOR:
        zh_parts.append(f"每日至少按 {USUAL_FLOOR:g} 次计")
        en_parts.append(f"never below {USUAL_FLOOR:g} a day")
    factor = float(row.get("burst_factor") or 1.0)
    if factor > 1.05:
        zh_parts.append(f"当日本部门无授权查询为平常的 {factor:.1f} 倍")
        en_parts.append(f"the department's day {factor:.1f} times its usual")
    return (
        f"{day:%Y-%m-%d} 一天内无查询事由或授权编号的查询 {u} 次，预计约 {_fmt(exp)} 次"
        f"（{'，'.join(zh_parts)}）",
        f"On {day:%Y-%m-%d}: {u} lookups without a purpose or reference in one day, about "
        f"{_fmt(exp)} expected ({' and '.join(en_parts)})",
    )


# ------------------------------------------------------------------ range and weekly shares

SHARES = {  # signal: what is counted (zh, en), unit (zh, en); the columns: SHARE_COLUMNS
    "unauth": (("无查询事由或授权编号的查询", "lookups without a purpose or an authorisation "
                "reference"), ("次", "lookups")),
    "kin": (("与本人同姓同村（社区）的居民", "residents sharing the operator's surname and "
             "village"), ("位", "persons")),
    "neighbours": (("与本人同村（社区）的居民", "residents of the operator's own village or "
                    "community"), ("位", "persons")),
    "colleagues": (("本部门同事", "colleagues of the operator's own department"), ("位", "persons")),
    "sensitive": (("隐私保护名单上的人员", "persons on the privacy watch list"), ("位", "persons")),
    "out_county": (("本县以外居民的查询", "lookups of residents of other counties"),
                   ("次", "lookups")),
    "unknown": (("库中不存在的身份证号的查询", "lookups of ID numbers not in the registry"),
                ("次", "lookups")),
    "rapid": (("一分钟内四次以上、无查询事由或授权编号的查询", "lookups without a purpose or "
               "reference, four or more in one minute"), ("次", "lookups")),
    "hours": (("同组人员极少工作时段的查询", "lookups at hours the peer group hardly works"),
              ("次", "lookups")),
    "days": (("多数人员不上班日子的查询", "lookups on days most operators do not work"),
             ("次", "lookups")),
    "out_focus": (("某一外县居民的查询", "lookups of residents of one other county"), ("次", "lookups")),
    "purpose": (("同组人员几乎不用的查询事由下的查询", "lookups under purposes the peer group "
                 "hardly uses"), ("次", "lookups")),
    "terminal": (("在他人终端上的查询（本人极少使用、主要由他人使用的终端）",
                  "lookups from someone else's terminal (rarely the operator's, mostly others')"),
                 ("次", "lookups")),
    "borrowed": (("以本人此前用于他村他人的授权编号查询的人员", "persons looked up under a reference "
                  "the operator had used for someone of another village on an earlier day"),
                 ("位", "persons")),
}  # fmt: skip


def _pct(x: float) -> str:
    x *= 100.0
    if 0 < x < 0.005:
        return "<0.01%"
    if x >= 10:
        return f"{x:.0f}%"
    return f"{x:.1f}%" if x >= 0.1 else f"{x:.2f}%"


def _detail(name: str, row: dict) -> tuple[str, str]:
    if name == "hours" and row.get("hours_rare"):
        when = hour_ranges(list(row["hours_rare"]))
        return f"（{when}，不含批量核查）", f" ({when}, batch runs left out)"
    if name == "rapid" and row.get("rapid_minutes"):
        m = int(row["rapid_minutes"])
        return f"（集中在 {m} 个一分钟内）", f" (in {m} such minutes)"
    if name == "days":  # the range counts the lookups made by hand (anomaly_range._by_hand)
        return "（不含批量核查）", " (batch runs left out)"
    if name == "purpose" and row.get("purpose_top"):
        zh, en = _names("purposes").get(row["purpose_top"], (row["purpose_top"],) * 2)
        return f"（主要为“{zh}”）", f" (mostly '{en}')"
    if name == "out_focus" and row.get("focus_county"):
        zh, en = _names("counties").get(row["focus_county"], (row["focus_county"],) * 2)
        return f"（{zh}）", f" ({en})"
    if name == "out_county" and row.get("op_county"):
        zh, en = _names("counties").get(row["op_county"], (row["op_county"],) * 2)
        if row.get("covered_county"):  # anomaly_range._covered_county: part of their work
            c_zh, c_en = _names("counties").get(row["covered_county"], (row["covered_county"],) * 2)
            return (f"（本县：{zh}，其日常兼管的{c_zh}不计在内）",
                    f" (own county: {en}, {c_en}, which they cover week in week out, left out)")  # fmt: skip
        return f"（本县：{zh}）", f" (own county: {en})"
    return "", ""


def range_reason(name: str, row: dict, rng, i: int | np.integer) -> tuple[str, str]:
    """(zh, en) for one signal of one operator over the whole range, with the baseline used."""
    from scoring.anomaly_peers import LEVEL_WORDS

    if name in ("repeat", "fixation"):
        from data_access.id_number import mask_id_number

        base = rng.baseline[name]
        lv_zh, lv_en = LEVEL_WORDS[str(base.level[i])]
        peers = int(base.peers[i])
        key = "rep" if name == "repeat" else "fix"
        like_zh, like_en = "", ""
        if row.get(f"{key}_like"):  # anomaly_partner: of the opposite sex, near in age
            share = _pct(float(row[f"{key}_like_share"]))
            like_zh = f"，此人与操作员异性、年龄相差不超过 10 岁（反复被查询的人中约 {share} 如此）"
            like_en = (
                f", a person of the opposite sex within 10 years of the operator's age (as "
                f"{share} of the persons looked up again and again are)"
            )
        if name == "repeat":
            who, x, tail = mask_id_number(row["rep_subject"]), int(row["rep_days"]), row["rep_tail"]
            # a person under a reference the operator had used for someone else first (anomaly-2.27)
            under = bool(row.get("rep_borrowed"))
            how_zh = "以此前用于他人的授权编号" if under else ""
            of_zh = "以他人授权编号查询的人中" if under else "查询的人中"
            how_en = (
                " under a reference the operator had used for someone else first" if under else ""
            )
            of_en = " under another person's reference" if under else ""
            the = "" if lv_en.startswith("all") else "the "
            return (
                f"{how_zh}在 {x} 个不同日期反复查询同一人（{who}），{lv_zh}（{peers} 人）{of_zh}只有 "
                f"{_pct(tail)} 被查询这么多天{like_zh}",
                f"Looked up the same person ({who}) on {x} different days{how_en}: only "
                f"{_pct(tail)} of the persons {the}{lv_en} ({peers}) look up{of_en} are looked up "
                f"on so many days{like_en}",
            )
        who, x, tail = mask_id_number(row["fix_subject"]), int(row["fix_n"]), row["fix_tail"]
        return (
            f"无查询事由或授权编号反复查询同一人（{who}）{x} 次，{lv_zh}（{peers} 人）无授权查询的人中"
            f"只有 {_pct(tail)} 被这样查询这么多次{like_zh}",
            f"Looked up the same person ({who}) {x} times without a purpose or reference: only "
            f"{_pct(tail)} of the persons the {lv_en} ({peers}) look up without one are looked up "
            f"so often{like_en}",
        )
    part = rng.unauthorised.get(name)
    if part is not None and part.led[i]:
        return unauthorised_reason(name, row, part, i)
    if name == "out_focus":
        zh, en = _names("counties").get(row["focus_county"] or "", ("?", "?"))
        k, exp = int(row["focus_k"]), float(rng.expected["out_focus"][i])
        return (
            f"整个时段：查询{zh}居民 {k} 次，按本县其他人员的外县查询去向，预计约 {_fmt(exp)} 次",
            f"Over the range: {k} lookups of residents of {en}, about {_fmt(exp)} expected from "
            "where the out-of-county lookups of the county's other operators go",
        )
    if name == "reuse":
        x, tail = int(row["reuse_x"]), row["reuse_tail"]
        base = rng.baseline[name]
        lv_zh, lv_en = LEVEL_WORDS[str(base.level[i])]
        peers = int(base.peers[i])
        return (
            f"同一授权编号“{row['reuse_ref']}”在至少 {x} 天里用于至少 {x} 人，{lv_zh}（{peers} 人）"
            f"的授权编号中只有 {_pct(tail)} 这样反复使用",
            f"One authorisation reference ('{row['reuse_ref']}') used for at least {x} persons on "
            f"at least {x} days: only {_pct(tail)} of the references of the {lv_en} ({peers}) "
            "are reused so",
        )
    if name in ("kin", "neighbours"):
        return _village_reason(name, row, rng, i)
    if name == "enumeration":
        prefix, x, tail = str(row["enum_prefix"]), int(row["enum_x"]), row["enum_tail"]
        shown = f"{prefix[:4]}{'*' * (len(prefix) - 4)}"  # masked as every ID number on screen
        return (
            f"整个时段：查询 {x} 个库中不存在、仅顺序码不同的身份证号（{shown}…，同一出生日期和地区），"
            f"全部查询人员中只有 {_pct(tail)} 出现这样的一组号码",
            f"Over the range: {x} ID numbers not in the registry that differ only in their "
            f"sequence digits ({shown}..., one birth date and place): only {_pct(tail)} of all "
            "operators' such groups are so large",
        )
    if name in ("dormant", "piggyback", "crowd"):
        return _new_reason(name, row, float(rng.expected[name][i]))
    if name == "streak":
        return _streak_reason(row, float(rng.expected[name][i]))
    if name == "trickle":
        return _trickle_reason(row, float(rng.expected[name][i]))
    if name == "desk":
        return _desk_reason(row)
    if name == "family":
        return _family_reason(row, rng, i)
    if name == "batch":
        n, tail = int(row["ref_n"]), row["ref_tail"]
        return (
            f"以同一授权编号“{row['ref']}”查询 {n} 次，同组人员的授权编号中只有 {_pct(tail)} 用到这么多次",
            f"Used one authorisation reference ('{row['ref']}') for {n} lookups: only "
            f"{_pct(tail)} of the peer group's references are used so often",
        )
    kcol, bcol = SHARE_COLUMNS[name]
    (what_zh, what_en), (unit_zh, unit_en) = SHARES[name]
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
    own_zh, own_en = _without_own(name, row) if name in RELATIONS else ("", "")
    total_zh = "查询对象" if bcol == "persons" else "查询"
    return (
        f"整个时段：{what_zh}{d_zh} {k} {unit_zh}{own_zh}，占其全部{total_zh} {basis} {unit_zh}的 "
        f"{_pct(k / basis)}，{ctx_zh}，预计约 {_fmt(exp)} {unit_zh}",
        f"Over the range: {k} {what_en}{d_en}{own_en} of {basis} {unit_en} "
        f"({_pct(k / basis)}), {ctx_en}, about {_fmt(exp)} expected",
    )


def unauthorised_reason(name: str, row: dict, part, i) -> tuple[str, str]:
    """A habit's lookups without authorisation against the operator's own other lookups."""
    (what_zh, what_en), _ = SHARES[name]
    d_zh, d_en = _detail(name, row)
    k, ku = int(part.k[i]), int(part.unauth[i])
    rest, exp = float(part.rest[i]), float(part.expected[i])
    return (
        f"整个时段：无查询事由或授权编号的{what_zh}{d_zh} {ku} 次（共 {k} 次），本人其他查询中无授权的"
        f"约占 {_pct(rest)}，按此预计约 {_fmt(exp)} 次",
        f"Over the range: {ku} of the operator's {k} {what_en}{d_en} had no purpose or "
        f"reference, where about {_pct(rest)} of their other lookups have none: about "
        f"{_fmt(exp)} expected at that share",
    )


def _without_own(name: str, row: dict) -> tuple[str, str]:
    """(zh, en) clause: of a relationship's persons, those looked up without authorisation and
    those under a reference the operator had used for someone else (anomaly_range: both count
    in the relationship's unauthorised part). Empty when there are none."""
    c = RELATIONS[name]
    u, b = int(row.get(f"{c}_su") or 0), int(row.get(f"{c}_sb") or 0)
    if name == "neighbours":  # the neighbours' persons include the kin
        u += int(row.get("kin_su") or 0)
        b += int(row.get("kin_sb") or 0)
    zh, en = [], []
    if u:
        zh.append(f"{u} 人有无授权的查询")
        en.append(f"{u} looked up without authorisation")
    if b:
        zh.append(f"{b} 人以此前用于他人的授权编号查询")
        en.append(f"{b} under a reference used for someone else before")
    if not zh:
        return "", ""
    return f"（其中 {'，'.join(zh)}）", f" (of them {', '.join(en)})"


def _village_reason(name: str, row: dict, rng, i) -> tuple[str, str]:
    """Kin and neighbours are judged against the operator's exposure (anomaly_village): the
    reason gives the count, the chance expectation and the peers' factor over it."""
    from scoring.anomaly_peers import LEVEL_WORDS

    kin = int(row["kin_s"])
    exp = float(rng.expected[name][i])
    base = rng.baseline[name]
    lv_zh, lv_en = LEVEL_WORDS[str(base.level[i])]
    peers, factor = int(base.peers[i]), float(base.mu[i])
    if name == "kin":
        k, of, chance = kin, kin + int(row["nb_s"]), float(row["kin_exp"])
        zh = (f"整个时段：查询与本人同姓同村（社区）的居民 {k} 人（本村共查询 {of} 人），"
              f"按该姓在本村被查询者中的比例偶然约 {_fmt(chance)} 人")  # fmt: skip
        en = (f"Over the range: {k} residents sharing the operator's surname and village (of "
              f"{of} residents of the village looked up), by chance about {_fmt(chance)} from "
              "how common the surname is among the village's persons looked up")  # fmt: skip
    else:
        k, of, chance = kin + int(row["nb_s"]), int(row["persons"]), float(row["village_exp"])
        zh = (f"整个时段：查询本人所在村（社区）居民 {k} 人（共查询 {of} 人），"
              f"按本县其他查询落在该村的比例偶然约 {_fmt(chance)} 人")  # fmt: skip
        en = (f"Over the range: {k} residents of the operator's own village or community (of "
              f"{of} persons looked up), by chance about {_fmt(chance)} from how often the "
              "county's other lookups reach that village")  # fmt: skip
    own_zh, own_en = _without_own(name, row)
    c = RELATIONS[name]
    if row.get(f"{c}_revisit"):  # looked up on more days than the operator's other persons
        days, usual = int(row[f"{c}_rdays"]), float(row[f"{c}_rusual"])
        own_zh += f"，这些人共被查询 {days} 天次（本人查询的其他人平均每人 {_fmt(usual)} 天）"
        own_en += (f", looked up on {days} person-days in all where the operator's other persons "
                   f"average {_fmt(usual)} days each")  # fmt: skip
    return (
        f"{zh}{own_zh}，{lv_zh}（{peers} 人）通常为偶然的 {_fmt(factor)} 倍，预计约 {_fmt(exp)} 人",
        f"{en}{own_en}, and {lv_en} ({peers}) usually at {_fmt(factor)} times chance: about "
        f"{_fmt(exp)} expected",
    )


def week_reason(name: str, row: dict, expected: float) -> tuple[str, str]:
    """(zh, en) for one share signal of one operator-week against the operator's other weeks."""
    bcol = SHARE_COLUMNS[name][1]
    (what_zh, what_en), (unit_zh, unit_en) = SHARES[name]
    k = int(row[WEEKLY[name][0]])
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
        f"时间窗内：{what_zh}{d_zh} {k} {unit_zh}（时间窗内共 {basis} {unit_zh}），"
        f"按本人其他各周（及同组人员）的比例预计约 {_fmt(expected)} {unit_zh}",
        f"In the window: {k} {what_en}{d_en} of {basis} {unit_en}, about {_fmt(expected)} expected "
        "from the operator's other weeks (and peers)",
    )


DORMANT_ASPECTS = {  # what the resumed lookups show (zh, en)
    "out": ("查询外县居民", "of residents of other counties"),
    "terminal": ("使用此前从未用过的终端", "from terminals never used before"),
    "purpose": ("使用此前极少用的查询事由", "under purposes hardly used before"),
    "hours": ("在此前极少工作的时段", "at hours hardly worked before"),
    "days": ("（恢复后无查询的工作日）", "(working days without lookups since)"),
}


def _new_reason(name: str, row: dict, exp: float) -> tuple[str, str]:
    """(zh, en) for the dormant, piggyback and crowd signals, with their numbers and baseline."""
    if name == "dormant":
        gap, resume = int(row["gap"]), row["resume"]
        pre, span = int(row["pre_days"]), int(row["pre_span"])
        post, post_span, n = int(row["post_days"]), int(row["post_span"]), int(row["post_n"])
        aspect, k = row["aspect"], int(row["aspect_k"])
        zh_a, en_a = DORMANT_ASPECTS.get(aspect, (aspect, aspect))
        if aspect == "days":
            zh_b = f"恢复后 {post_span} 个工作日中只有 {post} 天有查询，按此前节奏预计约 {_fmt(post_span - exp)} 天"
            en_b = (
                f"since then lookups on only {post} of {post_span} working days, about "
                f"{_fmt(post_span - exp)} expected from the earlier rhythm"
            )
        else:
            zh_b = f"恢复后 {n} 次查询中 {k} 次{zh_a}，按此前（及同组人员）预计约 {_fmt(exp)} 次"
            en_b = (
                f"of the {n} lookups since, {k} {en_a}, about {_fmt(exp)} expected from before "
                "(and the peers)"
            )
        return (
            f"账号此前在 {span} 个工作日中有 {pre} 天查询，随后沉寂 {gap} 个工作日，自 {resume} 起恢复使用：{zh_b}",
            f"The account worked on {pre} of {span} working days, then was silent for {gap} "
            f"working days and resumed on {resume}: {en_b}",
        )
    if name == "piggyback":
        k, n, runs, ref = int(row["pig_k"]), int(row["pig_n"]), int(row["pig_runs"]), row["pig_ref"]
        if row["pig_aspect"] == "beat":
            zh_w, en_w = (
                "插在批次查询之间（与相邻的另一户人的查询间隔短于该批次最快节奏的一半）",
                (
                    "typed in between the run's own (closer to a neighbour of another household "
                    "than half the run's brisk pace)"
                ),
            )
        else:
            zh_w, en_w = (
                "与批次主体不符（批次九成为同一县或同一年龄段的人，这些人不是）",
                (
                    "unlike the run's bulk (a run of nine in ten of one county or age band, these not)"
                ),
            )
        return (
            f"批量核查中 {k} 次查询{zh_w}，共 {runs} 个批次（如“{ref}”），占其批量查询 {n} 次的 "
            f"{_pct(k / max(n, 1))}，按同组人员（或更高时其他所有人员）的比例预计约 {_fmt(exp)} 次",
            f"{k} batch lookups {en_w} in {runs} runs (e.g. '{ref}') of {n} batch lookups "
            f"({_pct(k / max(n, 1))}), about {_fmt(exp)} expected from the peers' share (or "
            f"everyone else's, where higher)",
        )
    k, u = int(row["crowd_k"]), int(row["crowd_u"])
    crowd, ref = int(row["crowd_ops"]), int(row["crowd_ref"])
    if row.get("crowd_day"):
        return (
            f"{k} 位被无授权编号查询的人在三天内突然被多个部门无授权编号查询（如三天内 {crowd} 名人员、至少 2 个部门，"
            f"均无授权编号，此前此后几乎无人无授权查询），按其无授权编号查询的 {u} 位人员偶然碰上的概率预计约 "
            f"{_fmt(exp)} 位",
            f"{k} persons looked up without a reference were looked up within three days by "
            f"operators of several departments, all without a reference (e.g. {crowd} operators "
            f"of two or more departments within three days, and hardly anyone without one before "
            f"or after): by "
            f"chance about {_fmt(exp)} expected of the operator's {u} persons looked up without "
            "a reference",
        )
    return (
        f"{k} 位被无授权编号查询的人正处于突发的集中查询中（如一周内 {crowd} 名人员查询同一人，其中 {ref} 名有授权编号、"
        f"均非本部门，此前此后几乎无人查询），按其无授权编号查询的 {u} 位人员偶然碰上的概率预计约 {_fmt(exp)} 位",
        f"{k} persons looked up without a reference were at the centre of a sudden case (e.g. "
        f"{crowd} operators looked one up within a week, {ref} of them under a reference and "
        f"none of this department, and hardly anyone before or after): by chance about "
        f"{_fmt(exp)} expected of the operator's {u} persons looked up without a reference",
    )


def _family_reason(row: dict, rng, i) -> tuple[str, str]:
    """(zh, en) for the family signal: persons of one residence and surname first looked up
    within a few days without authorisation (anomaly_family), against the peers' families."""
    from scoring.anomaly_peers import LEVEL_WORDS

    x, tail = int(row["fam_x"]), row["fam_tail"]
    residence, _, surname = str(row["fam_item"]).partition("|")
    base = rng.baseline["family"]
    lv_zh, lv_en = LEVEL_WORDS[str(base.level[i])]
    peers = int(base.peers[i])
    county_zh, county_en = _names("counties").get(residence[:6], ("", ""))
    where_zh = f"{county_zh} {residence}" if county_zh else residence
    where_en = f"{residence}, {county_en}" if county_en else residence
    return (
        f"{FAMILY_DAYS} 天内首次查询同一住址（{where_zh}）同姓（{surname}）的 {x} 人，均有无授权的查询，"
        f"{lv_zh}（{peers} 人）查询的这类人群中只有 {_pct(tail)} 有这么多人",
        f"{x} persons of one residence ({where_en}) and one surname ({surname}) first looked up "
        f"within {FAMILY_DAYS} days, each at least once without authorisation: only "
        f"{_pct(tail)} of the families the {lv_en} ({peers}) looked up are so many",
    )


def _desk_reason(row: dict) -> tuple[str, str]:
    """(zh, en) for the desk signal: a stretch of active days only on a terminal of no other
    day (anomaly_desk)."""
    days, other, n = int(row["d_days"]), int(row["d_other"]), int(row["d_n"])
    first, last, term = row["d_first"], row["d_last"], row["d_terminal"]
    return (
        f"{first} 至 {last} 的 {days} 个查询日只在终端“{term}”上查询（共 {n} 次），该账号此前此后的 "
        f"{other} 个查询日从未用过这台终端，平日所用终端这些天也未使用",
        f"{days} active days from {first} to {last} only from terminal '{term}' ({n} lookups), "
        f"a terminal of none of the account's other {other} active days before or after, while "
        "its usual terminals rested",
    )


def _trickle_reason(row: dict, exp: float) -> tuple[str, str]:
    """(zh, en) for the trickle signal: the stretch without ordinary work and its unauthorised
    lookups against the operator's own earlier share, the peers' or the peers' on their own
    light days (days that are not ordinary)."""
    usual, most = _fmt(float(row["usual"])), int(row["ordinary"])
    start, days, active = row["t_start"], int(row["t_days"]), int(row["t_active"])
    n, u, share = int(row["t_n"]), int(row["t_u"]), float(row["t_share"])
    whose_zh, whose_en = (
        ("同组人员零星查询日", "the peers' share on their own light days")
        if row.get("t_light")
        else ("同组人员", "the peers' share")
        if row["t_peers"]
        else ("本人此前", "the operator's own earlier share")
    )
    return (
        f"自 {start} 起 {days} 个工作日无一天正常工作量，其间只在 {active} 天零星查询共 {n} 次，其中 {u} 次无授权，"
        f"按{whose_zh} {_pct(share)} 的无授权比例预计约 {_fmt(exp)} 次（这些天每天不超过 {most} 次，该账号平日约 "
        f"{usual} 次）",
        f"{days} working days from {start} without one ordinary day: only {n} lookups on {active} "
        f"days, {u} of them without authorisation, about {_fmt(exp)} expected at {whose_en} "
        f"({_pct(share)}) (none of those days over {most} lookups, the account's usual day about "
        f"{usual})",
    )


def _streak_reason(row: dict, exp: float) -> tuple[str, str]:
    """(zh, en) for the streak signal: the run, the operator's own share and the peers'."""
    r, n, hours, p = (
        int(row["streak"]),
        int(row["streak_n"]),
        int(row["streak_hours"]),
        row["streak_p"],
    )
    peer = float(row["streak_peer"])
    peer_zh = f"（同组人员的最长连续时段通常得分 {peer:.1f}，已扣除）" if peer > 0 else ""
    peer_en = f" (the peers' longest runs usually score {peer:.1f}, deducted)" if peer > 0 else ""
    return (
        f"连续 {r} 个有查询的工作时段（共 {n} 次查询）全部没有授权编号或查询事由，在其共 {hours} 个工作时段中，"
        f"这一段以外这样的时段只占 {_pct(p)}，偶然出现这么长的连续时段预计约 {_fmt(exp)} 次{peer_zh}",
        f"{r} working hours in a row ({n} lookups) with no authorised lookup at all: of the "
        f"operator's other hours ({hours} in all) only {_pct(p)} are like that, and a run this "
        f"long is expected about {_fmt(exp)} times by chance{peer_en}",
    )
