"""An Xvfb screen, and libX11 to see when a program's main window is mapped on it: the start-time
measurements of run.py and build_bench.py stop their clocks here."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess


class XScreen:
    """An Xvfb screen, and libX11 to see when a program's main window is mapped on it."""

    IS_VIEWABLE = 2

    class Attributes(ctypes.Structure):
        _fields_ = [  # XWindowAttributes, Xlib.h
            ("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int), ("height", ctypes.c_int),
            ("border_width", ctypes.c_int), ("depth", ctypes.c_int), ("visual", ctypes.c_void_p),
            ("root", ctypes.c_ulong), ("c_class", ctypes.c_int), ("bit_gravity", ctypes.c_int),
            ("win_gravity", ctypes.c_int), ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
            ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int), ("colormap", ctypes.c_ulong),
            ("map_installed", ctypes.c_int), ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
            ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
            ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p),
        ]  # fmt: skip

    def __init__(self) -> None:
        read, write = os.pipe()
        self.server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
            pass_fds=[write],
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            self.display = ":" + pipe.readline().strip()
        x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong] + [ctypes.c_void_p] * 4
        x.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p]
        x.XFree.argtypes = [ctypes.c_void_p]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.x = x
        self.dpy = x.XOpenDisplay(self.display.encode())
        if not self.dpy:
            raise RuntimeError(f"cannot open X display {self.display}")
        self.root = x.XDefaultRootWindow(self.dpy)

    def main_window_mapped(self) -> bool:
        """A viewable top-level window at least 600 px wide: the main window, not a tooltip or dialog."""
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children, count = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
        args = (ctypes.byref(root), ctypes.byref(parent), ctypes.byref(children), ctypes.byref(count))
        if not self.x.XQueryTree(self.dpy, self.root, *args):
            return False
        try:
            attributes = self.Attributes()
            for i in range(count.value):
                known = self.x.XGetWindowAttributes(self.dpy, children[i], ctypes.byref(attributes))
                if known and attributes.map_state == self.IS_VIEWABLE and attributes.width >= 600:
                    return True
            return False
        finally:
            if children:
                self.x.XFree(children)

    def close(self) -> None:
        self.x.XCloseDisplay(self.dpy)
        self.server.terminate()
        self.server.wait()
