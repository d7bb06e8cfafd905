"""The batch's pool of worker processes: one pool for the whole batch, supervised.

A worker that dies (a crash in a native library, memory beyond its ceiling) or runs past the
time limit on one file is replaced; that file is reported lost with the reason, and the batch
goes on.  Workers import greendc once and bound their own memory.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from greendc.reading.isolate import bound_this_process
from greendc.reference.settings import Limits

Task = Any  # what the work function takes: one picklable task
Record = dict[str, Any]


def _serve(connection, work: Callable[[Task], Record], limits: Limits) -> None:
    """A worker process: do the tasks it is sent until it is sent None."""
    bound_this_process(limits)
    while True:
        task = connection.recv()
        if task is None:
            return
        connection.send(work(task))


def run_pool(todo: list[Task], work: Callable[[Task], Record],
             lost: Callable[..., Record], *, jobs: int, timeout: float,
             limits: Limits, report: Callable[[Record], None],
             start_method: str = "fork") -> None:
    """Run ``work`` on every task on ``jobs`` worker processes (one pool for the whole batch).

    Parameters
    ----------
    todo : the tasks (picklable)
    work : task -> record, run in a worker; it must not raise for the input's sake
    lost : (task, code, **values) -> record, for a task whose worker died (``worker_crashed``,
        ``exit_code``) or ran out of time (``time_limit``, ``seconds``)
    jobs : number of worker processes
    timeout : seconds a worker may spend on one task [s]
    limits : the run's limits (each worker bounds its memory by ``reader_memory_mb``)
    report : called in this process with each record as it arrives
    start_method : ``fork`` (the batch: workers inherit the loaded modules) or ``forkserver``
        (a server process with threads, where a fork could copy a lock another thread holds)

    A worker that dies (a crash in a native library) or runs past ``timeout`` seconds on one
    file is replaced; that file is reported through ``lost``, and the batch goes on.
    """
    context = multiprocessing.get_context(start_method)
    pending = deque(todo)

    def start() -> dict[str, Any]:
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child, work, limits), daemon=True)
        process.start()
        child.close()
        return {"process": process, "conn": parent, "task": None, "since": 0.0}

    workers = [start() for _ in range(min(jobs, len(todo)))]
    try:
        while pending or any(w["task"] is not None for w in workers):
            for w in workers:
                if w["task"] is None and pending:
                    w["task"], w["since"] = pending.popleft(), time.monotonic()
                    w["conn"].send(w["task"])
            busy = [w for w in workers if w["task"] is not None]
            waitable = [w["conn"] for w in busy] + [w["process"].sentinel for w in busy]
            multiprocessing.connection.wait(waitable, timeout=0.5)
            for i, w in enumerate(workers):
                if w["task"] is None:
                    continue
                record = None
                if w["conn"].poll():
                    try:
                        record = w["conn"].recv()
                    except (EOFError, OSError):
                        record = None
                if record is not None:
                    w["task"] = None
                    report(record)
                    continue
                if not w["process"].is_alive():
                    code = w["process"].exitcode
                    report(lost(w["task"], "worker_crashed", exit_code=code))
                elif time.monotonic() - w["since"] > timeout:
                    w["process"].kill()
                    w["process"].join(5)
                    report(lost(w["task"], "time_limit", seconds=timeout))
                else:
                    continue
                w["conn"].close()
                workers[i] = start()
    finally:
        for w in workers:
            with contextlib.suppress(BrokenPipeError, OSError):
                w["conn"].send(None)
        for w in workers:
            w["process"].join(5)
            if w["process"].is_alive():
                w["process"].kill()
