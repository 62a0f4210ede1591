"""Does gunicorn's preload, the master's warm-up and gc.freeze earn their keep?

Starts gunicorn (gunicorn.conf.py, 3 sync workers, SQLite) in four variants and measures, per run:
boot time, the first request of a cold worker and the median of the next ones, how long until the
site answers again after every worker is killed at once (all recycled together), and the
workers' memory (RSS, and PSS, which splits pages shared with the master fairly). Then, in
process, how long a full garbage collection of the loaded app takes with and without gc.freeze.

    .venv/bin/python bench/preload.py [--runs 3]

Prints a Markdown table; it does not touch RESULTS.md (figures are copied there by hand).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.production.harness import BIN, Client, free_port, migrate, server_env  # noqa: E402

# Each variant is gunicorn.conf.py with some of its parts switched off.
VARIANTS = {
    "preload + warm-up + gc.freeze": "",
    "preload + gc.freeze": "def when_ready(server): pass\n",
    "preload only": "def when_ready(server): pass\ndef pre_fork(server, worker): pass\n",
    "no preload": "preload_app = False\n",
}
PAGES = ["/tips/new", "/", "/tips/track", "/auth/login", "/tips/public"]
WORKERS = 3


def _conf(tmp: Path, name: str, overrides: str) -> Path:
    path = tmp / f"gunicorn-{abs(hash(name))}.py"
    path.write_text(f"exec(open({str(ROOT / 'gunicorn.conf.py')!r}).read())\n{overrides}")
    return path


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of one process in MB, from /proc/<pid>/smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        fields[key] = int(value.split()[0])
    return fields["Rss"] / 1024, fields["Pss"] / 1024


def _timed_get(port: int, path: str) -> tuple[int, float]:
    start = time.perf_counter()
    status = Client(port).get(path)[0]
    return status, (time.perf_counter() - start) * 1000


def _wait_ready(port: int, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            if Client(port).get("/healthz")[0] == 200 and len(_children(process.pid)) == WORKERS:
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError("gunicorn did not become ready")


def one_run(conf: Path, env: dict) -> dict:
    port = free_port()
    env = dict(
        env,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(WORKERS),
        GUNICORN_ACCESSLOG="/dev/null",
        GUNICORN_LOGLEVEL="warning",
    )
    started = time.monotonic()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(conf), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(port, process, started + 120)
        boot = time.monotonic() - started
        status, first = _timed_get(port, "/tips/new")
        assert status == 200, status
        later = [_timed_get(port, "/tips/new")[1] for _ in range(20)]
        for _ in range(10):
            for page in PAGES:
                assert _timed_get(port, page)[0] in (200, 302), page
        workers = _children(process.pid)
        memory = [_memory_mb(pid) for pid in workers]
        master_rss, master_pss = _memory_mb(process.pid)
        # Every worker recycled at once: how long until the site answers again?
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        killed = time.perf_counter()
        while True:
            try:
                if _timed_get(port, "/tips/new")[0] == 200:
                    break
            except OSError:
                time.sleep(0.005)
        back = (time.perf_counter() - killed) * 1000
        return {
            "boot_s": boot,
            "first_ms": first,
            "later_ms": statistics.median(later),
            "back_ms": back,
            "worker_rss": statistics.mean(m[0] for m in memory),
            "worker_pss": statistics.mean(m[1] for m in memory),
            "total_pss": master_pss + sum(m[1] for m in memory),
        }
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


GC_PROBE = textwrap.dedent("""
    import gc, sys, time
    sys.path.insert(0, {root!r})
    from wsgi import app
    from tipboard.warmup import warm_up
    warm_up(app)
    client = app.test_client()
    for page in {pages!r}:
        client.get(page)
    def full_gc_ms():
        start = time.perf_counter(); gc.collect(); return (time.perf_counter() - start) * 1000
    before = sorted(full_gc_ms() for _ in range(5))[2]
    tracked = len(gc.get_objects())
    gc.freeze()
    after = sorted(full_gc_ms() for _ in range(5))[2]
    print(f"{{before:.1f}} {{after:.1f}} {{tracked}}")
""")


def gc_probe(env: dict) -> tuple[float, float, int]:
    out = subprocess.run(
        [sys.executable, "-c", GC_PROBE.format(root=str(ROOT), pages=PAGES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def self_check(rows: dict) -> None:
    """The figures are sane: every variant ran and measured something."""
    for name, runs in rows.items():
        assert runs and all(r["first_ms"] > 0 and r["worker_pss"] > 0 for r in runs), name


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="tipboard-preload-"))
    env = server_env(f"sqlite:///{tmp / 'bench.sqlite3'}", tmp)
    migrate(env)
    rows: dict[str, list[dict]] = {name: [] for name in VARIANTS}
    for _ in range(args.runs):  # interleaved, so a noisy minute hits every variant alike
        for name, overrides in VARIANTS.items():
            rows[name].append(one_run(_conf(tmp, name, overrides), env))
    self_check(rows)
    print(
        f"{WORKERS} sync workers, SQLite, median of {args.runs} runs; first = the first GET /tips/new "
        "of a fresh worker, later = median of the next 20; back = all workers killed at once until "
        "the site answers; memory after 70 requests (per worker mean; total PSS with the master)\n"
    )
    print(
        "| variant | boot s | first ms | later ms | back ms | worker RSS MB | worker PSS MB | total PSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, runs in rows.items():
        med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        print(
            f"| {name} | {med['boot_s']:.2f} | {med['first_ms']:.0f} | {med['later_ms']:.0f} | "
            f"{med['back_ms']:.0f} | {med['worker_rss']:.0f} | {med['worker_pss']:.0f} | {med['total_pss']:.0f} |"
        )
    before, after, tracked = gc_probe(env)
    print(
        f"\nfull gc.collect() of a loaded app ({tracked} tracked objects): {before:.1f} ms, after gc.freeze {after:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
