"""Translation hook for user-facing text produced below the GUI.

`model` cannot import Qt, yet its messages reach the clerk. Every such string goes through
`translate(context, text)` (the name pyside6-lupdate extracts, with its context); the GUI (and the CLI) installs Qt's `QCoreApplication.translate` as the
translator at start-up, so the same `.ts`/`.qm` machinery that translates the window translates
these messages too. Without a translator installed, the source text (Simplified Chinese) is used.
"""

from __future__ import annotations

from collections.abc import Callable

Translator = Callable[[str, str], str]

_translator: Translator | None = None


def install(translator: Translator | None) -> None:
    global _translator
    _translator = translator


def translate(context: str, text: str) -> str:
    if _translator is None:
        return text
    return _translator(context, text)


# Who reads the messages: the command line names commands, the window names menus and buttons.
CLI, WINDOW = "cli", "window"
_audience = CLI


def set_audience(audience: str) -> None:
    """The window calls this at start; the command line keeps the default."""
    global _audience
    _audience = audience


def audience() -> str:
    return _audience


def how_to(cli: str, window: str) -> str:
    """The part of a message that says what to do, in the words of where it is read: a command for the
    command line, a menu or button for the window (no command-line text in the window)."""
    return window if _audience == WINDOW else cli
