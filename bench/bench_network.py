"""Benchmark: reference matching and network building on a synthetic corpus.

2,000 documents x 40 reference-list entries (half of them pointing at corpus documents, written the
way reference lists write them: surname only, sometimes a corporate acronym, titles with small
changes; one external entry in ten is an organization outside the corpus, which takes matching
down its fuzzy corporate-author path), plus in-text citations. Prints, for each corpus size, the
matching time (best of --repeat runs, wall clock and process CPU time, with entries per second),
the network-building time and the peak Python memory (tracemalloc) and process RSS; with several
sizes, a table of throughput per size shows whether matching stays near-linear. Not a test: it
asserts only that matching is right.

    .venv/bin/python bench/bench_network.py [--documents 500 2000 4000] [--references 40] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from reviewflow.network.graph import build_network
from reviewflow.references.matching import MatchIndex, match_rows

SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vo", "sul", "dar", "en", "ber", "gon", "li", "pet", "wa", "ski", "ron"]
WORDS = [
    "trafficking",
    "survivors",
    "services",
    "shelter",
    "health",
    "care",
    "legal",
    "advocacy",
    "housing",
    "trauma",
    "recovery",
    "victims",
    "assessment",
    "program",
    "evaluation",
    "practice",
    "needs",
    "women",
    "children",
    "community",
    "response",
    "coordination",
    "policy",
    "outcomes",
    "training",
    "mental",
]
ORGS = ["Coalition", "Institute", "Organization", "Council", "Network", "Alliance"]


def synthetic_corpus(n_documents: int, n_references: int, seed: int = 7):
    rng = random.Random(seed)
    # The external organizations draw from a second generator: the corpus and the entries pointing
    # inside come out as they did before there were any, so accuracy figures compare across versions.
    corporate_rng = random.Random(seed + 1)
    # A small pool of surnames, so that same surname + same year (Clawson 2008 ×3) happens often and
    # titles have to tell the works apart.
    pool = sorted({"".join(rng.choice(SYLLABLES) for _ in range(3)).title() for _ in range(max(50, n_documents // 5))})
    documents = []
    for i in range(n_documents):
        year = str(1990 + rng.randrange(30))
        if i % 10 == 0:
            words = [rng.choice(SYLLABLES).title() + rng.choice(SYLLABLES) for _ in range(3)]
            authors = f"{words[0]} {rng.choice(ORGS)} for {words[1]} {words[2]}"
            citation = f"{''.join(w[0] for w in authors.split() if w != 'for').upper()}, {year}"
        else:
            surnames = [rng.choice(pool) for _ in range(rng.randint(1, 3))]
            authors = "; ".join(f"{s}, {rng.choice('ABCDEFGH')}." for s in surnames)
            citation = f"{surnames[0]}{' et al.' if len(surnames) > 1 else ''}, {year}"
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()
        documents.append(
            {
                "doc_id": f"d{i:05d}",
                "citation": citation,
                "authors": authors,
                "year": year,
                "year_suffix": "",
                "title": title if i % 7 else "",
                "doc_type": "journal_article",
            }
        )
    references: dict[str, list[dict[str, str]]] = {}
    expected: dict[tuple[str, int], str] = {}
    for doc in documents:
        rows = []
        for position in range(1, n_references + 1):
            if position % 2:
                target = documents[rng.randrange(n_documents)]
                first = target["authors"].split(";")[0].split(",")[0]
                if "for" in first.split() and rng.random() < 0.5:
                    first = target["citation"].rsplit(",", 1)[0]  # corporate author cited by its acronym
                title = target["title"] or " ".join(rng.choice(WORDS) for _ in range(5))
                if rng.random() < 0.3:  # a reference list's small changes: a word dropped, an edition added
                    words = title.split()
                    del words[rng.randrange(1, len(words))]
                    title = " ".join(words) + " (2nd ed.)"
                rows.append(
                    {"position": position, "authors": first, "year": target["year"], "suffix": "", "title": title}
                )
                expected[(doc["doc_id"], position)] = target["doc_id"]
            else:
                author = "".join(rng.choice(SYLLABLES) for _ in range(4)).title()
                if corporate_rng.random() < 0.1:
                    # Five name words: its acronym cannot be a corpus organization's (four letters).
                    words = [
                        corporate_rng.choice(SYLLABLES).title() + corporate_rng.choice(SYLLABLES) for _ in range(5)
                    ]
                    author = f"{words[0]} {corporate_rng.choice(ORGS)} for {' '.join(words[1:])}"
                rows.append(
                    {
                        "position": position,
                        "authors": author,
                        "year": str(1980 + rng.randrange(40)),
                        "suffix": "",
                        "title": " ".join(rng.choice(WORDS) for _ in range(6)),
                    }
                )
        references[doc["doc_id"]] = rows
    coding = [
        {
            "doc_id": doc["doc_id"],
            "segment_id": f"s{i}",
            "cited_doc_ids": documents[(i * 31) % n_documents]["doc_id"],
            "service_areas": "shelter_housing",
            "practices": "",
            "is_recommendation": "true",
            "decision": "",
        }
        for i, doc in enumerate(documents)
    ]
    return documents, references, coding, expected


@dataclass(frozen=True)
class SizeResult:
    documents: int
    entries: int
    wall_seconds: float
    cpu_seconds: float


def match_all(documents: list[dict[str, str]], references: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    index = MatchIndex.build(documents)
    return [row | {"doc_id": doc_id} for doc_id, rows in references.items() for row in match_rows(rows, index)]


def run_size(n_documents: int, n_references: int, repeat: int) -> SizeResult:
    documents, references, coding, expected = synthetic_corpus(n_documents, n_references)
    n_entries = sum(len(rows) for rows in references.values())

    # Best of several runs: on shared cores one run can wait for the CPU, and a single slow run
    # reads as a scaling problem. CPU time is printed beside wall time for the same reason.
    wall, cpu = float("inf"), float("inf")
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        matched = match_all(documents, references)
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    started = time.perf_counter()
    network = build_network(documents, references, coding)
    build_seconds = time.perf_counter() - started

    # Memory in a separate pass: tracemalloc slows Python code down by about half.
    tracemalloc.start()
    match_all(documents, references)
    _, match_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    build_network(documents, references, coding)
    _, build_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    found = {(r["doc_id"], int(r["position"])): r["matched_doc_id"] for r in matched}
    # A synthetic reference may by chance fit another document with the same surname, year and a
    # similar title; count exact agreement with the generator.
    right = sum(1 for key, target in expected.items() if found.get(key) == target)
    false_links = sum(1 for key, value in found.items() if value and key not in expected)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {len(documents)} documents, {n_entries} reference entries ({len(expected)} pointing inside)")
    print(
        f"matching (best of {repeat}): {wall:.2f} s wall, {cpu:.2f} s CPU "
        f"({n_entries / max(cpu, 1e-9):,.0f} entries/s), peak traced memory {match_peak / 2**20:.1f} MiB"
    )
    print(
        f"build_network (matching + in-text + graph + PageRank): {build_seconds:.2f} s, "
        f"peak traced memory {build_peak / 2**20:.1f} MiB"
    )
    wrong = sum(1 for key, target in expected.items() if found.get(key) and found[key] != target)
    ambiguous = sum(1 for r in matched if r["match_basis"].startswith("ambiguous"))
    print(
        f"inside references matched to the right document: {right}/{len(expected)} = {right / len(expected):.4f}; "
        f"to a wrong one: {wrong}; left external as ambiguous: {ambiguous}; "
        f"external entries linked by mistake: {false_links}"
    )
    print(
        f"network: {network.summary['edges']} edges, density {network.summary['density']}, "
        f"{network.summary['weakly_connected_components']} weakly connected component(s)"
    )
    print(f"process max RSS so far: {rss_mb:.0f} MiB")
    return SizeResult(len(documents), n_entries, wall, cpu)


def scaling_table(results: list[SizeResult]) -> list[str]:
    """Throughput per size against the smallest: near-linear matching keeps the ratio close to 1."""
    base = min(results, key=lambda r: r.documents)
    header = f"vs {base.documents}"
    lines = [f"{'documents':>9} {'entries':>8} {'wall s':>7} {'CPU s':>6} {'entries/s':>10} {header:>8}"]
    for r in sorted(results, key=lambda r: r.documents):
        rate = r.entries / max(r.cpu_seconds, 1e-9)
        lines.append(
            f"{r.documents:>9} {r.entries:>8} {r.wall_seconds:>7.2f} {r.cpu_seconds:>6.2f} {rate:>10,.0f} "
            f"{rate / (base.entries / max(base.cpu_seconds, 1e-9)):>8.2f}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, nargs="+", default=[2000], help="one or more corpus sizes")
    parser.add_argument("--references", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="matching runs per size; the fastest is reported")
    args = parser.parse_args()
    if min(args.documents) < 1 or args.references < 1 or args.repeat < 1:
        parser.error("--documents, --references and --repeat must be at least 1")
    results = []
    for number, n_documents in enumerate(args.documents):
        if number:
            print()
        results.append(run_size(n_documents, args.references, args.repeat))
    if len(results) > 1:
        print("\nscaling of matching (CPU time; entries/s relative to the smallest corpus):")
        print("\n".join(scaling_table(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
