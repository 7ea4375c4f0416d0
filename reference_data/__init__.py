"""The reference data of the personal credit system, as published files: the catalogues
(counties, departments, professions, domains, record categories, purposes, catalogue
items), the working-day calendars and the legal time limits (README.md says where each
comes from). `python -m data_access init` loads them into the database
(data_access.schema.reference); the synthetic city generator reads them from here too.
"""

from __future__ import annotations

from pathlib import Path

DIR = Path(__file__).resolve().parent
CALENDAR_DIR = DIR / "calendar"
