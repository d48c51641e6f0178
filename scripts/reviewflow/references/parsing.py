"""Reference lists: a document's references section split into entries, each entry parsed.

Splitting works on the lines of the `references` section that ingestion found (two-column pages are
already in reading order there). Two layouts are recognized:
- numbered lists (`[1]`, `1.`, `1 `): an entry starts at the next number in sequence, so numbers
  inside an entry (volumes, pages, years) never start one;
- author-date lists (APA, Harvard, ACL, one entry per line or spread over several lines): an entry
  starts on a line that opens with names (surnames, initials, given names or a corporate name)
  followed by a year, in parentheses or after the names, and the line before it closes a sentence.
  Continuation lines (titles, containers, pages) open with something else.

Parsing yields the author surnames (or the corporate author), year with its a/b suffix (or n.d.),
title and container of each entry. Matching the entries to the corpus is
`reviewflow.references.matching`.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reviewflow.errors import ReviewflowError
from reviewflow.fileio import lower_words, read_csv_table, read_yaml
from reviewflow.paths import PACKAGE_DIR

PATTERNS_PATH = PACKAGE_DIR / "data" / "references.yaml"

#: Columns of `results/references/{doc}.csv` (docs/data-contracts.md).
REFERENCE_COLUMNS: tuple[str, ...] = ("position", "raw", "authors", "year", "suffix", "title", "container", "page")

_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)(?P<suffix>[a-z]?)"
# "(2005)", "(2005a)", "(2005, May 3)", "(n.d.)", "(2008/2009)"
_PAREN_YEAR_RE = re.compile(r"\(\s*(?:" + _YEAR + r"(?:[,/;][^()]{0,40})?|(?P<nd>n\.\s?d\.?))\s*\)")
# "Surname. 2005." / "Surname, I. 2005a," (ACL, Harvard without parentheses)
_BARE_YEAR_RE = re.compile(r"[.,]\s*" + _YEAR + r"(?=[.,:]\s|[.,:]?$)")
_ANY_YEAR_RE = re.compile(r"(?<![0-9])(?P<year>1[5-9]\d\d|20\d\d)(?P<suffix>[a-z]?)(?![0-9])")
# Vancouver / NLM containers: "N Engl J Med 1996, 335:701-7", "Chest. 2004;126(3)", "Surg2004,28:807"
_VANCOUVER_YEAR_RE = re.compile(
    r"(?<![0-9])(?P<year>1[5-9]\d\d|20\d\d)(?P<suffix>[a-z]?)(?=\s*[;,]\s*\d|\s*;|\s*\.\s*$)"
)
_NUMBER_MARKER_RES = (
    re.compile(r"^\s*\[(?P<n>\d{1,4})\]\s*"),
    re.compile(r"^\s*(?P<n>\d{1,4})\.\s*(?=\S)"),
    re.compile(r"^\s*(?P<n>\d{1,4})\s+(?=[A-Z\u00c0-\u024f])"),
)
# APA initials carry periods ("L. Y.", "Th."); Vancouver initials are capitals ("KA"). "An Vu" is a name.
_INITIALS_RE = re.compile(r"^(?:(?:[A-Z\u00c0-\u00de][a-z]?\.|[A-Z\u00c0-\u00de](?![a-z]))\s*-?\s*){1,4}$")
_LEADING_INITIALS_RE = re.compile(r"^((?:[A-Z\u00c0-\u00de][a-z]?\.\s*-?\s*)+)(?P<rest>\S.*)$")
_TRAILING_INITIALS_RE = re.compile(r"^(?P<rest>.*?\S)\s+[A-Z]{1,4}(?:\s+(?:Jr|Sr|II|III|IV)\.?)?\.?$")
_GLUED_INITIALS_RE = re.compile(r"^(?P<rest>.*?[a-z\u00df-\u00ff'’])[A-Z]{1,4}(?:Jr|Sr)?$")
_GENERATION_RE = re.compile(r"^(?:Jr|Sr|II|III|IV)\.?$")
# "et al." and APA 7's ellipsis before the last of many authors ("Treppete, M., … Regan, L.").
_ET_AL_RE = re.compile(r"\bet\s*al\.?|…|\.\.\.", re.IGNORECASE)
_EDITORS_RE = re.compile(r"\(?\b(?:eds?|editors?)\.?\)?\s*$", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"(?<=[^\s.A-Z])[.?]\s+(?=[A-Z0-9\u00c0-\u024f“\"'‘(\[])")
_TERMINAL_CHARS = ".)]/>0123456789"


@dataclass(frozen=True)
class Reference:
    """One parsed entry of a reference list."""

    position: int
    raw: str
    authors: tuple[str, ...]
    year: str  # four digits, "n.d." or ""
    suffix: str
    title: str
    container: str
    page: int
    corporate: bool = False

    def row(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "raw": self.raw,
            "authors": ";".join(self.authors),
            "year": self.year,
            "suffix": self.suffix,
            "title": self.title,
            "container": self.container,
            "page": self.page,
        }


@dataclass(frozen=True)
class _Vocabulary:
    end_prefixes: tuple[str, ...]
    noise: tuple[re.Pattern[str], ...]
    not_openers: frozenset[str]
    particles: frozenset[str]
    connectors: frozenset[str]
    corporate_words: frozenset[str]
    acronym_skip: frozenset[str]


@lru_cache(maxsize=1)
def vocabulary() -> _Vocabulary:
    data = read_yaml(PATTERNS_PATH)
    return _Vocabulary(
        end_prefixes=tuple(str(p).lower() for p in data["end_of_list_prefixes"]),
        noise=tuple(re.compile(p, re.IGNORECASE) for p in data["noise_lines"]),
        not_openers=lower_words(data, "not_author_openers", PATTERNS_PATH),
        particles=lower_words(data, "name_particles", PATTERNS_PATH),
        connectors=lower_words(data, "corporate_connectors", PATTERNS_PATH),
        corporate_words=lower_words(data, "corporate_words", PATTERNS_PATH),
        acronym_skip=lower_words(data, "acronym_skip", PATTERNS_PATH),
    )


def _clean_piece(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;.:")


# ------------------------------------------------------------------------------------ names
def _is_capitalized(token: str) -> bool:
    first = token.lstrip("(\"'‘“")[:1]
    return bool(first) and first.isupper()


def _unglue_and(names: str) -> str:
    """Text extracted without spaces: "AlexandrAndoniandPiotrIndyk", "D.Downey,O.Etzioni,andS.Soderland".

    Vancouver names glued to their initials ("HartlandL") are left alone: there "and" is a surname's.
    """
    if " " in names.strip():
        return names
    pieces = [p for p in names.split(",") if p]
    if pieces and all(re.search(r"[a-z'’][A-Z]{1,4}(?:Jr)?$", p.strip()) for p in pieces):
        return names
    return re.sub(r"(?<=[a-z.,])and(?=[A-Z])", ", ", names)


def is_name_zone(text: str) -> bool:
    """Whether `text` (what precedes the year of an entry) reads as a list of names or an organization."""
    vocab = vocabulary()
    text = _unglue_and(text)
    text = _ET_AL_RE.sub(" ", text)
    text = _EDITORS_RE.sub(" ", text).strip()
    if not text or len(text) > 400 or re.search(r"\d", text):
        return False
    tokens = re.findall(r"[^\s,;&]+", text)
    if not tokens:
        return False
    if tokens[0].strip(".").lower() in vocab.not_openers:
        return False
    lower = 0
    for index, token in enumerate(tokens):
        bare = token.strip(".()\"'‘’“”:")
        if not bare:
            continue
        if _is_capitalized(bare):
            continue
        word = bare.lower()
        if word in {"and", "et", "al", "with"} or word in vocab.particles or word in vocab.connectors:
            lower += 1
            if index == 0 and word not in vocab.particles:
                return False
            continue
        return False
    return lower <= max(1, len(tokens) // 2)


def is_corporate(names: str) -> bool:
    """A corporate author: an organization word, or an acronym such as `IOM` / `R.I.P.P.L.E.`."""
    vocab = vocabulary()
    compact = names.replace(" ", "")
    if re.fullmatch(r"(?:[A-Z]\.){2,}[A-Z]?\.?|[A-Z]{2,}(?:/[A-Z]{2,})*", compact.strip(".,")):
        return True
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", names)}
    if words & vocab.corporate_words:
        return True
    # Text extracted without spaces ("SpinalCordInjuryInvestigators") still carries the words.
    lowered = compact.lower()
    return (
        " " not in names.strip()
        and len(compact) > 20
        and any(w in lowered for w in vocab.corporate_words if len(w) > 4)
    )


def _camel_split(token: str) -> str:
    """`KatrinErk` → `Katrin Erk` (PDF text without spaces); `McGrory`, `DeViSE` stay whole."""
    parts = re.split(r"(?<=[a-z\u00df-\u00ff])(?=[A-Z])", token)
    if len(parts) < 2 or len(parts[0]) < 3 or parts[0] in {"Mac", "Van", "Von", "Del", "Della", "Fitz"}:
        return token
    return " ".join(parts)


def _surname_of_piece(piece: str) -> str:
    """The surname in one author's name as written: `C. D. Manning`, `Kudsk KA`, `KudskKA`, `Katrin Erk`."""
    vocab = vocabulary()
    piece = _clean_piece(piece)
    if not piece:
        return ""
    match = _LEADING_INITIALS_RE.match(piece)
    if match and not _INITIALS_RE.match(piece):
        return _clean_piece(match.group("rest"))
    match = _TRAILING_INITIALS_RE.match(piece)
    if match:
        return _clean_piece(match.group("rest"))
    if " " not in piece:
        match = _GLUED_INITIALS_RE.match(piece)
        if match:
            return match.group("rest")
        piece = _camel_split(piece)
    tokens = piece.split()
    while len(tokens) > 1 and _GENERATION_RE.match(tokens[-1]):
        tokens.pop()
    surname = [tokens[-1]]
    for token in reversed(tokens[:-1]):
        if token.lower() in vocab.particles:
            surname.insert(0, token)
        else:
            break
    return " ".join(surname)


def parse_names(names: str) -> tuple[tuple[str, ...], bool]:
    """Author surnames (in order) or the corporate author, and whether it is corporate."""
    names = _ET_AL_RE.sub(" ", names)
    names = _EDITORS_RE.sub(" ", names)
    names = re.sub(r"\s+", " ", names).strip(" ,;.")
    if not names:
        return (), False
    # A corporate author stands alone or first ("Ginzburg E, …, Miami DVT Study Group" is people).
    if is_corporate(re.split(r",\s", names)[0]):
        # Joint corporate authors ("WCASA & WCADV" written out) are two authors; "and" stays inside
        # names such as "Department of Health and Human Services".
        parts = [p.strip(" ,.") for p in re.split(r"\s*[&;]\s*", names) if p.strip(" ,.")]
        if len(parts) > 1 and all(is_corporate(p) for p in parts):
            return tuple(parts), True
        return (names,), True
    names = _unglue_and(names)
    pieces = [p for p in re.split(r"\s*,\s*(?:&|and\b)?\s*|\s*&\s*|\s+and\s+", names) if p.strip(" .")]
    surnames: list[str] = []
    inverted = any(_INITIALS_RE.match(p.strip()) for p in pieces[1:])
    for piece in pieces:
        piece = piece.strip()
        if _INITIALS_RE.match(piece):
            continue  # the initials of the surname before it ("Aron, L. Y.")
        if inverted:
            surnames.append(_clean_piece(piece))
        else:
            surname = _surname_of_piece(piece)
            if surname:
                surnames.append(surname)
    return tuple(s for s in surnames if s), False


# ------------------------------------------------------------------------------------ entries
def _split_sentences(text: str, limit: int = 2) -> list[str]:
    """The first `limit` sentences of `text` (a sentence ends at `.`/`?` before a capital or digit,
    not after an initial, so `J. Trauma` and `U.S.` stay whole)."""
    parts: list[str] = []
    rest = text.strip()
    while rest and len(parts) < limit:
        match = _SENTENCE_END_RE.search(rest)
        if not match:
            parts.append(rest)
            break
        parts.append(rest[: match.start() + 1])
        rest = rest[match.end() :]
    return [p.strip() for p in parts]


def _title_container(rest: str) -> tuple[str, str]:
    sentences = _split_sentences(rest.lstrip(" .,:"))
    title = sentences[0] if sentences else ""
    container = sentences[1] if len(sentences) > 1 else ""
    container = re.sub(r"^In:?\s+", "", container)
    return _clean_piece(title), _clean_piece(container)


def _author_date(body: str) -> tuple[str, str, str, str] | None:
    """(names, year, suffix, rest) when the entry opens with names and a year."""
    best: tuple[int, tuple[str, str, str, str]] | None = None
    for regex in (_PAREN_YEAR_RE, _BARE_YEAR_RE):
        for match in regex.finditer(body):
            names = body[: match.start()]
            if len(names) > 400:
                break
            if not is_name_zone(names.strip(" .,")):
                continue
            year = "n.d." if match.groupdict().get("nd") else match.group("year")
            suffix = "" if year == "n.d." else match.group("suffix")
            candidate = (names, year, suffix, body[match.end() :])
            if best is None or match.start() < best[0]:
                best = (match.start(), candidate)
            break
    return best[1] if best else None


_QUOTED_TITLE_RE = re.compile(
    r'^(?P<names>[^"“”]{2,300}?),?\s*["“](?P<title>[^"“”]{3,400}?)[,.]?["”]\s*,?\s*(?P<rest>.*)$'
)


def parse_entry(raw: str, position: int = 0, page: int = 0) -> Reference:
    """Parse one reference entry (its number, if any, already removed or not)."""
    body = re.sub(r"\s+", " ", raw).strip()
    for regex in _NUMBER_MARKER_RES[:2]:
        body = regex.sub("", body, count=1) if regex.match(body) else body
    quoted = _QUOTED_TITLE_RE.match(body)
    found = None if quoted and is_name_zone(quoted.group("names").strip(" ,.")) else _author_date(body)
    if quoted and found is None and is_name_zone(quoted.group("names").strip(" ,.")):
        # IEEE / ACM: `A. B. Smith and C. Jones, "Title," in Proc. X, 2005, pp. 1-10.`
        names, title = quoted.group("names"), _clean_piece(quoted.group("title"))
        rest = quoted.group("rest")
        year_match = _last(_ANY_YEAR_RE.finditer(rest))
        year = year_match.group("year") if year_match else ""
        suffix = year_match.group("suffix") if year_match else ""
        container = _clean_piece(
            re.split(
                r",\s*(?:vol\.|no\.|pp\.|p\.|\(?\d{4}|[A-Z][a-z]{2,3}\.?\s+\d{4})",
                re.sub(r"^in:?\s+", "", rest, flags=re.IGNORECASE),
            )[0]
        )
    elif found:
        names, year, suffix, rest = found
        title, container = _title_container(rest)
    else:
        # Vancouver / NLM: "Kudsk KA, Fabian TC: Title. Journal 1989, 158:515-9." or "... KA. Title. ..."
        match = re.match(r"^(?P<names>[^:]{1,400}?)(?::\s*|(?<=[A-Z])\.\s+|(?<=[a-z]{2})\.\s+)(?P<rest>\S.*)$", body)
        names, rest = (match.group("names"), match.group("rest")) if match else ("", body)
        if not _is_vancouver_names(names):
            # No author (a statute, an anonymous report): the entry opens with its title.
            names, rest = "", body
        year_match = _VANCOUVER_YEAR_RE.search(rest) or _last(_ANY_YEAR_RE.finditer(rest))
        year = year_match.group("year") if year_match else ""
        suffix = year_match.group("suffix") if year_match else ""
        if year_match:
            before = rest[: year_match.start()]
            sentences = _split_sentences(before, limit=1)
            title = _clean_piece(sentences[0]) if sentences else ""
            container = _clean_piece(before[len(sentences[0]) :]) if sentences else ""
        else:
            title, container = _title_container(rest)
    authors, corporate = parse_names(names)
    return Reference(
        position=position,
        raw=body,
        authors=authors,
        year=year,
        suffix=suffix,
        title=title,
        container=container,
        page=page,
        corporate=corporate,
    )


_VANCOUVER_NAME_RE = re.compile(
    r"^(?:[A-Z\u00c0-\u00de][^\s,]*(?:\s+[a-z]{1,3})?(?:\s+[A-Z\u00c0-\u00de][^\s,]*)*?\s*[A-Z]{1,4}(?:\s*(?:Jr|Sr|II|III))?"
    r"|et al\.?)$"
)


def _is_vancouver_names(names: str) -> bool:
    """`Kudsk KA, Fabian TC`, `KudskKA,FabianTC`, or a corporate author (no digits either way)."""
    names = names.strip(" .")
    if not names or re.search(r"\d", names):
        return False
    pieces = [p.strip() for p in re.split(r",\s*", names) if p.strip()]
    if is_corporate(pieces[0]) or is_name_zone(names):
        return True
    return all(_VANCOUVER_NAME_RE.match(p) for p in pieces)


def _last(iterator: Iterable[re.Match[str]]) -> re.Match[str] | None:
    last = None
    for last in iterator:  # noqa: B007 - the loop leaves the last item in `last`
        pass
    return last


# ------------------------------------------------------------------------------------ splitting
@dataclass
class _Line:
    text: str
    start: int  # offset in the document text
    block_start: bool = False  # first line of a block (a paragraph of HTML/text, a layout block of a PDF)


#: Lines longer than this are cut into sentences before splitting: text and HTML readers reflow a
#: paragraph into one line, so several entries written without blank lines share a line.
LONG_LINE = 250
_PIECE_BREAK_RE = re.compile(
    r"(?:(?<=[A-Za-z\u00c0-\u024f]{2}\.)|(?<=\)\.))\s+(?=[A-Z\u00c0-\u00de])"  # "…Institute. Clawson, H."
    r"|(?<=[.)])\s+(?=(?:\[\d{1,4}\]|\d{1,4}\.\s)\s*\S)"  # "…515-9. 2. Geerts WH" / "… [2] Brown"
)


def _section_lines(doc: Mapping[str, Any]) -> list[_Line]:
    """The lines of the references section, running headers/footers and trailers removed."""
    text = doc.get("text") or ""
    section = next((s for s in doc.get("sections") or [] if s.get("name") == "references"), None)
    if section is None:
        return []
    vocab = vocabulary()
    running = _running_lines(doc)
    lines: list[_Line] = []
    offset = int(section["start"])
    chunk = text[offset : int(section["end"])]
    first = True
    previous_end = -1
    for match in re.finditer(r"[^\n]+", chunk):
        raw = match.group(0)
        line = raw.strip()
        if not line:
            continue
        # Blocks are separated by a blank line (docs/data-contracts.md).
        block_start = previous_end < 0 or "\n\n" in chunk[previous_end : match.start()]
        previous_end = match.end()
        if first:
            first = False
            if re.fullmatch(
                r"(?:\d+\.?\s*)?(references?|bibliography|works cited|literature cited|reference list|"
                r"references and notes|sources|literatur)\s*:?",
                line,
                re.IGNORECASE,
            ):
                continue
        compact = re.sub(r"\s+", "", line).lower()
        if any(compact.startswith(prefix) for prefix in vocab.end_prefixes):
            break
        if any(regex.match(line) for regex in vocab.noise) or compact in running:
            continue
        start = offset + match.start() + (len(raw) - len(raw.lstrip()))
        if len(line) <= LONG_LINE:
            lines.append(_Line(line, start, block_start))
            continue
        cut = 0
        for piece_break in [*_PIECE_BREAK_RE.finditer(line), None]:
            stop = piece_break.start() if piece_break else len(line)
            piece = line[cut:stop].strip()
            if piece:
                lines.append(_Line(piece, start + cut, block_start and cut == 0))
            if piece_break:
                cut = piece_break.end()
    return lines


def _running_lines(doc: Mapping[str, Any]) -> set[str]:
    """Lines repeated at the top or bottom of two or more pages: running headers and footers."""
    text = doc.get("text") or ""
    counts: dict[str, int] = defaultdict(int)
    for page in doc.get("pages") or []:
        lines = [line.strip() for line in text[page["start"] : page["end"]].split("\n") if line.strip()]
        edge = set(lines[:3] + lines[-3:])
        for line in edge:
            key = re.sub(r"\s+", "", line).lower()
            # A bare page number differs on every page; keep only lines that repeat verbatim.
            counts[key] += 1
    return {key for key, n in counts.items() if n >= 2 and len(key) >= 8}


def _numbered_starts(lines: Sequence[_Line]) -> list[int]:
    """Indexes of lines that start entries numbered in sequence (1, 2, 3 … or starting anywhere)."""
    best: list[int] = []
    for regex in _NUMBER_MARKER_RES:
        numbers = [(i, int(m.group("n"))) for i, line in enumerate(lines) if (m := regex.match(line.text))]
        if not numbers:
            continue
        starts: list[int] = []
        expected: int | None = None
        for index, number in numbers:
            if expected is None:
                if number <= 5 or index == 0:
                    starts, expected = [index], number + 1
            elif number == expected:
                starts.append(index)
                expected += 1
        if len(starts) > len(best):
            best = starts
    return best if len(best) >= 3 else []


def _ends_sentence(text: str) -> bool:
    text = text.rstrip()
    if re.search(r"(?:https?://|doi:\s?|www\.)\S+$", text, re.IGNORECASE):
        return True  # APA 7 entries end with a DOI or URL and no period
    return bool(text) and (text[-1] in _TERMINAL_CHARS or text.endswith(("”", '"', "’", "'")))


def _author_date_starts(lines: Sequence[_Line]) -> list[int]:
    starts: list[int] = []
    consumed_until = -1
    for index, line in enumerate(lines):
        if index <= consumed_until:
            continue
        if index > 0 and not _ends_sentence(lines[index - 1].text):
            continue
        if not _is_capitalized(line.text) and not line.text[:4].lower().startswith(tuple(vocabulary().particles)):
            continue
        # The names and year may run over the next lines ("…, and Germán\nKruszewski. 2014.").
        found = _names_year_span(lines, index)
        if found is None:
            continue
        year_line = found
        # "…Oxford University Press." then "C. D. Manning. 1999." on the next line: that next line is
        # the entry start, not this tail of the previous entry.
        if any(
            _ends_sentence(lines[k - 1].text) and _names_year_span(lines, k) is not None
            for k in range(index + 1, index + year_line + 1)
        ):
            continue
        starts.append(index)
        consumed_until = index + year_line
    return starts


def _names_year_span(lines: Sequence[_Line], index: int) -> int | None:
    """How many lines after `index` the year of an entry opening at `index` sits, or None."""
    joined = ""
    bounds: list[int] = []
    for look in range(index, min(index + 4, len(lines))):
        joined = _join_lines([joined, lines[look].text]) if joined else lines[look].text
        bounds.append(len(joined))
    found = _author_date(joined)
    if not found:
        return None
    names_end = len(found[0]) + 1
    return next((i for i, bound in enumerate(bounds) if names_end <= bound), len(bounds) - 1)


def split_entries(lines: Sequence[_Line], blocks: str = "") -> list[tuple[str, int]]:
    """(raw text, start offset) of each entry, in list order.

    Blocks also start entries that have no names-and-year opening (a statute, an anonymous report):
    `blocks="all"` for HTML `<p>`/`<li>` and text paragraphs, written one entry each; `blocks="checked"`
    for PDF layout blocks, which an entry may straddle at a column or page break, so a block counts
    only when the text before it ends a sentence and it opens with a capital, not with "In", "pp." ….
    """
    if not lines:
        return []
    starts = _numbered_starts(lines)
    if not starts:
        starts = _author_date_starts(lines)
        if blocks:
            not_openers = vocabulary().not_openers
            extra = {
                i
                for i, line in enumerate(lines)
                if line.block_start
                and (
                    blocks == "all"
                    or i == 0
                    or (
                        _ends_sentence(lines[i - 1].text)
                        and _is_capitalized(line.text)
                        and line.text.split()[0].strip(".,:").lower() not in not_openers
                    )
                )
            }
            starts = sorted(set(starts) | extra)
    if not starts:
        return []
    entries: list[tuple[str, int]] = []
    for number, first in enumerate(starts):
        last = starts[number + 1] if number + 1 < len(starts) else len(lines)
        entries.append((_join_lines(line.text for line in lines[first:last]), lines[first].start))
    return entries


def _join_lines(lines: Iterable[str]) -> str:
    """Join an entry's lines, rejoining words hyphenated across a break (`seman-` + `tic`)."""
    out = ""
    for line in lines:
        if not out:
            out = line
        elif re.search(r"[a-z]-$", out) and re.match(r"[a-z]", line):
            out = out[:-1] + line
        elif out.endswith(("-", "–", "‐")) and re.match(r"[A-Z0-9]", line):
            out = out + line  # "Hollingsworth-" + "Fridlund", "pages 136–" + "145"
        elif out.endswith(("/", "-")) and re.match(r"\S", line) and re.search(r"https?://\S*$", out):
            out = out + line  # a URL broken over two lines
        else:
            out = out + " " + line
    return out


def parse_references(doc: Mapping[str, Any]) -> list[Reference]:
    """Every entry of the document's reference list, parsed, in list order (empty without one)."""
    lines = _section_lines(doc)
    pages = doc.get("pages") or []
    page_starts = [int(p["start"]) for p in pages]
    references = []
    blocks = "all" if str(doc.get("format", "")) in {"html", "txt"} else "checked"
    for position, (raw, start) in enumerate(split_entries(lines, blocks), start=1):
        page = int(pages[max(bisect.bisect_right(page_starts, start) - 1, 0)]["number"]) if pages else 0
        references.append(parse_entry(raw, position=position, page=page))
    return references


def reference_rows(references: Iterable[Reference]) -> list[dict[str, Any]]:
    return [reference.row() for reference in references]


def read_reference_rows(path: str | Path) -> list[dict[str, str]]:
    """A `results/references/{doc}.csv` file, checked for the contract's columns."""
    path = Path(path)
    columns, rows = read_csv_table(path)
    missing = [c for c in REFERENCE_COLUMNS if c not in columns]
    if missing:
        raise ReviewflowError(
            f"{path}: missing column(s) {', '.join(missing)}. Fix: delete the file and rerun "
            "the `references` rule for this document."
        )
    return rows
