"""No command: the window (gui/app.py), loaded only now so that commands never load Qt."""

from __future__ import annotations

import argparse


def cmd_window(args: argparse.Namespace) -> int:
    from gui.app import run

    return run(args.db)
