"""Run a few independent CPU-bound jobs on two cores: half in a forked child, half here.

Writing the reports is five independent renderings of one Report (about half
a second on a 500-address account), on the critical path between the scan's
last answer and the command's exit. Threads would not help (the GIL), and a
process pool would have to pickle the Report; a fork shares it for free.

Forking is only done where it is safe and useful: on Linux, with more than one
CPU, and when this process runs no other thread (a lock held by another thread
at the fork, such as the import lock, would stay held forever in the child).
Everywhere else the jobs simply run here, one after the other, with the same
results: a job's output must not depend on which process runs it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    weight: float = 1.0  # rough relative cost, to balance the two halves


class JobFailed(Exception):
    """A job in the child failed with something other than an OSError."""


def can_fork() -> bool:
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and (os.cpu_count() or 1) > 1
            and threading.active_count() == 1)


def run_jobs(jobs: list[Job], *, fork: bool | None = None) -> None:
    """Run every job, even after one failed; then raise the first failure (an OSError stays an OSError).

    A failed report file must not cost the user the others.
    """
    if fork is None:
        fork = can_fork()
    if not fork or len(jobs) < 2:
        error = _run_all(jobs)
        if error is not None:
            raise error
        return
    here, there = _balance(jobs)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run its half, report, and leave without running any parent cleanup
        code = 70
        try:
            os.close(read_end)
            code = _child(there, write_end)
        finally:
            os._exit(code)  # whatever happened, the child never returns into the parent's code
    os.close(write_end)
    error: BaseException | None = None
    try:
        error = _run_all(here)
    except BaseException as exc:  # noqa: BLE001 - Ctrl-C: re-raised below, once the child is reaped
        error = exc
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read()
    _, status = os.waitpid(pid, 0)
    if error is not None:
        raise error
    if message:
        raise _as_exception(json.loads(message))
    if os.waitstatus_to_exitcode(status) != 0:
        raise JobFailed(f"the process writing {', '.join(j.name for j in there)} ended abnormally")


def _balance(jobs: list[Job]) -> tuple[list[Job], list[Job]]:
    """Heaviest first into the lighter half; the first half stays here."""
    halves: tuple[list[Job], list[Job]] = ([], [])
    loads = [0.0, 0.0]
    for job in sorted(jobs, key=lambda j: -j.weight):
        i = 0 if loads[0] <= loads[1] else 1
        halves[i].append(job)
        loads[i] += job.weight
    order = {id(j): n for n, j in enumerate(jobs)}
    return sorted(halves[0], key=lambda j: order[id(j)]), sorted(halves[1], key=lambda j: order[id(j)])


def _run_all(jobs: list[Job]) -> Exception | None:
    """Every job; the first failure, returned (Ctrl-C is raised at once)."""
    first = None
    for job in jobs:
        try:
            job.run()
        except Exception as exc:  # noqa: BLE001 - the caller raises it once every job had its turn
            if first is None:
                first = exc
    return first


def _child(jobs: list[Job], write_end: int) -> int:
    try:
        error = _run_all(jobs)
    except KeyboardInterrupt:
        return 130
    if error is None:
        return 0
    if isinstance(error, OSError):
        report = {"kind": "os", "errno": error.errno, "strerror": error.strerror, "filename": error.filename}
    else:
        report = {"kind": "other", "type": type(error).__name__, "message": str(error)}
    try:
        os.write(write_end, json.dumps(report, default=str).encode())
    finally:
        os.close(write_end)
    return 1


def _as_exception(report: dict) -> Exception:
    if report.get("kind") == "os":
        return OSError(report.get("errno"), report.get("strerror"), report.get("filename"))
    return JobFailed(f"{report.get('type')}: {report.get('message')}")
