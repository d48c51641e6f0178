"""Benchmark: the synthesis (support table, all tables, workbook, figures) on a synthetic corpus.

N documents x S coded segments each, codes drawn from the default form's codebook. Prints the time of
each step and the peak resident memory. Not a test: it checks only that every document is counted.

    .venv/bin/python bench/bench_synthesis.py [--documents 2000] [--segments 300]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import pandas as pd

from reviewflow.corpus.manifest import Document
from reviewflow.form import load_form
from reviewflow.paths import DEFAULT_FORM
from reviewflow.synthesis import figures, tables
from reviewflow.synthesis.audit import EVIDENCE_HTML
from reviewflow.synthesis.evidence import synthesize


def synthetic_coding(codebook, n_documents: int, n_segments: int, rng: random.Random) -> pd.DataFrame:
    phases = ["", *codebook.ids("phases")]
    rows = []
    for d in range(n_documents):
        for s in range(n_segments):
            need = rng.choice(codebook.need_items) if rng.random() < 0.3 else None
            code = need.code if need else rng.choice(codebook.code_items).id
            is_area = code in codebook.ids("service_areas")
            rows.append(
                {
                    "doc_id": f"doc{d:05d}",
                    "segment_id": f"{d:05d}{s:05d}",
                    "page": str(1 + s // 30),
                    "is_recommendation": "true" if rng.random() < 0.2 else "false",
                    "polarity": "do_not" if rng.random() < 0.05 else "do",
                    "service_areas": code if is_area else "",
                    "practices": "" if is_area else code,
                    "needs": need.id if need else "",
                    "phase": rng.choice(phases),
                    "decision": "reject" if rng.random() < 0.01 else "",
                    # what the audit trail carries: the sentence and what decided it
                    "sentence": f"Segment {s} of document {d} recommends {code} with some words of context.",
                    "phase_source": "cue",
                    "decided_by": "both",
                    "confidence": "0.900",
                    "evidence": f"area:{code}:word;model:0.90",
                    "reviewer": "",
                    "codes_source": "auto",
                }
            )
    return pd.DataFrame(rows, dtype=str)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--segments", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)
    codebook = load_form(DEFAULT_FORM).codebook
    coding = synthetic_coding(codebook, args.documents, args.segments, rng)
    documents = [
        Document(
            f"doc{d:05d}",
            f"Author{d:05d} et al., {2000 + d % 20}",
            "A",
            str(2000 + d % 20),
            "",
            "",
            "",
            "",
            "other",
            "internet",
            f"documents/doc{d:05d}.txt",
            True,
            False,
            "",
        )
        for d in range(args.documents)
    ]
    basis = {d.doc_id: rng.choice(["primary", "other", "unknown"]) for d in documents}
    report = pd.DataFrame({"doc_id": [d.doc_id for d in documents], "status": "ok", "message": ""})
    print(f"{args.documents} documents x {args.segments} segments = {len(coding):,} coded rows")
    start = time.perf_counter()
    result = synthesize(coding, report, codebook, documents, basis)
    synthesized = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        tables.write_tables(result, Path(out) / "tables")
        written = time.perf_counter()
        evidence_bytes = sum((Path(out) / "tables" / name).stat().st_size for name in (EVIDENCE_HTML,))
        html_bytes = sum(p.stat().st_size for p in (Path(out) / "tables").glob("*.html"))
        figures.write_figures(result, Path(out) / "figures")
        drawn = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert result.support["doc_id"].nunique() == args.documents
    print(f"synthesize (support + tidy tables): {synthesized - start:.2f} s, {len(result.support):,} support rows")
    print(f"tables (CSV, Markdown, HTML, LaTeX, XLSX, evidence): {written - synthesized:.2f} s")
    print(
        f"evidence.html (the report's quotes behind the cells): {evidence_bytes / 1e6:.2f} MB; all HTML fragments {html_bytes / 1e6:.2f} MB"
    )
    print(f"figures (2 x PNG 300 dpi + SVG): {drawn - written:.2f} s")
    print(f"peak RSS: {peak_kib / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
