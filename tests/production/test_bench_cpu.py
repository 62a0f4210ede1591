"""bench/cpu.py: the per-request CPU accounting of bench/http_load.py adds up processes right."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench import cpu
from bench.cpu import Proc

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc (Linux)")


def test_stat_line_with_parentheses_and_spaces_in_the_name(tmp_path, monkeypatch):
    # Fields after the name: state ppid ... utime stime cutime cstime are the 14th-17th of the line.
    rest = ["S", "7"] + ["0"] * 9 + [str(3 * cpu.TICK), str(cpu.TICK), str(2 * cpu.TICK), "0"] + ["0"] * 30
    (tmp_path / "42").mkdir()
    (tmp_path / "42" / "stat").write_text("42 (odd (name) x) " + " ".join(rest) + "\n")
    monkeypatch.setattr(cpu, "PROC", tmp_path)
    assert cpu.read_proc(42) == Proc(42, "odd (name) x", 7, 4.0, 2.0)
    assert cpu.read_proc(43) is None  # gone


def test_machine_time_is_busy_or_idle_and_steal_is_neither(tmp_path, monkeypatch):
    t = cpu.TICK
    # user nice system idle iowait irq softirq steal guest guest_nice
    (tmp_path / "stat").write_text(f"cpu  {5 * t} {t} {2 * t} {10 * t} {t} 0 {t} {7 * t} 0 0\ncpu0 ...\n")
    monkeypatch.setattr(cpu, "PROC", tmp_path)
    assert cpu.machine_seconds() == (9.0, 11.0)


def test_a_tree_counts_its_live_children_and_what_it_reaped_once():
    procs = [
        Proc(10, "gunicorn", 1, 1.0, 5.0),  # master: 5 s of workers it reaped
        Proc(11, "gunicorn", 10, 2.0, 0.0),
        Proc(12, "gunicorn", 10, 3.0, 0.0),
        Proc(13, "python", 11, 9.0, 0.0),  # a grandchild: not the app's worker
        Proc(20, "other", 1, 7.0, 7.0),
    ]
    assert cpu.tree_seconds(procs, 10) == pytest.approx(11.0)


def test_named_processes_count_the_topmost_ones_reaped_children():
    procs = [
        Proc(30, "postgres", 1, 1.0, 4.0),  # postmaster: exited backends' time
        Proc(31, "postgres", 30, 2.0, 0.5),  # a backend's reaped helper: counted in it already
        Proc(32, "postgres", 30, 3.0, 0.0),
        Proc(40, "redis-server", 1, 0.5, 0.0),
    ]
    assert cpu.named_seconds(procs, "postgres") == pytest.approx(10.0)
    assert cpu.named_seconds(procs, "redis-server") == pytest.approx(0.5)
    assert cpu.named_seconds(procs, "absent") == 0.0


def test_per_request_divides_each_group_and_gives_the_busy_share():
    before = cpu.Snapshot({"app": 1.0, "database": 0.5}, busy=10.0, idle=10.0)
    after = cpu.Snapshot({"app": 3.0, "database": 1.5}, busy=13.0, idle=11.0)
    out = cpu.per_request(before, after, requests=1000)
    assert out == pytest.approx({"app": 2.0, "database": 1.0, "busy": 3.0, "busy_share": 0.75})


def test_a_child_that_burns_cpu_and_exits_stays_counted_in_its_parents_tree():
    before = cpu.snapshot(os.getpid(), load_generator=0.0)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass",
        ],
        check=True,
    )
    after = cpu.snapshot(os.getpid(), load_generator=0.0)
    spent = after.groups["app"] - before.groups["app"]
    assert spent >= 0.25  # the child's 0.3 s, reaped by this process
    assert after.busy - before.busy >= 0.25
