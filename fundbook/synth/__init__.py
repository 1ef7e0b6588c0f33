"""Generators of ledger books: the seeded demo book and synthetic books of any size."""
