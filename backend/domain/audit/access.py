"""Audit entries are read through the feature whose rows they describe (its own access rules)."""
