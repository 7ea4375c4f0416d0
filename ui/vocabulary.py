"""The domain's words on screen, one key each: a record's polarity and severity, an application's
kind and outcome. Every page and export says them alike (not 待办 on one page and 办理中 on
another)."""

from __future__ import annotations

from ui.i18n import N_

POLARITY_TEXT = {
    "positive": N_("term.polarity.positive"),
    "neutral": N_("term.polarity.neutral"),
    "negative": N_("term.polarity.negative"),
}
SEVERITY_TEXT = {
    "minor": N_("term.severity.minor"),
    "general": N_("term.severity.general"),
    "serious": N_("term.severity.serious"),
}
APPLICATION_KIND_TEXT = {
    "objection": N_("term.kind.objection"),
    "repair": N_("term.kind.repair"),
}
OUTCOME_TEXT = {
    "pending": N_("term.outcome.pending"),
    "upheld": N_("term.outcome.upheld"),
    "rejected": N_("term.outcome.rejected"),
    "withdrawn": N_("term.outcome.withdrawn"),
}
