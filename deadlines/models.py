"""Circulars, rounds, submissions and approvals (issue 4)."""
