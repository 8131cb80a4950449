"""Sending upward and receiving: submissions and corrections, the district's import and trust, the target table."""
