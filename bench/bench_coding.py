"""Coding speed: segments per second on the default corpus (corpus/documents, via ingest_file) and on the
real HHS/ASPE 2009 excerpt in ../shared/texts, with the rules alone and with the shipped learned scorer
(as the workflow runs). Ingestion is timed separately and excluded.

    .venv/bin/python bench/bench_coding.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from reviewflow.coding import code_ingested
from reviewflow.coding_nlp import resources
from reviewflow.ingestion import ingest_file
from reviewflow.paths import DEFAULT_FORM, DEFAULT_RECOMMENDATION_MODEL, REPO_ROOT
from reviewflow.recommender import RecommendationModel, load_model

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
    print(f"{name}: {len(paths)} document(s), {chars} characters, {segments} segments; "
          f"coding {best:.2f} s (best of {repeat}) = {segments / best:.0f} segments/s, {chars / best / 1000:.0f} kchar/s; "
          f"ingestion {ingest_seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    resources(DEFAULT_FORM)
    print(f"pipeline + matchers built once per process: {time.perf_counter() - started:.2f} s")
    corpus = sorted(p for p in (REPO_ROOT / "corpus" / "documents").iterdir() if p.suffix in (".pdf", ".html", ".htm", ".txt"))
    if corpus:
        bench("default corpus", corpus, args.repeat)
    if SHARED_TEXT.is_file():
        bench("HHS/ASPE 2009 excerpt", [SHARED_TEXT], args.repeat)
        bench("HHS/ASPE 2009 excerpt x20 (one long document)", [_repeated(SHARED_TEXT, 20)], 1)


def _repeated(path: Path, times: int) -> Path:
    import tempfile

    target = Path(tempfile.mkdtemp()) / "hhs_x20.txt"
    target.write_text("\n\n".join([path.read_text(encoding="utf-8")] * times), encoding="utf-8")
    return target


if __name__ == "__main__":
    main()
