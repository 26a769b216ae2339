"""What several benchmarks share: the resident memory of a process."""

from __future__ import annotations

import os


def rss_mb(pid: int | None = None) -> float:
    """Resident set size in MB of process `pid` (default: this one); psutil when installed, else /proc (Linux)."""
    try:
        import psutil
    except ImportError:
        with open(f"/proc/{pid or os.getpid()}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    return psutil.Process(pid or os.getpid()).memory_info().rss / 2**20
