"""The integrity points policy: read, check and write scoring/policy.toml (a versioned rule set).

A Policy is immutable; `parse_policy` turns the TOML text into one or raises PolicyError with a
one-line reason naming the key. `policy_to_toml` writes it back (used to save a new version).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent / "policy.toml"
SEVERITIES = ("minor", "general", "serious")
POSITIVE_KINDS = ("by_level", "per_quantity", "each")
STATUSES = ("active", "objection", "repaired", "revoked")


class PolicyError(ValueError):
    """The policy file is missing, not TOML, or breaks a rule (the message names the key)."""


@dataclass(frozen=True)
class PositiveRule:
    """How one positive category earns points."""

    kind: str  # by_level | per_quantity | each
    points: int = 0  # each / per_quantity: points per record / per full `per` units
    per: float = 1.0  # per_quantity: the unit (e.g. 10 hours)
    levels: tuple[tuple[str, int], ...] = ()  # by_level: (level, points)
    cap_per_year: int | None = None  # per person per calendar year of the decision date

    def describe(self, category: str) -> str:
        if self.kind == "by_level":
            text = f"{category} by level (" + ", ".join(f"{k} +{v}" for k, v in self.levels) + ")"
        elif self.kind == "per_quantity":
            text = f"{category} +{self.points} per full {self.per:g} of quantity"
        else:
            text = f"{category} +{self.points} each"
        cap = "no cap" if self.cap_per_year is None else f"cap +{self.cap_per_year} per year"
        return f"{text}, {cap}"


@dataclass(frozen=True)
class Policy:
    """One version of the rules (see scoring/policy.toml for the meaning of every field)."""

    version: str
    start: int
    adult_age: int
    counting_statuses: tuple[str, ...]
    pending_status: str
    positive_window_months: int
    positive: tuple[tuple[str, PositiveRule], ...]
    negative_points: tuple[tuple[str, int], ...]  # severity -> points (negative numbers)
    default_display_months: tuple[tuple[str, int], ...]  # severity -> months
    always_serious: tuple[str, ...]
    grades: tuple[tuple[str, int | None], ...]  # highest first; the last has no minimum
    red_min_grade: str
    serious_severity: str  # the serious-record figure: a counting negative record of it
    black_categories: tuple[str, ...]  # the authorities' lists: a counting record of these
    text: str = field(default="", compare=False)  # the TOML it was read from, when known

    @property
    def positive_rules(self) -> dict[str, PositiveRule]:
        return dict(self.positive)

    @property
    def severity_points(self) -> dict[str, int]:
        return dict(self.negative_points)

    @property
    def display_months(self) -> dict[str, int]:
        return dict(self.default_display_months)

    @property
    def grade_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.grades)

    @property
    def red_grades(self) -> tuple[str, ...]:
        """The grades that qualify for the red list: min_grade and every grade above it."""
        names = self.grade_names
        return names[: names.index(self.red_min_grade) + 1]

    def grade_of(self, points: int) -> str:
        for name, minimum in self.grades:
            if minimum is None or points >= minimum:
                return name
        raise AssertionError("the last grade has no minimum")  # parse_policy guarantees it

    def with_version(self, version: str) -> Policy:
        return replace(self, version=version, text="")


# --------------------------------------------------------------------------- reading


def _get(table: dict, key: str, where: str, kind: type | tuple[type, ...], default: Any = ...):
    if key not in table:
        if default is ...:
            raise PolicyError(f"policy: {where}{key} is missing")
        return default
    value = table[key]
    ok = isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)
    if not ok:
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise PolicyError(f"policy: {where}{key} must be {names}, not {value!r}")
    return value


def _statuses(values: list, where: str) -> tuple[str, ...]:
    for v in values:
        if v not in STATUSES:
            raise PolicyError(
                f"policy: {where} has unknown status {v!r} (use {', '.join(STATUSES)})"
            )
    return tuple(values)


def _nonnegative(value: int | float, where: str) -> None:
    if value < 0:
        raise PolicyError(f"policy: {where} must not be negative")


def _positive_rule(code: str, raw: dict) -> PositiveRule:
    where = f"positive.categories.{code}."
    kind = _get(raw, "kind", where, str)
    if kind not in POSITIVE_KINDS:
        raise PolicyError(f"policy: {where}kind must be one of {', '.join(POSITIVE_KINDS)}")
    cap = _get(raw, "cap_per_year", where, int, None)
    if cap is not None:
        _nonnegative(cap, where + "cap_per_year")
    if kind == "by_level":
        levels = _get(raw, "levels", where, dict)
        for level, pts in levels.items():
            if not isinstance(pts, int) or isinstance(pts, bool) or pts < 0:
                raise PolicyError(f"policy: {where}levels.{level} must be a whole number >= 0")
        return PositiveRule(kind, levels=tuple(levels.items()), cap_per_year=cap)
    points = _get(raw, "points", where, int)
    _nonnegative(points, where + "points")
    per = 1.0
    if kind == "per_quantity":
        per = float(_get(raw, "per", where, (int, float)))
        if per <= 0:
            raise PolicyError(f"policy: {where}per must be greater than 0")
    return PositiveRule(kind, points=points, per=per, cap_per_year=cap)


def _severity_table(raw: dict, where: str) -> tuple[tuple[str, int], ...]:
    missing = [s for s in SEVERITIES if s not in raw]
    extra = [k for k in raw if k not in SEVERITIES]
    if missing or extra:
        raise PolicyError(f"policy: {where} needs exactly {', '.join(SEVERITIES)}")
    for s in SEVERITIES:
        if not isinstance(raw[s], int) or isinstance(raw[s], bool):
            raise PolicyError(f"policy: {where}.{s} must be a whole number")
    return tuple((s, raw[s]) for s in SEVERITIES)


def _grades(raw: list) -> tuple[tuple[str, int | None], ...]:
    if not raw:
        raise PolicyError("policy: grades is missing")
    grades: list[tuple[str, int | None]] = []
    for i, g in enumerate(raw):
        where = f"grades[{i}]."
        name = _get(g, "name", where, str)
        last = i == len(raw) - 1
        minimum = _get(g, "min", where, int, None)
        if last and minimum is not None:
            raise PolicyError(f"policy: the last grade ({name}) must have no min")
        if not last and minimum is None:
            raise PolicyError(f"policy: {where}min is missing")
        if grades and minimum is not None and minimum >= grades[-1][1]:
            raise PolicyError(f"policy: grade {name} min must be below the grade above it")
        grades.append((name, minimum))
    if len({n for n, _ in grades}) != len(grades):
        raise PolicyError("policy: grade names must be unique")
    return tuple(grades)


def _months(table: dict, key: str, where: str) -> int:
    value = _get(table, key, where, int)
    if value <= 0:
        raise PolicyError(f"policy: {where}{key} must be greater than 0")
    return value


def policy_from_dict(raw: dict, text: str = "") -> Policy:
    """A checked Policy from the parsed TOML (raises PolicyError)."""
    version = _get(raw, "version", "", str).strip()
    if not version or len(version) > 32:
        raise PolicyError("policy: version must be 1 to 32 characters")
    start = _get(raw, "start", "", int)
    adult_age = _months(raw, "adult_age", "")
    counting = _statuses(_get(raw, "counting_statuses", "", list), "counting_statuses")
    pending = _get(raw, "pending_status", "", str)
    _statuses([pending], "pending_status")
    positive = _get(raw, "positive", "", dict)
    negative = _get(raw, "negative", "", dict)
    red = _get(raw, "red_list", "", dict)
    black = _get(raw, "black_list", "", dict)
    serious = _get(raw, "serious_record", "", dict, {})
    categories = _get(positive, "categories", "positive.", dict)
    grades = _grades(_get(raw, "grades", "", list))
    min_grade = _get(red, "min_grade", "red_list.", str)
    if min_grade not in {n for n, _ in grades}:
        raise PolicyError(f"policy: red_list.min_grade {min_grade!r} is not a grade")
    severity_points = _severity_table(
        _get(negative, "points", "negative.", dict), "negative.points"
    )
    for s, pts in severity_points:
        if pts > 0:
            raise PolicyError(f"policy: negative.points.{s} must be zero or negative")
    display = _severity_table(
        _get(negative, "default_display_months", "negative.", dict),
        "negative.default_display_months",
    )
    # Versions written before 2026.2 carry red_list.lookback_months / ignored_statuses and a
    # black_list.severity: rules the law no longer allows. They are read (their stored results stay
    # labelled with them) but the lists follow the law: no lookback, the authorities' list only.
    serious_severity = _get(serious, "severity", "serious_record.", str, "serious")
    if serious_severity not in SEVERITIES:
        raise PolicyError(f"policy: serious_record.severity must be one of {', '.join(SEVERITIES)}")
    black_categories = _get(black, "categories", "black_list.", list, ["JUDGMENT_DEFAULT"])
    if not black_categories or not all(isinstance(c, str) and c for c in black_categories):
        raise PolicyError("policy: black_list.categories must name at least one category")
    return Policy(
        version=version,
        start=start,
        adult_age=adult_age,
        counting_statuses=counting,
        pending_status=pending,
        positive_window_months=_months(positive, "window_months", "positive."),
        positive=tuple(
            (code, _positive_rule(code, _get(categories, code, "positive.categories.", dict)))
            for code in categories
        ),
        negative_points=severity_points,
        default_display_months=display,
        always_serious=tuple(_get(negative, "always_serious", "negative.", list, [])),
        grades=grades,
        red_min_grade=min_grade,
        serious_severity=serious_severity,
        black_categories=tuple(black_categories),
        text=text,
    )


def parse_policy(text: str) -> Policy:
    """A checked Policy from TOML text (raises PolicyError)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"policy: not valid TOML: {exc}") from None
    return policy_from_dict(raw, text)


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy in `path` (default scoring/policy.toml)."""
    path = Path(path) if path else DEFAULT_POLICY_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"policy: cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise PolicyError(f"policy: {path} is not UTF-8 text") from None
    try:
        return parse_policy(text)
    except PolicyError as exc:
        raise PolicyError(f"{path}: {str(exc).removeprefix('policy: ')}") from None


# --------------------------------------------------------------------------- writing


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def policy_to_toml(policy: Policy) -> str:
    """The policy as TOML text that parse_policy reads back to an equal Policy."""
    lines = [
        "# Integrity points policy (诚信积分); see scoring/policy.toml for the meaning of each key.",
        f"version = {_toml_value(policy.version)}",
        f"start = {policy.start}",
        f"adult_age = {policy.adult_age}",
        f"counting_statuses = {_toml_value(policy.counting_statuses)}",
        f"pending_status = {_toml_value(policy.pending_status)}",
        "",
        "[positive]",
        f"window_months = {policy.positive_window_months}",
    ]
    for code, rule in policy.positive:
        lines += ["", f"[positive.categories.{code}]", f"kind = {_toml_value(rule.kind)}"]
        if rule.kind == "by_level":
            lines.append(f"levels = {_toml_value(dict(rule.levels))}")
        else:
            lines.append(f"points = {rule.points}")
        if rule.kind == "per_quantity":
            lines.append(f"per = {_toml_value(rule.per)}")
        if rule.cap_per_year is not None:
            lines.append(f"cap_per_year = {rule.cap_per_year}")
    lines += [
        "",
        "[negative]",
        f"always_serious = {_toml_value(policy.always_serious)}",
        f"points = {_toml_value(dict(policy.negative_points))}",
        f"default_display_months = {_toml_value(dict(policy.default_display_months))}",
    ]
    for name, minimum in policy.grades:
        lines += ["", "[[grades]]", f"name = {_toml_value(name)}"]
        if minimum is not None:
            lines.append(f"min = {minimum}")
    lines += [
        "",
        "[red_list]",
        f"min_grade = {_toml_value(policy.red_min_grade)}",
        "",
        "[serious_record]",
        f"severity = {_toml_value(policy.serious_severity)}",
        "",
        "[black_list]",
        f"categories = {_toml_value(policy.black_categories)}",
        "",
    ]
    return "\n".join(lines)
