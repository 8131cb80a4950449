"""Small things every room uses: errors, translation, periods, numbers as typed, display rules, paths."""
