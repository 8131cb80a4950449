"""Calculations: pure formulas, a unit's progress, checks, completeness, the district summary, the period's report."""
