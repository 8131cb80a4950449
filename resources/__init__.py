"""Package data: plans, coefficient tables, fonts, translations (read with importlib.resources)."""
