"""Per-document jobs in a few long-lived worker processes, instead of one new Python process per job.

A per-document job's own work is a fraction of a second of CPU (ingest ~0.4 s, code ~0.15 s, references
~0.01 s on the default corpus), while a fresh process that imports Snakemake's script support, spaCy
and the library and builds the form's matchers costs ~3-4 s for code and ~0.5 s for the others: at a
few thousand documents, start-up was most of the run (see bench/bench_scale.py). The per-document rules
therefore have short ``run:`` blocks that Snakemake executes in threads of its own process (the
default profile sets ``force-use-threads``); each hands its job to a pool of as many worker processes
as the run has cores, and waits for it. A worker imports the library once and keeps its form, matchers
and model between jobs (each cached on its file's bytes); it is replaced after ``TASKS_PER_WORKER``
jobs, which bounds any growth of its memory.

What runs is the same function, on the same files, as a job in its own process: outputs are
byte-identical, and which jobs run (per-document outputs, adding one document reruns only its jobs) is
still Snakemake's decision. A job process on a cluster node runs its one job directly (``workers=0``).
"""

from __future__ import annotations

import importlib
import multiprocessing
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from reviewflow.errors import ReviewflowError

# Imported by each worker when it starts, before its first job.
PRELOAD = ("reviewflow.ingest.job", "reviewflow.coding.job", "reviewflow.references.job")
TASKS_PER_WORKER = 500

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def _context() -> Any:
    # A fork server, not a plain fork: Snakemake's process has threads, and forking a threaded
    # process can copy a lock that another thread holds.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _start_worker(path: list[str], modules: tuple[str, ...]) -> None:
    """Give a new worker the parent's import path, then import the jobs' modules.

    Python 3.11's fork server starts with the interpreter's default path, not the parent's: the
    workflow puts its own scripts/ first (common.smk), and a worker must import that library, not
    another copy an installed package points to.
    """
    sys.path[:] = path
    for module in modules:
        importlib.import_module(module)


def _get_pool(workers: int) -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                workers,
                mp_context=_context(),
                initializer=_start_worker,
                initargs=(list(sys.path), PRELOAD),
                max_tasks_per_child=TASKS_PER_WORKER,
            )
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    """Forget a broken pool, so that the next job starts a new one."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def run_job(task: Callable[..., None], *, workers: int, **arguments: Any) -> None:
    """Run ``task(**arguments)`` in a pooled worker and wait for it (``workers`` > 0), or here (0).

    An exception in the task is raised here, with its traceback, and fails the job as it would in a
    job's own process.
    """
    if workers <= 0:
        task(**arguments)
        return
    pool = _get_pool(workers)
    try:
        pool.submit(task, **arguments).result()
    except BrokenProcessPool:
        _discard(pool)
        raise ReviewflowError(
            f"{task.__module__}: the worker process running this job died (killed, out of memory, or a crash "
            "inside a library); the job failed, and any other job it was running beside it. Fix: rerun; if "
            "the same document fails again, run it alone to see the error, e.g. "
            "`python -m reviewflow.ingest.document FILE`."
        ) from None
