"""How many threads the blocked-row engine may use, and the pool it runs blocks on.

The limit comes from :func:`num_threads` if it was called, else from the
environment variable ``XENTBOOK_NUM_THREADS``, else from the CPUs this process
may use; it never exceeds those CPUs. Where threads cannot start (Pyodide in the
browser) everything runs on the calling thread.

:func:`ordered_map` runs tasks on the pool with the calling thread taking part:
every participant draws the next task from a shared counter, so the caller never
waits for a pool thread that has not started, and a call made from inside a
task runs on its own thread alone. Nothing here can deadlock.
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from ._errors import check_integer

ENVIRONMENT_VARIABLE = "XENTBOOK_NUM_THREADS"

_lock = threading.Lock()
_limit: int | None = None  # set by num_threads; None: the environment or the CPUs decide
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0  # the process that started the pool: a forked child needs its own
_inside = threading.local()  # marks a thread that is running tasks of ordered_map


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _threads_possible() -> bool:
    return sys.platform != "emscripten"


def _environment_limit() -> int | None:
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return None
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(
            f"`{ENVIRONMENT_VARIABLE}` must be a positive integer; got {value!r}. "
            "Set it to 1 for no threads, or unset it to use every CPU."
        )
    return n


def get_num_threads() -> int:
    """The number of threads a large reduction of xentbook runs on.

    Returns
    -------
    int
        At least 1: the limit set by :func:`num_threads`, else the environment
        variable ``XENTBOOK_NUM_THREADS``, else the number of CPUs this process may
        use; never more than those CPUs, and 1 where threads are unavailable.

    See Also
    --------
    num_threads

    Examples
    --------
    >>> import xentbook as xb
    >>> with xb.num_threads(1):
    ...     print(xb.get_num_threads())
    1
    """
    if not _threads_possible():
        return 1
    limit = _limit if _limit is not None else _environment_limit()
    cpus = available_cpus()
    return cpus if limit is None else min(limit, cpus)


class num_threads:  # a function to users; a class so that it is also a context manager
    """Limit the threads xentbook's reductions run on: a setter and a context manager.

    Calling it sets the limit at once, for every thread of the process; used in a
    ``with`` statement it puts the previous limit back on leaving the block.

    Parameters
    ----------
    n : int or None
        The most threads to use, at least 1; 1 runs everything on the calling
        thread. None goes back to the default: ``XENTBOOK_NUM_THREADS`` if it is
        set, else every CPU this process may use.

    See Also
    --------
    get_num_threads

    Notes
    -----
    Results do not depend on the number of threads, to the last bit: each thread
    reduces whole blocks of rows, and the blocks' partial sums are combined in
    block order. Inputs below a size threshold run on the calling thread whatever
    the limit, since starting work on other threads would cost more than it saves.
    The limit is process-wide, as in ``torch.set_num_threads``: user threads that
    change it concurrently see each other's settings.

    Examples
    --------
    A loss computed under a limit of one thread and under the default is the same
    number, bit for bit (this input is small enough to stay on the calling thread
    anyway; the tests check large ones):

    >>> import numpy as np
    >>> import xentbook as xb
    >>> rng = np.random.default_rng(0)
    >>> logits = rng.standard_normal((3000, 100))
    >>> target = rng.integers(0, 100, size=3000)
    >>> with xb.num_threads(1):
    ...     one = xb.softmax_cross_entropy(target, logits)
    >>> bool(one == xb.softmax_cross_entropy(target, logits))
    True
    """

    def __init__(self, n: int | None):
        global _limit
        if n is not None:
            n = check_integer(n, "n", minimum=1)
        with _lock:
            self._previous, _limit = _limit, n

    def __enter__(self) -> num_threads:
        return self

    def __exit__(self, *exc) -> None:
        global _limit
        with _lock:
            _limit = self._previous


def ordered_map(task, count: int, participants: int, state) -> list:
    """``[task(i, s) for i in range(count)]``, run by up to ``participants`` threads.

    ``state()`` makes one participant's private working memory ``s``. The calling
    thread is one participant; the others come from the pool if they can start.
    If tasks raise, the exception of the first such task (in index order) is
    raised, as a loop would.
    """
    if participants < 2 or getattr(_inside, "active", False):
        s = state()
        return [task(i, s) for i in range(count)]
    results: list = [None] * count
    errors: dict = {}
    counter = iter(range(count))
    draw = threading.Lock()

    def drain() -> None:
        _inside.active = True
        try:
            s = state()
            while not errors:
                with draw:
                    i = next(counter, None)
                if i is None:
                    return
                try:
                    results[i] = task(i, s)
                except Exception as error:  # re-raised by the caller, in block order
                    errors[i] = error
        finally:
            _inside.active = False

    helpers = _submit(drain, participants - 1)
    drain()
    for future in helpers:
        # A helper that never started has nothing left to do; one that did, finishes soon.
        if not future.cancel():
            future.result()
    if errors:
        raise errors[min(errors)]
    return results


def _submit(function, n: int) -> list:
    """Start ``function`` on ``n`` pool threads, as many as can start (none in Pyodide)."""
    global _pool, _pool_pid
    futures = []
    with _lock:
        try:
            if _pool is None or _pool._max_workers < n or _pool_pid != os.getpid():
                if _pool is not None and _pool_pid == os.getpid():
                    _pool.shutdown(wait=False)  # its queued work still runs
                _pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="xentbook")
                _pool_pid = os.getpid()
            for _ in range(n):
                futures.append(_pool.submit(function))
        except RuntimeError:
            # Threads cannot start here (or the interpreter is shutting down).
            _pool = None
    return futures
