"""A reusable end-to-end harness: a real server on loopback and Debian's chromium via Playwright.

``LiveServer`` migrates a temporary SQLite database, loads the demo data and runs ``flask run`` on
a free port. ``phone_page(browser, locale)`` opens a 390x844 phone context. ``shot(page, name)``
saves a screenshot under tests/e2e/artifacts/. ``axe_violations(page)`` runs the vendored
axe-core and returns the serious and critical violations.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
LOCALES = {"zh_Hans": "zh-CN", "en": "en-US"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "TIPBOARD_DATABASE_URL": f"sqlite:///{tmp / 'e2e.sqlite3'}",
            "TIPBOARD_PHOTO_DIR": str(tmp / "photos"),
            "TIPBOARD_INSTANCE_DIR": str(tmp),
            "TIPBOARD_BASE_URL": self.url,  # links in QR codes and messages point here
            "FLASK_APP": "wsgi",
            # One browser walks through many reports from one address; the limits
            # themselves are tested in tests/security/test_ratelimits.py.
            "TIPBOARD_RATE_TIP_SUBMIT": "100 per minute",
            "TIPBOARD_RATE_TRACK_LOOKUP": "100 per minute",
        }
        self.env.pop("TIPBOARD_TEST_DB", None)
        self.process: subprocess.Popen | None = None
        self.log = tmp / "server.log"

    def _flask(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "flask", "--app", "wsgi", *args]

    def start(self) -> LiveServer:
        for args in (("db", "upgrade"), ("tipboard", "i18n", "compile"), ("tipboard", "demo")):
            subprocess.run(
                self._flask(*args), cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=300
            )
        self.process = subprocess.Popen(
            self._flask("run", "--host", "127.0.0.1", "--port", str(self.port), "--no-reload"),
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # nosec B310 - loopback test server
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
            if self.process.poll() is not None:
                break
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def phone_page(browser, locale: str):
    context = browser.new_context(
        viewport=PHONE, locale=LOCALES[locale], bypass_csp=True, is_mobile=True, has_touch=True
    )
    return context.new_page()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the current page (WCAG 2 A/AA rules)."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
