"""A real server to abuse: gunicorn on loopback, a worker-killing loop, and a pool of HTTP clients.

Used by test_kill.py ("nothing accepted is lost") and meant for more scenarios of the same shape
(reward approvals ...): prepare a database, start :class:`Server`, run :func:`run_clients` with a
scenario function while :class:`WorkerKiller` SIGKILLs workers, stop the killer, then check the
database against what the clients saw succeed.

Loopback only, bounded in count and time. Plain stdlib HTTP (no extra dependency).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, workdir: Path, **settings) -> dict:
    """Environment for the app under test: production config, given database, tmp dirs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIPBOARD_", "GUNICORN_"))}
    env.update(
        {
            "TIPBOARD_CONFIG": "production",
            "TIPBOARD_SECRET_KEY": "harness-secret-not-for-production",
            "TIPBOARD_DATABASE_URL": database_url,
            "TIPBOARD_INSTANCE_DIR": str(workdir),
            "TIPBOARD_PHOTO_DIR": str(workdir / "photos"),
            "TIPBOARD_SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback
            "TIPBOARD_BASE_URL": "http://127.0.0.1",  # also the only trusted host
            "TIPBOARD_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update({f"TIPBOARD_{k}": str(v) for k, v in settings.items()})
    return env


def migrate(env: dict) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


class Server:
    """gunicorn with ``gunicorn.conf.py`` on 127.0.0.1:<free port>."""

    def __init__(
        self,
        env: dict,
        workers: int = 4,
        *,
        startup_timeout: float = 180,  # a loaded 2-core machine boots a preloaded fleet slowly
        app: str = "wsgi:app",
        ready_path: str = "/healthz",
    ):
        self.port = free_port()
        self.env = dict(
            env,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS=str(workers),
            GUNICORN_ACCESSLOG="/dev/null",
            GUNICORN_LOGLEVEL="warning",
        )
        self.workers = workers
        self.startup_timeout = startup_timeout
        self.app, self.ready_path = app, ready_path
        self.process: subprocess.Popen | None = None
        # A file, not a pipe: nobody reads a pipe during the run, and a full one blocks the server.
        self.log_path = Path(env["TIPBOARD_INSTANCE_DIR"]) / "gunicorn.log"
        self._log = None

    def log_tail(self, chars: int = 2000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def __enter__(self) -> Server:
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", self.app],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if (
                    Client(self.port).get(self.ready_path)[0] == 200
                    and len(self.worker_pids()) == self.workers
                ):
                    return self
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not become ready")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log:
            self._log.close()

    def worker_pids(self) -> list[int]:
        """Children of the gunicorn master, from /proc (Linux)."""
        assert self.process is not None
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []


class WorkerKiller(threading.Thread):
    """SIGKILLs a random worker at random moments, at most ``max_kills`` times."""

    def __init__(self, server: Server, *, max_kills: int = 8, pause=(0.1, 0.5), seed: int | None = None):
        super().__init__(daemon=True)
        self.server = server
        self.max_kills = max_kills
        self.pause = pause
        self.rng = random.Random(seed)
        self.kills = 0
        self._stop_event = threading.Event()
        self._killed = threading.Event()

    def run(self) -> None:
        while self.kills < self.max_kills and not self._stop_event.wait(self.rng.uniform(*self.pause)):
            pids = self.server.worker_pids()
            if not pids:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.rng.choice(pids), signal.SIGKILL)
                self.kills += 1
                self._killed.set()

    def wait_for_kill(self, timeout: float = 10) -> bool:
        """Block until at least one worker has been killed: a scenario that may finish faster
        than the first random pause calls this midway, so the run always includes a kill."""
        return self._killed.wait(timeout)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=10)


class Client:
    """One browser: keeps cookies, never follows redirects. Each request on a new connection
    (a killed worker must not poison a kept-alive one)."""

    def __init__(self, port: int, timeout: float = 20):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            headers = {"Accept-Language": "en"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            data = None
            if body is not None:
                data = urllib.parse.urlencode(body)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(value)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            conn.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, body: dict):
        return self.request("POST", path, body)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    if not match:
        raise ValueError("no csrf_token in the page")
    return match.group(1)


@dataclass
class ClientResults:
    succeeded: list = field(default_factory=list)  # what a client saw succeed
    failed: int = 0  # connection reset by a kill, 5xx ...: the client does not believe it worked
    errors: list = field(default_factory=list)  # unexpected exceptions in the scenario itself


def run_clients(
    port: int, scenario: Callable[[Client, int, int], object], *, clients: int = 6, per_client: int = 20
) -> ClientResults:
    """Run ``scenario(client, client_no, attempt_no)`` ``per_client`` times in each of ``clients``
    threads. It returns what succeeded (kept in ``succeeded``), or None, or raises
    :class:`Failed`/``OSError``/``HTTPException`` when the server failed it."""
    results = ClientResults()
    lock = threading.Lock()

    def one(no: int) -> None:
        for attempt in range(per_client):
            client = Client(port)
            try:
                outcome = scenario(client, no, attempt)
            except (Failed, OSError, http.client.HTTPException):
                with lock:
                    results.failed += 1
                continue
            except Exception as exc:
                with lock:
                    results.errors.append(repr(exc))
                continue
            if outcome is not None:
                with lock:
                    results.succeeded.append(outcome)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(clients)))
    return results


class Failed(Exception):
    """The server did not confirm the action (the client would not believe it happened)."""
