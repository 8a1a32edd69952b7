"""The GPS pipeline: an ordered tuple of small steps over batches of positions (DESIGN §8)."""
