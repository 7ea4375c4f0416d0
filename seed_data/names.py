"""Chinese names: Henan surname frequencies and given names typical of each birth generation.

Surname shares (per cent) follow the published Henan rankings (王 李 张 刘 陈 lead, then 杨 赵 郭 孙
周 马 胡 朱 高 徐 ...); the tail shares are spread so that the list sums to 100. Given names are one
character (~15 %) or two characters, drawn from pools that change with the birth generation.
"""

from __future__ import annotations

import numpy as np

SURNAME_SHARES: tuple[tuple[str, float], ...] = (
    ("王", 9.8), ("李", 7.6), ("张", 7.4), ("刘", 6.3), ("陈", 3.6), ("杨", 2.8), ("赵", 2.3),
    ("郭", 2.1), ("孙", 1.8), ("周", 1.6), ("马", 1.5), ("胡", 1.35), ("朱", 1.3), ("高", 1.3),
    ("徐", 1.2), ("吴", 1.1), ("宋", 1.1), ("韩", 1.0), ("黄", 1.0), ("许", 1.0), ("郑", 0.95),
    ("何", 0.9), ("谢", 0.85), ("孟", 0.8), ("付", 0.8), ("曹", 0.8), ("冯", 0.8), ("田", 0.75),
    ("丁", 0.7), ("贾", 0.7), ("罗", 0.6), ("袁", 0.6), ("于", 0.6), ("程", 0.6), ("魏", 0.6),
    ("梁", 0.55), ("范", 0.55), ("崔", 0.5), ("董", 0.5), ("任", 0.5), ("史", 0.5), ("杜", 0.5),
    ("常", 0.45), ("苏", 0.45), ("牛", 0.45), ("秦", 0.4), ("吕", 0.4), ("侯", 0.4), ("彭", 0.4),
    ("薛", 0.4), ("沈", 0.35), ("姚", 0.35), ("申", 0.35), ("蒋", 0.35), ("路", 0.3), ("邓", 0.3),
    ("方", 0.3), ("潘", 0.3), ("夏", 0.3), ("叶", 0.3), ("单", 0.3), ("葛", 0.3), ("武", 0.3),
    ("耿", 0.3), ("邵", 0.3), ("尹", 0.3), ("卢", 0.3), ("闫", 0.3), ("石", 0.3), ("雷", 0.3),
    ("段", 0.25), ("汪", 0.25), ("邢", 0.25), ("翟", 0.25), ("唐", 0.25), ("岳", 0.25),
    ("齐", 0.25), ("白", 0.25), ("陶", 0.2), ("卞", 0.2), ("海", 0.2), ("柴", 0.2), ("楚", 0.2),
    ("党", 0.2), ("窦", 0.2), ("芦", 0.2), ("位", 0.2), ("訾", 0.15), ("邱", 0.2), ("贺", 0.2),
    ("仝", 0.15), ("展", 0.15), ("穆", 0.15), ("司", 0.15), ("宁", 0.15), ("屈", 0.15),
    ("姬", 0.15), ("焦", 0.15), ("栗", 0.15), ("聂", 0.15), ("代", 0.15), ("房", 0.15),
    ("时", 0.15), ("臧", 0.1), ("桑", 0.1), ("鲁", 0.1), ("欧阳", 0.05), ("司马", 0.05),
)  # fmt: skip

SURNAMES = np.array([s for s, _ in SURNAME_SHARES])
SURNAME_P = np.array([w for _, w in SURNAME_SHARES]) / sum(w for _, w in SURNAME_SHARES)

# (generation upper birth year, male first chars, male second chars, female first, female second)
_POOLS: tuple[tuple[int, str, str, str, str], ...] = (
    (1964, "建国永德保全振广长清玉春文明金树洪志", "国民山林华才发生成富贵忠海田堂亮",
     "秀桂玉凤兰素春美翠金淑爱雪花荣巧", "英兰珍芳梅花琴云莲霞荣娥香枝"),
    (1989, "建志红海小军卫伟国新晓永俊立学宏", "军伟强明华平涛勇斌峰刚辉杰东亮",
     "丽红艳小晓春秀海彩玉雪爱淑丹慧", "丽红霞娟燕敏玲芳静华萍梅云"),
    (2004, "浩鹏志俊晓家子一宇明博海振嘉凯", "鹏浩杰宇磊超阳飞龙帅鑫博冬旭",
     "晓静雅婷佳梦思欣丽雪亚文慧美莹", "婷静雪洁琳倩颖楠娜瑶欣悦蕾"),
    (9999, "子梓浩宇一俊博睿铭皓泽思奕嘉沐", "轩涵辰宇泽睿航浩铭博阳豪然瑞",
     "梓欣子雨诗可一佳紫若语思欣依梦", "涵萱怡琪彤妍汐瑶诺菲冉曦悦馨"),
)  # fmt: skip


def _build_vocab() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All given names, with each (generation, gender) group's offset and size."""
    vocab: list[str] = []
    offsets = np.zeros((len(_POOLS), 2), dtype=np.int64)
    sizes = np.zeros((len(_POOLS), 2, 2), dtype=np.int64)  # [gen, gender, (n_two, n_single)]
    for g, (_, m1, m2, f1, f2) in enumerate(_POOLS):
        for sex, (a, b) in enumerate(((f1, f2), (m1, m2))):  # 0 female, 1 male
            offsets[g, sex] = len(vocab)
            two = [x + y for x in a for y in b]
            single = sorted(set(b))
            vocab.extend(two + single)
            sizes[g, sex] = (len(two), len(single))
    return np.array(vocab), offsets, sizes


GIVEN_NAMES, _OFFSETS, _SIZES = _build_vocab()
_GEN_LIMITS = np.array([p[0] for p in _POOLS])


def draw_given(rng: np.random.Generator, birth_year: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Indices into GIVEN_NAMES for persons of these birth years and genders."""
    gen = np.searchsorted(_GEN_LIMITS, birth_year)
    sex = male.astype(np.int64)
    n_two = _SIZES[gen, sex, 0]
    n_single = _SIZES[gen, sex, 1]
    single = rng.random(len(gen)) < 0.15
    pick = np.where(
        single,
        n_two + np.floor(rng.random(len(gen)) * n_single).astype(np.int64),
        np.floor(rng.random(len(gen)) * n_two).astype(np.int64),
    )
    return _OFFSETS[gen, sex] + pick


def full_names(surname_idx: np.ndarray, given_idx: np.ndarray) -> np.ndarray:
    return np.strings.add(SURNAMES[surname_idx], GIVEN_NAMES[given_idx])
