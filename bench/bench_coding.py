"""Coding speed: segments per second on the default corpus (corpus/documents, via ingest_file) and on the
real HHS/ASPE 2009 excerpt in ../shared/texts, with the rules alone and with the shipped learned scorer
(as the workflow runs). Ingestion is timed separately and excluded. Last, the throughput of the whole
machine: the default corpus coded by as many worker processes as there are cores (the workflow runs
one coding job per document, so on 2 cores two documents are coded at once). Also one paragraph and one
text line of growing length (to 1 MB): coding must stay linear in length.

    .venv/bin/python bench/bench_coding.py [--repeat 3] [--processes N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from pathlib import Path

from reviewflow.coding.coder import code_ingested
from reviewflow.coding.nlp import resources
from reviewflow.coding.recommender import RecommendationModel, load_model
from reviewflow.ingest import readers
from reviewflow.ingest.document import ingest_file
from reviewflow.paths import DEFAULT_FORM, DEFAULT_RECOMMENDATION_MODEL, REPO_ROOT

SHARED_TEXT = REPO_ROOT.parent / "shared" / "texts" / "hhs-aspe-2009-promising-services-excerpt.txt"


def bench(name: str, paths: list[Path], repeat: int) -> None:
    for label, model in (("rules", None), ("rules + scorer", load_model(DEFAULT_RECOMMENDATION_MODEL))):
        _bench(f"{name} [{label}]", paths, repeat, model)


def _bench(name: str, paths: list[Path], repeat: int, model: RecommendationModel | None) -> None:
    started = time.perf_counter()
    ingested = [ingest_file(path) for path in paths]
    ingest_seconds = time.perf_counter() - started
    best = float("inf")
    segments = 0
    for _ in range(repeat):
        started = time.perf_counter()
        segments = sum(len(code_ingested(record, DEFAULT_FORM, model=model).rows) for record in ingested)
        best = min(best, time.perf_counter() - started)
    chars = sum(len(record.get("text") or "") for record in ingested)
    print(
        f"{name}: {len(paths)} document(s), {chars} characters, {segments} segments; "
        f"coding {best:.2f} s (best of {repeat}) = {segments / best:.0f} segments/s, {chars / best / 1000:.0f} kchar/s; "
        f"ingestion {ingest_seconds:.2f} s"
    )


_WORKER_MODEL: RecommendationModel | None = None


def _init_worker() -> None:
    global _WORKER_MODEL
    resources(DEFAULT_FORM)
    _WORKER_MODEL = load_model(DEFAULT_RECOMMENDATION_MODEL)


def _code_one(record: dict) -> int:
    return len(code_ingested(record, DEFAULT_FORM, model=_WORKER_MODEL).rows)


def bench_processes(paths: list[Path], processes: int, repeat: int) -> None:
    """Segments per second with ``processes`` workers, each coding whole documents with the scorer."""
    ingested = [ingest_file(path) for path in paths] * 4  # enough work to keep every worker busy
    with multiprocessing.get_context("fork").Pool(processes, initializer=_init_worker) as pool:
        pool.map(_code_one, ingested[:processes])  # warm up: every worker has built its pipeline
        best, segments = float("inf"), 0
        for _ in range(repeat):
            started = time.perf_counter()
            segments = sum(pool.map(_code_one, ingested, chunksize=1))
            best = min(best, time.perf_counter() - started)
    print(
        f"default corpus x4 on {processes} process(es) [rules + scorer]: {segments} segments in {best:.2f} s "
        f"(best of {repeat}) = {segments / best:.0f} segments/s"
    )


def bench_long_block(sizes_kb: tuple[int, ...] = (10, 40, 160, 640)) -> None:
    """One paragraph of growing length: coding time should grow linearly with it."""
    sentence = "Providers should offer safe housing to survivors (Aron et al., 2006). "
    for size in sizes_kb:
        text = sentence * (size * 1000 // len(sentence))
        record = {
            "doc_id": "long",
            "text": text,
            "blocks": [{"kind": "paragraph", "start": 0, "end": len(text), "page": 1}],
            "pages": [{"number": 1, "start": 0, "end": len(text)}],
            "sections": [],
            "quality": {"status": "ok"},
        }
        started = time.perf_counter()
        segments = len(code_ingested(record, DEFAULT_FORM).rows)
        seconds = time.perf_counter() - started
        print(
            f"one {size} KB paragraph [rules]: {segments} segments in {seconds:.2f} s = {segments / seconds:.0f} segments/s"
        )


def bench_long_line(sizes_kb: tuple[int, ...] = (125, 250, 500, 1000)) -> None:
    """A text file whose middle line is one run-on line of growing length (issue 14's 950,000-character
    line), ingested and coded: the time per character should stay flat. CPU seconds of this process,
    so that other work on a shared machine does not inflate them."""
    import tempfile

    body = (REPO_ROOT / "corpus" / "documents").glob("*.txt")
    lines = next(iter(sorted(body))).read_text(encoding="utf-8").split("\n")
    with tempfile.TemporaryDirectory(prefix="rf-bench-line-") as folder:
        for size in sizes_kb:
            path = Path(folder) / f"line_{size}kb.txt"
            line = "Recommendation: " * (size * 1000 // 16)
            path.write_text("\n".join([*lines[: len(lines) // 2], line, *lines[len(lines) // 2 :]]), encoding="utf-8")
            started = time.process_time()
            record = ingest_file(path)
            ingested = time.process_time()
            segments = len(code_ingested(record, DEFAULT_FORM).rows)
            coded = time.process_time()
            print(
                f"text with one {size} KB line [rules]: ingestion {ingested - started:.2f} CPU s, coding "
                f"{coded - ingested:.2f} CPU s ({segments} segments) = {(coded - started) / size * 1000:.1f} CPU ms per KB"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    started = time.perf_counter()
    resources(DEFAULT_FORM)
    print(f"pipeline + matchers built once per process: {time.perf_counter() - started:.2f} s")
    corpus = sorted(p for p in (REPO_ROOT / "corpus" / "documents").iterdir() if readers.for_extension(p))
    if corpus:
        bench("default corpus", corpus, args.repeat)
    if SHARED_TEXT.is_file():
        bench("HHS/ASPE 2009 excerpt", [SHARED_TEXT], args.repeat)
        bench("HHS/ASPE 2009 excerpt x20 (one long document)", [_repeated(SHARED_TEXT, 20)], 1)
    bench_long_block()
    bench_long_line()
    if corpus:
        bench_processes(corpus, args.processes, args.repeat)


def _repeated(path: Path, times: int) -> Path:
    import tempfile

    target = Path(tempfile.mkdtemp()) / "hhs_x20.txt"
    target.write_text("\n\n".join([path.read_text(encoding="utf-8")] * times), encoding="utf-8")
    return target


if __name__ == "__main__":
    main()
