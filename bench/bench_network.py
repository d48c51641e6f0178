"""Benchmark: reference matching and network building on a synthetic corpus.

2,000 documents x 40 reference-list entries (half of them pointing at corpus documents, written the
way reference lists write them: surname only, sometimes a corporate acronym, titles with small
changes), plus in-text citations. Prints the matching time, the network-building time and the peak
Python memory (tracemalloc) and process RSS. Not a test: it asserts only that matching is right.

    .venv/bin/python bench/bench_network.py [--documents 2000] [--references 40]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from reviewflow.network import build_network  # noqa: E402
from reviewflow.references import MatchIndex, match_rows  # noqa: E402

SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vo", "sul", "dar", "en", "ber", "gon", "li", "pet", "wa", "ski", "ron"]
WORDS = ["trafficking", "survivors", "services", "shelter", "health", "care", "legal", "advocacy", "housing",
         "trauma", "recovery", "victims", "assessment", "program", "evaluation", "practice", "needs", "women",
         "children", "community", "response", "coordination", "policy", "outcomes", "training", "mental"]
ORGS = ["Coalition", "Institute", "Organization", "Council", "Network", "Alliance"]


def synthetic_corpus(n_documents: int, n_references: int, seed: int = 7):
    rng = random.Random(seed)
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
        documents.append({"doc_id": f"d{i:05d}", "citation": citation, "authors": authors, "year": year,
                          "year_suffix": "", "title": title if i % 7 else "", "doc_type": "journal_article"})
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
                rows.append({"position": position, "authors": first, "year": target["year"], "suffix": "",
                             "title": title})
                expected[(doc["doc_id"], position)] = target["doc_id"]
            else:
                surname = "".join(rng.choice(SYLLABLES) for _ in range(4)).title()
                rows.append({"position": position, "authors": surname, "year": str(1980 + rng.randrange(40)),
                             "suffix": "", "title": " ".join(rng.choice(WORDS) for _ in range(6))})
        references[doc["doc_id"]] = rows
    coding = [{"doc_id": doc["doc_id"], "segment_id": f"s{i}", "cited_doc_ids": documents[(i * 31) % n_documents]["doc_id"],
               "service_areas": "shelter_housing", "practices": "", "is_recommendation": "true", "decision": ""}
              for i, doc in enumerate(documents)]
    return documents, references, coding, expected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--references", type=int, default=40)
    args = parser.parse_args()
    documents, references, coding, expected = synthetic_corpus(args.documents, args.references)
    n_entries = sum(len(rows) for rows in references.values())

    def match_all():
        index = MatchIndex.build(documents)
        return [row | {"doc_id": doc_id} for doc_id, rows in references.items() for row in match_rows(rows, index)]

    # Timings without tracemalloc (it slows Python code down by about half); memory in a second pass.
    started = time.perf_counter()
    matched = match_all()
    match_seconds = time.perf_counter() - started
    started = time.perf_counter()
    network = build_network(documents, references, coding)
    build_seconds = time.perf_counter() - started

    tracemalloc.start()
    match_all()
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
    print(f"matching: {match_seconds:.2f} s ({n_entries / match_seconds:,.0f} entries/s), "
          f"peak traced memory {match_peak / 2**20:.1f} MiB")
    print(f"build_network (matching + in-text + graph + PageRank): {build_seconds:.2f} s, "
          f"peak traced memory {build_peak / 2**20:.1f} MiB")
    wrong = sum(1 for key, target in expected.items() if found.get(key) and found[key] != target)
    ambiguous = sum(1 for r in matched if r["match_basis"].startswith("ambiguous"))
    print(f"inside references matched to the right document: {right}/{len(expected)} = {right / len(expected):.4f}; "
          f"to a wrong one: {wrong}; left external as ambiguous: {ambiguous}; "
          f"external entries linked by mistake: {false_links}")
    print(f"network: {network.summary['edges']} edges, density {network.summary['density']}, "
          f"{network.summary['weakly_connected_components']} weakly connected component(s)")
    print(f"process max RSS: {rss_mb:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
