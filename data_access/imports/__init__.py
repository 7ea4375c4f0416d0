"""Imports: reading files (CSV, xlsx, parquet), validating them against the contract, and writing them whole or not at all; the departments' data submissions."""
