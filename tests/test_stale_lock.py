"""scripts/stale_lock.py: `make run` after a killed run removes the lock it left, and only a stale one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "stale_lock.py"
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")


def _killed_run(tmp_path: Path) -> Path:
    (tmp_path / "Snakefile").write_text('rule all:\n    output: "done.txt"\n    shell: "touch {output}"\n')
    locks = tmp_path / ".snakemake" / "locks"
    locks.mkdir(parents=True)
    (locks / "0.input.lock").write_text(str(tmp_path / "done.txt"))  # what a SIGKILLed run leaves
    return locks


def test_a_stale_lock_is_removed_and_the_next_run_goes_through(tmp_path: Path) -> None:
    locks = _killed_run(tmp_path)
    result = subprocess.run([sys.executable, str(SCRIPT), SNAKEMAKE], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and "interrupted and left its lock behind: unlocked" in result.stdout
    assert not locks.exists() or not any(locks.iterdir())
    run = subprocess.run([SNAKEMAKE, "--cores", "1"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0 and (tmp_path / "done.txt").is_file()


def test_without_a_lock_nothing_happens(tmp_path: Path) -> None:
    (tmp_path / "Snakefile").write_text("rule all:\n    shell: 'true'\n")
    result = subprocess.run([sys.executable, str(SCRIPT), SNAKEMAKE], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == ""
