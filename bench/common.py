"""Shared helpers for the benchmarks: a migrated scratch database, timing, the results file."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def scratch_app(url: str | None = None, **overrides):
    """A production-like app on a fresh migrated database (SQLite in a temp dir by default)."""
    from flask_migrate import upgrade

    from tipboard import create_app

    tmp = Path(tempfile.mkdtemp(prefix="tipboard-bench-"))
    settings = {
        "DATABASE_URL": url or f"sqlite:///{tmp / 'bench.sqlite3'}",
        "INSTANCE_DIR": str(tmp),
        "PHOTO_DIR": str(tmp / "photos"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    settings.update(overrides)
    app = create_app("test", overrides=settings)
    with app.app_context():
        upgrade()
    return app


def time_calls(fn, repeat: int = 30, warmup: int = 3) -> dict:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return {
        "median_ms": statistics.median(samples) * 1000,
        "p90_ms": samples[int(len(samples) * 0.9) - 1] * 1000,
    }


def record(section: str, body: str) -> None:
    """Replace (or add) one section of bench/RESULTS.md."""
    text = (
        RESULTS.read_text()
        if RESULTS.exists()
        else "# Benchmark results\n\nEach section is rewritten by its script.\n"
    )
    header = f"## {section}\n"
    stamp = f"_Measured {dt.date.today().isoformat()} on {machine()}._\n\n"
    block = header + "\n" + stamp + body.strip() + "\n"
    if header in text:
        start = text.index(header)
        end = text.find("\n## ", start + len(header))
        text = text[:start] + block + ("\n" + text[end + 1 :] if end != -1 else "")
    else:
        text = text.rstrip() + "\n\n" + block
    RESULTS.write_text(text)
