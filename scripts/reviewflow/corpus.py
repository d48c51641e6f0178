"""Adding literature to the corpus from BibTeX or RIS exports.

Entries become manifest rows; duplicates (same DOI, or same normalized title and year) of a document
already in the manifest, or of an earlier entry of the same file, are refused with a message. The
manifest is rewritten atomically, and a document file is copied in only where nothing exists yet.
"""

from __future__ import annotations

import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
import rispy
from bibtexparser import middlewares

from reviewflow.errors import ReviewflowError
from reviewflow.manifest import COLUMNS, read_rows, validate_rows, write_rows

BIBTEX_TYPES = {
    "article": "journal_article",
    "book": "book",
    "inbook": "book_chapter",
    "incollection": "book_chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
}
RIS_TYPES = {
    "JOUR": "journal_article",
    "JFULL": "journal_article",
    "BOOK": "book",
    "CHAP": "book_chapter",
    "THES": "thesis",
    "GOVDOC": "government_report",
    "SLIDE": "presentation",
}
DOCUMENT_SUFFIXES = (".pdf", ".html", ".htm", ".txt")


@dataclass
class Entry:
    """One bibliographic record, whatever format it came from."""

    source: str  # e.g. "refs.bib entry 'smith2009'" for messages
    surnames: list[str]
    authors: str
    year: str
    title: str
    container: str
    doi: str
    doc_type: str
    type_note: str
    file: str = ""
    extra_notes: list[str] = field(default_factory=list)


@dataclass
class AddResult:
    added: list[dict[str, str]]
    refused: list[str]


def normalize_title(title: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a title, for duplicate detection."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().casefold()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def normalize_doi(doi: str) -> str:
    doi = doi.strip().casefold()
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi)


def _ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", "", text)


def _initials(given: list[str]) -> str:
    parts = []
    for name in given:
        for piece in re.split(r"[\s-]+", name.strip()):
            if piece:
                parts.append(f"{piece[0].upper()}.")
    return " ".join(parts)


def citation_for(surnames: list[str], year: str, suffix: str = "") -> str:
    """APA 7 short in-text form: one author, two joined by '&', three or more as 'et al.'."""
    if not surnames:
        lead = "Anonymous"
    elif len(surnames) == 1:
        lead = surnames[0]
    elif len(surnames) == 2:
        lead = f"{surnames[0]} & {surnames[1]}"
    else:
        lead = f"{surnames[0]} et al."
    return f"{lead}, {year}{suffix}"


def _bibtex_file_field(value: str) -> str:
    # JabRef/Zotero write "description:path:type"; a bare path is also common.
    parts = value.split(";")[0].split(":")
    candidates = [p for p in parts if p.lower().endswith(DOCUMENT_SUFFIXES)]
    return candidates[0] if candidates else value.strip()


def parse_bibtex(path: Path) -> list[Entry]:
    text = path.read_text(encoding="utf-8-sig")
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.LatexDecodingMiddleware(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )
    if library.failed_blocks:
        lines = ", ".join(str(block.start_line + 1) for block in library.failed_blocks)
        raise ReviewflowError(
            f"{path}: could not parse the BibTeX block(s) starting at line(s) {lines}. "
            "Fix: check braces and commas there (re-export from your reference manager)."
        )
    entries = []
    for item in library.entries:
        fields = {key.lower(): value.value for key, value in item.fields_dict.items()}
        people = fields.get("author") or fields.get("editor") or []
        if isinstance(people, str):  # a corporate author in double braces stays one string
            people = [people]
        surnames, authors = [], []
        for person in people:
            if isinstance(person, str):
                surnames.append(person)
                authors.append(person)
                continue
            surname = " ".join(person.von + person.last)
            surnames.append(surname)
            initials = _initials(person.first)
            authors.append(f"{surname}, {initials}" if initials else surname)
        entry_type = item.entry_type.lower()
        entries.append(Entry(
            source=f"{path.name} entry '{item.key}'",
            surnames=surnames,
            authors="; ".join(authors),
            year=str(fields.get("year", "")).strip(),
            title=str(fields.get("title", "")).strip(),
            container=str(fields.get("journal") or fields.get("booktitle") or fields.get("publisher")
                          or fields.get("institution") or fields.get("organization") or "").strip(),
            doi=normalize_doi(str(fields.get("doi", ""))),
            doc_type=BIBTEX_TYPES.get(entry_type, "other"),
            type_note=f"doc_type derived from BibTeX type '{entry_type}'; check it.",
            file=_bibtex_file_field(str(fields["file"])) if "file" in fields else "",
        ))
    return entries


def parse_ris(path: Path) -> list[Entry]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        records = rispy.loads(text)
    except Exception as error:  # rispy raises plain IOError/ValueError subclasses
        raise ReviewflowError(f"{path}: not a readable RIS file ({error}). Fix: re-export it as RIS.") from error
    entries = []
    for index, record in enumerate(records, start=1):
        people = record.get("authors") or record.get("first_authors") or []
        surnames, authors = [], []
        for person in people:
            surname, _, given = person.partition(",")
            surnames.append(surname.strip())
            initials = _initials(given.split())
            authors.append(f"{surname.strip()}, {initials}" if initials else surname.strip())
        year_match = re.search(r"\d{4}", str(record.get("year") or record.get("publication_year") or record.get("date") or ""))
        ris_type = str(record.get("type_of_reference", "")).upper()
        file_links = record.get("file_attachments1") or record.get("file_attachments2") or ""
        entries.append(Entry(
            source=f"{path.name} record {index}",
            surnames=surnames,
            authors="; ".join(authors),
            year=year_match.group(0) if year_match else "",
            title=str(record.get("primary_title") or record.get("title") or "").strip(),
            container=str(record.get("secondary_title") or record.get("journal_name") or record.get("publisher") or "").strip(),
            doi=normalize_doi(str(record.get("doi", ""))),
            doc_type=RIS_TYPES.get(ris_type, "other"),
            type_note=f"doc_type derived from RIS type '{ris_type}'; check it.",
            file=str(file_links).strip(),
        ))
    return entries


def _unique_doc_id(surnames: list[str], year: str, taken: set[str]) -> str:
    base = (_ascii_slug(surnames[0]) if surnames else "anon") or "anon"
    if not base[0].isalpha():
        base = "doc" + base
    base = f"{base}{year}"
    if base not in taken:
        return base
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if f"{base}{letter}" not in taken:
            return f"{base}{letter}"
    raise ReviewflowError(f"too many documents share the id '{base}'. Fix: give the new ones doc_ids by hand.")


def add_entries(
    entries: list[Entry],
    manifest_path: Path,
    document: Path | None = None,
    search_strategy: str = "database",
    base_dir: Path | None = None,
) -> AddResult:
    """Append entries to the manifest, refusing duplicates and entries without a document file.

    ``document`` (from ``--file``) is used for a single entry; otherwise an entry's own file field is
    used, resolved against ``base_dir`` (the folder of the BibTeX/RIS file).
    """
    corpus_dir = manifest_path.parent
    rows = read_rows(manifest_path) if manifest_path.is_file() else []
    if document is not None and len(entries) != 1:
        raise ReviewflowError(
            f"--file {document} was given, but the import holds {len(entries)} entries. "
            "Fix: import that document's entry on its own, or put file fields in the BibTeX/RIS."
        )
    taken = {row["doc_id"] for row in rows}
    dois = {normalize_doi(row.get("doi", "")): row["doc_id"] for row in rows if row.get("doi")}
    titles = {(normalize_title(row["title"]), row["year"]): row["doc_id"] for row in rows if row.get("title")}
    added: list[dict[str, str]] = []
    refused: list[str] = []
    copies: list[tuple[Path, Path]] = []
    for entry in entries:
        key = (normalize_title(entry.title), entry.year)
        if entry.doi and entry.doi in dois:
            refused.append(f"{entry.source}: duplicate of '{dois[entry.doi]}' (same DOI {entry.doi}); not added.")
            continue
        if entry.title and key in titles:
            refused.append(f"{entry.source}: duplicate of '{titles[key]}' (same title and year); not added.")
            continue
        if not re.fullmatch(r"\d{4}", entry.year):
            refused.append(f"{entry.source}: no four-digit year. Fix: add the year to the entry and import it again.")
            continue
        source_file = document or (Path(entry.file) if entry.file else None)
        if source_file is not None and not source_file.is_absolute() and document is None and base_dir is not None:
            source_file = base_dir / source_file
        if source_file is None:
            refused.append(f"{entry.source}: no document file. Fix: pass --file DOC (one entry at a time) or add a file field.")
            continue
        if not source_file.is_file():
            refused.append(f"{entry.source}: document {source_file} does not exist. Fix: correct the path.")
            continue
        suffix = source_file.suffix.lower()
        if suffix not in DOCUMENT_SUFFIXES:
            refused.append(f"{entry.source}: {source_file} is not a .pdf, .html, .htm or .txt file. Fix: convert it first.")
            continue
        doc_id = _unique_doc_id(entry.surnames, entry.year, taken)
        target = corpus_dir / "documents" / f"{doc_id}{suffix}"
        if target.exists():
            refused.append(f"{entry.source}: {target} already exists and is not overwritten. Fix: move it away or rename.")
            continue
        row = {column: "" for column in COLUMNS}
        row.update(
            doc_id=doc_id,
            citation=citation_for(entry.surnames, entry.year),
            authors=entry.authors or "Anonymous",
            year=entry.year,
            title=entry.title,
            container=entry.container,
            doi=entry.doi,
            doc_type=entry.doc_type,
            search_strategy=search_strategy,
            file=target.relative_to(corpus_dir).as_posix(),
            surrogate="false",
            verified="false",
            notes=" ".join([f"Imported from {entry.source}.", entry.type_note, *entry.extra_notes]),
        )
        taken.add(doc_id)
        if entry.doi:
            dois[entry.doi] = doc_id
        if entry.title:
            titles[key] = doc_id
        added.append(row)
        copies.append((source_file, target))
    if added:
        for source_file, target in copies:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source_file, target)
        # Only the new rows: problems of existing rows are the researcher's to fix and are
        # reported when the workflow starts.
        problems = validate_rows(added, manifest_path, corpus_dir)
        if problems:
            for _, target in copies:
                target.unlink(missing_ok=True)
            raise ReviewflowError("the new rows would make the manifest invalid; nothing was added:\n" + "\n".join(problems))
        write_rows(manifest_path, rows + added)
    return AddResult(added=added, refused=refused)


def cli_add(args) -> int:
    source = Path(args.bib or args.ris)
    if not source.is_file():
        raise ReviewflowError(f"{source}: file not found. Fix: give the path of a .bib or .ris export.")
    entries = parse_bibtex(source) if args.bib else parse_ris(source)
    if not entries:
        raise ReviewflowError(f"{source}: no entries found. Fix: check that it is a {'BibTeX' if args.bib else 'RIS'} export.")
    result = add_entries(
        entries,
        Path(args.manifest),
        document=Path(args.file) if args.file else None,
        search_strategy=args.search_strategy,
        base_dir=source.parent,
    )
    for row in result.added:
        print(f"added {row['doc_id']}: {row['citation']} -> {row['file']}")
    for message in result.refused:
        print(message, file=sys.stderr)
    print(f"{args.manifest}: {len(result.added)} added, {len(result.refused)} refused.")
    return 0 if not result.refused else 1
