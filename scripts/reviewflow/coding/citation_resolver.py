"""In-text citations resolved to corpus documents.

``CitationResolver(documents)`` maps a citation (``reviewflow.coding.citations.find_citations``) to a manifest
``doc_id`` by first-author key + year, with the a/b suffix, the number of authors (``et al.`` means
three or more) and the second author used to choose between works, misspellings tolerated only among
documents of the same year. Anything that stays ambiguous resolves to ``None``; ``resolve_explain``
says why. Corporate suffixes and the words skipped in acronyms come from the same vocabulary as the
finder's (``data/citation_patterns.yaml``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from reviewflow.coding.citations import Citation, citation_vocabulary, normalize_name, parse_citation_text

if TYPE_CHECKING:
    from reviewflow.corpus.manifest import Document


@lru_cache(maxsize=1)
def _normalized_suffixes() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(normalize_name(w) for w in suffix) for suffix in citation_vocabulary().corporate_suffixes)


def _strip_corporate_suffix(key: str) -> str:
    words = key.split()
    for suffix_words in _normalized_suffixes():
        if len(words) > len(suffix_words) and tuple(words[-len(suffix_words) :]) == suffix_words:
            return " ".join(words[: -len(suffix_words)])
    return key


def _initials(name: str) -> set[str]:
    """Acronyms a corporate name may go by: all words, and without function words."""
    skip = citation_vocabulary().initials_skip
    words = [w for w in re.split(r"[\s\-/]+", name) if w and w[0].isalpha()]
    if len(words) < 2:
        return set()
    variants = {
        "".join(w[0] for w in words),
        "".join(w[0] for w in words if w.lower() not in skip),
        "".join(w[0] for i, w in enumerate(words) if w.lower() not in skip or (i == 0 and w.lower() == "the")),
    }
    return {v.lower() for v in variants if len(v) >= 3}


def name_keys(name: str, *, corporate: bool | None = None) -> list[str]:
    """Normalized keys one written author may be indexed or looked up under, most specific first."""
    keys: list[str] = []

    def add(key: str) -> None:
        if key and key not in keys:
            keys.append(key)

    primary = normalize_name(name)
    add(primary)
    add(_strip_corporate_suffix(primary))
    if "/" in name:
        add(normalize_name(name.split("/")[0]))
    is_corporate = corporate if corporate is not None else len(primary.split()) >= 2
    if is_corporate:
        for variant in sorted(_initials(name)):
            add(variant)
    return keys


@dataclass(frozen=True)
class _DocEntry:
    doc_id: str
    year: str
    suffix: str
    first_keys: tuple[str, ...]
    author_keys: tuple[str, ...]  # every author, normalized (second-author checks)
    n_authors: int
    container_keys: tuple[str, ...]  # the publishing organization ("ECPAT-USA (2002)" for Spangenberg)


_PERSON_ENTRY_RE = re.compile(r"^(?P<surname>[^,]+),\s*(?:[A-Z][a-z]?\.?[\s\-]*)+$")


def _document_entry(doc: Document) -> _DocEntry:
    entries = [e.strip() for e in (doc.authors or "").split(";") if e.strip()]
    surnames: list[str] = []
    corporate_flags: list[bool] = []
    for entry in entries:
        person = _PERSON_ENTRY_RE.match(entry)
        surnames.append(person.group("surname").strip() if person else entry)
        corporate_flags.append(not person and len(entry.split()) >= 2)
    cited = parse_citation_text(doc.citation) if doc.citation else []
    cited_authors: tuple[str, ...] = cited[0].authors if cited else ()
    first_keys: list[str] = []
    for name, corporate in ([(surnames[0], corporate_flags[0])] if surnames else []) + (
        [(cited_authors[0], None)] if cited_authors else []
    ):
        for key in name_keys(name, corporate=corporate):
            if key not in first_keys:
                first_keys.append(key)
    author_keys = tuple(normalize_name(s) for s in surnames) or tuple(normalize_name(a) for a in cited_authors)
    n_authors = len(entries)
    if cited and cited[0].et_al:
        n_authors = max(n_authors, 3)
    elif cited_authors and len(cited_authors) > 1:
        n_authors = max(n_authors, len(cited_authors))
    # Only the organization part of a container: "Social Work, 53(2), 143-152" -> "social work".
    # A journal is not a publisher one cites a work by.
    container = "" if doc.doc_type == "journal_article" else (doc.container or "").split(",")[0].strip()
    container_keys = tuple(k for k in name_keys(container, corporate=True) if k not in first_keys) if container else ()
    return _DocEntry(
        doc.doc_id,
        str(doc.year),
        (doc.year_suffix or "").lower(),
        tuple(first_keys),
        author_keys,
        max(1, n_authors),
        container_keys,
    )


def _fuzzy_limit(key: str) -> int:
    """Edits tolerated in a misspelled name: none for short names, one, two for long ones."""
    length = len(key.replace(" ", ""))
    if length < 5:
        return 0
    return 1 if length < 9 else 2


class CitationResolver:
    """Resolve citations against a corpus manifest. Indexes are built once; resolution is a few dict
    look-ups, plus a fuzzy comparison with the documents of the same year when the name is misspelled."""

    def __init__(self, documents: Sequence[Document]):
        self._docs = [_document_entry(doc) for doc in sorted(documents, key=lambda d: d.doc_id)]
        self._by_key_year: dict[tuple[str, str], set[int]] = defaultdict(set)
        self._by_key: dict[str, set[int]] = defaultdict(set)
        self._by_year: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self._by_container_year: dict[tuple[str, str], set[int]] = defaultdict(set)
        for index, entry in enumerate(self._docs):
            for key in entry.first_keys:
                self._add_key(key, index)
            for key in entry.container_keys:
                self._by_container_year[(key, entry.year)].add(index)

    def _add_key(self, key: str, index: int) -> None:
        entry = self._docs[index]
        if index in self._by_key.get(key, ()):
            return
        self._by_key[key].add(index)
        self._by_key_year[(key, entry.year)].add(index)
        self._by_year[entry.year].append((key, index))

    def learn_acronyms(self, citations: Iterable[Citation]) -> None:
        """Let a corporate name and the acronym a text gives it in brackets find each other."""
        pairs = sorted({(c.authors[0], c.acronym) for c in citations if c.acronym and c.authors})
        for name, acronym in pairs:
            name_hits = set().union(*(self._by_key.get(k, set()) for k in name_keys(name, corporate=True)))
            acronym_key = normalize_name(acronym)
            acronym_hits = self._by_key.get(acronym_key, set())
            for index in sorted(name_hits):
                self._add_key(acronym_key, index)
            for index in sorted(acronym_hits):
                for key in name_keys(name, corporate=True)[:2]:
                    self._add_key(key, index)

    def _citation_keys(self, citation: Citation) -> list[str]:
        keys: list[str] = []
        if citation.authors:
            first = citation.authors[0]
            corporate = len(citation.authors) == 1 and len(first.split()) >= 2
            keys.extend(name_keys(first, corporate=corporate))
            if corporate:
                # "Findings of the Salvation Army": drop words from the front until a name matches.
                words = normalize_name(first).split()
                keys.extend(" ".join(words[i:]) for i in range(1, len(words) - 1))
        if citation.acronym:
            keys.append(normalize_name(citation.acronym))
        return list(dict.fromkeys(k for k in keys if k))

    def resolve(self, citation: Citation) -> str | None:
        return self.resolve_explain(citation)[0]

    def resolve_all(self, citations: Iterable[Citation]) -> list[str | None]:
        citations = list(citations)
        self.learn_acronyms(citations)
        return [self.resolve(c) for c in citations]

    def resolve_explain(self, citation: Citation) -> tuple[str | None, str]:
        """(doc_id or None, the reason in a few words)."""
        if citation.personal_communication:
            return None, "personal communication: not a corpus document"
        if not citation.authors:
            return None, "no author"
        keys = self._citation_keys(citation)
        dated = citation.year.isdigit()
        how = "exact"
        if dated:
            candidates = set().union(*(self._by_key_year.get((k, citation.year), set()) for k in keys))
            if not candidates:
                candidates = self._fuzzy(keys[:2], citation.year)
                how = "fuzzy"
            if not candidates and len(citation.authors) == 1:
                # A report cited by the organization that published it; only when that is unambiguous.
                by_container = set().union(*(self._by_container_year.get((k, citation.year), set()) for k in keys))
                if len(by_container) == 1:
                    candidates = by_container
                    how = "publisher"
                elif by_container:
                    ids = ", ".join(sorted(self._docs[i].doc_id for i in by_container))
                    return None, f"ambiguous: {citation.authors[0]} published several {citation.year} documents ({ids})"
        else:
            candidates = set().union(*(self._by_key.get(k, set()) for k in keys))
        label = f"{citation.authors[0]} {citation.year_label or '(no year)'}"
        if not candidates:
            return None, f"no corpus document by {label}"
        ordered = sorted(candidates, key=lambda i: self._docs[i].doc_id)
        if citation.suffix:
            ordered = [i for i in ordered if self._docs[i].suffix == citation.suffix]
            if not ordered:
                return None, f"no corpus document with year {citation.year_label} by {citation.authors[0]}"
        ordered = self._prefer_by_authors(citation, ordered)
        if len(ordered) == 1:
            doc = self._docs[ordered[0]]
            if not dated:
                return doc.doc_id, f"{how}: the only corpus document by {citation.authors[0]}"
            return doc.doc_id, f"{how}: {label}"
        ids = ", ".join(self._docs[i].doc_id for i in ordered)
        suffixes = {self._docs[i].suffix for i in ordered}
        if not citation.suffix and len(suffixes) > 1:
            return None, f"ambiguous: {label} has no a/b suffix and matches {ids}"
        return None, f"ambiguous: {label} matches {ids}"

    def _fuzzy(self, keys: list[str], year: str) -> set[int]:
        best: dict[int, int] = {}
        for key in keys:
            limit = _fuzzy_limit(key)
            if not limit:
                continue
            for doc_key, index in self._by_year.get(year, ()):
                if abs(len(doc_key) - len(key)) > limit:
                    continue
                distance = OSA.distance(key, doc_key, score_cutoff=limit)
                if distance <= limit and distance < best.get(index, limit + 1):
                    best[index] = distance
        if not best:
            return set()
        nearest = min(best.values())
        return {i for i, d in best.items() if d == nearest}

    def _prefer_by_authors(self, citation: Citation, ordered: list[int]) -> list[int]:
        """Narrow by author count and second author; a rule that would leave nothing is skipped."""

        def keep(rule: Callable[[_DocEntry], bool]) -> list[int]:
            chosen = [i for i in ordered if rule(self._docs[i])]
            return chosen or ordered

        if len(ordered) <= 1:
            return ordered
        if citation.et_al:
            return keep(lambda d: d.n_authors >= 3)
        if len(citation.authors) >= 2:
            second = normalize_name(citation.authors[1])

            def second_matches(d: _DocEntry) -> bool:
                return len(d.author_keys) >= 2 and OSA.distance(second, d.author_keys[1]) <= _fuzzy_limit(second)

            by_second = keep(second_matches)
            exact = [i for i in by_second if self._docs[i].n_authors == len(citation.authors)]
            return exact or by_second
        return keep(lambda d: d.n_authors == 1)
