"""Surrogate documents of the default corpus: parse the Markdown-like sources, render PDF, HTML or TXT.

The originals of the review's documents cannot be shipped, so the default corpus holds surrogate
texts (see ``corpus/surrogates/README.md`` for the source format). The writers deliberately imitate
what real documents throw at the ingestion stage — two columns, running heads, page numbers,
hyphenated line ends, ligature glyphs, web-page boilerplate, hard-wrapped text — while staying
byte-identical from one run to the next.
"""

from __future__ import annotations

import csv
import io
import re
import textwrap
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from reportlab.pdfgen.canvas import Canvas

from reviewflow.errors import ReviewflowError
from reviewflow.fileio import atomic_write_bytes
from reviewflow.safety import escape_html

NOTICE_PREFIX = "This is a surrogate text written for reviewflow"
REFERENCES_HEADING = "References"
LAYOUTS = ("single_column", "two_column")
FRONT_MATTER_KEYS = frozenset({"doc_id", "layout", "running_header", "byline", "site_name", "txt_wrap"})
FORMATS = ("pdf", "html", "txt")


class SurrogateError(ReviewflowError):
    """A surrogate source (or its manifest row) that cannot be rendered."""


@dataclass(frozen=True)
class Block:
    """One block of body text. ``kind``: heading, paragraph, list_item or reference."""

    kind: str
    text: str
    line: int
    level: int = 0


@dataclass(frozen=True)
class Surrogate:
    doc_id: str
    title: str
    blocks: tuple[Block, ...]
    source: str
    layout: str = "single_column"
    running_header: str = ""
    byline: str = ""
    site_name: str = ""
    txt_wrap: int = 0


@dataclass(frozen=True)
class DocumentInfo:
    """The manifest facts a renderer needs (read leniently: documents may not exist yet)."""

    doc_id: str
    citation: str
    authors: str
    year: str
    title: str
    container: str
    file: str

    @property
    def expected_title(self) -> str:
        return self.title or f"Surrogate for {self.citation}"

    @property
    def extension(self) -> str:
        return Path(self.file).suffix.lower().lstrip(".")


# --------------------------------------------------------------------------------------------
# Parsing


def _fail(source: str, line: int | None, problem: str, fix: str) -> SurrogateError:
    where = f"{source}: line {line}" if line else source
    return SurrogateError(f"{where}: {problem}. Fix: {fix}.")


def parse_surrogate(text: str, source: str = "<surrogate>") -> Surrogate:
    """Parse a surrogate source; raise SurrogateError naming the line, the problem and the fix."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise _fail(
            source,
            1,
            "the file does not start with a '---' front-matter line",
            "begin the file with '---', the keys (doc_id, layout, ...), then '---'",
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise _fail(source, 1, "the front matter is not closed", "add a '---' line after the keys") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise _fail(
            source,
            2,
            f"the front matter is not valid YAML ({exc.__class__.__name__})",
            "write one 'key: value' per line, quoting values that contain ':' or '#'",
        ) from None
    if not isinstance(meta, dict):
        raise _fail(source, 2, "the front matter is not a mapping", "write one 'key: value' per line")
    unknown = sorted(set(map(str, meta)) - FRONT_MATTER_KEYS)
    if unknown:
        raise _fail(
            source,
            2,
            f"unknown front-matter key(s) {', '.join(unknown)}",
            f"use only {', '.join(sorted(FRONT_MATTER_KEYS))}",
        )
    doc_id = str(meta.get("doc_id") or "").strip()
    if not doc_id:
        raise _fail(source, 2, "the front matter has no doc_id", "add 'doc_id: <manifest doc_id>'")
    layout = str(meta.get("layout") or "single_column")
    if layout not in LAYOUTS:
        raise _fail(source, 2, f"layout {layout!r} is not known", f"use one of {', '.join(LAYOUTS)}")
    txt_wrap = meta.get("txt_wrap") or 0
    if not isinstance(txt_wrap, int) or isinstance(txt_wrap, bool) or not (txt_wrap == 0 or 40 <= txt_wrap <= 200):
        raise _fail(
            source,
            2,
            f"txt_wrap {txt_wrap!r} is not a width",
            "write a column count between 40 and 200, or leave it out",
        )

    title, blocks = _parse_body(lines, end + 1, source)
    if not blocks or blocks[0].kind != "paragraph" or not blocks[0].text.startswith(NOTICE_PREFIX):
        line = blocks[0].line if blocks else end + 2
        raise _fail(
            source,
            line,
            "the first paragraph is not the surrogate notice",
            f"start the first paragraph after the title with '{NOTICE_PREFIX} ...'",
        )
    return Surrogate(
        doc_id=doc_id,
        title=title,
        blocks=tuple(blocks),
        source=source,
        layout=layout,
        running_header=str(meta.get("running_header") or ""),
        byline=str(meta.get("byline") or ""),
        site_name=str(meta.get("site_name") or ""),
        txt_wrap=int(txt_wrap),
    )


def _parse_body(lines: list[str], start: int, source: str) -> tuple[str, list[Block]]:
    title = ""
    title_line = 0
    blocks: list[Block] = []
    in_references = False
    buffer: list[str] = []
    buffer_kind = ""
    buffer_line = 0

    def flush() -> None:
        nonlocal buffer, buffer_kind
        if buffer:
            text = " ".join(part.strip() for part in buffer)
            kind = buffer_kind
            if kind == "paragraph" and in_references:
                kind = "reference"
            blocks.append(Block(kind, text, buffer_line))
        buffer, buffer_kind = [], ""

    for index in range(start, len(lines)):
        number = index + 1
        raw = lines[index].rstrip()
        if not raw.strip():
            flush()
            continue
        heading = re.match(r"^(#{1,6})\s+(.*\S)\s*$", raw)
        if heading:
            flush()
            level = len(heading.group(1))
            text = heading.group(2)
            if level == 1:
                if title:
                    raise _fail(
                        source,
                        number,
                        f"a second '# ' title (the first is on line {title_line})",
                        "use '## ' for section headings",
                    )
                if blocks:
                    raise _fail(
                        source,
                        number,
                        "the '# ' title is not the first line of the body",
                        "move the title directly below the front matter",
                    )
                title, title_line = text, number
                continue
            if level > 3:
                raise _fail(source, number, f"heading level {level} is not supported", "use '## ' or '### '")
            if not title:
                raise _fail(
                    source,
                    number,
                    "a section heading comes before the '# ' title",
                    "put '# <title>' directly below the front matter",
                )
            if level == 2:
                in_references = text == REFERENCES_HEADING
            blocks.append(Block("heading", text, number, level))
            continue
        if not title:
            raise _fail(
                source, number, "text comes before the '# ' title", "put '# <title>' directly below the front matter"
            )
        if raw.startswith("- ") or raw == "-":
            if in_references:
                raise _fail(
                    source,
                    number,
                    "a list item inside the References section",
                    "write each reference as its own paragraph, separated by blank lines",
                )
            flush()
            buffer, buffer_kind, buffer_line = [raw[2:]], "list_item", number
            continue
        if raw.startswith("  ") and buffer_kind == "list_item":
            buffer.append(raw)
            continue
        if buffer_kind == "list_item":
            flush()
        if not buffer:
            buffer_kind, buffer_line = "paragraph", number
        buffer.append(raw)
    flush()
    if not title:
        raise _fail(source, None, "the source has no '# ' title", "add '# <manifest title>' below the front matter")
    return title, blocks


def load_surrogate(path: str | Path) -> Surrogate:
    path = Path(path)
    surrogate = parse_surrogate(path.read_text(encoding="utf-8"), str(path))
    if surrogate.doc_id != path.stem:
        raise _fail(
            str(path),
            2,
            f"doc_id {surrogate.doc_id!r} differs from the file name",
            f"name the file {surrogate.doc_id}.md or set doc_id: {path.stem}",
        )
    return surrogate


def read_documents(manifest_path: str | Path) -> dict[str, DocumentInfo]:
    """The manifest rows by doc_id, without requiring the document files to exist yet."""
    with open(manifest_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    documents = {}
    for row in rows:
        clean = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
        documents[clean["doc_id"]] = DocumentInfo(
            doc_id=clean["doc_id"],
            citation=clean.get("citation", ""),
            authors=clean.get("authors", ""),
            year=clean.get("year", ""),
            title=clean.get("title", ""),
            container=clean.get("container", ""),
            file=clean.get("file", ""),
        )
    return documents


def check_against_manifest(surrogate: Surrogate, document: DocumentInfo) -> None:
    if surrogate.title != document.expected_title:
        raise _fail(
            surrogate.source,
            None,
            f"the title {surrogate.title!r} differs from the manifest",
            f"write '# {document.expected_title}' (the manifest title, or 'Surrogate for <citation>' when it is empty)",
        )
    if document.extension not in FORMATS:
        raise _fail(
            surrogate.source,
            None,
            f"the manifest file {document.file!r} has no renderable extension",
            "give the manifest row a .pdf, .html or .txt file",
        )


# --------------------------------------------------------------------------------------------
# Plain text


def render_txt(surrogate: Surrogate, document: DocumentInfo) -> str:
    width = surrogate.txt_wrap

    def wrap(text: str, first: str = "", rest: str = "") -> str:
        if not width:
            return first + text
        return textwrap.fill(
            text,
            width=width,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )

    parts = [wrap(surrogate.title)]
    if surrogate.byline:
        parts.append(wrap(surrogate.byline))
    previous = ""
    for block in surrogate.blocks:
        if block.kind == "heading":
            parts.append(block.text.upper() if block.level == 2 else block.text)
        elif block.kind == "list_item":
            item = wrap(block.text, "• ", "  ")
            if previous == "list_item":
                parts[-1] += "\n" + item
            else:
                parts.append(item)
        else:
            parts.append(wrap(block.text))
        previous = block.kind
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------
# HTML

_NAV = ("Home", "About Us", "Our Work", "Publications", "Get Help", "Contact Us")


def render_html(surrogate: Surrogate, document: DocumentInfo) -> str:
    site = surrogate.site_name or document.container or document.authors or "Resource Center"
    e = escape_html
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(surrogate.title)} | {e(site)}</title>",
        f'<meta name="description" content="{e(_first_sentence(surrogate.blocks[0].text))}">',
        "<style>body{font-family:Georgia,serif;margin:0}header,footer{background:#2b3a55;color:#fff;padding:1em}"
        "header a,footer a{color:#fff}nav ul{list-style:none;padding:0}nav li{display:inline;margin-right:1em}"
        "main{max-width:46em;margin:auto;padding:1em}.reference{padding-left:2em;text-indent:-2em}</style>",
        "</head>",
        "<body>",
        '<a class="skip-link" href="#content">Skip to main content</a>',
        "<header>",
        f'<div class="site-name"><a href="/">{e(site)}</a></div>',
        '<nav aria-label="Main">',
        "<ul>",
    ]
    for label in _NAV:
        slug = "" if label == "Home" else re.sub(r"[^a-z]+", "-", label.lower()).strip("-") + "/"
        out.append(f'<li><a href="/{slug}">{e(label)}</a></li>')
    out += [
        "</ul>",
        "</nav>",
        '<a class="quick-exit" href="https://www.weather.gov/">Quick exit</a>',
        "</header>",
        '<main id="content">',
        "<article>",
        f"<h1>{e(surrogate.title)}</h1>",
    ]
    if surrogate.byline:
        out.append(f'<p class="byline">{e(surrogate.byline)}</p>')
    in_list = False
    for block in surrogate.blocks:
        if block.kind != "list_item" and in_list:
            out.append("</ul>")
            in_list = False
        if block.kind == "heading":
            out.append(f"<h{block.level}>{e(block.text)}</h{block.level}>")
        elif block.kind == "list_item":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{e(block.text)}</li>")
        elif block.kind == "reference":
            out.append(f'<p class="reference">{e(block.text)}</p>')
        else:
            out.append(f"<p>{e(block.text)}</p>")
    if in_list:
        out.append("</ul>")
    out += [
        "</article>",
        "</main>",
        "<footer>",
        f"<p>&copy; {e(document.year)} {e(site)}. Surrogate page written for reviewflow; not affiliated with "
        "the organization named. All rights reserved.</p>",
        '<p><a href="/contact-us/">Contact us</a> | <a href="/privacy/">Privacy policy</a> | '
        '<a href="/sitemap/">Site map</a></p>',
        "<p>If you are in danger, call 911.</p>",
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


# --------------------------------------------------------------------------------------------
# PDF

PAGE_WIDTH, PAGE_HEIGHT = 612.0, 792.0  # US letter
REGULAR_FONT, BOLD_FONT = "DejaVuSans", "DejaVuSans-Bold"
_LIGATURES = (("fi", "\ufb01"), ("fl", "\ufb02"))
_VOWELS = frozenset("aeiouy")
_NO_SPLIT_PAIRS = frozenset({"ch", "sh", "th", "ph", "gh", "wh", "ck", "qu", "wr"})
MIN_HYPHEN_PART = 5


def ligate(text: str) -> str:
    """Replace "fi"/"fl" with their ligature code points, as typeset PDFs do."""
    for pair, glyph in _LIGATURES:
        text = text.replace(pair, glyph)
    return text


def _register_fonts() -> None:
    from matplotlib import get_data_path
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    font_dir = Path(get_data_path()) / "fonts" / "ttf"
    for name, file in ((REGULAR_FONT, "DejaVuSans.ttf"), (BOLD_FONT, "DejaVuSans-Bold.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(font_dir / file)))


def _measure(font: str, size: float) -> Callable[[str], float]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return lambda text: stringWidth(ligate(text), font, size)


def hyphenation_points(word: str) -> list[int]:
    """Syllable-ish split offsets of a plain lower-case word, each leaving >= 5 letters per side.

    Splits go between two consonants before a vowel (``trans|portation``) or after a vowel before a
    single consonant (``orga|nization``); names, acronyms and words with digits are never split.
    """
    lead = len(word) - len(word.lstrip("(\"'“‘"))
    core = word[lead:].rstrip(".,;:)\"'”’?!")
    if not re.fullmatch(r"[a-z]+", core) or len(core) < 2 * MIN_HYPHEN_PART:
        return []
    points = []
    for i in range(MIN_HYPHEN_PART, len(core) - MIN_HYPHEN_PART + 1):
        before, after, next_ = core[i - 1], core[i], core[i + 1] if i + 1 < len(core) else ""
        between_consonants = (
            before not in _VOWELS
            and after not in _VOWELS
            and next_ in _VOWELS
            and core[i - 1 : i + 1] not in _NO_SPLIT_PAIRS
            and after != "h"
        )
        after_vowel = before in _VOWELS and after not in _VOWELS and next_ in _VOWELS and after != "x"
        if between_consonants or after_vowel:
            points.append(lead + i)
    return points


def _split_to_fit(word: str, room: float, measure: Callable[[str], float]) -> tuple[str, str] | None:
    """The longest head of ``word`` (ending in a hyphen) that fits in ``room``, and the rest."""
    candidates: list[tuple[str, str]] = []
    for match in re.finditer(r"(?<=[A-Za-z]{3})-(?=[A-Za-z]{2})", word):
        candidates.append((word[: match.end()], word[match.end() :]))
    for point in hyphenation_points(word):
        candidates.append((word[:point] + "-", word[point:]))
    fitting = [c for c in candidates if measure(c[0]) <= room]
    return max(fitting, key=lambda c: len(c[0])) if fitting else None


@dataclass
class _Line:
    words: list[str]
    indent: float
    last: bool = False
    hyphenated: bool = False


def break_lines(
    text: str,
    measure: Callable[[str], float],
    width: float,
    first_indent: float = 0.0,
    rest_indent: float = 0.0,
    hyphenate: bool = True,
) -> list[_Line]:
    """Greedy line breaking with font metrics; may hyphenate a word that does not fit.

    Two hyphenated line ends in a row are avoided, as typesetters do.
    """
    space = measure(" ")
    lines: list[_Line] = []
    current: list[str] = []
    used = 0.0
    indent = first_indent
    queue = deque(text.split())

    def end_line(hyphenated: bool = False) -> None:
        nonlocal current, used, indent
        lines.append(_Line(current, indent, hyphenated=hyphenated))
        current, used, indent = [], 0.0, rest_indent

    while queue:
        word = queue.popleft()
        available = width - indent
        needed = measure(word) + (used + space if current else 0.0)
        if needed <= available:
            current.append(word)
            used = needed
            continue
        previous_hyphenated = bool(lines) and lines[-1].hyphenated
        if hyphenate and not previous_hyphenated:
            split = _split_to_fit(word, available - (used + space if current else 0.0), measure)
            if split:
                current.append(split[0])
                end_line(hyphenated=True)
                queue.appendleft(split[1])
                continue
        if not current:  # a single word wider than the line: let it overflow rather than loop
            current.append(word)
            end_line()
            continue
        end_line()
        queue.appendleft(word)
    if current:
        end_line()
    if lines:
        lines[-1].last = True
    return lines


@dataclass(frozen=True)
class _Style:
    font: str
    size: float
    leading: float
    space_before: float
    first_indent: float = 0.0
    rest_indent: float = 0.0
    justify: bool = False
    hyphenate: bool = True


@dataclass
class _PdfLayout:
    """Places lines into frames (one or two columns per page), starting pages as needed."""

    canvas: Canvas
    surrogate: Surrogate
    margin_x: float
    columns: int
    gutter: float
    top: float = PAGE_HEIGHT - 78
    bottom: float = 66.0
    page: int = 0
    column: int = 0
    y: float = 0.0
    frame_top: float = 0.0
    placed_on_frame: bool = False

    @property
    def full_width(self) -> float:
        return PAGE_WIDTH - 2 * self.margin_x

    @property
    def column_width(self) -> float:
        return (self.full_width - (self.columns - 1) * self.gutter) / self.columns

    def column_x(self) -> float:
        return self.margin_x + self.column * (self.column_width + self.gutter)

    def new_page(self) -> None:
        c = self.canvas
        if self.page:
            c.showPage()
        self.page += 1
        self.column = 0
        self.y = self.frame_top = self.top
        self.placed_on_frame = False
        self._decorate()

    def _decorate(self) -> None:
        c = self.canvas
        header_y = PAGE_HEIGHT - 46
        if self.surrogate.running_header:
            c.setFont(REGULAR_FONT, 8)
            c.drawString(self.margin_x, header_y, ligate(self.surrogate.running_header))
            c.setLineWidth(0.4)
            c.line(self.margin_x, header_y - 5, PAGE_WIDTH - self.margin_x, header_y - 5)
        c.setFont(REGULAR_FONT, 9)
        c.drawCentredString(PAGE_WIDTH / 2, 40, str(self.page))

    def next_frame(self) -> None:
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = self.frame_top
            self.placed_on_frame = False
        else:
            self.new_page()

    def room(self) -> float:
        return self.y - self.bottom

    def skip(self, amount: float) -> None:
        if self.placed_on_frame:  # no blank space at the top of a column
            self.y -= amount

    def draw_lines(
        self,
        lines: Sequence[_Line],
        style: _Style,
        x_offset: float = 0.0,
        width: float | None = None,
        keep: int = 1,
        bullet: str = "",
    ) -> None:
        width = self.column_width if width is None else width
        measure = _measure(style.font, style.size)
        if self.room() < style.space_before + style.leading * min(keep, len(lines)):
            self.next_frame()
        self.skip(style.space_before)
        for index, line in enumerate(lines):
            if self.room() < style.leading:
                self.next_frame()
            self.y -= style.leading
            x = self.column_x() + x_offset + line.indent
            c = self.canvas
            c.setFont(style.font, style.size)
            if bullet and index == 0:
                c.drawString(self.column_x() + x_offset + line.indent - 11, self.y, bullet)
            if style.justify and not line.last and len(line.words) > 1:
                natural = sum(measure(w) for w in line.words)
                gap = (width - x_offset - line.indent - natural) / (len(line.words) - 1)
                for word in line.words[:-1]:
                    # The word and its space go out together so text extraction still sees a space.
                    c.drawString(x, self.y, ligate(word + " "))
                    x += measure(word) + gap
                c.drawString(x, self.y, ligate(line.words[-1]))
            else:
                c.drawString(x, self.y, ligate(" ".join(line.words)))
            self.placed_on_frame = True


def render_pdf(surrogate: Surrogate, document: DocumentInfo) -> bytes:
    _register_fonts()
    two = surrogate.layout == "two_column"
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1)
    canvas.setTitle(surrogate.title)
    canvas.setAuthor(document.authors)
    canvas.setSubject(f"Surrogate text for {document.citation}, written for reviewflow")
    canvas.setCreator("reviewflow render_surrogates")
    canvas.setKeywords("surrogate; reviewflow")
    layout = _PdfLayout(canvas, surrogate, margin_x=54.0 if two else 72.0, columns=2 if two else 1, gutter=24.0)

    body_size = 9.5 if two else 10.5
    styles = {
        "title": _Style(BOLD_FONT, 16, 20, 0, hyphenate=False),
        "byline": _Style(REGULAR_FONT, 10, 13, 6, hyphenate=False),
        "notice": _Style(REGULAR_FONT, 9, 12, 10, justify=False),
        "h2": _Style(BOLD_FONT, body_size + 2, body_size + 5, 11 if two else 13, hyphenate=False),
        "h3": _Style(BOLD_FONT, body_size + 0.5, body_size + 3.5, 7, hyphenate=False),
        "paragraph": _Style(
            REGULAR_FONT, body_size, body_size + 3, 1.5 if two else 6, first_indent=10 if two else 0, justify=two
        ),
        "list_item": _Style(REGULAR_FONT, body_size, body_size + 3, 2.5, first_indent=14, rest_indent=14, justify=two),
        "reference": _Style(REGULAR_FONT, body_size - 1, body_size + 1.5, 3, rest_indent=16),
    }

    def lines_for(text: str, style: _Style, width: float) -> list[_Line]:
        return break_lines(
            text, _measure(style.font, style.size), width, style.first_indent, style.rest_indent, style.hyphenate
        )

    layout.new_page()
    full = layout.full_width
    # The title block spans the page; with two columns the columns start below it.
    saved_columns = layout.columns
    layout.columns = 1
    layout.draw_lines(lines_for(surrogate.title, styles["title"], full), styles["title"])
    if surrogate.byline:
        layout.draw_lines(lines_for(surrogate.byline, styles["byline"], full), styles["byline"])
    body = list(surrogate.blocks)
    notice = body.pop(0)
    layout.draw_lines(lines_for(notice.text, styles["notice"], full), styles["notice"])
    layout.y -= 8
    canvas.setLineWidth(0.6)
    canvas.line(layout.margin_x, layout.y, PAGE_WIDTH - layout.margin_x, layout.y)
    layout.y -= 4
    layout.columns = saved_columns
    layout.frame_top = layout.y
    layout.placed_on_frame = False

    width = layout.column_width
    for block in body:
        if block.kind == "heading":
            style = styles["h2" if block.level == 2 else "h3"]
            # Keep a heading with the first lines of what follows it.
            layout.draw_lines(lines_for(block.text, style, width), style, keep=3)
        elif block.kind == "list_item":
            style = styles["list_item"]
            layout.draw_lines(lines_for(block.text, style, width), style, bullet="•")
        else:
            style = styles[block.kind]
            layout.draw_lines(lines_for(block.text, style, width), style, keep=2)
    canvas.save()
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Corpus


def render(surrogate: Surrogate, document: DocumentInfo) -> bytes:
    """The rendered document in the format the manifest's ``file`` column asks for."""
    check_against_manifest(surrogate, document)
    if document.extension == "pdf":
        return render_pdf(surrogate, document)
    if document.extension == "html":
        return render_html(surrogate, document).encode("utf-8")
    return render_txt(surrogate, document).encode("utf-8")


@dataclass(frozen=True)
class RenderResult:
    doc_id: str
    path: Path | None
    error: str = ""


def render_corpus(
    surrogate_dir: str | Path, manifest_path: str | Path, out_dir: str | Path, doc_ids: Iterable[str] | None = None
) -> list[RenderResult]:
    """Render every source (or the named ones) into ``out_dir``; one bad source never stops the rest."""
    surrogate_dir, out_dir = Path(surrogate_dir), Path(out_dir)
    documents = read_documents(manifest_path)
    sources = {p.stem: p for p in sorted(surrogate_dir.glob("*.md")) if p.name != "README.md"}
    wanted = sorted(sources) if doc_ids is None else list(doc_ids)
    results = []
    for doc_id in wanted:
        source = sources.get(doc_id)
        if source is None:
            results.append(
                RenderResult(
                    doc_id,
                    None,
                    f"{surrogate_dir / (doc_id + '.md')}: no such surrogate source. "
                    "Fix: write it (see corpus/surrogates/README.md) or drop the doc_id.",
                )
            )
            continue
        if doc_id not in documents:
            results.append(
                RenderResult(
                    doc_id,
                    None,
                    f"{source}: doc_id {doc_id!r} is not in {manifest_path}. "
                    "Fix: add a manifest row for it or rename the source.",
                )
            )
            continue
        try:
            surrogate = load_surrogate(source)
            data = render(surrogate, documents[doc_id])
        except SurrogateError as exc:
            results.append(RenderResult(doc_id, None, str(exc)))
            continue
        target = out_dir / f"{doc_id}.{documents[doc_id].extension}"
        atomic_write_bytes(target, data)
        results.append(RenderResult(doc_id, target))
    return results
