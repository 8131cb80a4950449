"""Entering figures and evidence: what a clerk types, checked against the plan, then stored."""
