"""PDF documents: reading-order text from pdfplumber words, with lines and blocks built here.

How a page is read (each step is a function below):
1. `extract_words` once per page, splitting words at gaps wider than 15 % of the font size
   (`x_tolerance_ratio`): many PDFs have no space characters, and pdfplumber's fixed 3 pt tolerance
   glues `Kudsk KA, Fabian TC` into `KudskKA,FabianTC`. Font name and size are kept per word.
2. Columns: the gutter is the vertical band in the middle half of the page that the fewest words
   cross (coverage from word x-extents). It counts as a gutter when it is at least 4 pt wide, both
   sides hold text, and most left-side words have no gutter-crossing word on their row. Rows that
   cross it, or whose only gap there is a word space (titles, author lists, a full-width abstract),
   are full-width; they cut the page into zones read top to bottom, each zone left column first,
   then right column.
3. Lines are words on one baseline within a zone and column, joined with a space where the gap is
   wider than the word tolerance or the PDF draws a space character between them (a kerned space can
   be narrower than the tolerance); otherwise not, so a word split by a font change, e.g. an italic
   ending, stays whole. Sub- and superscripts join the line they belong to. Accents drawn as separate
   characters (`Schu¨tze`) are put back on their letter.
4. After all pages are read: lines repeated in the top or bottom margin on at least 40 % of pages
   (digits ignored) are running headers/footers and go; margin lines that are only a page number
   (`12`, `Page 3 of 11`, `iv`) go too.
5. Headings: a run of at most 4 lines whose font is at least 12 % larger than the document's body
   size (the most common size, by characters), or bold (font name) and short, with no final period.
   Levels rank heading sizes, largest first; bold body-size headings come after the larger ones.
6. Blocks: a new paragraph starts at a heading, a vertical gap clearly above the usual line gap, a
   first-line indent or a hanging outdent (against the zone's usual left edge), or a numbered /
   bulleted line in a list; hanging-indent reference lists are told from first-line indents by the
   length of the line before the indented ones. A paragraph cut by a column or page break is
   continued when its text has no final punctuation or the next part starts in lower case, in the
   same font size, and (for a zone that starts right below it on the same page) without a paragraph
   gap, past small print (footnotes, a first-page footer) at the column's foot. Small print passed
   at a page break is put before the paragraph it interrupted, so it stays on its own page in the
   page map. Small print that is a venue, copyright or licence line (`notices` in
   data/ingestion.yaml) is a `notice` block, which the sections file with `front_matter`.
The PDF is read page by page and each page's cache is released, so memory stays flat.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import logging
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewflow.ingest.blocks import RawBlock, RawPage
from reviewflow.ingest.normalize import Vocabulary, attach_accents, join_lines, join_pair, normalize_chars
from reviewflow.ingest.sections import heading_role, is_notice

if TYPE_CHECKING:
    from pdfplumber.page import Page

X_TOLERANCE_RATIO = 0.15
MARGIN_FRACTION = 0.1
REPEAT_FRACTION = 0.4
HEADING_SIZE_RATIO = 1.12
MAX_HEADING_LINES = 4
MAX_HEADING_WORDS = 30

_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi|-medi|medium|[.,-]b$|\bcmbx|cmb\d|-bd\b|bd$", re.I)
_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s*)?(?:\d{1,4}|(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))(?:\s*(?:of|/)\s*\d{1,4})?$", re.I
)
_BULLETS = "•◦▪▫■□●○‣⁃∙·"
_LIST_START_RE = re.compile(r"^(?:[•◦▪▫■□●○‣⁃∙·\-–—]\s|\[\d{1,3}\]|\d{1,3}\.\s|\(\d{1,3}\)\s)")
_TERMINAL_RE = re.compile(r"[.!?:;]['\"”’)\]]?$")
_SENTENCE_END_RE = re.compile(r"[.!?]['\"”’)\]]?$")
_CID_RE = re.compile(r"\(cid:\d+\)")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    group: int  # zone/column group in reading order on its page
    n_chars: int

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class PageLines:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    has_text_layer: bool = True
    cid_words: int = 0
    n_words: int = 0


@dataclass(frozen=True)
class Blanks:
    """The space characters of a page, sorted by x0: evidence of a word break that pdfplumber's words
    no longer carry (it drops blanks when it splits words at them)."""

    x0s: tuple[float, ...] = ()
    boxes: tuple[tuple[float, float, float], ...] = ()  # (x0, top, bottom), in x0 order

    @classmethod
    def from_chars(cls, chars: list[dict]) -> Blanks:
        boxes = sorted(
            (c["x0"], c["top"], c["bottom"]) for c in chars if c["text"].isspace() and c.get("upright", True)
        )
        return cls(tuple(box[0] for box in boxes), tuple(boxes))

    def between(self, left: dict, right: dict) -> bool:
        """Whether a space character starts between the end of word `left` and the start of `right`
        on their line. The slack absorbs rounding: the blank's x0 is the previous glyph's x1."""
        slack = 0.05 * min(left["size"], right["size"])
        top, bottom = min(left["top"], right["top"]), max(left["bottom"], right["bottom"])
        index = bisect.bisect_left(self.x0s, left["x1"] - slack)
        while index < len(self.boxes) and self.boxes[index][0] <= right["x0"] + slack:
            _, blank_top, blank_bottom = self.boxes[index]
            if top <= (blank_top + blank_bottom) / 2 <= bottom:
                return True
            index += 1
        return False


@dataclass
class PdfResult:
    pages: list[RawPage]
    messages: list[str]
    n_pages: int
    error: str | None = None


# ------------------------------------------------------------------------------------ page layout
def find_gutter(words: list[dict], width: float) -> tuple[float, float] | None:
    """The x of the gutter line between two text columns and the gutter's width, or None for a
    single-column page."""
    if len(words) < 40:
        return None
    lo, hi = int(width * 0.25), math.ceil(width * 0.75)
    diff = [0.0] * (hi - lo + 2)
    for word in words:
        a = max(lo, int(word["x0"]))
        b = min(hi + 1, math.ceil(word["x1"]))
        if a < b:
            h = word["bottom"] - word["top"]
            diff[a - lo] += h
            diff[b - lo] -= h
    cover: list[float] = []
    running = 0.0
    for value in diff[:-1]:
        running += value
        cover.append(running)
    floor = min(cover)
    # Full-width rows cross the gutter with their own word gaps, so its coverage is uneven: take the
    # band well below the typical coverage of column text, not just the minimum.
    slack = 0.25 * (statistics.median(cover) - floor) + 0.01
    best: tuple[int, int] | None = None
    start: int | None = None
    for index, value in enumerate([*cover, math.inf]):
        if value <= floor + slack:
            if start is None:
                start = index
        elif start is not None:
            if best is None or index - start > best[1] - best[0]:
                best = (start, index)
            start = None
    if best is None or best[1] - best[0] < 4:
        return None
    # The band's edges can clip the ends of a few long column lines; the gutter line is the middle
    # of the least-covered stretch inside it.
    low = min(cover[best[0] : best[1]])
    core: tuple[int, int] = (best[0], best[0])
    start = None
    for index in range(best[0], best[1] + 1):
        if index < best[1] and cover[index] <= low + 0.01:
            start = index if start is None else start
        elif start is not None:
            if index - start > core[1] - core[0]:
                core = (start, index)
            start = None
    line = lo + (core[0] + core[1]) / 2
    crossing = [w for w in words if w["x0"] < line < w["x1"]]
    left = [w for w in words if w["x1"] <= line]
    right = [w for w in words if w["x0"] >= line]
    if len(left) < 0.1 * len(words) or len(right) < 0.1 * len(words):
        return None
    bands = _merge_intervals([(w["top"], w["bottom"]) for w in crossing])
    left_on_crossing_rows = sum(1 for w in left if _in_bands((w["top"] + w["bottom"]) / 2, bands))
    if left_on_crossing_rows > 0.5 * len(left):
        return None  # the band is only a gap between words on rows that run across it
    return line, float(best[1] - best[0])


def _merge_intervals(intervals: list[tuple[float, float]], slack: float = 0.5) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for top, bottom in sorted(intervals):
        if merged and top <= merged[-1][1] + slack:
            merged[-1][1] = max(merged[-1][1], bottom)
        else:
            merged.append([top, bottom])
    return [(a, b) for a, b in merged]


def _in_bands(y: float, bands: list[tuple[float, float]]) -> bool:
    return any(top <= y <= bottom for top, bottom in bands)


def reading_groups(words: list[dict], width: float) -> list[list[dict]]:
    """Words split into zone/column groups, in reading order."""
    found = find_gutter(words, width)
    if found is None:
        return [words]
    gutter, gutter_width = found
    # A full-width row has a word across the gutter line, or only a word space where the gutter
    # would be (a title whose gap between two words happens to sit on the line).
    spans: list[tuple[float, float]] = []
    for row in _rows(words):
        left = [w for w in row if (w["x0"] + w["x1"]) / 2 < gutter]
        right = [w for w in row if (w["x0"] + w["x1"]) / 2 >= gutter]
        crossing = any(w["x0"] < gutter < w["x1"] for w in row)
        if not crossing and left and right:
            last = max(left, key=lambda w: w["x1"])
            first = min(right, key=lambda w: w["x0"])
            # A word space is about a third of an em; a gutter is wider than half an em of body text.
            space_limit = max(0.6 * gutter_width, 0.5 * max(last["size"], first["size"]))
            crossing = first["x0"] - last["x1"] < space_limit
        if crossing:
            spans.append((min(w["top"] for w in row), max(w["bottom"] for w in row)))
    bands = _merge_intervals(spans)
    full: dict[int, list[dict]] = {i: [] for i in range(len(bands))}
    rest: list[dict] = []
    for word in words:
        middle = (word["top"] + word["bottom"]) / 2
        for index, (top, bottom) in enumerate(bands):
            if top <= middle <= bottom:
                full[index].append(word)
                break
        else:
            rest.append(word)
    # Zone k holds column words between band k-1 and band k.
    zones: list[tuple[list[dict], list[dict]]] = [([], []) for _ in range(len(bands) + 1)]
    band_tops = [top for top, _ in bands]
    for word in rest:
        middle = (word["top"] + word["bottom"]) / 2
        zone = sum(1 for top in band_tops if top <= middle)
        side = 0 if (word["x0"] + word["x1"]) / 2 < gutter else 1
        zones[zone][side].append(word)
    groups: list[list[dict]] = []
    for index, (left, right) in enumerate(zones):
        groups.extend(g for g in (left, right) if g)
        if index < len(bands) and full[index]:
            groups.append(full[index])
    return _merge_adjacent_full_bands(groups, full)


def _merge_adjacent_full_bands(groups: list[list[dict]], full: dict[int, list[dict]]) -> list[list[dict]]:
    """Consecutive full-width rows (a title over three lines) are one group, so they form one block."""
    full_ids = {id(group) for group in full.values()}
    merged: list[list[dict]] = []
    previous_full = False
    for group in groups:
        is_full = id(group) in full_ids
        if is_full and previous_full:
            merged[-1] = merged[-1] + group
        else:
            merged.append(group)
        previous_full = is_full
    return merged


@lru_cache(maxsize=512)
def _is_bold(fontname: str) -> bool:
    return bool(_BOLD_RE.search(fontname))


def _rows(words: list[dict]) -> list[list[dict]]:
    """Words grouped by baseline (vertical middles within half a word height), top to bottom."""
    ordered = sorted(words, key=lambda w: ((w["top"] + w["bottom"]) / 2, w["x0"]))
    rows: list[list[dict]] = []
    for word in ordered:
        middle = (word["top"] + word["bottom"]) / 2
        if rows:
            row = rows[-1]
            anchor = row[0]
            anchor_middle = (anchor["top"] + anchor["bottom"]) / 2
            tolerance = 0.5 * min(anchor["bottom"] - anchor["top"], word["bottom"] - word["top"]) + 0.5
            if abs(middle - anchor_middle) <= tolerance:
                row.append(word)
                continue
        rows.append([word])
    return rows


def _attach_scripts(rows: list[list[dict]]) -> list[list[dict]]:
    """Sub- and superscripts (a row of at most three small words overlapping a row of larger type) join
    that row, so `f_comp` in a formula does not break its paragraph in two."""

    def is_script_of(small: list[dict], base: list[dict]) -> bool:
        if len(small) > 3 or max(w["size"] for w in small) > 0.85 * max(w["size"] for w in base):
            return False
        top, bottom = min(w["top"] for w in small), max(w["bottom"] for w in small)
        base_top, base_bottom = min(w["top"] for w in base), max(w["bottom"] for w in base)
        return top < base_bottom and bottom > base_top

    merged: list[list[dict]] = []
    pending: list[dict] = []  # a superscript row waiting for the row below it
    for index, row in enumerate(rows):
        if merged and is_script_of(row, merged[-1]):
            merged[-1].extend(row)
        elif index + 1 < len(rows) and is_script_of(row, rows[index + 1]):
            pending.extend(row)
        else:
            merged.append(row + pending)
            pending = []
    if pending:
        merged.append(pending)
    return merged


def build_lines(words: list[dict], group: int, blanks: Blanks = Blanks()) -> list[Line]:
    """Words of one zone/column grouped into lines by baseline and ordered left to right."""
    rows = _attach_scripts(_rows(words))
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        parts: list[str] = []
        previous: dict | None = None
        sizes: Counter[float] = Counter()
        regular_words = 0  # words with letters in a regular (not bold) font
        n_chars = 0
        for word in row:
            text = word["text"]
            if previous is not None:
                gap = word["x0"] - previous["x1"]
                # extract_words already split at every wider gap and at every space character, so a
                # narrow gap without a blank in it is a font change inside one word.
                if gap > X_TOLERANCE_RATIO * min(word["size"], previous["size"]) * 0.9 or blanks.between(
                    previous, word
                ):
                    parts.append(" ")
            parts.append(text)
            sizes[round(word["size"], 1)] += len(text)
            n_chars += len(text)
            if not _is_bold(word.get("fontname") or "") and any(ch.isalpha() for ch in text):
                regular_words += 1
            previous = word
        lines.append(
            Line(
                text=attach_accents("".join(parts)),
                x0=row[0]["x0"],
                x1=max(w["x1"] for w in row),
                top=min(w["top"] for w in row),
                bottom=max(w["bottom"] for w in row),
                size=sizes.most_common(1)[0][0],
                bold=regular_words == 0,
                group=group,
                n_chars=n_chars,
            )
        )
    return lines


def read_page_lines(page: Page, number: int) -> PageLines:
    words = page.extract_words(
        x_tolerance_ratio=X_TOLERANCE_RATIO,
        y_tolerance=3,
        keep_blank_chars=False,
        use_text_flow=False,
        extra_attrs=["fontname", "size"],
    )
    width, height = float(page.width), float(page.height)
    result = PageLines(number=number, width=width, height=height)
    kept: list[dict] = []
    for word in words:
        if not word.get("upright", True):
            continue  # vertical margin text (arXiv stamps, rotated table headers)
        text = word["text"]
        if "(cid:" in text:
            result.cid_words += 1
            text = _CID_RE.sub("", text)
        text = normalize_chars(text).strip()
        if not text:
            continue
        word["text"] = text
        kept.append(word)
    result.n_words = len(kept)
    result.has_text_layer = bool(kept)
    blanks = Blanks.from_chars(page.chars)  # page.chars is cached by extract_words: no second parse
    for index, group in enumerate(reading_groups(kept, width)):
        result.lines.extend(build_lines(group, index, blanks))
    return result


# ------------------------------------------------------------------------------ document cleanup
def _margin_key(text: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"\d+", "#", text.lower()))


def _margin_lines(page: PageLines) -> list[int]:
    """Indexes of the lines in the top or bottom margin band of the page."""
    top_limit = page.height * MARGIN_FRACTION
    bottom_limit = page.height * (1 - MARGIN_FRACTION)
    return [i for i, line in enumerate(page.lines) if line.bottom <= top_limit or line.top >= bottom_limit]


def remove_running_lines(pages: list[PageLines]) -> int:
    """Drop running headers/footers and page numbers; returns how many lines went."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_margin_key(page.lines[i].text) for i in _margin_lines(page)})
    pages_with_text = sum(1 for page in pages if page.lines)
    threshold = max(2, math.ceil(REPEAT_FRACTION * pages_with_text))
    repeated = {key for key, count in counts.items() if count >= threshold}
    removed = 0
    for page in pages:
        drop = {
            i
            for i in _margin_lines(page)
            if _margin_key(page.lines[i].text) in repeated or _PAGE_NUMBER_RE.match(page.lines[i].text.strip())
        }
        if drop:
            removed += len(drop)
            page.lines = [line for i, line in enumerate(page.lines) if i not in drop]
    return removed


def body_size(pages: list[PageLines]) -> float:
    """The most common font size, by characters (0.5 pt bins: sizes drift by rounding)."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size * 2) / 2] += line.n_chars
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _heading_candidate(line: Line, body: float) -> str | None:
    """'size' or 'bold' when the line looks like (part of) a heading, else None."""
    text = line.text.strip()
    letters = sum(ch.isalpha() for ch in text)
    if letters < 2 or len(text.split()) > MAX_HEADING_WORDS:
        return None
    if letters < 0.5 * sum(not ch.isspace() for ch in text):
        return None  # table rows and formulas: mostly digits and symbols
    if line.size >= body * HEADING_SIZE_RATIO:
        return "size"
    if len(text) <= 40 and _is_section_name(text):
        return "bold"  # `References` set in the body font is still the heading that opens them
    if line.bold and line.size >= body * 0.95 and len(text.split()) <= 14 and not _TERMINAL_RE.search(text):
        return "bold"
    return None


def _is_section_name(text: str) -> bool:
    return heading_role(text) is not None


# -------------------------------------------------------------------------------------- blocks
@dataclass
class _Piece:
    """A block under construction: lines of one page group."""

    kind: str
    lines: list[Line]
    page: int
    level_key: tuple[float, int] | None = None  # (size, bold) of a heading, ranked into levels later
    continues: bool = False  # may continue the previous piece (column / page break)
    gap: float = 0.0  # the usual gap between lines of its group (points)


def _split_group(lines: list[Line], body: float, page: int) -> list[_Piece]:
    if not lines:
        return []
    kinds = [_heading_candidate(line, body) for line in lines]
    # A heading is a short run of candidate lines in one style; a longer run is a styled paragraph.
    index = 0
    while index < len(lines):
        if kinds[index] is None:
            index += 1
            continue
        end = index + 1
        while (
            end < len(lines)
            and kinds[end] == kinds[index]
            and abs(lines[end].size - lines[index].size) < 0.25
            and lines[end].bold == lines[index].bold
            and lines[end].top - lines[end - 1].bottom < 1.2 * lines[end - 1].height
        ):
            end += 1
        run_words = sum(len(lines[i].text.split()) for i in range(index, end))
        if end - index > MAX_HEADING_LINES or run_words > MAX_HEADING_WORDS:
            for i in range(index, end):
                kinds[i] = None
        else:
            for i in range(index + 1, end):
                kinds[i] = "cont"
        index = end
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(lines) if 0 <= b.top - a.bottom < 2 * a.height]
    usual_gap = statistics.median(gaps) if gaps else 0.0
    right = max(line.x1 for line in lines)
    bullet = _bullet_lines(lines, kinds)
    pieces: list[_Piece] = []
    start = 0
    # Paragraph style is decided per stretch between headings: an abstract, a reference list with
    # hanging indents and body text with first-line indents differ on one page.
    for end in [i for i, kind in enumerate(kinds) if kind is not None] + [len(lines)]:
        pieces.extend(_split_stretch(lines, kinds, bullet, start, end, usual_gap, right, page))
        if end < len(lines):
            if kinds[end] in {"size", "bold"}:  # a heading's first line
                line = lines[end]
                pieces.append(_Piece("heading", [line], page, level_key=(line.size, int(line.bold))))
            elif pieces:
                pieces[-1].lines.append(lines[end])  # "cont": the next line of a heading
        start = end + 1
    for piece in pieces:
        piece.gap = usual_gap
    return pieces


def _bullet_lines(lines: list[Line], kinds: list[str | None]) -> list[bool]:
    """Lines that start with a bullet glyph, and the indented lines that continue them."""
    flags = [False] * len(lines)
    anchor: Line | None = None
    for i, line in enumerate(lines):
        if kinds[i] is not None:
            anchor = None
        elif line.text[:1] in _BULLETS and len(line.text) > 2:
            anchor = line
            flags[i] = True
        elif anchor is not None and line.x0 > anchor.x0 + 0.3 * line.size:
            flags[i] = True
        else:
            anchor = None
    return flags


def _split_stretch(
    lines: list[Line],
    kinds: list[str | None],
    bullet: list[bool],
    start: int,
    end: int,
    usual_gap: float,
    right: float,
    page: int,
) -> list[_Piece]:
    stretch = [i for i in range(start, end) if kinds[i] is None]
    if not stretch:
        return []
    plain = [i for i in stretch if not bullet[i]]
    edges = Counter(round(lines[i].x0) for i in plain)
    # The left edge is the leftmost x shared by two or more lines (a lone outdented line does not count).
    shared = sorted(x for x, n in edges.items() if n >= 2)
    left = float(shared[0]) if shared else min((lines[i].x0 for i in stretch), default=0.0)
    indented = [i for i in plain if lines[i].x0 > left + 0.8 * lines[i].size]
    at_edge = [i for i in plain if lines[i].x0 <= left + 0.3 * lines[i].size]
    numbered = sum(1 for i in plain if _LIST_START_RE.match(lines[i].text))
    in_list = numbered >= 3
    # Hanging indents (reference lists): indented lines continue an entry, the outdented one starts
    # it. Both styles alternate edge and indented lines; what tells them apart is the line before:
    # before a hanging continuation comes an entry's full first line, before a first-line indent the
    # short last line of the previous paragraph.
    members = set(stretch)

    def mean_end_before(indices: list[int]) -> float | None:
        ends = [lines[i - 1].x1 for i in indices if i - 1 in members]
        return sum(ends) / len(ends) if ends else None

    before_indented, before_edge = mean_end_before(indented), mean_end_before(at_edge)
    hanging = (
        not in_list
        and before_indented is not None
        and before_edge is not None
        and before_indented > before_edge + 2 * lines[stretch[0]].size
    )
    pieces: list[_Piece] = []
    for i in stretch:
        line = lines[i]
        previous = lines[i - 1] if i > start else None
        em = line.size
        if previous is None or kinds[i - 1] is not None:
            starts_new = True
        elif bullet[i]:
            starts_new = line.text[:1] in _BULLETS
        elif bullet[i - 1]:
            starts_new = True  # text after a bulleted item
        else:
            is_indented = line.x0 > left + 0.8 * em
            was_indented = previous.x0 > left + 0.8 * em
            starts_new = (
                line.top - previous.bottom > usual_gap + 0.5 * em
                or abs(line.size - previous.size) >= 1.0
                or (in_list and bool(_LIST_START_RE.match(line.text)))
                or (hanging and not is_indented and was_indented)
                or (not hanging and not in_list and is_indented and not was_indented)
                or (
                    bool(_SENTENCE_END_RE.search(previous.text))
                    and previous.x1 < right - 4 * em
                    and abs(line.size - previous.size) < 0.6
                )
            )
        if starts_new:
            is_item = (bullet[i] and line.text[:1] in _BULLETS) or (in_list and bool(_LIST_START_RE.match(line.text)))
            if bullet[i] and line.text[:1] in _BULLETS:
                # The glyph is layout, as in text and HTML lists; numbers (`1.`) stay: they are cited.
                line = dataclasses.replace(line, text=line.text[1:].lstrip())
            piece = _Piece("list_item" if is_item else "paragraph", [line], page)
            # The first piece of a column may continue the last paragraph of the previous column,
            # unless it opens with a paragraph indent (in a list, an indent marks a continuation).
            piece.continues = i == 0 and (hanging or in_list or not line.x0 > left + 0.8 * em)
            pieces.append(piece)
        else:
            pieces[-1].lines.append(line)
    return pieces


def _heading_levels(pieces: list[_Piece], body: float) -> dict[tuple[float, int], int]:
    keys = sorted({p.level_key for p in pieces if p.level_key is not None}, key=lambda k: (-k[0], -k[1]))
    # Sizes within half a point share a level: font sizes drift by rounding.
    levels: dict[tuple[float, int], int] = {}
    level = 0
    previous: tuple[float, int] | None = None
    for key in keys:
        if previous is None or abs(previous[0] - key[0]) >= 0.6 or previous[1] != key[1]:
            level += 1
        levels[key] = min(level, 6)
        previous = key
    return levels


def pages_to_blocks(pages: list[PageLines], vocab: Vocabulary) -> list[RawPage]:
    document_body = body_size(pages)
    all_pieces: list[list[_Piece]] = []
    page_bodies: list[float] = []
    for page in pages:
        # A page of small print (a reference list) must not turn normal text into headings, and a
        # page of normal text must not hide headings: use the larger of page and document body size.
        body = max(body_size([page]), document_body) if page.lines else document_body
        page_bodies.append(body)
        pieces: list[_Piece] = []
        for group in sorted({line.group for line in page.lines}):
            pieces.extend(_split_group([line for line in page.lines if line.group == group], body, page.number))
        all_pieces.append(pieces)
    levels = _heading_levels([p for pieces in all_pieces for p in pieces], document_body)
    raw_pages: list[RawPage] = []
    last: RawBlock | None = None
    last_piece: _Piece | None = None
    open_: _OpenBlock | None = None  # the last main-text block, which a column or page break may continue
    passed_small_print: list[RawBlock] = []  # small print read since open_'s last part
    for page, pieces, body in zip(pages, all_pieces, page_bodies):
        raw = RawPage(blocks=[], has_text_layer=page.has_text_layer)
        for piece in pieces:
            text = join_lines([line.text for line in piece.lines], vocab)
            if not text:
                continue
            if (
                last is not None
                and last_piece is not None
                and piece.kind == "heading"
                and last_piece.kind == "heading"
                and last_piece.page == piece.page
                and last_piece.level_key == piece.level_key
                and -1 <= piece.lines[0].top - last_piece.lines[-1].bottom < 1.2 * piece.lines[0].height
            ):
                # A title's last short line falls beside the gutter, in another group: same heading.
                last.text = join_pair(last.text, text, vocab)
                last_piece.lines.extend(piece.lines)
                continue
            last_piece = piece
            small_print = piece.kind != "heading" and statistics.median(line.size for line in piece.lines) < 0.9 * body
            if piece.kind == "heading":
                block = RawBlock("heading", text, levels.get(piece.level_key, 1) if piece.level_key else 1)
            elif small_print and is_notice(text):
                block = RawBlock("notice", text)
            else:
                block = RawBlock(piece.kind, text)
            if (
                piece.continues
                and not small_print
                and open_ is not None
                and block.kind == "paragraph"
                and _continues(open_.block.text, text)
                and _may_continue(open_, piece, same_page=open_.tail is raw)
                and _small_print_placeable(open_, passed_small_print, raw)
            ):
                target = open_.block
                joined = join_pair(target.text, text, vocab)
                offset = len(joined) - len(text)  # where this page's part begins, for the page map
                target.text = joined
                if open_.tail is not raw:
                    target.breaks.append((page.number, offset))
                    _move_before(open_.tail, passed_small_print, target)
                    open_.tail = raw
                    passed_small_print = []
                open_.last_line, open_.gap = piece.lines[-1], piece.gap
                continue
            raw.blocks.append(block)
            last = block
            if block.kind == "heading":
                open_ = None
            elif not small_print:
                open_ = _OpenBlock(block, home=raw, tail=raw, last_line=piece.lines[-1], gap=piece.gap)
                passed_small_print = []
            else:
                passed_small_print.append(block)
        raw_pages.append(raw)
    return raw_pages


@dataclass
class _OpenBlock:
    """The main-text block a column or page break may continue, and where its parts are."""

    block: RawBlock
    home: RawPage  # the page whose block list holds the block (the page it starts on)
    tail: RawPage  # the page its last part is on
    last_line: Line
    gap: float  # usual line gap of the group its last part came from


def _may_continue(open_: _OpenBlock, piece: _Piece, same_page: bool) -> bool:
    """Whether the layout lets `piece` continue the open block: the rules between two lines of one
    column (font size; vertical gap) hold across groups too. The gap counts only for a group that
    starts right under the last line on the same page (a short byline zone above a full-width
    notice): a column top is above it, the next column or zone below a figure is beside it, and a
    new page starts anywhere."""
    first, last = piece.lines[0], open_.last_line
    if abs(first.size - last.size) >= 1.0:
        return False
    drop = first.top - last.bottom
    under = same_page and drop >= -1 and min(first.x1, last.x1) > max(first.x0, last.x0)
    if under:
        return drop <= max(open_.gap, piece.gap) + 0.5 * first.size
    return True


def _small_print_placeable(open_: _OpenBlock, passed: list[RawBlock], page: RawPage) -> bool:
    """Whether the small print passed on the open block's last page can keep that page when the block
    continues on `page`: it goes before the block, which needs the block to start on that page. A
    paragraph that already fills a whole earlier page is not continued instead (rare), so that the page
    map stays true."""
    if open_.tail is page or open_.home is open_.tail:
        return True
    on_tail = {id(block) for block in open_.tail.blocks}
    return not any(id(block) in on_tail for block in passed)


def _move_before(page: RawPage, passed: list[RawBlock], target: RawBlock) -> None:
    """Put the small print of `page` that was read after `target` (its foot) just before `target`:
    the text after `target` belongs to the next page once `target` runs on there."""
    moving = [block for block in passed if any(block is b for b in page.blocks)]
    if not moving or not any(block is target for block in page.blocks):
        return
    ids = {id(block) for block in moving}
    kept = [block for block in page.blocks if id(block) not in ids]
    at = next(index for index, block in enumerate(kept) if block is target)
    page.blocks = kept[:at] + moving + kept[at:]


def _continues(previous: str, following: str) -> bool:
    if not _TERMINAL_RE.search(previous[-8:].rstrip()):  # the tail only: paragraphs can be long
        return True
    return following[:1].islower()


# -------------------------------------------------------------------------------------- the pages
_PAGE_BOXES = ("MediaBox", "CropBox", "TrimBox", "BleedBox", "ArtBox")


def _page_attribute_problem(page_obj: Any) -> str | None:
    """What is wrong with a page's size boxes or rotation, which pdfplumber needs to make the page, or None."""
    import numbers

    from pdfminer.pdftypes import resolve_all

    attrs = page_obj.attrs
    for key in _PAGE_BOXES:
        if key != "MediaBox" and key not in attrs:  # only the MediaBox is required (or inherited)
            continue
        box = resolve_all(attrs.get(key))
        if box is None:
            return f"it has no page size: its /{key} is missing" if key == "MediaBox" else f"its /{key} is empty"
        if not isinstance(box, list | tuple) or len(box) != 4 or not all(isinstance(x, numbers.Number) for x in box):
            return f"its page size /{key} is not four numbers but {str(box)[:40]}"
    rotate = resolve_all(attrs.get("Rotate"))
    if rotate is not None and not isinstance(rotate, numbers.Number):
        return f"its /Rotate is not a number but {str(rotate)[:40]}"
    return None


def _error_text(error: BaseException) -> str:
    """'Type: message' of an error; pdfplumber's PdfminerException is unwrapped to the pdfminer error it carries
    (the wrapper's name says only that pdfminer failed, the error inside says how)."""
    cause = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
    text = str(cause)[:120]
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


class _UnmadePage(Exception):
    """A page pdfplumber could not make; the message says why."""


# Where in pdfminer's listing of the pages an error arose, in words (the innermost of these functions).
_PAGE_LIST_STEPS = {
    "_parse_mediabox": "a page's size, /MediaBox, is not four numbers",
    "_parse_cropbox": "a page's /CropBox is not four numbers",
    "depth_first_search": "a node of the page tree (/Pages, /Kids) is damaged",
}


def _page_content_problem(error: BaseException) -> str:
    """What went wrong while a page was read: a stream pdfminer could not decode (ASCII85, LZW, Flate
    data damaged), or else the page's contents, with the error."""
    import traceback

    cause = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
    names = [
        frame.name for frame in traceback.extract_tb(cause.__traceback__) if frame.filename.endswith("pdftypes.py")
    ]
    where = "its content stream cannot be decoded" if "decode" in names else "its contents"
    return f"{where}: {_error_text(error)}"


def page_list_problem(error: BaseException) -> str:
    """What went wrong while pdfminer listed the pages: the step, when known, and the error."""
    import traceback

    names = [frame.name for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith("pdfpage.py")]
    step = next((_PAGE_LIST_STEPS[name] for name in reversed(names) if name in _PAGE_LIST_STEPS), "")
    return f"{step}; {_error_text(error)}" if step else _error_text(error)


@dataclass
class _PageList:
    """The pages of a PDF as pdfplumber makes them: a Page, or for one it could not make why (str);
    ``broken`` says why the list stopped early (pages after the last listed are lost), or is empty."""

    pages: list[Any]
    broken: str = ""


def _plumber_pages(pdf: Any) -> _PageList:
    """pdfplumber's pages of an open PDF, made one at a time: a page it cannot make (a damaged size box)
    is a message in its place (str), not a TypeError that loses the document, as ``pdf.pages`` would give;
    a page list that breaks after some pages keeps those. One that breaks before any page raises."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    pages: list[Any] = []
    # pdfplumber's close() flushes its cached page list and then lists the pages again to close them,
    # which fails again the same way: it is given the pages made here, as they are made, and told not to
    # flush them (its pinned 0.11 keeps the list in _pages, named in cached_properties)
    made: list[Any] = []
    pdf._pages = made
    pdf.cached_properties = [name for name in pdf.cached_properties if name != "_pages"]
    doctop = 0.0
    listing = PDFPage.create_pages(pdf.doc)
    while True:
        try:
            page_obj = next(listing)
        except StopIteration:
            return _PageList(pages)
        except Exception as error:  # pdfminer stops listing at a damaged page or tree node
            if not pages:
                raise
            return _PageList(pages, page_list_problem(error))
        try:
            page = Page(pdf, page_obj, page_number=len(pages) + 1, initial_doctop=doctop)
        except Exception as error:
            pages.append(_page_attribute_problem(page_obj) or _error_text(error))
            continue
        pages.append(page)
        made.append(page)
        doctop += page.height


# -------------------------------------------------------------------------------------- entry
def read_pdf(path: Path, source: str, max_pages: int = 400) -> PdfResult:
    """Read a PDF page by page. Problems come back as `error` (nothing usable) or `messages`."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    # pdfminer logs every odd operator ("Cannot set non-stroke color") at WARNING: not the user's problem.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    messages: list[str] = []
    page_lines: list[PageLines] = []
    unreadable: list[int] = []  # pages whose parsing failed: not to be called scans
    page_tree_error: str | None = None
    try:
        with pdfplumber.open(path) as pdf:
            try:
                listed = _plumber_pages(pdf)
            except (PdfminerException, PDFSyntaxError, PDFPasswordIncorrect, PDFEncryptionError):
                raise
            except Exception as error:  # a broken page tree fails while pdfminer lists the pages
                page_tree_error = (
                    f"{source}: the PDF's list of pages is damaged ({page_list_problem(error)}), "
                    "so no page can be found: download it again or re-save it from a PDF viewer"
                )
                listed = _PageList([])
            pages = listed.pages
            if listed.broken:
                messages.append(
                    f"{source}: the PDF's list of pages is damaged after page {len(pages)} ({listed.broken}): "
                    "the pages after it are not read: download it again or re-save it from a PDF viewer"
                )
            n_pages = len(pages)
            for index, page in enumerate(pages):
                if index >= max_pages:
                    break
                try:
                    if isinstance(page, str):  # pdfplumber could not make the page: the problem says why
                        raise _UnmadePage(page)
                    page_lines.append(read_page_lines(page, index + 1))
                except Exception as error:  # one broken page must not lose the others
                    page_lines.append(PageLines(number=index + 1, width=0, height=0, has_text_layer=False))
                    unreadable.append(index + 1)
                    what = str(error) if isinstance(error, _UnmadePage) else _page_content_problem(error)
                    messages.append(
                        f"{source}: page {index + 1} could not be read ({what}); its text is missing: check "
                        "the page in a PDF viewer, or download the PDF again or re-save it from a PDF viewer"
                    )
                finally:
                    if not isinstance(page, str):
                        page.close()
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        return PdfResult(
            [],
            [],
            0,
            f"{source}: the PDF is encrypted with a password ({type(error).__name__}): "
            "save an unprotected copy (e.g. `qpdf --decrypt`) and add that to the corpus",
        )
    except (PdfminerException, PDFSyntaxError) as error:
        cause = error.args[0] if error.args else error
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            return PdfResult(
                [],
                [],
                0,
                f"{source}: the PDF is encrypted with a password: save an unprotected copy "
                "(e.g. `qpdf --decrypt in.pdf out.pdf`) and add that to the corpus",
            )
        return PdfResult(
            [],
            [],
            0,
            f"{source}: the PDF is damaged or truncated ({type(cause).__name__}: {cause}): "
            "download it again or re-save it from a PDF viewer",
        )
    except Exception:
        if page_tree_error is None:
            raise
        # closing the file lists the pages again and fails the same way; the message is already known
    if page_tree_error is not None:
        return PdfResult([], [], 0, page_tree_error)
    if n_pages == 0:
        return PdfResult([], [], 0, f"{source}: the PDF has no pages: download it again")
    if page_lines and len(unreadable) == len(page_lines):
        return PdfResult(
            [],
            [],
            n_pages,
            f"{source}: none of its {len(page_lines)} page(s) could be read (the page "
            "contents are damaged, not scanned): download it again or re-save it from "
            "a PDF viewer",
        )
    if n_pages > max_pages:
        messages.append(
            f"{source}: has {n_pages} pages; only the first {max_pages} were read: raise "
            "ingest.max_pages in config/config.yaml (or --max-pages) to read them all"
        )
    remove_running_lines(page_lines)
    vocab = Vocabulary.from_lines(line.text for page in page_lines for line in page.lines)
    raw_pages = pages_to_blocks(page_lines, vocab)
    empty = [page.number for page in page_lines if not page.has_text_layer and page.number not in unreadable]
    if empty and len(empty) < len(page_lines):
        shown = ", ".join(str(n) for n in empty[:10]) + (" …" if len(empty) > 10 else "")
        messages.append(
            f"{source}: {len(empty)} of {len(page_lines)} page(s) have no text layer (page {shown}): "
            "those pages are probably scanned images; run OCR (e.g. `ocrmypdf --skip-text in.pdf "
            "out.pdf`) and replace the file"
        )
    cid = sum(page.cid_words for page in page_lines)
    words = sum(page.n_words for page in page_lines) + cid
    if cid and cid >= 0.05 * max(words, 1):
        messages.append(
            f"{source}: {cid} words use fonts without a Unicode map, so their text is lost: run OCR "
            "(e.g. `ocrmypdf --force-ocr in.pdf out.pdf`) and replace the file"
        )
    return PdfResult(raw_pages, messages, len(page_lines))
