"""Ingest: one document (PDF, HTML or text) → clean reading-order text with a page map, blocks,
sections and quality flags (`results/text/{doc}.json`, see docs/data-contracts.md).

The formats and their readers are registered in `reviewflow.ingest.readers` (parsers beside this module:
`ingestion_pdf`, `ingestion_html`, `ingestion_text`); a file is read by the reader its first bytes
show, the readers hand back pages of raw blocks, and this module assembles the record. `ingest_file` never raises for a bad
document: it returns `quality.status = "error"` (empty text) or `"warning"` with one message per
problem that names the file, the problem and what to do.

Sections (names in `data/ingestion.yaml`, matched against whole headings, section numbers ignored):
- `references` starts at a References / Bibliography / Works Cited / Literature Cited / Reference List
  heading and runs to the end, or to an Appendix heading (back to `body`) or an Acknowledgements-like
  heading (filed with `front_matter`, as non-content);
- `front_matter` opens the document: when an Abstract / Keywords heading stands among its first 25
  blocks, everything up to the first later heading that is not one of those (title, authors,
  abstract of a paper); otherwise only the title (a first block that is a heading), because the
  paragraphs before a report's first section heading are its content. Acknowledgements, funding,
  author details and competing-interest declarations are filed with `front_matter` wherever they
  stand, so that `body` is the content a review codes;
- a paragraph that is only a section name (`References` in the body font) counts as that heading;
- a `notice` block (PDF small print that is a venue, copyright or licence line: `Proceedings of the
  45th Annual Meeting …`, `© 2010 … licensee BioMed Central`) is filed with `front_matter` where it
  stands, so it never pollutes `body`; inside the reference list it stays `references`, which is one
  span that the reference parser reads whole;
- everything else is `body`.

Page map: a paragraph that runs over a page (or column) break is one block, so a page's `start` can
fall inside a block; a block's `page` is the page it starts on. Small print at the foot of a page
that such a paragraph runs past stands before that paragraph, so it keeps its own page. Page ranges never overlap and an
empty page (no text layer) has `start == end` at the next page's start, so `page_of` (a bisect on
starts) never returns it. `quality.n_pages` counts the pages read (at most `max_pages`).
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

from reviewflow.ingest import readers
from reviewflow.ingest.blocks import RawBlock, RawPage
from reviewflow.ingest.sections import heading_role

BLOCK_SEPARATOR = "\n\n"
FRONT_MATTER_SEARCH = 25  # an Abstract heading further in is not the document's own abstract


# --------------------------------------------------------------------------------------- sniffing
def sniff_format(head: bytes) -> str | None:
    """The format the first bytes of a file show (a `reviewflow.ingest.readers` name: pdf, html, txt), or None
    for binary data no reader reads."""
    reader = readers.sniff(head)
    return reader.name if reader else None


def _assign_sections(blocks: list[dict[str, Any]], texts: list[str], text_length: int) -> list[dict[str, Any]]:
    if not blocks:
        return []
    roles = [heading_role(text) if block["kind"] == "heading" else None for block, text in zip(blocks, texts)]
    # Opening front matter: with an Abstract-like heading among the first blocks, everything up to the
    # first later ordinary heading; without one, only the title (a first heading).
    abstract = next((i for i, role in enumerate(roles[:FRONT_MATTER_SEARCH]) if role == "front_matter"), None)
    if abstract is not None:
        front_end = next(
            (
                i
                for i in range(abstract + 1, len(blocks))
                if blocks[i]["kind"] == "heading" and roles[i] != "front_matter"
            ),
            len(blocks),
        )
    else:
        front_end = 1 if blocks[0]["kind"] == "heading" and len(blocks) > 1 else 0
    names: list[str] = []
    current = "front_matter"
    for index, role in enumerate(roles):
        if index < front_end:
            names.append("front_matter")
            continue
        if index == front_end:
            current = "body"
        if blocks[index]["kind"] == "notice":
            # Not content, wherever it falls; the section around it goes on after it.
            names.append(current if current == "references" else "front_matter")
            continue
        if role == "references":
            current = "references"
        elif role == "back_to_body":
            current = "body"
        elif role == "non_content":
            current = "front_matter"
        elif blocks[index]["kind"] == "heading" and current == "front_matter":
            current = "body"  # the section after acknowledgements and the like
        names.append(current)
    sections: list[dict[str, Any]] = []
    for block, name in zip(blocks, names):
        if sections and sections[-1]["name"] == name:
            continue
        if sections:
            sections[-1]["end"] = block["start"]
        sections.append({"name": name, "start": block["start"], "end": 0})
    sections[0]["start"] = 0
    sections[-1]["end"] = text_length
    return sections


# --------------------------------------------------------------------------------------- assembly
def _promote_section_headings(page_blocks: list[RawBlock]) -> None:
    """A paragraph that is only `References` (same font as the body) is still that heading."""
    for block in page_blocks:
        if (
            block.kind != "heading"
            and len(block.text) <= 40
            and heading_role(block.text) in {"references", "back_to_body", "non_content", "front_matter"}
            and not block.text.rstrip().endswith(".")
        ):
            if heading_role(block.text) == "back_to_body" and len(block.text.split()) > 4:
                continue
            block.kind, block.level = "heading", block.level or 2


def assemble(
    doc_id: str,
    source: str,
    fmt: str,
    pages: list[RawPage],
    messages: list[str],
    status: str,
    n_pages: int | None = None,
) -> dict[str, Any]:
    """The record of docs/data-contracts.md from the pages a reader produced."""
    parts: list[str] = []
    length = 0
    blocks: list[dict[str, Any]] = []
    block_texts: list[str] = []
    spans: dict[int, list[int]] = {}  # page number -> [start, end] of its text

    def cover(number: int, start: int, end: int) -> None:
        span = spans.setdefault(number, [start, end])
        span[0], span[1] = min(span[0], start), max(span[1], end)

    for number, page in enumerate(pages, start=1):
        _promote_section_headings(page.blocks)
        for raw in page.blocks:
            text = raw.text.strip()
            if not text:
                continue
            if parts:
                parts.append(BLOCK_SEPARATOR)
                length += len(BLOCK_SEPARATOR)
            start = length
            parts.append(text)
            length += len(text)
            record: dict[str, Any] = {"kind": raw.kind, "start": start, "end": length, "page": number}
            if raw.kind == "heading":
                record["level"] = int(raw.level or 1)
            blocks.append(record)
            block_texts.append(text)
            # A paragraph running over a page break gives each page its own part of the block.
            lead = len(raw.text) - len(raw.text.lstrip())
            edges = [(number, 0)] + [(p, max(0, min(len(text), o - lead))) for p, o in sorted(raw.breaks)]
            for (page_number, offset), following in zip(edges, [*edges[1:], (0, len(text))]):
                cover(page_number, start + offset, start + following[1])
    page_records: list[dict[str, Any]] = []
    next_start = length
    for number in range(len(pages), 0, -1):
        # An empty page sits where the next page's text starts, so bisecting on starts skips it.
        start, end = spans.get(number, (next_start, next_start))
        next_start = start
        page_records.append(
            {
                "number": number,
                "start": start,
                "end": end,
                "chars": end - start,
                "has_text_layer": bool(pages[number - 1].has_text_layer),
            }
        )
    page_records.reverse()
    text = "".join(parts)
    without_text = [record["number"] for record in page_records if not record["has_text_layer"]]
    quality = {
        "status": status,
        "messages": list(messages),
        "n_pages": n_pages if n_pages is not None else len(page_records),
        "pages_without_text": without_text,
        "chars_per_page": [record["chars"] for record in page_records],
    }
    return {
        "doc_id": doc_id,
        "source": source,
        "format": fmt,
        "text": text,
        "pages": page_records,
        "blocks": blocks,
        "sections": _assign_sections(blocks, block_texts, len(text)),
        "quality": quality,
    }


def error_record(doc_id: str, source: str, fmt: str, message: str, n_pages: int = 0) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "source": source,
        "format": fmt,
        "text": "",
        "pages": [],
        "blocks": [],
        "sections": [],
        "quality": {
            "status": "error",
            "messages": [message],
            "n_pages": n_pages,
            "pages_without_text": [],
            "chars_per_page": [],
        },
    }


# --------------------------------------------------------------------------------------- entry points
def default_doc_id(path: Path) -> str:
    doc_id = re.sub(r"[^a-z0-9_]+", "_", path.stem.lower()).strip("_")
    return doc_id if doc_id[:1].isalpha() else f"doc_{doc_id}"


def ingest_file(
    path: Path | str, doc_id: str | None = None, max_pages: int = 400, source: str | None = None
) -> dict[str, Any]:
    """Ingest one document. Never raises for a bad document: see `quality.status` and `messages`.

    `source` is the path recorded in the output (default: `path` as given); pass the path relative to
    the corpus folder so the output does not depend on where the corpus sits.
    """
    path = Path(path)
    max_pages = max(1, int(max_pages))
    doc_id = doc_id or default_doc_id(path)
    source = source if source is not None else path.as_posix()
    declared_reader = readers.for_extension(path)
    declared = declared_reader.name if declared_reader else None
    fmt = declared or "unknown"
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except FileNotFoundError:
        return error_record(
            doc_id,
            source,
            fmt,
            f"{source}: file not found: check the `file` column of the manifest "
            "and that the document is in the corpus folder",
        )
    except OSError as error:
        return error_record(doc_id, source, fmt, f"{source}: cannot be read ({error.strerror}): check its permissions")
    if not head.strip():
        what = "is empty (0 bytes)" if not head else "holds only white space"
        return error_record(doc_id, source, fmt, f"{source}: {what}: replace it with the full document")
    reader = readers.sniff(head)
    messages: list[str] = []
    if reader is None:
        return error_record(
            doc_id,
            source,
            fmt,
            f"{source}: is {readers.binary_kind(head)}, not a "
            f"{readers.labels_text()} file: save it as {readers.labels_text()} "
            "and update the manifest",
        )
    sniffed = reader.name
    rename = reader.extensions[0]
    if declared is None:
        messages.append(
            f"{source}: the extension '{path.suffix}' is not one reviewflow reads "
            f"({readers.extensions_text()}); read as {sniffed} from its contents: rename it to {rename}"
        )
    elif sniffed != declared:
        messages.append(
            f"{source}: named {path.suffix.lower()} but its contents are {sniffed.upper()}; read as "
            f"{sniffed.upper()}: rename it to {rename} in the corpus folder and the manifest"
        )
    fmt = sniffed
    try:
        result = reader.read(path, source, max_pages)
        if result.error:
            return error_record(doc_id, source, fmt, result.error, n_pages=result.n_pages)
        pages, n_pages = result.pages, result.n_pages
        messages.extend(result.messages)
    except Exception as error:  # a reader bug or an unforeseen file must not stop the corpus
        return error_record(
            doc_id,
            source,
            fmt,
            f"{source}: could not be read as {fmt.upper()} "
            f"({type(error).__name__}: {error}): open it to check it is intact, "
            f"or save it again as {readers.labels_text()}",
        )
    if not any(page.blocks for page in pages):
        message = reader.no_text.format(source=source, n_pages=n_pages, name=fmt.upper())
        record = error_record(doc_id, source, fmt, message, n_pages=n_pages)
        record["quality"]["pages_without_text"] = list(range(1, len(pages) + 1))
        return record
    status = "warning" if messages else "ok"
    return assemble(doc_id, source, fmt, pages, messages, status, n_pages=n_pages)


# --------------------------------------------------------------------------------------- lookups
def page_of(doc: dict[str, Any], offset: int) -> int:
    """The page number holding character `offset` of `doc["text"]` (0 when the document has no pages)."""
    pages = doc.get("pages") or []
    if not pages:
        return 0
    starts = [page["start"] for page in pages]
    index = max(bisect.bisect_right(starts, offset) - 1, 0)
    return int(pages[index]["number"])


def section_of(doc: dict[str, Any], offset: int) -> str:
    """The section name (front_matter, body, references) holding `offset`; "" when there is none."""
    sections = doc.get("sections") or []
    if not sections:
        return ""
    starts = [section["start"] for section in sections]
    index = max(bisect.bisect_right(starts, offset) - 1, 0)
    return str(sections[index]["name"])


# --------------------------------------------------------------------------------------- report
REPORT_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "file",
    "format",
    "status",
    "n_pages",
    "chars",
    "pages_without_text",
    "message",
)


def report_row(record: dict[str, Any]) -> dict[str, Any]:
    """One row of results/ingest_report.csv for an ingested record (write_csv neutralizes formulas)."""
    quality = record.get("quality") or {}
    return {
        "doc_id": record.get("doc_id", ""),
        "file": record.get("source", ""),
        "format": record.get("format", ""),
        "status": quality.get("status", ""),
        "n_pages": quality.get("n_pages", 0),
        "chars": len(record.get("text") or ""),
        "pages_without_text": [str(n) for n in quality.get("pages_without_text") or []],
        "message": " | ".join(quality.get("messages") or []),
    }


def report_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted((report_row(record) for record in records), key=lambda row: row["doc_id"])


def problem_summary(rows: list[dict[str, Any]]) -> str:
    """A short text for the log: counts by status, then every document that needs attention."""
    counts = {status: sum(1 for row in rows if row["status"] == status) for status in ("ok", "warning", "error")}
    lines = [
        f"ingest: {len(rows)} document(s): {counts['ok']} ok, {counts['warning']} warning(s), "
        f"{counts['error']} error(s)"
    ]
    for status in ("error", "warning"):
        for row in rows:
            if row["status"] == status:
                lines.append(f"  {status.upper()} {row['doc_id']}: {row['message']}")
    if counts["error"]:
        lines.append("Documents with errors have no text: later stages skip them until the file is fixed.")
    return "\n".join(lines) + "\n"
