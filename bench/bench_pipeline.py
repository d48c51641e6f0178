"""Wall time of the whole workflow on the default corpus, from a clean results/, and of an update.

Runs in a temporary copy of the repository so the working tree's results/ is untouched:
    .venv/bin/python bench/bench_pipeline.py [--cores 2]
Prints: documents, jobs, wall time of a clean run, of a no-change rerun, and of a rerun after
adding one document (only that document's jobs and the aggregates should run).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COPY = ["Snakefile", "workflow", "scripts", "corpus", "extraction_forms", "config"]


def snakemake(workdir: Path, cores: int, *extra: str) -> tuple[float, str]:
    # The snakemake beside this interpreter: the repository's .venv, or whichever environment runs the bench.
    command = [
        str(Path(sys.executable).parent / "snakemake"),
        "--cores",
        str(cores),
        "--profile",
        "workflow/profiles/default",
        *extra,
    ]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"snakemake failed:\n{result.stderr[-3000:]}")
    return elapsed, result.stderr + result.stdout


def jobs_run(log: str) -> int:
    match = re.search(r"(\d+) of (\d+) steps \(100%\) done", log)
    return int(match.group(2)) if match else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reviewflow-bench-") as tmp:
        work = Path(tmp)
        for name in COPY:
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, work / name)
        with open(work / "corpus" / "manifest.csv", encoding="utf-8") as manifest:
            n_docs = sum(1 for _ in manifest) - 1
        clean, log = snakemake(work, args.cores)
        print(f"default corpus: {n_docs} documents, {jobs_run(log)} jobs, cores={args.cores}")
        print(f"clean run (make run without set-up): {clean:.1f} s")
        noop, log = snakemake(work, args.cores)
        print(f"rerun, nothing changed: {noop:.1f} s ({jobs_run(log)} jobs)")
        # Add one document: a copy of an existing text under a new id.
        manifest = work / "corpus" / "manifest.csv"
        rows = manifest.read_text(encoding="utf-8").splitlines()
        source_row = next(r for r in rows[1:] if ".txt," in r)
        old_id = source_row.split(",", 1)[0]
        new_row = source_row.replace(old_id, "benchupdate2011", 1).replace(
            f"documents/{old_id}.txt", "documents/benchupdate2011.txt"
        )
        shutil.copy2(
            work / "corpus" / "documents" / f"{old_id}.txt", work / "corpus" / "documents" / "benchupdate2011.txt"
        )
        manifest.write_text("\n".join([*rows, new_row]) + "\n", encoding="utf-8")
        update, log = snakemake(work, args.cores)
        print(f"rerun after adding one document: {update:.1f} s ({jobs_run(log)} jobs)")


if __name__ == "__main__":
    main()
