"""Before `make run`: remove the lock a killed run left behind, and only that.

Snakemake locks the working directory while it runs; a run killed with SIGKILL (or a closed terminal)
leaves the lock, and every later run fails with a LockException until `snakemake --unlock`. A lock is
stale when no Snakemake process works in this directory: then this script unlocks and says so. While
another run is going on here, it changes nothing (that run's lock is real).

Usage: python scripts/stale_lock.py SNAKEMAKE [snakemake options naming the config]
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LOCKS = Path(".snakemake") / "locks"


def _running_here() -> list[int]:
    """Ids of other processes whose command runs snakemake with this directory as their working directory."""
    here = Path.cwd().resolve()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in (os.getpid(), os.getppid()):
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            cwd = (entry / "cwd").resolve()
        except OSError:  # gone, or not ours to read
            continue
        if cwd == here and any(part.endswith(b"snakemake") for part in command[:2]) and b"--unlock" not in command:
            found.append(int(entry.name))
    return found


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if not LOCKS.is_dir() or not any(LOCKS.iterdir()):
        return 0
    if not Path("/proc").is_dir():
        print(f"note: {LOCKS} holds a lock; if no run is going on, run `{argv[0]} --unlock` once.")
        return 0
    running = _running_here()
    if running:
        print(
            f"note: another Snakemake run is going on here (process {', '.join(map(str, running))}); "
            "this run will wait for it or stop with a lock message."
        )
        return 0
    result = subprocess.run([*argv, "--unlock"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)
        return result.returncode
    print(
        "An earlier run was interrupted and left its lock behind: unlocked. Jobs it left unfinished are "
        "run again (rerun-incomplete)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
