"""Reference lists: parsed entries matched to the corpus manifest.

Matching (`match_reference`) compares normalized first-author surname (or corporate name and its
acronyms), year and suffix, and title similarity (rapidfuzz), within candidate blocks keyed by year
and author so that it stays near-linear in corpus size. Unmatched entries are kept as external
references.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from reviewflow.errors import ReviewflowError
from reviewflow.fileio import write_csv
from reviewflow.references.parsing import Reference, is_corporate, parse_references, vocabulary

#: Columns of a matched reference list (the CLI output and `results/network/references_matched.csv`).
MATCHED_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "position",
    "raw",
    "authors",
    "year",
    "suffix",
    "title",
    "container",
    "page",
    "matched_doc_id",
    "score",
    "match_basis",
)

#: A title similarity (0–100, see `title_similarity`) below this rejects an author+year candidate.
TITLE_THRESHOLD = 65.0
#: Score of a match on author and year alone (the manifest or the entry has no title).
AUTHOR_YEAR_ONLY_SCORE = 70.0
#: A corporate author written differently from the manifest (`token_set_ratio`, 0–100) matches from here.
CORPORATE_THRESHOLD = 90.0
# The corporate prefilter scores with `fuzz.ratio`, which can differ from `token_set_ratio` in the
# last bits of a float; a lower cutoff keeps every key the exact score would accept.
_CORPORATE_PREFILTER = CORPORATE_THRESHOLD - 1.0


# ------------------------------------------------------------------------------------ normalizing
_SPACING_MARKS = "´¨¸`˜ˆ˚˝˘˙˛ˇ"
_SPACING_TABLE = str.maketrans("", "", _SPACING_MARKS)


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_SPACING_TABLE))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Accents, spacing diacritics (PDF `Schu¨tze`) and punctuation removed, lower case: a match key."""
    return _NON_ALNUM_RE.sub("", _strip_accents(text).lower())


def fold_words(text: str) -> str:
    """Like `fold` but keeps word boundaries (for title similarity)."""
    return _NON_ALNUM_RE.sub(" ", _strip_accents(text).lower()).strip()


_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


# ------------------------------------------------------------------------------------ matching
@dataclass(frozen=True)
class CorpusEntry:
    """What matching needs of a manifest row."""

    doc_id: str
    keys: frozenset[str]  # folded first-author surname, corporate name, acronyms
    surnames: frozenset[str]  # folded surnames of all authors (co-author agreement)
    year: str
    suffix: str
    title: str  # folded words; "" when not recovered
    main_title: str  # folded words before the subtitle


def acronym(name: str) -> str:
    skip = vocabulary().acronym_skip
    words = [w for w in re.findall(r"[^\W\d_]+", name) if w.lower() not in skip]
    return "".join(w[0] for w in words).lower() if len(words) >= 2 else ""


def corpus_entry(doc: Any) -> CorpusEntry:
    """Build the match keys of a manifest `Document` (or a row dict with the same fields)."""
    get = (
        (lambda k: str(doc.get(k, "") or ""))
        if isinstance(doc, Mapping)
        else (lambda k: str(getattr(doc, k, "") or ""))
    )
    authors = [a.strip() for a in get("authors").split(";") if a.strip()]
    keys: set[str] = set()
    surnames: set[str] = set()
    for number, author in enumerate(authors):
        corporate = is_corporate(author) or ("," not in author and len(author.split()) != 2)
        surname = author if corporate else author.split(",")[0]
        if corporate:
            for variant in (author, re.sub(r"^the\s+", "", author, flags=re.IGNORECASE), author.split(",")[0]):
                keys.add(fold(variant))
            if acronym(author):
                keys.add(acronym(author))
            if acronym(re.sub(r"^the\s+", "", author, flags=re.IGNORECASE)):
                keys.add(acronym(re.sub(r"^the\s+", "", author, flags=re.IGNORECASE)))
        elif number == 0:
            keys.add(fold(surname))
        surnames.add(fold(surname))
    # The short citation's author part ("FCADV", "WCASA/WCADV", "R.I.P.P.L.E.", "Clawson & Dutch").
    label = re.sub(r",?\s*(?:1[5-9]\d\d|20\d\d)[a-z]?\s*$", "", get("citation")).strip()
    if label:
        first = re.split(r"\s+(?:&|and|et al\.?)\s*|,", label)[0]
        for part in first.split("/"):
            if fold(part):
                keys.add(fold(part))
    keys.discard("")
    return CorpusEntry(
        doc_id=get("doc_id"),
        keys=frozenset(keys),
        surnames=frozenset(surnames),
        year=get("year"),
        suffix=get("year_suffix"),
        title=fold_words(get("title")),
        main_title=main_title(get("title")),
    )


def main_title(title: str) -> str:
    """The title before its subtitle (`Comprehensive services …: Findings from …`), folded."""
    return fold_words(re.split(r"[:?!]|\.\s|\s[-–—]\s", title, maxsplit=1)[0])


def title_similarity(title: str, entry: CorpusEntry, folded: str | None = None, main: str | None = None) -> float:
    """How alike two titles are, 0–100: whole titles compared word by word, or main titles alone.

    Not `token_set_ratio`: in a corpus on one topic, titles share phrases ("victims of human
    trafficking") that make its intersection score high for different works by the same authors.
    Comparing main titles lets a reference that drops the subtitle still match.
    """
    folded = fold_words(title) if folded is None else folded
    main = main_title(title) if main is None else main
    whole = fuzz.token_sort_ratio(folded, entry.title)
    return max(whole, fuzz.ratio(main, entry.main_title) if entry.main_title else 0.0)


@dataclass(frozen=True)
class CorporateBlock:
    """One year's corporate entries, indexed so that the fuzzy fallback reads only keys that can fit.

    A key scores 100 when it is one of the reference's words (`Caliber Associates` → `caliber`,
    `… (WHO)` → `who`): `by_key` finds those. Otherwise the score is a ratio of the reference's sorted
    words to the key, which a length difference alone caps: `lengths` (sorted, with `keys`) bounds
    the keys worth scoring.
    """

    entries: tuple[CorpusEntry, ...]  # manifest order, which decides between duplicate doc_ids
    by_key: Mapping[str, tuple[int, ...]]  # key -> positions in `entries`
    keys: tuple[str, ...]  # distinct keys, by length
    lengths: tuple[int, ...]

    @classmethod
    def build(cls, entries: Sequence[CorpusEntry]) -> CorporateBlock:
        by_key: dict[str, list[int]] = defaultdict(list)
        for position, entry in enumerate(entries):
            for key in sorted(entry.keys):
                by_key[key].append(position)
        keys = tuple(sorted(by_key, key=lambda k: (len(k), k)))
        return cls(tuple(entries), {k: tuple(v) for k, v in by_key.items()}, keys, tuple(len(k) for k in keys))


def corporate_candidates(name: str, block: CorporateBlock) -> list[tuple[CorpusEntry, float]]:
    """Entries of `block` whose best key scores at least CORPORATE_THRESHOLD against `name`, with that
    score, in manifest order: what `token_set_ratio` against every key of every entry would give."""
    query = fold_words(name)
    words = set(query.split())
    if not words:
        return []
    near = {word for word in words if word in block.by_key}
    joined = " ".join(sorted(words))
    # ratio >= c (as a share) needs |len(a) - len(b)| <= (1 - c)(len(a) + len(b)); floor and ceil
    # only widen the window.
    share = _CORPORATE_PREFILTER / 100.0
    low = bisect.bisect_left(block.lengths, math.floor(len(joined) * share / (2.0 - share)))
    high = bisect.bisect_right(block.lengths, math.ceil(len(joined) * (2.0 - share) / share))
    # Scored in C over the window; the exact score below runs on the few keys that pass.
    near.update(
        key
        for key, _, _ in process.extract(
            joined, block.keys[low:high], scorer=fuzz.ratio, score_cutoff=_CORPORATE_PREFILTER, limit=None
        )
    )
    best: dict[int, float] = {}
    for key in near:
        similarity = fuzz.token_set_ratio(query, key)
        if similarity >= CORPORATE_THRESHOLD:
            for position in block.by_key[key]:
                best[position] = max(best.get(position, 0.0), similarity)
    return [(block.entries[position], best[position]) for position in sorted(best)]


@dataclass
class MatchIndex:
    """Corpus entries blocked by year, then by author key: a lookup costs one dict access per key.

    Corporate entries (a key longer than a surname) are also blocked by year for the fuzzy fallback,
    which `CorporateBlock` keeps from reading every organization of that year.
    """

    by_year: dict[str, dict[str, list[CorpusEntry]]] = field(default_factory=dict)
    corporate_by_year: dict[str, CorporateBlock] = field(default_factory=dict)

    @classmethod
    def build(cls, documents: Iterable[Any]) -> MatchIndex:
        index = cls()
        corporate: dict[str, list[CorpusEntry]] = {}
        for doc in documents:
            entry = corpus_entry(doc)
            block = index.by_year.setdefault(entry.year, {})
            for key in sorted(entry.keys):
                block.setdefault(key, []).append(entry)
            if any(len(k) > 12 for k in entry.keys):
                corporate.setdefault(entry.year, []).append(entry)
        index.corporate_by_year = {year: CorporateBlock.build(entries) for year, entries in corporate.items()}
        return index


@dataclass(frozen=True)
class Match:
    """A matched corpus document; `doc_id` is empty when several fit equally (see `basis`)."""

    doc_id: str
    score: float
    basis: str


def _reference_keys(authors: Sequence[str], corporate: bool) -> list[str]:
    if not authors:
        return []
    first = authors[0]
    keys = [fold(first)]
    if corporate:
        keys.append(fold(re.sub(r"^the\s+", "", first, flags=re.IGNORECASE)))
        if acronym(first):
            keys.append(acronym(first))
    return [k for k in dict.fromkeys(keys) if k]


def match_reference(
    authors: Sequence[str], year: str, suffix: str, title: str, index: MatchIndex, corporate: bool = False
) -> Match | None:
    """The corpus document this entry cites, or None (an external reference)."""
    block = index.by_year.get(year)
    if not block or not authors:
        return None
    keys = _reference_keys(authors, corporate or is_corporate(authors[0]))
    candidates: dict[str, tuple[CorpusEntry, float, str]] = {}
    for key in keys:
        for entry in block.get(key, ()):
            candidates.setdefault(entry.doc_id, (entry, 100.0, "author"))
    corporate_block = index.corporate_by_year.get(year)
    if not candidates and corporate_block and (corporate or len(keys[0]) > 12):
        for entry, similarity in corporate_candidates(authors[0], corporate_block):
            candidates[entry.doc_id] = (entry, float(similarity), f"corporate author~{similarity:.0f}")
    if not candidates:
        return None
    folded_title = fold_words(title)
    folded_main = main_title(title)
    co_authors = {fold(a) for a in authors[1:]}
    ranked: list[tuple[float, float, str, Match]] = []
    for doc_id, (entry, author_score, author_basis) in sorted(candidates.items()):
        if suffix and entry.suffix and suffix != entry.suffix:
            continue
        suffix_note = f"+suffix {suffix}" if suffix and suffix == entry.suffix else ""
        if entry.title and folded_title:
            similarity = title_similarity(title, entry, folded_title, folded_main)
            if similarity < TITLE_THRESHOLD:
                continue
            score = round(0.5 * author_score + 0.5 * similarity, 1)
            basis = f"{author_basis}+year{suffix_note}+title~{similarity:.0f}"
        else:
            missing = "manifest title empty" if not entry.title else "entry title not parsed"
            score = round(AUTHOR_YEAR_ONLY_SCORE * author_score / 100.0, 1)
            basis = f"{author_basis}+year{suffix_note} only ({missing})"
        agreement = (
            len(co_authors & entry.surnames) / max(len(co_authors | (entry.surnames - set(keys))), 1)
            if co_authors
            else 0.0
        )
        # A suffix that agrees beats one the entry lacks; co-authors break ties between same-year works.
        ranked.append((score + (5.0 if suffix_note else 0.0), agreement, doc_id, Match(doc_id, score, basis)))
    if not ranked:
        return None
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2]))
    tied = [r[2] for r in ranked if (r[0], r[1]) == (ranked[0][0], ranked[0][1])]
    if len(tied) > 1:
        # "Clawson, 2008" with no title or suffix fits 2008a, 2008b and Clawson et al. 2008 alike: a
        # wrong link would be worse than none, so the entry stays external and says why.
        return Match("", 0.0, f"ambiguous: {', '.join(tied)} fit equally")
    return ranked[0][3]


def match_rows(rows: Iterable[Mapping[str, Any]], index: MatchIndex) -> list[dict[str, Any]]:
    """Rows of a parsed reference list with `matched_doc_id`, `score`, `match_basis` added."""
    out = []
    for row in rows:
        authors = [a for a in str(row.get("authors", "")).split(";") if a]
        match = match_reference(
            authors, str(row.get("year", "")), str(row.get("suffix", "")), str(row.get("title", "")), index
        )
        found = match if match and match.doc_id else None
        out.append(
            {
                **row,
                "matched_doc_id": found.doc_id if found else "",
                "score": f"{found.score:.1f}" if found else "",
                "match_basis": match.basis if match else "",
            }
        )
    return out


def references_file(path: Path, manifest: Path, out: str | Path) -> tuple[list[Reference], list[dict[str, Any]]]:
    """Ingest the document at ``path``, parse its reference list, match it to ``manifest`` and write
    the matched rows to ``out``: the parsed references and the rows written (`references` command)."""
    from reviewflow.corpus.manifest import read_rows
    from reviewflow.ingest.document import ingest_file

    record = ingest_file(path)
    if record["quality"]["status"] == "error":
        raise ReviewflowError("; ".join(record["quality"]["messages"]))
    references = parse_references(record)
    if not manifest.is_file():
        raise ReviewflowError(f"{manifest}: manifest not found. Fix: pass --manifest with the corpus manifest.")
    # Matching needs only the citation metadata, so documents missing from the corpus folder do not matter here.
    index = MatchIndex.build(read_rows(manifest))
    rows = match_rows(({**r.row(), "doc_id": record["doc_id"]} for r in references), index)
    write_csv(out, rows, MATCHED_COLUMNS)
    return references, rows
