"""Package data: plans, coefficient tables, fonts, translations (read with model.common.paths.resource)."""
