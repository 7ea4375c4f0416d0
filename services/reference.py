"""The reference catalogues for pages: codes and their names in either language (counties,
departments, professions, domains, categories, purposes, catalogue items). Public data, read
from the reference files once per process."""

from __future__ import annotations

from data_access.schema.reference import county_codes, read_catalogue
from services.base import transform

__all__ = ["county_codes", "read_catalogue"]
read_catalogue = transform(read_catalogue)
