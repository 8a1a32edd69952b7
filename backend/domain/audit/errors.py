"""The audit trail raises nothing of its own: a failed write fails the change it records."""
