"""A FUSE file system that keeps only what was fsynced, and "cuts the power" at a chosen operation.

    python tests/powercut_fs.py SOURCE MOUNTPOINT OUTPUT CUT_AT

Loads the files of SOURCE (all of them durable), mounts them at MOUNTPOINT and serves them from memory.
Every file has its live bytes (what readers see) and its durable bytes (as of its last fsync); a folder's
entries become durable when the folder is fsynced (as SQLite and `write_atomic` do after creating or
renaming a file). The CUT_AT-th change (write, truncate, create, rename, unlink, mkdir, fsync) and every
operation after it fail with EIO, as on a machine whose power is gone; the durable state is then written
to OUTPUT and "cut <n>" printed. CUT_AT 0 never cuts: the durable state is written at unmount and
"ops <n>" printed, the number of changes the run made. Not a test module: the power-loss test runs it.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import threading
import time
from pathlib import Path

from mfusepy import FUSE, FuseOSError, Operations


class Inode:
    def __init__(self, data: bytes = b"", *, durable: bool = False) -> None:
        self.live = bytearray(data)
        self.durable = bytes(data) if durable else b""
        self.mode = stat.S_IFREG | 0o644
        self.mtime = time.time()


class PowerCut(Operations):
    use_ns = True

    def __init__(self, source: Path, output: Path, cut_at: int) -> None:
        self.output, self.cut_at, self.changes, self.dead = output, cut_at, 0, False
        self.mutex = threading.Lock()
        self.dirs_live: set[str] = {"/"}
        self.dirs_durable: set[str] = {"/"}
        self.live: dict[str, Inode] = {}
        self.durable: dict[str, Inode] = {}
        for folder, dirs, files in os.walk(source):
            rel = "/" + os.path.relpath(folder, source).lstrip(".").lstrip("/")
            rel = "/" if rel == "/" else rel.rstrip("/")
            for d in dirs:
                self.dirs_live.add(_join(rel, d))
                self.dirs_durable.add(_join(rel, d))
            for f in files:
                node = Inode(Path(folder, f).read_bytes(), durable=True)
                self.live[_join(rel, f)] = self.durable[_join(rel, f)] = node

    # ---- the power ----------------------------------------------------------------------------
    def change(self) -> None:
        if self.dead:
            raise FuseOSError(errno.EIO)
        self.changes += 1
        if self.cut_at and self.changes >= self.cut_at:
            self.dead = True
            self.dump()
            print(f"cut {self.changes}", flush=True)
            raise FuseOSError(errno.EIO)

    def alive(self) -> None:
        if self.dead:
            raise FuseOSError(errno.EIO)

    def dump(self) -> None:
        self.output.mkdir(parents=True, exist_ok=True)
        for d in sorted(self.dirs_durable):
            (self.output / d.lstrip("/")).mkdir(parents=True, exist_ok=True)
        for path, node in self.durable.items():
            if os.path.dirname(path) in self.dirs_durable:
                (self.output / path.lstrip("/")).write_bytes(node.durable)

    def destroy(self, path: str) -> None:
        if not self.dead:
            self.dump()
            print(f"ops {self.changes}", flush=True)

    # ---- names --------------------------------------------------------------------------------
    def node(self, path: str) -> Inode:
        if path not in self.live:
            raise FuseOSError(errno.ENOENT)
        return self.live[path]

    def getattr(self, path: str, fh: int | None = None) -> dict[str, float]:
        self.alive()
        now = time.time()
        if path in self.dirs_live:
            return {
                "st_mode": stat.S_IFDIR | 0o755,
                "st_nlink": 2,
                "st_size": 4096,
                "st_mtime": int(now * 1e9),
            }
        n = self.node(path)
        return {"st_mode": n.mode, "st_nlink": 1, "st_size": len(n.live), "st_mtime": int(n.mtime * 1e9)}

    def readdir(self, path: str, fh: int) -> list[str]:
        self.alive()
        names = [
            os.path.basename(p)
            for p in (*self.dirs_live, *self.live)
            if p != "/" and os.path.dirname(p) == path
        ]
        return [".", "..", *names]

    def mkdir(self, path: str, mode: int) -> int:
        with self.mutex:
            self.change()
            self.dirs_live.add(path)
        return 0

    def rmdir(self, path: str) -> int:
        with self.mutex:
            self.change()
            self.dirs_live.discard(path)
        return 0

    def create(self, path: str, mode: int, fi: object = None) -> int:
        with self.mutex:
            self.change()
            self.live[path] = Inode()
        return 0

    def open(self, path: str, flags: int) -> int:
        self.alive()
        self.node(path)
        return 0

    def unlink(self, path: str) -> int:
        with self.mutex:
            self.change()
            self.live.pop(path, None)
        return 0

    def rename(self, old: str, new: str) -> int:
        with self.mutex:
            self.change()
            if old in self.dirs_live:
                raise FuseOSError(errno.EXDEV)  # not needed by the program
            self.live[new] = self.live.pop(old)
        return 0

    def chmod(self, path: str, mode: int) -> int:
        self.alive()
        node = self.node(path)
        node.mode = stat.S_IFREG | (mode & 0o7777)
        return 0

    def chown(self, path: str, uid: int, gid: int) -> int:
        return 0

    def utimens(self, path: str, times: object = None) -> int:
        return 0

    def access(self, path: str, amode: int) -> int:
        self.alive()
        return 0

    def statfs(self, path: str) -> dict[str, int]:
        return {
            "f_bsize": 4096,
            "f_frsize": 4096,
            "f_blocks": 1 << 20,
            "f_bfree": 1 << 19,
            "f_bavail": 1 << 19,
            "f_files": 1 << 16,
            "f_ffree": 1 << 15,
            "f_namemax": 255,
        }

    # ---- bytes --------------------------------------------------------------------------------
    def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
        self.alive()
        return bytes(self.node(path).live[offset : offset + size])

    def write(self, path: str, data: bytes, offset: int, fh: int) -> int:
        with self.mutex:
            self.change()
            live = self.node(path).live
            if offset > len(live):
                live.extend(b"\0" * (offset - len(live)))
            live[offset : offset + len(data)] = data
        return len(data)

    def truncate(self, path: str, length: int, fh: int | None = None) -> int:
        with self.mutex:
            self.change()
            live = self.node(path).live
            del live[length:]
            live.extend(b"\0" * (length - len(live)))
        return 0

    def fsync(self, path: str, datasync: int, fh: int) -> int:
        with self.mutex:
            self.change()
            node = self.node(path)
            node.durable = bytes(node.live)
        return 0

    def fsyncdir(self, path: str, datasync: int, fh: int) -> int:
        with self.mutex:
            self.change()
            for name in [p for p in self.durable if os.path.dirname(p) == path]:
                del self.durable[name]
            self.durable.update({p: n for p, n in self.live.items() if os.path.dirname(p) == path})
            self.dirs_durable |= {d for d in self.dirs_live if os.path.dirname(d) == path}
        return 0

    def flush(self, path: str, fh: int) -> int:
        return 0

    def release(self, path: str, fh: int) -> int:
        return 0


def _join(folder: str, name: str) -> str:
    return f"/{name}" if folder == "/" else f"{folder}/{name}"


if __name__ == "__main__":
    source, mountpoint, output, cut_at = sys.argv[1:5]
    fs = PowerCut(Path(source).resolve(), Path(output).resolve(), int(cut_at))  # libfuse moves to /
    print("mounting", flush=True)
    FUSE(fs, mountpoint, foreground=True, nothreads=True)
