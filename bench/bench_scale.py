"""The workflow on a corpus grown to N documents: a clean run, then one document added and a rerun.

    .venv/bin/python bench/bench_scale.py --docs 100 [--docs 500 ...] [--cores 2] [--keep DIR]

The corpus is the default one grown to N documents in a temporary copy of the repository: copies of
its 19 documents (PDF, HTML and text) under new ids and new citations (so a copy's in-text citations
and reference list point at the 19 originals, not at each other), and a share of bad files (truncated
PDF, empty text, binary noise named .html) that ingest into error records. Every Python process of the
run (Snakemake itself and each job's script) reports its own CPU time, wall time and peak resident
memory at exit through a `sitecustomize` hook on PYTHONPATH, so the figures come from the kernel's
accounting of each process, not from sampling; only the whole run's peak memory (all processes at
once) is sampled, every 0.2 s. Prints, per N: wall and CPU time, time per document, Snakemake's own
time (until the first job starts, its process's CPU, wall time with no job running) against the jobs',
peak memory, the add-one rerun as a share of the full run (and the per-document jobs it ran), each
rule's time and peak memory, and a digest of results/ (compare two versions of the workflow with it).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import psutil  # type: ignore[import-untyped]

REPO = Path(__file__).resolve().parents[1]
COPY = ["Snakefile", "workflow", "scripts", "corpus", "extraction_forms", "config"]
STATS_ENV = "REVIEWFLOW_BENCH_STATS"
ADDED_ID = "scaleadded"
AGGREGATES = ("combine", "synthesize", "network", "history", "report")

# Written into the run's PYTHONPATH: every Python process appends one JSON record of itself at exit.
SITECUSTOMIZE = f"""
import atexit, json, os, resource, sys, time
_start = time.time()
_worker = False
def _report():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a job would report the
    # size of the Snakemake process that forked it.
    with open("/proc/self/status") as status:
        hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    record = {{"pid": os.getpid(), "argv": sys.argv[:3], "start": _start, "end": time.time(),
              "cpu": usage.ru_utime + usage.ru_stime, "max_rss_kb": hwm, "worker": _worker}}
    with open(os.path.join(os.environ["{STATS_ENV}"], f"{{os.getpid()}}.json"), "w") as handle:
        json.dump(record, handle)
if os.environ.get("{STATS_ENV}"):
    atexit.register(_report)
    # A multiprocessing worker (reviewflow.jobpool's pool) ends with os._exit, skipping atexit, but
    # runs the finalizers registered after its fork first.
    import multiprocessing.util
    def _in_worker(_):
        global _start, _worker
        _start, _worker = time.time(), True
        multiprocessing.util.Finalize(None, _report, exitpriority=0)
    multiprocessing.util.register_after_fork(_report, _in_worker)
"""


@dataclass(frozen=True)
class Process:
    """One Python process of a run, as it reported itself."""

    role: str  # "snakemake", a rule's script name (ingest, code_document, ...), or "other"
    start: float
    end: float
    cpu: float
    max_rss_mb: float


@dataclass(frozen=True)
class Run:
    wall: float
    peak_tree_rss_mb: float
    processes: list[Process]
    log: str


def copy_repository(work: Path) -> None:
    for name in COPY:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, work / name)
    shutil.rmtree(work / "corpus" / "decisions", ignore_errors=True)  # reviewer sheets name the 19 originals
    (work / "corpus" / "decisions").mkdir()


def _bad_file(kind: int, originals: dict[str, Path], rng: random.Random) -> tuple[str, bytes]:
    """A damaged document: (extension, bytes), one of three kinds in turn."""
    if kind == 0:
        pdf = next(path for path in originals.values() if path.suffix == ".pdf")
        return ".pdf", pdf.read_bytes()[:1500]  # truncated: header and part of the first object
    if kind == 1:
        return ".txt", b""
    return ".html", bytes(rng.randrange(256) for _ in range(4000))


def grow_corpus(work: Path, n_docs: int, bad_share: float, seed: int = 15) -> int:
    """Grow the copy's manifest to n_docs rows (originals first); returns the number of bad files."""
    manifest = work / "corpus" / "manifest.csv"
    with open(manifest, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        originals = list(reader)
    files = {row["doc_id"]: work / "corpus" / row["file"] for row in originals}
    rng = random.Random(seed)
    rows = list(originals[:n_docs])
    bad_every = round(1 / bad_share) if bad_share > 0 else 0
    n_bad = 0
    for index in range(max(n_docs - len(originals), 0)):
        source = originals[index % len(originals)]
        doc_id = f"{source['doc_id']}_s{index:04d}"
        if bad_every and index % bad_every == bad_every - 1:
            suffix, content = _bad_file(n_bad % 3, files, rng)
            n_bad += 1
        else:
            suffix, content = files[source["doc_id"]].suffix, files[source["doc_id"]].read_bytes()
        (work / "corpus" / "documents" / f"{doc_id}{suffix}").write_bytes(content)
        rows.append(_copy_row(source, doc_id, f"documents/{doc_id}{suffix}", index))
    _write_manifest(manifest, header, rows)
    return n_bad


def _copy_row(source: dict[str, str], doc_id: str, file: str, index: int) -> dict[str, str]:
    """A copy's manifest row: its own id, file and citation; the rest as the original's."""
    author = f"Scale{index:04d}"
    return {
        **source,
        "doc_id": doc_id,
        "file": file,
        "citation": f"{author}, {source['year']}{source['year_suffix']}",
        "authors": f"{author}, A.",
        "doi": "",
        "title": f"{source['title']} (copy {index})" if source["title"] else "",
        "notes": f"scale-bench copy of {source['doc_id']}",
    }


def _write_manifest(manifest: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(manifest, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def add_one_document(work: Path) -> None:
    """Append one more document (a copy of the first text original) to the manifest."""
    manifest = work / "corpus" / "manifest.csv"
    with open(manifest, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    source = next(row for row in rows if row["file"].endswith(".txt") and "_s" not in row["doc_id"])
    shutil.copy2(work / "corpus" / source["file"], work / "corpus" / "documents" / f"{ADDED_ID}.txt")
    _write_manifest(manifest, header, [*rows, _copy_row(source, ADDED_ID, f"documents/{ADDED_ID}.txt", 9999)])


def _peak_tree_rss(root: psutil.Process, done: threading.Event, peak: list[float]) -> None:
    """Largest sum of the resident memory of a process and its descendants, sampled every 0.2 s."""
    while not done.wait(0.2):
        try:
            tree = [root, *root.children(recursive=True)]
            total = 0
            for process in tree:
                with contextlib.suppress(psutil.Error):
                    total += process.memory_info().rss
            peak[0] = max(peak[0], total / 2**20)
        except psutil.Error:
            return


def _role(argv: list[str], worker: bool) -> str:
    if worker:
        return "pool"  # a worker of the per-document rules' pool (reviewflow.jobpool)
    first = argv[0] if argv else ""
    if first.endswith("snakemake") or "snakemake" in argv[1:2]:
        return "snakemake"
    if first == "-c":
        return "other"  # the pool's fork server
    script = re.search(r"\.snakemake/scripts/tmp[^.]*\.(\w+)\.py$", first)
    return script.group(1) if script else "other"


def run_snakemake(work: Path, cores: int, hook_dir: Path) -> Run:
    stats = Path(tempfile.mkdtemp(prefix="stats-", dir=work))
    # The copy's own library first: an installed reviewflow (e.g. an editable install of another
    # checkout) would otherwise be what the jobs import.
    path = os.pathsep.join([str(hook_dir), str(work / "scripts")])
    env = {**os.environ, "PYTHONPATH": path, STATS_ENV: str(stats), "SOURCE_DATE_EPOCH": "1700000000"}
    command = [str(Path(sys.executable).parent / "snakemake"), "--cores", str(cores)]
    command += ["--profile", "workflow/profiles/default"]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done, peak = threading.Event(), [0.0]
    sampler = threading.Thread(target=_peak_tree_rss, args=(psutil.Process(process.pid), done, peak))
    sampler.start()
    log, _ = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"snakemake failed:\n{log[-4000:]}")
    processes = []
    for record_file in sorted(stats.glob("*.json")):
        record = json.loads(record_file.read_text(encoding="utf-8"))
        processes.append(
            Process(
                _role(record["argv"], record["worker"]),
                record["start"],
                record["end"],
                record["cpu"],
                record["max_rss_kb"] / 1024,
            )
        )
    shutil.rmtree(stats)
    return Run(wall, peak[0], processes, log)


def _union_length(intervals: list[tuple[float, float]]) -> float:
    total, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def job_intervals(log: str) -> list[tuple[float, float]]:
    """(start, end) of every job, from the timestamps Snakemake's log prints before "rule X:" and
    "Finished jobid: N" (1 s resolution; covers jobs run in the pool, which are no process of their own)."""
    starts: dict[str, float] = {}
    intervals = []
    stamp = 0.0
    lines = log.splitlines()
    for index, line in enumerate(lines):
        found = re.fullmatch(r"\[(\w{3} \w{3} +\d+ [\d:]{8} \d{4})\]", line.strip())
        if found:
            stamp = time.mktime(time.strptime(found.group(1), "%a %b %d %H:%M:%S %Y"))
            continue
        finished = re.match(r"Finished jobid: (\d+)", line)
        if finished and finished.group(1) in starts:
            intervals.append((starts.pop(finished.group(1)), stamp))
        elif re.match(r"(?:local)?rule \w+:$", line):
            jobid = next(
                (m.group(1) for m in map(re.compile(r"\s+jobid: (\d+)").match, lines[index : index + 12]) if m), None
            )
            if jobid is not None:
                starts[jobid] = stamp
    return intervals


def jobs_by_rule(log: str) -> dict[str, list[str]]:
    """rule -> the doc wildcards (or "") of the jobs Snakemake's log says it started."""
    found: dict[str, list[str]] = defaultdict(list)
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", log):
        rule = re.match(r"(?:local)?rule (\w+):", block.strip())
        if rule:
            doc = re.search(r"wildcards: doc=(\w+)", block)
            found[rule.group(1)].append(doc.group(1) if doc else "")
    return found


def results_digest(results: Path) -> str:
    """sha256 of every file under results/ but the logs and run snapshots, by relative path."""
    digest = hashlib.sha256()
    for path in sorted(p for p in results.rglob("*") if p.is_file()):
        relative = path.relative_to(results).as_posix()
        if relative.startswith(("logs/", "history/")) or relative.startswith(".reviewflow"):
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def summarize(label: str, run: Run, n_docs: int, cores: int) -> None:
    main = [p for p in run.processes if p.role == "snakemake"]
    jobs = [p for p in run.processes if p.role not in ("snakemake", "other")]
    pool = [p for p in jobs if p.role == "pool"]
    cpu_jobs = sum(p.cpu for p in jobs)
    cpu_main = sum(p.cpu for p in main)
    run_start = min(p.start for p in main) if main else 0.0
    intervals = job_intervals(run.log)
    first_job = min((start for start, _ in intervals), default=run_start)
    busy = _union_length(intervals)
    largest = max(jobs, key=lambda p: p.max_rss_mb, default=None)
    print(f"-- {label}: {len(jobs)} job processes, cores={cores}, load {os.getloadavg()[0]:.2f} at end")
    print(f"   wall {run.wall:.1f} s, per document {run.wall / n_docs:.3f} s")
    print(f"   CPU {cpu_jobs + cpu_main:.1f} s: jobs {cpu_jobs:.1f} s, Snakemake process {cpu_main:.1f} s")
    print(
        f"   Snakemake alone: {first_job - run_start:.1f} s before the first job (parsing, DAG), "
        f"{run.wall - busy:.1f} s of wall time with no job running (job times from its log, 1 s resolution)"
    )
    if pool:
        print(f"   pool: {len(pool)} worker processes, CPU {sum(p.cpu for p in pool):.1f} s (the per-document jobs)")
    print(
        f"   peak RSS: whole run {run.peak_tree_rss_mb:.0f} MB (sampled), Snakemake {max((p.max_rss_mb for p in main), default=0):.0f} MB",
        end="",
    )
    print(f", largest job {largest.max_rss_mb:.0f} MB ({largest.role})" if largest else "")
    by_role: dict[str, list[Process]] = defaultdict(list)
    for process in jobs:
        by_role[process.role].append(process)
    print(f"   {'script':<16} {'jobs':>5} {'wall s':>8} {'mean s':>7} {'CPU s':>8} {'max RSS MB':>10}")
    for role, group in sorted(by_role.items(), key=lambda item: -sum(p.end - p.start for p in item[1])):
        wall = sum(p.end - p.start for p in group)
        print(
            f"   {role:<16} {len(group):>5} {wall:>8.1f} {wall / len(group):>7.2f} "
            f"{sum(p.cpu for p in group):>8.1f} {max(p.max_rss_mb for p in group):>10.0f}"
        )


def bench(n_docs: int, cores: int, bad_share: float, keep: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="reviewflow-scale-") as tmp:
        work = Path(tmp)
        copy_repository(work)
        n_bad = grow_corpus(work, n_docs, bad_share)
        hook_dir = work / "hook"
        hook_dir.mkdir()
        (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        print(f"== N={n_docs} documents ({n_bad} bad files), cores={cores}, load before {os.getloadavg()}")
        full = run_snakemake(work, cores, hook_dir)
        summarize("full run from clean", full, n_docs, cores)
        print(f"   results digest: {results_digest(work / 'results')}")
        add_one_document(work)
        update = run_snakemake(work, cores, hook_dir)
        summarize("after adding one document", update, n_docs + 1, cores)
        ran = jobs_by_rule(update.log)
        per_document = sorted({doc for docs in ran.values() for doc in docs if doc})
        print(
            f"   add-one rerun: {update.wall:.1f} s = {100 * update.wall / full.wall:.1f} % of the full run; "
            f"rules run: {', '.join(f'{rule}×{len(docs)}' for rule, docs in sorted(ran.items()))}; "
            f"per-document jobs of: {', '.join(per_document) or 'none'}"
        )
        for label, run in (("full", full), ("add-one", update)):
            rows = [p for p in run.processes if p.role in AGGREGATES]
            print(
                f"   aggregates ({label}): "
                + ", ".join(
                    f"{p.role} {p.end - p.start:.1f} s / {p.max_rss_mb:.0f} MB"
                    for p in sorted(rows, key=lambda p: AGGREGATES.index(p.role))
                )
            )
        if keep:
            shutil.copytree(work / "results", keep / f"results_{n_docs}", dirs_exist_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, action="append", help="corpus size N (repeatable; default 100)")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--bad-share", type=float, default=0.05, help="share of the copies that are bad files")
    parser.add_argument("--keep", type=Path, help="copy each run's results/ to DIR/results_N")
    args = parser.parse_args()
    for n_docs in args.docs or [100]:
        bench(n_docs, args.cores, args.bad_share, args.keep)


if __name__ == "__main__":
    main()
