"""Where a benchmark's CPU time goes, per process group, read from /proc (Linux).

bench/http_load.py takes a :func:`snapshot` before and after each timed run and reports, per
request, the CPU the app's workers, the database server, Redis and the load generator used, and
how busy the machine was. The load generator, the database and the app share the machine's cores,
so a route's rate is bounded by all of their work per request, not by the app's alone.

Counts stay right while processes come and go: a gunicorn worker recycled during the run (or a
PostgreSQL backend that exits) leaves its time to its parent, which counts its reaped children.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Proc:
    pid: int
    comm: str
    ppid: int
    own: float  # seconds: user + system
    reaped: float  # seconds of its children that it has waited for


def read_proc(pid: int) -> Proc | None:
    """One process's CPU times, or None if it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The name is in parentheses and may hold spaces or parentheses itself.
    comm = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return Proc(pid, comm, int(fields[1]), (utime + stime) / TICK, (cutime + cstime) / TICK)


def processes() -> list[Proc]:
    found = (read_proc(int(entry.name)) for entry in os.scandir(PROC) if entry.name.isdigit())
    return [p for p in found if p is not None]


def tree_seconds(procs: list[Proc], root: int) -> float:
    """CPU of ``root`` and of its children, live or reaped (gunicorn's master and its workers)."""
    total = 0.0
    for p in procs:
        if p.pid == root:
            total += p.own + p.reaped
        elif p.ppid == root:
            total += p.own
    return total


def named_seconds(procs: list[Proc], name: str) -> float:
    """CPU of every process called ``name`` and the reaped children of the topmost ones
    (PostgreSQL's postmaster and its backends; Redis)."""
    pids = {p.pid for p in procs if p.comm == name}
    return sum(p.own + (p.reaped if p.ppid not in pids else 0.0) for p in procs if p.pid in pids)


def machine_seconds() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine since boot, all cores. Time a virtual
    machine's hypervisor gave to others (steal) is neither."""
    user, nice, system, idle, iowait, irq, softirq = (
        int(v) for v in (PROC / "stat").read_text().splitlines()[0].split()[1:8]
    )
    return (user + nice + system + irq + softirq) / TICK, (idle + iowait) / TICK


@dataclass(frozen=True)
class Snapshot:
    groups: dict[str, float]  # CPU seconds so far per process group
    busy: float
    idle: float


def snapshot(app_root: int, *, load_generator: float) -> Snapshot:
    """CPU seconds so far: "app" (the process tree under ``app_root``), "database" (PostgreSQL),
    "redis", "load" (``load_generator``: the caller's reaped children, from getrusage) and the
    machine's busy and idle time."""
    procs = processes()
    busy, idle = machine_seconds()
    return Snapshot(
        {
            "app": tree_seconds(procs, app_root),
            "database": named_seconds(procs, "postgres"),
            "redis": named_seconds(procs, "redis-server"),
            "load": load_generator,
        },
        busy,
        idle,
    )


def per_request(before: Snapshot, after: Snapshot, requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request for each group and the machine ("busy"), and the share of
    the machine's time that was busy ("busy_share")."""
    n = max(requests, 1)
    out = {name: (after.groups[name] - before.groups[name]) * 1000 / n for name in after.groups}
    busy, idle = after.busy - before.busy, after.idle - before.idle
    out["busy"] = busy * 1000 / n
    out["busy_share"] = busy / (busy + idle) if busy + idle else 0.0
    return out
