"""Seed data: the reference catalogues and the synthetic city generator."""
