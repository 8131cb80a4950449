"""CPU-bound work on every core, its results taken in input order.

`in_order(fn, items, workers=…)` gives one pending result per item, in the items' order, as they are asked
for: `done()` says whether it is known yet (the caller may do other work, such as committing, before it
waits), `result()` waits for it (and raises what `fn` raised). With one worker, or few items, `fn` runs
in this process when its result is asked for — a process pool costs a Python start and the imports in
every worker. The pool's processes are started with 'spawn' on every system (the same behaviour as on
Windows; forking a process that runs Qt threads is unsafe) and their entry points are module-level
functions; a frozen program calls `multiprocessing.freeze_support()` first thing (main.py). Workers ignore
Ctrl-C: the caller decides when to stop. When a worker dies (killed, out of memory), the items it
leaves are computed in this process. Leaving the `with` block (finished, stopped early, or an error)
cancels what has not started and waits for the few items under way, so no worker outlives it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R", covariant=True)
AHEAD = 4  # items handed out per worker beyond the one it is doing: enough to keep it busy, cheap to cancel


class Pending(Protocol[R]):
    def done(self) -> bool: ...

    def result(self) -> R: ...


class _Later(Generic[T]):
    """A result computed in this process when it is asked for."""

    def __init__(self, fn: Callable[[Any], T], item: Any) -> None:
        self.fn, self.item = fn, item

    def done(self) -> bool:
        return False  # not computed yet: asking for it takes the time of the work itself

    def result(self) -> T:
        return self.fn(self.item)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # Windows, macOS
        return os.cpu_count() or 1


def _spawn_can_start() -> bool:
    """A spawned worker first runs this program's main module again (as `__mp_main__`): it must be a file
    (or the frozen program, or none, as with `python -c`). A worker that cannot start may leave the pool
    waiting for ever (Python 3.11), so a main read from standard input checks here instead."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    return bool(getattr(sys, "frozen", False)) or path is None or os.path.isfile(path)


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    with contextlib.suppress(ValueError, OSError):  # Ctrl-C reaches the whole console: the parent decides
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


@contextlib.contextmanager
def in_order(
    fn: Callable[[Any], T],
    items: Sequence[Any],
    *,
    workers: int,
    local: Callable[[Any], T] | None = None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[Iterator[Pending[T]]]:
    """Pending results of `fn(item)` in the items' order. With `workers` ≤ 1 each is `local(item)` (default
    `fn`) computed in this process when asked for; otherwise `fn` runs in a pool of that many processes,
    each set up once by `initializer(*initargs)` (both picklable, module-level)."""
    if workers <= 1 or not _spawn_can_start():
        yield (_Later(local or fn, item) for item in items)
        return
    import multiprocessing

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(initializer, initargs),
    )
    try:
        yield _handed_out(pool, fn, local or fn, items, workers * (1 + AHEAD))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class _Pooled(Generic[T]):
    """A result computed in the pool; in this process when a worker died (killed, out of memory)."""

    def __init__(self, future: Future[T] | None, local: Callable[[Any], T], item: Any) -> None:
        self.future, self.local, self.item = future, local, item

    def done(self) -> bool:
        return self.future is not None and self.future.done()

    def result(self) -> T:
        if self.future is not None:
            with contextlib.suppress(BrokenProcessPool):
                return self.future.result()
        return self.local(self.item)


def _handed_out(
    pool: ProcessPoolExecutor,
    fn: Callable[[Any], T],
    local: Callable[[Any], T],
    items: Sequence[Any],
    window: int,
) -> Iterator[_Pooled[T]]:
    queue: deque[_Pooled[T]] = deque()
    following = iter(items)
    for _ in items:
        for item in itertools.islice(following, window - len(queue)):
            try:
                queue.append(_Pooled(pool.submit(fn, item), local, item))
            except BrokenProcessPool:
                queue.append(_Pooled(None, local, item))
        yield queue.popleft()
