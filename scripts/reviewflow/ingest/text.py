"""Plain-text documents: blocks from blank-line paragraphs, headings and bullet lines.

Rules (documented in the module so reviewers can predict the result):
- a form feed (\\f) starts a new page; otherwise the file is one page;
- a blank line ends a block; hard-wrapped lines inside a block are joined (hyphenation repaired).
  A file that is not hard-wrapped (more than 20 % of its lines longer than 100 characters) has one
  paragraph per line, so a heading needs no blank line after it there;
- a line is a heading when it stands alone (blank line or a list after it), is short (≤ 14 words,
  ≤ 120 characters; the first line ≤ 25 words), has letters, starts with a capital or a section number and ends without
  sentence punctuation; numbered headings (`2.1 Methods`) get the depth of their number as level,
  ALL-CAPS headings and the document's first line level 1, other headings level 2; Markdown
  `#`–`######` headings (in .md files) the number of `#`;
- a line starting with a bullet (•, -, *, –, `1.`, `1)`, `(a)`) starts a list item; indented lines
  after it continue it. Bullet glyphs are dropped from the text, numbers and letters kept.
"""

from __future__ import annotations

import re

from reviewflow.ingest.blocks import RawBlock, RawPage
from reviewflow.ingest.normalize import Vocabulary, join_lines, normalize_chars

BULLET_RE = re.compile(r"^\s*(?:[•◦▪▫■□●○‣⁃∙·*\-–—]|\(?\d{1,3}[.)]|\([a-zA-Z]\)|[a-z]\))\s+(?=\S)")
MARKDOWN_HEADING_RE = re.compile(r"^(#{1,6})\s+\S")
NUMBERED_HEADING_RE = re.compile(r"^\s*((?:\d{1,2}|[IVX]{1,5}|[A-Z])(?:\.\d{1,2})*)\.?\s+(?=[A-Z])")
WRAP_WIDTH = 100  # a file whose lines are mostly this short or shorter is hard-wrapped
_GLYPH_BULLETS = set("•◦▪▫■□●○‣⁃∙·*-–—")
_FINAL_PUNCTUATION = tuple('.,;:!?…"”’)]')


# A line of its own that asks a wh-question is a heading ("What are promising approaches to service
# delivery?"), unless it speaks to or for someone: "What do you need right now?" is a question to ask.
_QUESTION_OPENERS = frozenset({"what", "how", "why", "who", "where", "which", "when"})
_PERSONAL_WORDS = frozenset({"you", "your", "yours", "yourself", "i", "me", "my", "we", "us", "our"})


def _is_question_heading(text: str) -> bool:
    words = [w.strip(".,;:!?\"'()“”‘’").lower() for w in text.split()]
    return len(words) >= 3 and words[0] in _QUESTION_OPENERS and not _PERSONAL_WORDS.intersection(words)


def heading_level(line: str, is_first: bool = False) -> int | None:
    """The level of `line` as a heading, or None when it does not look like one."""
    text = line.strip()
    max_words, max_chars = (25, 200) if is_first else (14, 120)  # a title may be longer than a heading
    if not text or len(text) > max_chars or len(text.split()) > max_words:
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    if text.endswith("?") and _is_question_heading(text):
        return 2
    if text.endswith(_FINAL_PUNCTUATION):
        return None
    markdown = MARKDOWN_HEADING_RE.match(text)
    if markdown:
        return min(len(markdown.group(1)), 6)
    numbered = NUMBERED_HEADING_RE.match(text)
    if numbered:
        number = numbered.group(1)
        return min(number.count(".") + 1, 6) if number[0].isdigit() else 1
    if BULLET_RE.match(text):
        return None
    if not (text[0].isupper() or text[0].isdigit()):
        return None
    letters = [ch for ch in text if ch.isalpha()]
    if is_first or (len(letters) >= 3 and all(ch.isupper() for ch in letters)):
        return 1
    return 2


def _chunks(page_text: str) -> list[list[str]]:
    """Runs of non-blank lines."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for line in page_text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def _chunk_blocks(chunk: list[str], vocab: Vocabulary, is_first_of_doc: bool) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    kind = ""
    lines: list[str] = []

    def flush() -> None:
        nonlocal kind, lines
        if lines:
            text = join_lines(lines, vocab)
            if text:
                blocks.append(RawBlock(kind or "paragraph", text))
        kind, lines = "", []

    if len(chunk) == 1:
        level = heading_level(chunk[0], is_first=is_first_of_doc)
        if level is not None:
            return [RawBlock("heading", join_lines([chunk[0].strip().lstrip("#")], vocab), level)]
    for index, line in enumerate(chunk):
        bullet = BULLET_RE.match(line)
        if bullet:
            flush()
            # A bullet glyph is layout and goes; a number or letter (`2.`, `(b)`) is kept: it is referred to.
            marker = bullet.group(0).strip()
            kind, lines = "list_item", [line[bullet.end() :] if marker in _GLYPH_BULLETS else line.strip()]
            continue
        if index == 0 and len(chunk) > 1 and BULLET_RE.match(chunk[1]):
            # A short line introducing a list is its heading (a sentence ending in ':' is not).
            level = heading_level(line, is_first=is_first_of_doc)
            if level is not None:
                blocks.append(RawBlock("heading", join_lines([line], vocab), level))
                continue
        if kind == "list_item" and not line[:1].isspace():
            flush()
        if not kind:
            kind = "paragraph"
        lines.append(line)
    flush()
    return blocks


def _unwrapped_parts(chunk: list[str]) -> list[list[str]]:
    """Lines of a file that is not hard-wrapped: each its own block, except indented lines that
    continue a bullet item."""
    parts: list[list[str]] = []
    for line in chunk:
        if parts and line[:1].isspace() and not BULLET_RE.match(line) and BULLET_RE.match(parts[-1][0]):
            parts[-1].append(line)
        else:
            parts.append([line])
    return parts


def parse_text(text: str) -> list[RawPage]:
    """Pages of blocks from the decoded contents of a text file."""
    text = normalize_chars(text.replace("\r\n", "\n").replace("\r", "\n"))
    vocab = Vocabulary.from_lines(text.split("\n"))
    pieces = text.split("\f")
    if len(pieces) > 1 and not pieces[-1].strip():
        pieces.pop()  # a trailing form feed ends the last page; it does not start an empty one
    lengths = [len(line.strip()) for line in text.split("\n") if line.strip()]
    # Hard-wrapped files keep lines short; in the others every line is a paragraph of its own.
    hard_wrapped = sum(1 for n in lengths if n <= WRAP_WIDTH) >= 0.8 * len(lengths) if lengths else True
    pages: list[RawPage] = []
    first = True
    for page_text in pieces:
        blocks: list[RawBlock] = []
        for chunk in _chunks(page_text):
            for part in [chunk] if hard_wrapped else _unwrapped_parts(chunk):
                blocks.extend(_chunk_blocks(part, vocab, is_first_of_doc=first))
                first = False
        pages.append(RawPage(blocks=blocks, has_text_layer=bool(blocks)))
    return pages


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decoded text and, when it was not UTF-8, the encoding assumed (for a warning)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:  # a lone surrogate or an odd last byte must not lose the document
            return data.decode("utf-16", errors="replace"), "UTF-16 with damaged bytes (shown as \ufffd)"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"
