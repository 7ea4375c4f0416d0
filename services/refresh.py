"""Which cached page figures an accepted delivery changes, and forgetting them at once.

The caches live in the service layer; an accepted delivery (services.submissions.accept) calls
`forget_after_delivery` so that every page, for every user of this server process, counts
the new rows on its next read instead of after the ten-minute TTL. Deliveries made from the
command line run in another process: there the TTL applies.
"""

from __future__ import annotations

from services import coverage as coverage_cache
from services import overview
from services import repair as repair_cache
from services import reporting as board

# Always: the delivery itself is counted in reporting progress and on the overview.
_DELIVERY_FIGURES = (board.status, board.scorecard, board.heat_map, board.trend,
                     overview.deliveries_year_to_date)  # fmt: skip

# What the rows of each import kind add to. Roster coverage counts practitioners (rosters), where
# they live (persons) and the records they hold (credit records); the population counts adults and
# their records; both feed the overview's tile and are read from the stored rollups, which any of
# these imports makes stale (data_access.queries.coverage_rollup).
_COVERAGE = (coverage_cache.roster_counts, coverage_cache.rollup_computed_at)
_ROW_FIGURES = {
    "roster": _COVERAGE,
    "credit-records": (*_COVERAGE, coverage_cache.population_counts, coverage_cache.domain_records,
                       coverage_cache.domain_display_status, repair_cache.expiring,
                       repair_cache.display_check),
    "persons": (*_COVERAGE, coverage_cache.population_counts, overview.residents),
}  # fmt: skip


def forget_after_delivery(import_kind: str | None) -> int:
    """Clear the cached figures that a delivery of this import kind changes (a nil return: only
    the delivery figures). Returns how many cached functions were cleared."""
    cached = _DELIVERY_FIGURES + _ROW_FIGURES.get(import_kind or "", ())
    for function in cached:
        function.clear()
    return len(cached)
