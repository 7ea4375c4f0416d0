"""Seed data: the reference catalogues and the synthetic city generator (`build_city`)."""

from seed_data.build import build_city

__all__ = ["build_city"]
