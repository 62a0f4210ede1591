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
import subprocess
import sys
import tempfile
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


def self_check() -> None:
    """The accounting adds processes up right; bench/http_load.py runs this before it measures
    (``python bench/cpu.py`` runs it alone)."""
    global PROC
    real = PROC
    with tempfile.TemporaryDirectory() as tmp:
        PROC = Path(tmp)
        try:
            # A name with parentheses and spaces; utime stime cutime cstime are fields 14-17.
            rest = ["S", "7"] + ["0"] * 9 + [str(3 * TICK), str(TICK), str(2 * TICK), "0"] + ["0"] * 30
            (PROC / "42").mkdir()
            (PROC / "42" / "stat").write_text("42 (odd (name) x) " + " ".join(rest) + "\n")
            assert read_proc(42) == Proc(42, "odd (name) x", 7, 4.0, 2.0)
            assert read_proc(43) is None  # gone
            # user nice system idle iowait irq softirq steal: steal is neither busy nor idle.
            t = TICK
            (PROC / "stat").write_text(f"cpu  {5 * t} {t} {2 * t} {10 * t} {t} 0 {t} {7 * t} 0 0\n")
            assert machine_seconds() == (9.0, 11.0)
        finally:
            PROC = real
    tree = [
        Proc(10, "gunicorn", 1, 1.0, 5.0),  # master: 5 s of workers it reaped
        Proc(11, "gunicorn", 10, 2.0, 0.0),
        Proc(12, "gunicorn", 10, 3.0, 0.0),
        Proc(13, "python", 11, 9.0, 0.0),  # a grandchild: not the app's worker
        Proc(20, "other", 1, 7.0, 7.0),
    ]
    assert abs(tree_seconds(tree, 10) - 11.0) < 1e-9
    named = [
        Proc(30, "postgres", 1, 1.0, 4.0),  # postmaster: exited backends' time
        Proc(31, "postgres", 30, 2.0, 0.5),  # a backend's reaped helper: counted in it already
        Proc(32, "postgres", 30, 3.0, 0.0),
        Proc(40, "redis-server", 1, 0.5, 0.0),
    ]
    assert abs(named_seconds(named, "postgres") - 10.0) < 1e-9
    assert named_seconds(named, "absent") == 0.0
    before = Snapshot({"app": 1.0, "database": 0.5}, busy=10.0, idle=10.0)
    after = Snapshot({"app": 3.0, "database": 1.5}, busy=13.0, idle=11.0)
    out = per_request(before, after, requests=1000)
    assert {k: round(v, 9) for k, v in out.items()} == {
        "app": 2.0,
        "database": 1.0,
        "busy": 3.0,
        "busy_share": 0.75,
    }
    # A child that burns CPU and exits stays counted in its parent's tree.
    start = snapshot(os.getpid(), load_generator=0.0)
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)
    spent = snapshot(os.getpid(), load_generator=0.0).groups["app"] - start.groups["app"]
    assert spent >= 0.25, spent


if __name__ == "__main__":
    self_check()
    print("bench/cpu.py: self-check passed")
