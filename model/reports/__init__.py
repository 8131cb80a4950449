"""Rendering the period's report: form tables, PDF, workbook, fonts, signing keys and PAdES signatures."""
