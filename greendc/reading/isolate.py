"""Run a native (Rust) reader in a forked child with a memory ceiling.

A damaged or hostile workbook can make calamine (behind fastexcel and python-calamine) try to
allocate many gigabytes (a corrupt .xls dimension record asked for 8 GB in the fuzz run), and a
failed allocation in Rust aborts the whole process.  Running the parse in a forked child with an
address-space limit turns that into a clean error for this file, and the machine keeps its
memory.  On systems without ``fork`` the reader runs in-process.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any

from greendc.reference.settings import Limits


class IsolationError(Exception):
    """The child reader died (out of memory, or a crash in native code)."""


_in_process = False  # set in batch workers, which are themselves supervised and bounded


def bound_this_process(limits: Limits) -> None:
    """Limit this process's memory the way a reader child is limited, and read in-process from
    now on.  For batch workers: the pool replaces a worker that dies, so a fork per file would
    only cost time.

    Parameters
    ----------
    limits : Limits
        The run's limits; ``reader_memory_mb`` [MB] is added to the current virtual size.
    """
    global _in_process
    ceiling = _virtual_size() + int(limits["reader_memory_mb"]) * 2**20
    if ceiling > 0 and hasattr(resource, "RLIMIT_AS"):
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    _in_process = True


def _virtual_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _read_all(fd: int, pid: int, timeout: float) -> bytes | None:
    """Everything the child writes, or None (and the child killed) after ``timeout`` seconds."""
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(fd)


def run_bounded(limits: Limits, func: Callable[..., Any], *args: Any) -> Any:
    """``func(*args)`` in a forked child limited to ``[limits] reader_memory_mb`` more memory.

    Exceptions raised by ``func`` are raised again here (as they are, when they can be pickled);
    a child that dies raises :class:`IsolationError`.

    Parameters
    ----------
    limits : Limits
        The run's limits: ``reader_memory_mb`` [MB] and ``batch_seconds_per_file`` [s].
    func : callable
        The reader; in a child, its result must be picklable.
    *args
        Arguments for ``func``.

    Returns
    -------
    object
        What ``func(*args)`` returns.

    Raises
    ------
    IsolationError
        The child ran out of memory, crashed or took longer than ``batch_seconds_per_file``.
    """
    if _in_process or not hasattr(os, "fork"):
        try:
            return func(*args)
        except MemoryError:
            raise IsolationError(f"the reader ran out of memory on this file (more than "
                                 f"{limits['reader_memory_mb']:,} MB)") from None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse, send the result, leave without running any cleanup
        try:
            os.close(read_end)
            devnull = os.open(os.devnull, os.O_WRONLY)  # a Rust abort message is noise here
            os.dup2(devnull, 2)
            faulthandler.disable()  # so is a fault handler's dump, when one is enabled
            ceiling = _virtual_size() + int(limits["reader_memory_mb"]) * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
            try:
                payload = pickle.dumps(("ok", func(*args)))
            except BaseException as exc:  # sent to the parent, which decides
                try:
                    payload = pickle.dumps(("error", exc))
                except Exception:
                    payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: "
                                                                 f"{exc}")))
            with os.fdopen(write_end, "wb") as stream:
                stream.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    payload = _read_all(read_end, pid, float(limits["batch_seconds_per_file"]))
    os.waitpid(pid, 0)
    if payload is None:
        raise IsolationError(f"the reader took longer than "
                             f"{limits['batch_seconds_per_file']:g} s on this file "
                             "and was stopped")
    if not payload:
        raise IsolationError(
            "the reader ran out of memory or crashed on this file (it asks for more than "
            f"{limits['reader_memory_mb']:,} MB, or is damaged)")
    kind, value = pickle.loads(payload)
    if kind == "error":
        if isinstance(value, MemoryError):
            raise IsolationError(f"the reader ran out of memory on this file (more than "
                                 f"{limits['reader_memory_mb']:,} MB)")
        raise value
    return value
