"""The year's plan as data: units, annexes, fields, targets, rules, coefficient tables; validated on load."""
