"""Throughput of in-text citation finding and resolution on a synthetic corpus.

A 2,000-document manifest (surnames built from syllables, 2–6 authors, a/b suffixes, corporate
authors with acronyms) and 20,000 sentences citing it in the forms real texts use (parenthetical
lists, et al., narrative, misspellings, personal communications, sentences without citations).
Prints citations/s for find_citations and for resolution, plus accuracy against the generated truth.

    .venv/bin/python bench/bench_citations.py [--documents 2000] [--sentences 20000] [--seed 7]

With --default-corpus it also reads the rendered default corpus (corpus/documents/, through
reviewflow.ingest.document as the pipeline does) and prints resolution precision/recall against the
hand-checked citations of tests/test_citations.py (SURROGATE_CITES).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

from reviewflow.coding.citation_resolver import CitationResolver
from reviewflow.coding.citations import find_citations
from reviewflow.corpus.manifest import COLUMNS, Document

SYLLABLES = [
    "ka",
    "ro",
    "vin",
    "stel",
    "mar",
    "do",
    "lin",
    "bre",
    "han",
    "sor",
    "tu",
    "wen",
    "gal",
    "pe",
    "ri",
    "mon",
    "dal",
    "che",
    "var",
    "os",
    "ley",
    "ton",
    "berg",
    "quist",
    "ar",
    "el",
]
ORG_HEADS = [
    "National Coalition",
    "Regional Center",
    "State Alliance",
    "Institute",
    "Network",
    "Council",
    "Task Force",
    "Legal Services",
]
ORG_TOPICS = [
    "Trafficking Survivors",
    "Migrant Rights",
    "Refugee Health",
    "Women and Children",
    "Domestic Violence",
    "Immigrant Justice",
    "Labor Rights",
    "Youth Services",
]
PLACES = ["Ohio", "Texas", "Oregon", "Maine", "Nevada", "Utah", "Iowa", "Vermont"]
FILLER = [
    "Shelter staff reported gaps in interpretation",
    "Case managers coordinated housing and legal aid",
    "Survivors described long waits for services",
    "Programs adapted their intake to trauma",
    "Outreach teams worked with law enforcement",
]


def surname(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def make_documents(n: int, rng: random.Random) -> list[tuple[Document, list[str], str]]:
    """(document, its author surnames or [corporate name], acronym or ''). Two works of the same first
    author and year get a/b suffixes, as APA requires."""
    specs = []
    while len(specs) < n:
        year = str(rng.randint(1995, 2024))
        if rng.random() < 0.12:
            name = f"{rng.choice(PLACES)} {rng.choice(ORG_HEADS)} for {rng.choice(ORG_TOPICS)}"
            acronym = "".join(w[0] for w in name.split() if w not in ("for", "and")).upper()
            specs.append((year, [name], acronym))
        else:
            specs.append((year, [surname(rng) for _ in range(rng.choice([1, 1, 2, 2, 3, 4, 6]))], ""))
    groups: dict[str, list[int]] = {}
    for index, (year, authors, acronym) in enumerate(specs):
        base = f"{(acronym or authors[0]).lower()}{year}"
        groups.setdefault(base, []).append(index)
    docs = []
    for base, members in groups.items():
        for rank, index in enumerate(members):
            year, authors, acronym = specs[index]
            suffix = "abcdefghij"[rank] if len(members) > 1 else ""
            label = year + suffix
            if acronym:
                authors_cell, citation = authors[0], f"{acronym}, {label}"
            else:
                authors_cell = "; ".join(f"{a}, {rng.choice('ABCDEFGHJKLMNPRST')}." for a in authors)
                citation = (
                    f"{authors[0]}, {label}"
                    if len(authors) == 1
                    else f"{authors[0]} & {authors[1]}, {label}"
                    if len(authors) == 2
                    else f"{authors[0]} et al., {label}"
                )
            row = dict.fromkeys(COLUMNS, "")
            row.update(
                doc_id=base + suffix,
                citation=citation,
                authors=authors_cell,
                year=year,
                year_suffix=suffix,
                doc_type="other",
                search_strategy="internet",
                file=f"documents/{base + suffix}.pdf",
            )
            docs.append((Document(**{**row, "surrogate": False, "verified": False}), authors, acronym))
    return docs


def misspell(name: str, rng: random.Random) -> str:
    if len(name) < 6:
        return name
    i = rng.randint(1, len(name) - 3)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # swap two letters


def cite(entry: tuple[Document, list[str], str], rng: random.Random) -> tuple[str, bool]:
    """A parenthetical part citing the document, and whether it is narrative."""
    doc, authors, acronym = entry
    year = doc.year_label
    if acronym:
        return (f"{acronym}, {year}" if rng.random() < 0.5 else f"{authors[0]}, {year}"), False
    first = authors[0]
    if rng.random() < 0.05:
        first = misspell(first, rng)
    if len(authors) == 1:
        names = first
    elif len(authors) == 2:
        names = f"{first} & {authors[1]}"
    else:
        names = f"{first} et al."
    return f"{names}, {year}", False


def make_sentences(docs, n: int, rng: random.Random) -> tuple[list[str], list[list[str | None]]]:
    sentences, truth = [], []
    for _ in range(n):
        base = rng.choice(FILLER)
        roll = rng.random()
        if roll < 0.15:
            sentences.append(f"{base} in June 2006 (N = 45).")
            truth.append([])
        elif roll < 0.3:
            entry = rng.choice(docs)
            doc, authors, acronym = entry
            if len(authors) == 1 or acronym:
                lead = authors[0]
            elif len(authors) == 2:
                lead = f"{authors[0]} and {authors[1]}"
            else:
                lead = f"{authors[0]} and colleagues"
            sentences.append(f"According to {lead} ({doc.year_label}), {base.lower()}.")
            truth.append([doc.doc_id])
        else:
            chosen = rng.sample(docs, rng.randint(1, 3))
            parts = [cite(e, rng)[0] for e in chosen]
            ids: list[str | None] = [e[0].doc_id for e in chosen]
            if rng.random() < 0.1:
                parts.append("A. Rivera, personal communication, March 2006")
                ids.append(None)
            sentences.append(f"{base} (e.g., {'; '.join(parts)}).")
            truth.append(ids)
    return sentences, truth


def default_corpus_figures() -> None:
    from reviewflow.corpus.manifest import read_rows
    from reviewflow.ingest.document import ingest_file

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "tests"))
    from test_citations import SURROGATE_CITES  # the hand-checked truth lives with the tests

    rows = read_rows(root / "corpus" / "manifest.csv")
    docs = [Document(**{**{c: r.get(c, "") for c in COLUMNS}, "surrogate": True, "verified": True}) for r in rows]
    resolver = CitationResolver(docs)
    expected: Counter = Counter()
    got: Counter = Counter()
    n_found = n_personal = 0
    for doc in docs:
        path = root / "corpus" / doc.file
        if not path.is_file():
            print(f"  {doc.doc_id}: {path} missing, skipped")
            continue
        record = ingest_file(path, doc.doc_id)
        text = record["text"]
        body = "\n\n".join(text[s["start"] : s["end"]] for s in record["sections"] if s["name"] != "references")
        found = find_citations(body)
        n_found += len(found)
        n_personal += sum(c.personal_communication for c in found)
        got.update((doc.doc_id, d) for d in resolver.resolve_all(found) if d)
        expected.update({(doc.doc_id, d): n for d, n in SURROGATE_CITES.get(doc.doc_id, {}).items()})
    correct = sum((got & expected).values())
    print(
        f"default corpus ({len(docs)} rendered documents): {n_found} citations found, {n_personal} personal "
        f"communications; resolution precision {correct / max(1, sum(got.values())):.3f}, "
        f"recall {correct / max(1, sum(expected.values())):.3f} ({correct} of {sum(expected.values())} "
        f"hand-checked corpus citations)"
    )
    for pair, n in sorted((got - expected).items()):
        print(f"  extra: {pair} x{n}")
    for pair, n in sorted((expected - got).items()):
        print(f"  missed: {pair} x{n}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--sentences", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--default-corpus", action="store_true", help="also evaluate on corpus/documents")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    docs = make_documents(args.documents, rng)
    sentences, truth = make_sentences(docs, args.sentences, rng)

    t0 = time.perf_counter()
    found = [find_citations(s) for s in sentences]
    t1 = time.perf_counter()
    resolver = CitationResolver([d for d, _, _ in docs])
    t2 = time.perf_counter()
    flat = [c for cs in found for c in cs]
    resolved = resolver.resolve_all(flat)
    t3 = time.perf_counter()

    n_cit = len(flat)
    expected = [t for ts in truth for t in ts]
    by_sentence, position = [], 0
    for cs in found:
        by_sentence.append(resolved[position : position + len(cs)])
        position += len(cs)
    exact_sentences = sum(1 for got, want in zip(by_sentence, truth) if got == want)
    want_ids = sum(1 for t in expected if t)
    got_pairs = [(g, w) for got, want in zip(by_sentence, truth) if len(got) == len(want) for g, w in zip(got, want)]
    correct = sum(1 for g, w in got_pairs if g and g == w)
    wrong = sum(1 for g, w in got_pairs if g and g != w)
    resolved_total = sum(1 for r in resolved if r)

    print(f"documents: {len(docs)}  sentences: {len(sentences)}  citations found: {n_cit} (expected {len(expected)})")
    print(
        f"find_citations: {t1 - t0:.2f} s  -> {n_cit / (t1 - t0):,.0f} citations/s, {len(sentences) / (t1 - t0):,.0f} sentences/s"
    )
    print(f"resolver index: {t2 - t1:.3f} s for {len(docs)} documents")
    print(f"resolve_all:    {t3 - t2:.2f} s  -> {n_cit / max(t3 - t2, 1e-9):,.0f} citations/s")
    print(f"end to end:     {n_cit / (t3 - t0):,.0f} citations/s")
    print(f"sentences with exactly the expected doc_ids: {exact_sentences}/{len(sentences)}")
    print(
        f"resolution: {correct} correct, {wrong} wrong, {resolved_total} resolved of {want_ids} resolvable "
        f"-> precision {correct / max(1, resolved_total):.3f}, recall {correct / max(1, want_ids):.3f}"
    )
    if args.default_corpus:
        default_corpus_figures()


if __name__ == "__main__":
    main()
