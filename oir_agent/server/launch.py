"""Start `oir-agent serve --transport http` in a child process and wait until it listens: the one launcher the
tests and the benchmarks use (a log file, not a pipe, takes its stderr: a full pipe nobody reads would block it)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def launched(args: list[str] | tuple, log: Path, host: str = "127.0.0.1", env: dict | None = None,
             timeout: float = 60.0) -> Iterator[tuple[subprocess.Popen, int]]:
    """(process, port) of `serve --transport http --host HOST --port PORT *args`, once the port accepts
    connections; a server that exits or does not listen within `timeout` raises with its log's tail. Stopped on
    exit (terminate, then kill)."""
    port = free_port(host)
    with open(log, "ab") as err:
        proc = subprocess.Popen([sys.executable, "-m", "oir_agent.cli", "serve", "--transport", "http", "--host", host,
                                 "--port", str(port), *args], stdout=subprocess.DEVNULL, stderr=err, env=env)
    deadline = time.time() + timeout
    try:
        while True:
            try:
                socket.create_connection((host, port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"the HTTP server did not start (exit {proc.poll()}): "
                                       f"{Path(log).read_text(errors='replace')[-2000:]}") from None
                time.sleep(0.2)
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
