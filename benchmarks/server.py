"""A gunicorn server on 127.0.0.1 for the HTTP benchmarks: a free port, readiness, shutdown."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import time


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on (now)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def wait_ready(port: int, path: str = "/health", timeout: float = 60) -> None:
    """Wait until ``GET path`` answers 200 on ``port`` (bounded by ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start within {timeout:.0f} s")


def stop(proc: subprocess.Popen[bytes], grace: float = 30) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL after ``grace`` seconds."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
