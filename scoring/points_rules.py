"""Small date rules shared by the points engine and the ledger: adulthood, age, windows.

Months are calendar months (data_access.queries.display_period.add_months: same day of month, the last
day of a shorter month when that day does not exist).
"""

from __future__ import annotations

import datetime as dt

from data_access.queries.display_period import add_months

# Reasons a record gives 0 points (ledger `reason`), in the order they are checked.
NOT_YET_DECIDED = "not_yet_decided"  # decided after the as-of date: ignored (reproducibility)
MINOR = "minor"  # the person is under the adult age on the as-of date: not scored
UNKNOWN_BIRTH = "unknown_birth_date"  # no birth date and none in the ID number: not scored
NO_RULE = "no_rule"  # a positive category the policy gives no points
NO_SEVERITY = "no_severity"  # a negative record without a severity (bad data)
TOO_OLD = "too_old"  # a positive record past its window
EXPIRED = "expired"  # a negative record no longer displayed
OVER_CAP = "over_cap"  # (part of) a positive record over the yearly cap
# A record whose status does not count gives its status as the reason (repaired, revoked).

REASON_TEXT = {
    NOT_YET_DECIDED: "decided after the as-of date",
    MINOR: "under 18 on the as-of date: not scored",
    UNKNOWN_BIRTH: "no birth date: not scored",
    NO_RULE: "the policy gives this category no points",
    NO_SEVERITY: "negative record without a severity",
    TOO_OLD: "positive record older than its window",
    EXPIRED: "no longer displayed",
    OVER_CAP: "over the yearly cap",
    "repaired": "repaired: never counts",
    "revoked": "revoked: never counts",
}


def birth_from_id_number(id_number: str | None) -> dt.date | None:
    """The birth date encoded in an 18-character resident ID number (None when not a date)."""
    if not id_number or len(id_number) != 18:
        return None
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def adult_cutoff(as_of: dt.date, adult_age: int) -> dt.date:
    """The latest birth date of a person who has reached `adult_age` on the as-of date.

    A person born on 29 February reaches an age on 1 March in a common year."""
    return add_months(as_of, -12 * adult_age)


def age_on(birth: dt.date, as_of: dt.date) -> int:
    """Age in completed years on the as-of date."""
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


def window_end(decision: dt.date, months: int) -> dt.date:
    """The first day a record decided on `decision` is out of a window of `months`."""
    return add_months(decision, months)
