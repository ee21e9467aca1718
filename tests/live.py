"""The real `legis serve` on a free loopback port, for concurrency, crash and browser tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def legis(*args: str, env: dict[str, str], check: bool = True,
          input: str | None = None) -> subprocess.CompletedProcess:
    """Run the legis CLI in a subprocess, as a user would; ``input`` goes to its stdin."""
    return subprocess.run([sys.executable, "-m", "legis", *args], env=env, check=check,
                          capture_output=True, text=True, timeout=120, input=input)


def server_env(tmp_path: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'live.db'}",
        "LEGIS_DATA_DIR": str(tmp_path / "var"),
        "LEGIS_SECRET_KEY": "live-test-secret",
        "LEGIS_LOAD_SAMPLES": "0",
    })
    env.update(extra)
    return env


@contextmanager
def running_server(env: dict[str, str], *, workers: int = 1, log: Path | None = None,
                   timeout: float = 30.0) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start the server, wait until /healthz answers, stop it afterwards."""
    port = free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed in finally)
    process = subprocess.Popen(
        [sys.executable, "-m", "legis", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        preexec_fn=_die_with_parent,  # noqa: PLW1509 (no locks or imports in the child)
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, timeout=timeout, process=process)
        yield base, process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if log:
            out.close()


try:   # loaded here, not in the forked child, where importing could deadlock
    import ctypes

    _PRCTL = ctypes.CDLL("libc.so.6", use_errno=True).prctl
except (OSError, AttributeError):
    _PRCTL = None


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, even by SIGKILL, so no
    server outlives an interrupted test run (Linux; elsewhere nothing happens)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def wait_until_up(base: str, *, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start in time")
