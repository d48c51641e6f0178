"""The one registry of the document formats reviewflow reads.

Each format is one `Reader`: its name (the `format` of `results/text/{doc}.json`), a label for
messages, the file extensions it accepts, a signature check on a file's first bytes, and the reader
that turns the file into pages of raw blocks. Ingestion dispatches on it (`reviewflow.ingest.document`),
the manifest check refuses a `file` whose extension no reader accepts (`reviewflow.corpus.manifest`),
`corpus add` copies in only such files, and the CLI help names them from here.

Adding a format (e.g. DOCX) is one `Reader` in `READERS` and its read function (which imports its
parsing module lazily, so that importing this registry stays cheap). Readers are tried in the order
of `READERS` on a file's first bytes; plain text comes last, as it accepts any non-binary data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from reviewflow.ingest.blocks import RawPage


@dataclass
class ReadResult:
    """What a reader hands back: pages (or an error message naming the file) and warnings."""

    pages: list[RawPage]
    n_pages: int
    messages: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class Reader:
    name: str  # the record's `format`
    label: str  # in messages: "a PDF, HTML or plain text file"
    extensions: tuple[str, ...]  # lower case, with the dot; the first one is the one to rename to
    signature: Callable[[bytes], bool]  # whether a file's first bytes (up to 8 KiB) are this format
    read: Callable[[Path, str, int], ReadResult]  # (path, source for messages, max_pages)
    no_text: str = "{source}: no text found in the {name} file: check it holds the document itself"


# --------------------------------------------------------------------------------------- signatures
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Files that are none of the formats, by their magic bytes, named in the refusal.
KNOWN_BINARY = {
    b"PK\x03\x04": "a ZIP/Office file (e.g. .docx)",
    b"\xd0\xcf\x11\xe0": "an old Office file (.doc)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"{\\rtf": "an RTF file",
}


def _binary(head: bytes) -> bool:
    """Known binary magic or a NUL byte (UTF-16 text, which has NULs, is told by its BOM)."""
    if head.startswith(_UTF16_BOMS):
        return False
    return any(head.startswith(magic) for magic in KNOWN_BINARY) or b"\x00" in head[:4096]


def binary_kind(head: bytes) -> str:
    """What a file no reader accepts looks like, for the message."""
    for magic, kind in KNOWN_BINARY.items():
        if head.startswith(magic):
            return kind
    return "binary data"


def _is_pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:1024]


_HTML_TAG_RE = re.compile(rb"<(?:body|head|title|meta|p|div|h[1-6]|ul|table|article|section)[\s>/]")


def _is_html(head: bytes) -> bool:
    if head.startswith(_UTF16_BOMS) or _binary(head):
        return False
    lower = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096].lower()
    if b"<html" in lower or b"<!doctype html" in lower:
        return True
    return lower.startswith(b"<") and _HTML_TAG_RE.search(lower) is not None


def _is_text(head: bytes) -> bool:
    return not _binary(head)


# --------------------------------------------------------------------------------------- readers
def _read_pdf(path: Path, source: str, max_pages: int) -> ReadResult:
    from reviewflow.ingest.pdf import read_pdf

    result = read_pdf(path, source, max_pages=max_pages)
    return ReadResult(pages=result.pages, n_pages=result.n_pages, messages=list(result.messages), error=result.error)


def _read_html(path: Path, source: str, max_pages: int) -> ReadResult:
    from reviewflow.ingest.html import parse_html

    pages = parse_html(path.read_bytes())
    return ReadResult(pages=pages, n_pages=len(pages))


def _read_text(path: Path, source: str, max_pages: int) -> ReadResult:
    from reviewflow.ingest.text import decode_text, parse_text

    text, assumed = decode_text(path.read_bytes())
    messages = []
    if assumed:
        messages.append(
            f"{source}: is not UTF-8; read as {assumed}: check accented characters and save the file as UTF-8"
        )
    pages = parse_text(text)
    return ReadResult(pages=pages, n_pages=len(pages), messages=messages)


OCR_HINT = "run OCR (e.g. `ocrmypdf --skip-text in.pdf out.pdf`) and add the text version to the corpus"

READERS: tuple[Reader, ...] = (
    Reader(
        "pdf",
        "PDF",
        (".pdf",),
        _is_pdf,
        _read_pdf,
        no_text="{source}: no text layer on any of its {n_pages} page(s) (a scan?): " + OCR_HINT,
    ),
    Reader("html", "HTML", (".html", ".htm", ".xhtml"), _is_html, _read_html),
    Reader("txt", "plain text", (".txt", ".text", ".md"), _is_text, _read_text),
)


# --------------------------------------------------------------------------------------- lookups
def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def extensions() -> tuple[str, ...]:
    """Every accepted extension, in registry order (`.pdf`, `.html`, ...)."""
    return tuple(extension for reader in READERS for extension in reader.extensions)


def extensions_text() -> str:
    """The accepted extensions for a message or help text: '.pdf, .html, ... or .md'."""
    return _or_list(list(extensions()))


def labels_text() -> str:
    """The formats for a message or help text: 'PDF, HTML or plain text'."""
    return _or_list([reader.label for reader in READERS])


def named(name: str) -> Reader:
    """The reader of a format name (`pdf`, `html`, `txt`)."""
    for reader in READERS:
        if reader.name == name:
            return reader
    raise KeyError(name)


def for_extension(path: str | PurePath) -> Reader | None:
    """The reader a file's extension declares (case-insensitive), or None."""
    suffix = PurePath(path).suffix.lower()
    return next((reader for reader in READERS if suffix in reader.extensions), None)


def sniff(head: bytes) -> Reader | None:
    """The reader whose signature a file's first bytes show, or None (binary data no reader reads)."""
    return next((reader for reader in READERS if reader.signature(head)), None)


def extension_problem(path: str | PurePath) -> str | None:
    """Why no reader accepts a file by its name ('has the extension .docx, ...'), or None when one does."""
    if for_extension(path) is not None:
        return None
    suffix = PurePath(path).suffix
    what = f"has the extension '{suffix}'" if suffix else "has no extension"
    return (
        f"{what}, which no reader accepts (accepted: {extensions_text()}). Fix: save the document as "
        f"{labels_text()} with one of those extensions (or add a reader for it to reviewflow.ingest.readers)"
    )
