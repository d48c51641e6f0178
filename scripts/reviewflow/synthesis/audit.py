"""The audit trail in the report: from every cell of the synthesis tables to the sentences behind it.

A cell of a wide table that stands for a set of segments (a count of documents, the citations of the
documents) carries a ``CellLink``: the long table's row it shows and the support rows that make it
(role and match, as ``reviewflow.synthesis.evidence.SupportIndex`` finds them, and for the evidence
table's "Primary data" and "Basis unknown" only those of the documents with that evidence basis).
``evidence_entries`` turns the links into one ``EvidenceEntry`` per distinct set of segments, listing
each segment's quote with its document, page, how it was coded and the reviewer's decision;
``evidence_html`` renders them as the report's Evidence section and ``cell_html`` the table cells that
link to them (a count to its entry, each citation to the first quote of its document there).

Every linked cell is checked against its entry before anything is written: the entry's support rows
come from exactly the documents the cell counts or cites, and a count reads the number of the entry's
documents ("3 of 5" primary-data documents opens the entry of those 3, not of all 5).

A cell shows at most ``QUOTES_PER_CELL`` quotes, taken in turn from its documents in citation order
(every document's first quote before any document's second), so a cell of a thousand documents
stays a page long; the entry says how many more ``support.csv`` holds. A citation links to its
document's quotes when the entry shows one and is plain text beyond the cap (the cell's count still
opens the entry), so the links, like the quotes, stay bounded per cell. Every text is HTML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewflow.safety import escape_html
from reviewflow.synthesis.evidence import (
    ANY_PHASE_LABEL,
    BASIS_PRIMARY,
    BASIS_UNKNOWN,
    POLARITY_MENTION,
    ROLE_CAUTION,
    item_label,
)

if TYPE_CHECKING:
    import pandas as pd

    from reviewflow.form import Codebook, Wording
    from reviewflow.synthesis.evidence import Synthesis
    from reviewflow.synthesis.tables import Table

QUOTES_PER_CELL = 20
EVIDENCE_HTML = "evidence.html"  # in the tables folder; the report inlines it

# What a link shows: the cell's own text linked to the entry, or the citations of its documents each
# linked to the document's quotes, or a count followed by the citations ("2 (Aron et al., 2006; ...)").
WHOLE, CITATIONS, COUNT_CITATIONS = "whole", "citations", "count_citations"

DECIDED_BY = {"both": "rules and model", "rules": "rules", "model": "model"}
DECISIONS = {"accept": "accepted", "edit": "codes edited", "reject": "rejected"}
# An entry of only the documents with one evidence basis, as its heading names it.
BASIS_TITLES = {BASIS_PRIMARY: "Resting on primary data", BASIS_UNKNOWN: "Basis unknown"}
# The count a count cell reads first: "5", or "3" of "3 of 5", or "2" of "2 (Aron et al., 2006; ...)".
_LEADING_COUNT = re.compile(r"\d+")


@dataclass(frozen=True)
class CellLink:
    """A wide cell standing for the support rows of (role, match), shown by row ``row`` of the long table;
    ``docs`` is that row's column listing the documents the cell counts or cites. With ``basis`` (an
    evidence basis, ``BASIS_PRIMARY`` or ``BASIS_UNKNOWN``) the cell stands only for those of them, and
    their support rows, with that basis."""

    role: str
    match: tuple[tuple[str, str], ...]  # (support column, value) pairs: need/code and, but for any phase, phase
    row: int
    shows: str = WHOLE
    docs: str = "doc_ids"
    basis: str = ""  # "": every document of (role, match)

    @property
    def key(self) -> tuple[str, tuple[tuple[str, str], ...], str]:
        return (self.role, self.match, self.basis)


def cell_link(
    role: str, row: int, shows: str = WHOLE, docs: str = "doc_ids", basis: str = "", **match: str
) -> CellLink:
    return CellLink(role, tuple(sorted(match.items())), row, shows, docs, basis)


def cell_documents(link: CellLink, long_row: pd.Series, basis: Mapping[str, str]) -> tuple[str, ...]:
    """The documents a linked cell counts or cites: its long row's ``link.docs``, in citation order,
    only those with the evidence basis ``link.basis`` when it has one (a document the forms give no
    basis is unknown, as the evidence table counts it)."""
    docs = tuple(d for d in str(long_row[link.docs]).split(";") if d)
    return tuple(d for d in docs if basis.get(d, BASIS_UNKNOWN) == link.basis) if link.basis else docs


@dataclass(frozen=True)
class Quote:
    doc_id: str
    citation: str
    page: str
    segment_id: str
    text: str
    coded_by: str
    reviewer: str


@dataclass(frozen=True)
class EvidenceEntry:
    anchor: str
    title: str
    doc_ids: tuple[str, ...]  # every document of the cell, in citation order
    quotes: tuple[Quote, ...]  # the quotes shown, grouped by document in citation order
    n_segments: int  # every (document, segment) of the cell
    shown_docs: frozenset[str] = frozenset()  # the documents with a quote shown

    @property
    def n_more(self) -> int:
        return self.n_segments - len(self.quotes)

    def doc_anchor(self, doc_id: str) -> str | None:
        """Where a citation of the document links: its first quote shown; None when none is (beyond the
        cap: the cell's count links to the entry, which says how many more support.csv holds)."""
        return f"{self.anchor}--{doc_id}" if doc_id in self.shown_docs else None


def anchor_of(role: str, match: Iterable[tuple[str, str]], basis: str = "") -> str:
    """The entry's id: role and match, e.g. ``evidence-support-need-emergency_shelter-phase-immediate``,
    and the basis of an entry of one evidence basis (``evidence-support-need-emergency_shelter-basis-primary``;
    codebook ids and doc_ids are lower-case letters, digits and underscores)."""
    return "-".join(
        ["evidence", role, *(part for pair in match for part in pair), *(["basis", basis] if basis else [])]
    )


def entry_title(role: str, match: Mapping[str, str], codebook: Codebook, wording: Wording, basis: str = "") -> str:
    """The entry's heading in the form's words: "Need: Emergency shelter · Phase: Immediate (crisis) ·
    Recommended by"; a cell of every phase reads "Any phase", an entry of one evidence basis names it
    ("Any phase · Resting on primary data · Recommended by")."""
    labels = wording.labels
    parts = []
    if "need" in match:
        parts.append(f"{labels.need}: {item_label(codebook, match['need'])}")
    if "code" in match:
        kind = codebook.code_kind(match["code"])
        parts.append(
            f"{labels.practice if kind == 'practice' else labels.service_area}: {item_label(codebook, match['code'])}"
        )
    phase = match.get("phase")
    parts.append(f"{labels.phase}: {item_label(codebook, phase)}" if phase else ANY_PHASE_LABEL)
    if basis:
        parts.append(BASIS_TITLES.get(basis, basis))
    parts.append(wording.cautioned_by if role == ROLE_CAUTION else wording.recommended_by)
    return " · ".join(parts)


def coded_by(decided_by: str, confidence: str, polarity: str) -> str:
    """How the coder decided a segment: rules, model or both (with the model's probability)."""
    if polarity == POLARITY_MENTION:
        who = "a mention, not a recommendation"
    else:
        who = DECIDED_BY.get(decided_by.strip(), "neither rules nor model")
    return f"{who} (model {confidence})" if confidence.strip() else who


def reviewer_decision(decision: str, reviewer: str) -> str:
    decision = decision.strip()
    if not decision:
        return "no reviewer decision"
    done = DECISIONS.get(decision, decision)
    return f"reviewer: {done} ({reviewer})" if reviewer.strip() else f"reviewer: {done}"


def _page_key(page: str) -> tuple[int, str]:
    return (int(page), "") if page.isdigit() else (10**9, page)


# support.csv's columns a quote shows
QUOTE_COLUMNS = (
    "doc_id",
    "segment_id",
    "citation",
    "page",
    "quote",
    "decided_by",
    "confidence",
    "polarity",
    "decision",
    "reviewer",
)


def support_columns(support: pd.DataFrame) -> dict[str, list[str]]:
    """The support table's columns a quote shows, as lists (read once, not row by row per cell)."""
    return {column: support[column].astype(str).tolist() for column in QUOTE_COLUMNS}


def _quote(columns: Mapping[str, Sequence[str]], i: int) -> Quote:
    value = {column: columns[column][i] for column in QUOTE_COLUMNS}
    return Quote(
        value["doc_id"],
        value["citation"],
        value["page"],
        value["segment_id"],
        value["quote"],
        coded_by(value["decided_by"], value["confidence"], value["polarity"]),
        reviewer_decision(value["decision"], value["reviewer"]),
    )


def select_quotes(
    columns: Mapping[str, Sequence[str]], positions: Iterable[int], doc_ids: Sequence[str], cap: int
) -> tuple[list[Quote], int]:
    """The quotes shown for a cell's support rows (at ``positions`` of ``support_columns``): each segment
    once per document, by page, taken in turn from the documents in ``doc_ids`` order up to ``cap`` and
    grouped by document; and how many (document, segment) of those documents there are."""
    by_doc: dict[str, dict[str, int]] = {doc_id: {} for doc_id in doc_ids}
    for i in positions:
        segments = by_doc.get(columns["doc_id"][i])
        if segments is not None:
            segments.setdefault(columns["segment_id"][i], i)
    pages = columns["page"]
    ordered = {d: sorted(rows.values(), key=lambda i: _page_key(pages[i])) for d, rows in by_doc.items()}
    taken: dict[str, int] = dict.fromkeys(ordered, 0)
    left = cap
    for turn in range(max((len(rows) for rows in ordered.values()), default=0)):
        if not left:
            break
        for doc_id, rows in ordered.items():
            if left and turn < len(rows):
                taken[doc_id] += 1
                left -= 1
    shown = [_quote(columns, i) for doc_id, rows in ordered.items() for i in rows[: taken[doc_id]]]
    return shown, sum(len(rows) for rows in ordered.values())


def evidence_entries(
    tables: Sequence[Table], result: Synthesis, wording: Wording, cap: int = QUOTES_PER_CELL
) -> dict[str, EvidenceEntry]:
    """Anchor → entry for every linked cell with documents, in the order the tables first link them.

    The documents of an entry's support rows must be the documents its cell counts or cites, and every
    cell linked to the entry must count or cite exactly those (``check_cell``): the tables and their
    evidence come from the same support rows, and a difference is a bug to report, not to show."""
    entries: dict[str, EvidenceEntry] = {}
    columns = support_columns(result.support)
    for table in tables:
        ordered = sorted(table.links.items(), key=lambda kv: (kv[0][0], list(table.wide.columns).index(kv[0][1])))
        for (row, column), link in ordered:
            anchor = anchor_of(*link.key)
            doc_ids = cell_documents(link, table.long.iloc[link.row], result.basis)
            if anchor not in entries and doc_ids:
                positions = result.index.rows(link.role, **dict(link.match))
                if link.basis:
                    positions = [
                        i for i in positions if result.basis.get(columns["doc_id"][i], BASIS_UNKNOWN) == link.basis
                    ]
                found = {columns["doc_id"][i] for i in positions}
                if found != set(doc_ids):
                    raise ValueError(
                        f"{table.name} row {link.row}: the cell cites {sorted(doc_ids)} but its support rows come "
                        f"from {sorted(found)}"
                    )
                quotes, n_segments = select_quotes(columns, positions, doc_ids, cap)
                title = entry_title(link.role, dict(link.match), result.codebook, wording, link.basis)
                shown = frozenset(q.doc_id for q in quotes)
                entries[anchor] = EvidenceEntry(anchor, title, doc_ids, tuple(quotes), n_segments, shown)
            check_cell(
                f"{table.name} row {row}, column '{column}'",
                table.wide.iloc[row][column],
                link,
                doc_ids,
                entries.get(anchor),
            )
    return entries


def check_cell(where: str, value: object, link: CellLink, doc_ids: Sequence[str], entry: EvidenceEntry | None) -> None:
    """Refuse a link whose entry does not hold exactly the documents its cell stands for: ``doc_ids``
    (``cell_documents``) must be the entry's, and a count cell (not citations alone) must read their
    number first. A count of some of the row's documents linked to the entry of all of them (the
    evidence table's "3 of 5" primary-data documents, once) fails the second."""
    held = entry.doc_ids if entry is not None else ()
    if set(doc_ids) != set(held):
        raise ValueError(
            f"{where}: the cell stands for {sorted(doc_ids)} but links to {link.key} holding {sorted(held)}. "
            "Fix: the table's CellLink (reviewflow.synthesis.tables) must name the documents the cell shows."
        )
    if link.shows == CITATIONS:
        return
    count = _LEADING_COUNT.match(str(value))
    if count is None or int(count.group()) != len(held):
        raise ValueError(
            f"{where}: the cell reads {str(value)!r} but links to {link.key}, an entry of {len(held)} document(s). "
            "Fix: link the count to an entry of the documents it counts (CellLink's docs and basis)."
        )


def _link(anchor: str, text: str) -> str:
    return f'<a href="#{escape_html(anchor)}">{escape_html(text)}</a>'


def _cited(anchor: str | None, citation: str) -> str:
    """A citation in a cell: linked to its document's quotes where the entry shows some, else text."""
    return _link(anchor, citation) if anchor else escape_html(citation)


def cell_html(
    value: object, link: CellLink, long_row: pd.Series, entry: EvidenceEntry | None, citations: Mapping[str, str]
) -> str:
    """A linked table cell's HTML: the same text as ``value`` (checked), linked to ``entry``."""
    text = str(value)
    if entry is None:
        return escape_html(text)
    docs = [d for d in str(long_row[link.docs]).split(";") if d]
    cited = "; ".join(citations.get(d, d) for d in docs)
    linked = "; ".join(_cited(entry.doc_anchor(d), citations.get(d, d)) for d in docs)
    if link.shows == WHOLE:
        html, plain = _link(entry.anchor, text), text
    elif link.shows == CITATIONS:
        html, plain = (f"({linked})", f"({cited})") if docs else ("", "")
    else:
        count = str(long_row["n_documents"])
        html, plain = f"{_link(entry.anchor, count)} ({linked})", f"{count} ({cited})"
    if plain != text:
        raise ValueError(f"a linked cell would read {plain!r} instead of {text!r}")
    return html


def linked_cells(
    table: Table, entries: Mapping[str, EvidenceEntry], citations: Mapping[str, str]
) -> dict[tuple[int, str], str]:
    """(wide row, column) → the cell's HTML, for every linked cell of the table."""
    return {
        (row, column): cell_html(
            table.wide.iloc[row][column], link, table.long.iloc[link.row], entries.get(anchor_of(*link.key)), citations
        )
        for (row, column), link in table.links.items()
    }


def _entry_html(entry: EvidenceEntry, tables_dir: str) -> list[str]:
    n_docs = len(entry.doc_ids)
    out = [
        f'<div class="evidence-entry" id="{escape_html(entry.anchor)}">',
        f"<h4>{escape_html(entry.title)}</h4>",
        f"<p>{n_docs} document{'s' if n_docs != 1 else ''}, {entry.n_segments} "
        f"segment{'s' if entry.n_segments != 1 else ''}.</p>",
        "<ol>",
    ]
    previous = ""
    for quote in entry.quotes:
        first = quote.doc_id != previous
        previous = quote.doc_id
        anchor = f' id="{escape_html(entry.anchor)}--{escape_html(quote.doc_id)}"' if first else ""
        page = f", p. {escape_html(quote.page)}" if quote.page else ""
        out.append(
            f"<li{anchor}><cite>{escape_html(quote.citation)}</cite>{page}: <q>{escape_html(quote.text)}</q> "
            f"<small>segment {escape_html(quote.segment_id)} · coded by {escape_html(quote.coded_by)} · "
            f"{escape_html(quote.reviewer)}</small></li>"
        )
    out.append("</ol>")
    if entry.n_more:
        out.append(
            f'<p class="evidence-more"><small>{entry.n_more} more segment{"s" if entry.n_more != 1 else ""} '
            f"in {escape_html(tables_dir)}/support.csv.</small></p>"
        )
    return [*out, "</div>"]


def evidence_html(
    entries: Mapping[str, EvidenceEntry], tables_dir: str = "results/tables", cap: int = QUOTES_PER_CELL
) -> str:
    """The report's Evidence section body: every entry, in the order the tables link them."""
    out = [
        '<div class="reviewflow-evidence">',
        f'<p class="table-note"><small>The segments behind each cell of the tables above: a cell\'s count links '
        f"to its segments here and each citation to its document's first quote. A cell shows at most {cap} "
        "segments, a document's first before another's second, in citation order (a citation beyond them is "
        f"plain text); {escape_html(tables_dir)}/support.csv lists them all, with the rules that fired.</small></p>",
    ]
    for entry in entries.values():
        out += _entry_html(entry, tables_dir)
    if not entries:
        out.append("<p>No cell has supporting segments.</p>")
    return "\n".join([*out, "</div>"]) + "\n"
