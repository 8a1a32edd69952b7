"""Regions are public reference data: anyone may read them; only seeding writes them."""
