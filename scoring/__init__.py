"""Scoring: the integrity points engine and the query-pattern anomaly detector (pure functions)."""
