"""Errors the user can act on, as opposed to bugs.

A `UserError` carries one line of plain Chinese that says what is wrong and what to do. The CLI prints
it without a traceback; the window shows it in a dialog. Anything else escaping is a bug.
"""

from __future__ import annotations


class UserError(Exception):
    """Something in the user's input or environment is wrong; the message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class PlanError(UserError):
    """A plan file is malformed: the message names the file, the path inside it and the problem."""


class ValidationError(UserError):
    """One or more values were refused; `problems` lists them, nothing was stored."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class StorageError(UserError):
    """The user's environment failed (disk full, file locked or read-only, I/O error), not the program.

    Nothing was half-written: the message says what happened, that earlier data is intact, and what to do.
    """
