"""Region errors come from backend.checks.regions (region_format, region_unknown)."""
