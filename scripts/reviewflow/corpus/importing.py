"""Adding literature to the corpus from BibTeX or RIS exports.

Entries become manifest rows; duplicates (same DOI, or same normalized title and year) of a document
already in the manifest, or of an earlier entry of the same file, are refused with a message. The
manifest is rewritten atomically, and a document file is copied in only where nothing exists yet.
"""

from __future__ import annotations

import functools
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
import rispy
from bibtexparser import middlewares, model

from reviewflow.corpus.manifest import COLUMNS, allowed_values, append_rows, read_table, rewrite_problems, validate_rows
from reviewflow.errors import ReviewflowError
from reviewflow.fileio import read_utf8_text
from reviewflow.ingest import readers

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
# A report's export type does not tell a government's report from an NGO's or an issue brief, so
# these stay 'other' and the researcher is asked to choose (never guessed from the publisher's name).
REPORT_TYPES = {"techreport", "report", "RPRT"}
# RIS gives every line a tag. An untagged line is accepted only after the free-text fields (abstract,
# notes), where multi-paragraph text continues; elsewhere rispy would glue it to the field above
# (a stray line after an AU line becomes an author), so it is reported instead.
RIS_CONTINUED_TAGS = {"AB", "N1", "N2"}


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
    type_check: str = ""  # printed after import when doc_type needs the researcher's choice
    file: str = ""
    extra_notes: list[str] = field(default_factory=list)
    problem: str = ""  # why the entry cannot be imported as it is; add_entries refuses it with this


@dataclass
class AddResult:
    added: list[dict[str, str]]
    refused: list[str]
    checks: list[str] = field(default_factory=list)  # added, but a value needs the researcher's eye


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
    candidates = [p for p in parts if readers.for_extension(p) is not None]
    return candidates[0] if candidates else value.strip()


def _doc_type(format_name: str, source_type: str, mapping: dict[str, str]) -> tuple[str, str, str]:
    """(doc_type, note for the manifest, check to print) for an export's entry type."""
    doc_type = mapping.get(source_type, "other")
    note = f"doc_type derived from {format_name} type '{source_type}'; check it."
    if doc_type != "other":
        return doc_type, note, ""
    if source_type in REPORT_TYPES:
        why = (
            f"{format_name} type '{source_type}' is a report, which may be a government_report, ngo_report "
            "or issue_brief"
        )
    else:
        why = f"{format_name} type '{source_type}' matches none of the manifest's types"
    return (
        doc_type,
        note,
        (
            f"doc_type set to 'other': {why}. Fix: set doc_type in the manifest to the fitting one of "
            f"{', '.join(allowed_values('doc_type'))}."
        ),
    )


def _brace_protected(text: str) -> bool:
    """True for '{...}' whose first brace closes at the end: BibTeX's way to keep a name whole."""
    depth = 0
    for position, char in enumerate(text):
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return position == len(text) - 1 and text.startswith("{")
    return False


_LATEX = middlewares.LatexDecodingMiddleware()
# pylatexenc reads LaTeX one character at a time (about 20,000-90,000 characters a second, slower on
# long strings), so only text it would change goes to it: a backslash, a brace, a comment, math, '~',
# '&' and the ligatures ``, '', !`, ?`, -- and --- (the specials of bibtexparser's decoder). Any other
# text comes back from it exactly as written; tests/test_corpus.py checks that on random strings.
_LATEX_MARKUP = re.compile(r"[\\{}%$~&`]|--|''")
# A title, container, year, DOI, file or name part this long with LaTeX markup in it is not one field
# but an export gone wrong (a missing closing brace swallows the entries below it); decoding it would
# take minutes, so the entry is refused with a message instead.
LATEX_DECODE_LIMIT = 10_000
# The limit above is per field and per name, but pylatexenc's cost is per character of the whole file
# (about 20,000-50,000 a second measured), so an export of megabytes of names like M{\"u}ller took
# minutes with every part under it (2 MB of distinct accented names: 121 s). An export with more text to
# decode than this (about 9,000 entries of braced titles and accented names; at the limit, 17,500
# distinct accented names took 20 s at nice 19 on a loaded machine) is refused before any is decoded.
LATEX_FILE_LIMIT = 1_000_000


def _needs_latex(text: str) -> bool:
    return _LATEX_MARKUP.search(text) is not None


def _latex_to_text(text: str) -> tuple[str, str]:
    """(decoded text, error message or '') from bibtexparser's decoder, for text with LaTeX markup.

    The middleware's per-string step (what its transform_entry runs on each field; bibtexparser is
    pinned) gives the text as written and pylatexenc's error where the LaTeX cannot be decoded.
    """
    return _LATEX._transform_python_value_string(text)


@functools.lru_cache(maxsize=4096)  # an export repeats its authors' names, and each costs ~1 ms to decode
def _decode_latex(text: str) -> str:
    """LaTeX to Unicode (names: an undecodable or over-long one is kept as written rather than lost)."""
    if not _needs_latex(text) or len(text) > LATEX_DECODE_LIMIT:
        return text
    return _latex_to_text(text)[0]


def _corporate(person: middlewares.NameParts) -> bool:
    """A name written whole in braces, ``{U.S. Department of State}``: an organisation, kept as one."""
    return not (person.first or person.von or person.jr) and len(person.last) == 1 and _brace_protected(person.last[0])


def _name_texts(person: middlewares.NameParts) -> list[str]:
    """The texts of one split name that _bibtex_person decodes: the organisation, or surname then given names."""
    if _corporate(person):
        return [person.last[0]]
    return [" ".join(person.von + person.last), *person.first]


def _bibtex_person(person: middlewares.NameParts) -> tuple[str, str]:
    """(surname, 'Surname, I. I.') of one split BibTeX name.

    Names are split before LaTeX decoding: decoding first would drop the braces of
    ``{U.S. Department of State}`` and split it into given names 'U.S. Department', von 'of', last 'State'.
    """
    surname, *given = (_decode_latex(text).strip() for text in _name_texts(person))
    if _corporate(person):
        return surname, surname
    initials = _initials(given)
    return surname, f"{surname}, {initials}" if initials else surname


def _bibtex_people(item: model.Entry) -> list[middlewares.NameParts]:
    """The split names of an entry: its authors, or its editors where it has no authors."""
    return next(
        (named.value for key in ("author", "editor") if (named := item.fields_dict.get(key)) and named.value), []
    )


def _latex_workload(entries: list[model.Entry]) -> int:
    """Characters of the texts parse_bibtex would hand to pylatexenc (each distinct name once, as
    _decode_latex caches them; parts over LATEX_DECODE_LIMIT are never decoded)."""
    names: set[str] = set()
    total = 0
    for item in entries:
        for key in BIBTEX_USED_FIELDS:
            found = item.fields_dict.get(key)
            text = "" if found is None else str(found.value)
            if _needs_latex(text) and len(text) <= LATEX_DECODE_LIMIT:
                total += len(text)
        names.update(text for person in _bibtex_people(item) for text in _name_texts(person))
    return total + sum(len(text) for text in names if _needs_latex(text) and len(text) <= LATEX_DECODE_LIMIT)


# The fields an entry becomes a manifest row from (names aside): the only ones decoded.
BIBTEX_USED_FIELDS = (
    "year",
    "title",
    "journal",
    "booktitle",
    "publisher",
    "institution",
    "organization",
    "doi",
    "file",
)


def _bibtex_fields(item: model.Entry) -> tuple[dict[str, str], str]:
    """(used field -> decoded text, problem that refuses the entry or '') of one BibTeX entry."""
    fields: dict[str, str] = {}
    problems: list[str] = []
    for key in BIBTEX_USED_FIELDS:
        found = item.fields_dict.get(key)  # NormalizeFieldKeys made the keys lower case
        if found is None:
            continue
        text = str(found.value)
        if not _needs_latex(text):
            fields[key] = text
        elif len(text) > LATEX_DECODE_LIMIT:
            problems.append(
                f"its {key} field is {len(text):,} characters long with LaTeX markup (over "
                f"{LATEX_DECODE_LIMIT:,}: usually a missing closing brace or quote that runs into the entries "
                "below). Fix: check the braces of that field in the .bib file or re-export the entry"
            )
        else:
            fields[key], error = _latex_to_text(text)
            if error:
                problems.append(
                    f"the LaTeX of its {key} field could not be decoded (pylatexenc: {error[:200]}). Fix: "
                    "correct that field's LaTeX (braces nested hundreds deep, an unfinished command) or "
                    "re-export the entry"
                )
    return fields, "; ".join(problems)


# How each export format shows itself on its first lines: a BibTeX entry opens with "@type{" (or
# "@type("), a RIS record with "TY  - ". Used to name the right option when a file is given to the other.
EXPORT_SIGNATURES = {
    "BibTeX": (re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE), "--bib"),
    "RIS": (re.compile(r"^\s*TY  -", re.MULTILINE), "--ris"),
}


def wrong_format_problem(text: str, path: Path, expected: str) -> str | None:
    """The message for an export of the other format given as ``expected`` ("BibTeX" or "RIS"), or None."""
    for name, (signature, option) in EXPORT_SIGNATURES.items():
        if name != expected and signature.search(text) and not EXPORT_SIGNATURES[expected][0].search(text):
            return (
                f"{path}: this looks like a {name} export, not {expected}; nothing was added. "
                f"Fix: give it with {option} {path}."
            )
    return None


def parse_bibtex(path: Path) -> list[Entry]:
    text = read_utf8_text(path, "BibTeX file")
    problem = wrong_format_problem(text, path, "BibTeX")
    if problem:
        raise ReviewflowError(problem)
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            # Web of Science writes `Author = {...}`: the name middlewares only see lower-case keys.
            middlewares.NormalizeFieldKeys(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            # No LaTeX decoding middleware: it would decode every field, abstracts included, at
            # pylatexenc's speed; _bibtex_fields decodes the fields an entry uses, names _bibtex_person.
        ],
    )
    if library.failed_blocks:
        lines = ", ".join(
            "?" if block.start_line is None else str(block.start_line + 1) for block in library.failed_blocks
        )
        raise ReviewflowError(
            f"{path}: could not parse the BibTeX block(s) starting at line(s) {lines}. "
            "Fix: check braces and commas there (re-export from your reference manager)."
        )
    workload = _latex_workload(library.entries)
    if workload > LATEX_FILE_LIMIT:
        raise ReviewflowError(
            f"{path}: {workload:,} characters of names, titles and other used fields with LaTeX markup to "
            f"decode (in {len(library.entries):,} entries), over the {LATEX_FILE_LIMIT:,} one import decodes "
            "(at some 20,000-50,000 a second); nothing was added. Fix: export only the references that have "
            "document files, or split the export into files of a few thousand entries and add them one at a time."
        )
    entries = []
    for item in library.entries:
        fields, problem = _bibtex_fields(item)
        names = [_bibtex_person(person) for person in _bibtex_people(item)]
        entry_type = item.entry_type.lower()
        doc_type, type_note, type_check = _doc_type("BibTeX", entry_type, BIBTEX_TYPES)
        entries.append(
            Entry(
                source=f"{path.name} entry '{item.key}'",
                surnames=[surname for surname, _ in names],
                authors="; ".join(author for _, author in names),
                year=str(fields.get("year", "")).strip(),
                title=str(fields.get("title", "")).strip(),
                container=str(
                    fields.get("journal")
                    or fields.get("booktitle")
                    or fields.get("publisher")
                    or fields.get("institution")
                    or fields.get("organization")
                    or ""
                ).strip(),
                doi=normalize_doi(str(fields.get("doi", ""))),
                doc_type=doc_type,
                type_note=type_note,
                type_check=type_check,
                file=_bibtex_file_field(str(fields["file"])) if "file" in fields else "",
                problem=problem,
            )
        )
    return entries


def ris_structure_problems(text: str, name: str) -> list[str]:
    """Where a RIS file breaks the format, one message per problem with its line number.

    rispy skips what it cannot place: a record without 'ER' is dropped, a stray line is glued to
    the field above. Checking first turns that silent loss into a message.
    """
    parser = rispy.RisParser()
    problems: list[str] = []
    opened: int | None = None  # line of the open record's TY
    last_tag: str | None = None
    closed_any = False
    lines = text.split(parser.newline)  # as rispy splits them, so line numbers agree
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        tag, _ = parser.parse_line(line)
        shown = line.strip()[:60]
        if tag == "TY":
            if opened is not None:
                problems.append(
                    f"{name}: the record starting at line {opened} has no 'ER  - ' line before the next "
                    f"record starts at line {number}. Fix: add a line 'ER  - ' at the end of that record."
                )
            opened, last_tag = number, tag
        elif opened is None:
            if shown:
                what = f"tag '{tag}'" if tag else f"{shown!r}"
                problems.append(
                    f"{name}: line {number}: {what} outside a record. Fix: every record starts with a "
                    "'TY  - ' line and ends with an 'ER  - ' line; delete the line or move it into its record."
                )
        elif tag == "ER":
            opened, last_tag, closed_any = None, None, True
        elif tag is not None:
            last_tag = tag
        elif shown and last_tag not in RIS_CONTINUED_TAGS:
            problems.append(
                f"{name}: line {number} (record starting at line {opened}): {shown!r} is not a RIS line "
                "(two capital letters or a capital and a digit, two spaces, '-', a space, the value). "
                "Fix: join it to the line above if it continues that value, or delete it."
            )
    if opened is not None:
        problems.append(
            f"{name}: the record starting at line {opened} has no 'ER  - ' line before the end of the "
            "file. Fix: add a line 'ER  - ' at the end of the record."
        )
    elif not closed_any and not problems:
        problems.append(
            f"{name}: no RIS record (no line 'TY  - ...'). Fix: export the references as RIS (.ris) "
            "from the reference manager or database."
        )
    return problems


def _ris_person(person: str) -> tuple[str, str]:
    """(surname, 'Surname, I. I.') of one RIS name.

    The RIS format writes a person as 'Last, First[, Suffix]'; a name without a comma is an
    organization's and is kept whole.
    """
    surname, *rest = [part.strip() for part in person.split(",")]
    initials = _initials(rest[0].split()) if rest else ""
    return surname, f"{surname}, {initials}" if initials else surname


def parse_ris(path: Path) -> list[Entry]:
    text = read_utf8_text(path, "RIS file")
    problem = wrong_format_problem(text, path, "RIS")
    if problem:
        raise ReviewflowError(problem)
    problems = ris_structure_problems(text, str(path))
    if problems:
        raise ReviewflowError("the RIS file is malformed; nothing was added:\n" + "\n".join(problems))
    try:
        records = rispy.loads(text)
    except Exception as error:  # rispy raises plain IOError/ValueError subclasses
        raise ReviewflowError(f"{path}: not a readable RIS file ({error}). Fix: re-export it as RIS.") from error
    entries = []
    for index, record in enumerate(records, start=1):
        people = record.get("authors") or record.get("first_authors") or []
        names = [_ris_person(person) for person in people]
        year_match = re.search(
            r"\d{4}", str(record.get("year") or record.get("publication_year") or record.get("date") or "")
        )
        ris_type = str(record.get("type_of_reference", "")).upper()
        doc_type, type_note, type_check = _doc_type("RIS", ris_type, RIS_TYPES)
        file_links = record.get("file_attachments1") or record.get("file_attachments2") or ""
        entries.append(
            Entry(
                source=f"{path.name} record {index}",
                surnames=[surname for surname, _ in names],
                authors="; ".join(author for _, author in names),
                year=year_match.group(0) if year_match else "",
                title=str(record.get("primary_title") or record.get("title") or "").strip(),
                container=str(
                    record.get("secondary_title") or record.get("journal_name") or record.get("publisher") or ""
                ).strip(),
                doi=normalize_doi(str(record.get("doi", ""))),
                doc_type=doc_type,
                type_note=type_note,
                type_check=type_check,
                file=str(file_links).strip(),
            )
        )
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
    rows: list[dict[str, str]] = []
    if manifest_path.is_file():
        table = read_table(manifest_path)
        unsafe = rewrite_problems(table, manifest_path)
        if unsafe:  # rewriting would lose cells the researcher wrote
            raise ReviewflowError(
                "the manifest cannot be rewritten without losing values; nothing was added:\n" + "\n".join(unsafe)
            )
        rows = table.rows
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
    checks: list[str] = []
    copies: list[tuple[Path, Path]] = []
    for entry in entries:
        if entry.problem:
            refused.append(f"{entry.source}: {entry.problem}; not added.")
            continue
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
            refused.append(
                f"{entry.source}: no document file. Fix: pass --file DOC (one entry at a time) or add a file field."
            )
            continue
        try:
            found = source_file.is_file()
        except OSError as error:  # e.g. a name longer than the file system allows
            refused.append(
                f"{entry.source}: document {str(source_file)[:80]}... is not a usable path "
                f"({error.strerror or error}). Fix: correct the path."
            )
            continue
        if not found:
            refused.append(f"{entry.source}: document {source_file} does not exist. Fix: correct the path.")
            continue
        unreadable = readers.extension_problem(source_file)
        if unreadable:
            refused.append(f"{entry.source}: document {source_file} {unreadable}; not added.")
            continue
        suffix = source_file.suffix.lower()
        doc_id = _unique_doc_id(entry.surnames, entry.year, taken)
        target = corpus_dir / "documents" / f"{doc_id}{suffix}"
        try:
            occupied = target.exists()
        except OSError as error:  # a doc_id from a very long first-author name: no file can be named after it
            refused.append(
                f"{entry.source}: the doc_id '{doc_id[:40]}...' made from the first author's name gives a file "
                f"name the file system refuses ({error.strerror or error}). Fix: shorten the first author's "
                "name in the entry, or add the document's row to the manifest by hand."
            )
            continue
        if occupied:
            refused.append(
                f"{entry.source}: {target} already exists and is not overwritten. Fix: move it away or rename."
            )
            continue
        row = dict.fromkeys(COLUMNS, "")
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
        if entry.type_check:
            checks.append(f"{manifest_path}: doc_id '{doc_id}': {entry.type_check}")
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
            raise ReviewflowError(
                "the new rows would make the manifest invalid; nothing was added:\n" + "\n".join(problems)
            )
        # appended, so every byte the researcher wrote stays as it was
        append_rows(manifest_path, added)
    return AddResult(added=added, refused=refused, checks=checks)


def read_entries(source: Path, bibtex: bool) -> list[Entry]:
    """The entries of a BibTeX (``bibtex``) or RIS export named on the command line; a missing file
    or one without entries is refused, naming the fix."""
    if not source.is_file():
        raise ReviewflowError(f"{source}: file not found. Fix: give the path of a .bib or .ris export.")
    entries = parse_bibtex(source) if bibtex else parse_ris(source)
    if not entries:
        raise ReviewflowError(
            f"{source}: no entries found. Fix: check that it is a {'BibTeX' if bibtex else 'RIS'} export."
        )
    return entries
