"""In-text author–date citations found in sentences (``reviewflow.coding.citation_resolver`` maps them to documents).

``find_citations(text)`` returns every APA-style citation of a text block: parenthetical
``(Aron, Zweig, & Newmark, 2006, p. 4)``, lists ``(e.g., Smith, 2009; see also Jones, 2008)``,
narrative ``Smith and colleagues (2009)`` / ``Elliott et al. (2005)`` / ``The Center for Victims of
Torture (2006)``, corporate authors with a bracketed acronym, personal communications (flagged, never
resolved) and the rare yearless ``(Caliber)``. Spans point into the text as given; ``raw`` and
``authors`` are read from a normalized copy (whitespace collapsed, line-end hyphens rejoined,
ligatures expanded) so that a citation broken across lines reads as written.

The vocabulary (prefixes such as "e.g.", "personal communication" variants, corporate words, words
that are never authors) lives in ``data/citation_patterns.yaml``.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from reviewflow.fileio import lower_words, read_yaml
from reviewflow.paths import PACKAGE_DIR

if TYPE_CHECKING:
    pass

PATTERNS_PATH = PACKAGE_DIR / "data" / "citation_patterns.yaml"


# --------------------------------------------------------------------------------------------------
# The citation record
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """One cited work. A parenthetical naming several works yields one Citation per work.

    ``start``/``end`` is the span in the text given to :func:`find_citations`: from the first author
    to the end of this work's year (a second year of the same authors, ``Smith, 2009, 2008``, gets a
    span that starts at the authors too). ``raw`` is that citation as written with whitespace
    normalized; for a second year it is rebuilt as ``"<authors>, <year>"``.
    """

    raw: str
    start: int
    end: int
    authors: tuple[str, ...]
    et_al: bool
    year: str
    suffix: str
    narrative: bool
    personal_communication: bool
    acronym: str = ""  # "FCADV" in "(Florida Coalition Against Domestic Violence [FCADV], 2004)"
    locator: str = ""  # "p. 4" in "(Aron, Zweig, & Newmark, 2006, p. 4)"

    @property
    def year_label(self) -> str:
        """'2008a' as printed; 'in press-a' for a suffixed non-numeric year."""
        if self.suffix and not self.year.isdigit():
            return f"{self.year}-{self.suffix}"
        return f"{self.year}{self.suffix}"

    @property
    def key(self) -> str:
        """``"salvation army|2006"``: normalized first author and year label (for counting, tests)."""
        first = normalize_name(self.authors[0]) if self.authors else ""
        return f"{first}|{self.year_label}"

    def to_json(self) -> dict[str, Any]:
        return {
            "raw": self.raw,
            "start": self.start,
            "end": self.end,
            "authors": list(self.authors),
            "et_al": self.et_al,
            "year": self.year,
            "suffix": self.suffix,
            "narrative": self.narrative,
            "personal_communication": self.personal_communication,
            "acronym": self.acronym,
            "locator": self.locator,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Citation:
        """Inverse of :meth:`to_json`; tolerates the shorter record of docs/data-contracts.md."""
        return cls(
            raw=str(d.get("raw", "")),
            start=int(d.get("start", 0)),
            end=int(d.get("end", 0)),
            authors=tuple(str(a) for a in d.get("authors", ())),
            et_al=bool(d.get("et_al", False)),
            year=str(d.get("year", "")),
            suffix=str(d.get("suffix", "")),
            narrative=bool(d.get("narrative", False)),
            personal_communication=bool(d.get("personal_communication", False)),
            acronym=str(d.get("acronym", "")),
            locator=str(d.get("locator", "")),
        )


# --------------------------------------------------------------------------------------------------
# Vocabulary (data/citation_patterns.yaml)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitationVocabulary:
    year_token: re.Pattern[str]  # one year: 2008, 2008a, n.d., in press, in press-a
    prefix: re.Pattern[str]
    splitter: re.Pattern[str]
    personal: re.Pattern[str]
    et_al_tail: re.Pattern[str]
    et_al_full: re.Pattern[str]  # the same phrases, as a whole string
    particles: frozenset[str]
    connectors: frozenset[str]
    corporate_words: frozenset[str]
    corporate_suffixes: tuple[tuple[str, ...], ...]
    initials_skip: frozenset[str]
    non_author: frozenset[str]
    non_author_first: frozenset[str]
    openers: frozenset[str]


def _alternation(items: Iterable[str]) -> str:
    return "|".join(f"(?:{item})" for item in items)


@lru_cache(maxsize=1)
def citation_vocabulary() -> CitationVocabulary:
    data = read_yaml(PATTERNS_PATH)
    yearless = _alternation(data["yearless_markers"])
    year_token = re.compile(
        rf"(?P<year>(?:1[5-9]|20)\d\d)(?P<suffix>[a-z])?(?![\w])|(?P<yearless>{yearless})(?:-(?P<ysuffix>[a-z]))?(?![\w])",
        re.IGNORECASE,
    )
    et_al = _alternation(data["et_al"])
    lower = lambda key: lower_words(data, key, PATTERNS_PATH)  # noqa: E731
    return CitationVocabulary(
        year_token=year_token,
        prefix=re.compile(rf"^(?:{_alternation(data['part_prefixes'])})(?:\s+|(?<=[.,:])\s*)", re.IGNORECASE),
        splitter=re.compile(_alternation(data["part_splitters"]), re.IGNORECASE),
        personal=re.compile(_alternation(data["personal_communication"]), re.IGNORECASE),
        et_al_tail=re.compile(rf"\s*,?\s*(?:{et_al})\s*$", re.IGNORECASE),
        et_al_full=re.compile(rf"(?:{et_al})", re.IGNORECASE),
        particles=lower("name_particles"),
        connectors=lower("connector_words"),
        corporate_words=lower("corporate_words"),
        corporate_suffixes=tuple(
            sorted((tuple(str(s).lower().split()) for s in data["corporate_suffixes"]), key=lambda words: -len(words))
        ),
        initials_skip=lower("initials_skip"),
        non_author=lower("non_author_words"),
        non_author_first=lower("non_author_first_words"),
        openers=lower("narrative_openers"),
    )


# --------------------------------------------------------------------------------------------------
# Text normalization with an offset map back to the original text
# --------------------------------------------------------------------------------------------------

# Order matters: line-end hyphens before plain whitespace. A hyphen followed by a space and a
# lower-case word ("Smi- thson", PDF extraction) is rejoined too, except before and/or/to
# ("pre- and post-test").
_NORMALIZE_RE = re.compile(
    r"(?P<soft>(?<=\w)-[ \t]*\r?\n[ \t]*(?=[^\W\d_]))"
    r"|(?P<spaced>(?<=\w)- +(?=(?!(?:and|or|to|nor|but)\b)[a-z]))"
    r"|(?P<para>[ \t]*\r?\n[ \t]*(?:\r?\n[ \t]*)+)"
    r"|(?P<space>\s{2,}|[^\S ])"
    r"|(?P<other>[^\x00-\x7f])"
)
_QUOTES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"}


class _Normalized:
    """A normalized copy of a text and the map from its offsets back to the original."""

    __slots__ = ("_norm_starts", "_segments", "text")

    def __init__(self, original: str):
        pieces: list[str] = []
        # segments: (norm_start, orig_start, orig_end, literal)
        segments: list[tuple[int, int, int, bool]] = []
        norm_pos = 0
        orig_pos = 0
        for match in _NORMALIZE_RE.finditer(original):
            if match.start() > orig_pos:
                chunk = original[orig_pos : match.start()]
                segments.append((norm_pos, orig_pos, match.start(), True))
                pieces.append(chunk)
                norm_pos += len(chunk)
            replacement = self._replacement(match)
            if replacement == match.group(0):
                segments.append((norm_pos, match.start(), match.end(), True))
            elif replacement:
                segments.append((norm_pos, match.start(), match.end(), False))
            pieces.append(replacement)
            norm_pos += len(replacement)
            orig_pos = match.end()
        if orig_pos < len(original):
            segments.append((norm_pos, orig_pos, len(original), True))
            pieces.append(original[orig_pos:])
        self.text = "".join(pieces)
        self._segments = segments
        self._norm_starts = [s[0] for s in segments]

    @staticmethod
    def _replacement(match: re.Match[str]) -> str:
        kind = match.lastgroup
        if kind == "soft":
            # "Smith-\nJones" keeps its hyphen; "Smi-\nthson" is one word.
            following = match.string[match.end() : match.end() + 1]
            return "-" if following.isupper() else ""
        if kind == "spaced":
            return ""
        if kind == "para":
            return "\n"
        if kind == "space":
            return " "
        char = match.group(0)
        if char in _QUOTES:
            return _QUOTES[char]
        if char in {"\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff"}:
            return ""
        if unicodedata.category(char) == "Zs":
            return " "
        if 0xFB00 <= ord(char) <= 0xFB06:
            return unicodedata.normalize("NFKC", char)
        return char

    def orig_start(self, pos: int) -> int:
        if not self._segments:
            return pos
        i = max(0, bisect.bisect_right(self._norm_starts, pos) - 1)
        norm_start, orig_start, _orig_end, literal = self._segments[i]
        return orig_start + (pos - norm_start) if literal else orig_start

    def orig_end(self, pos: int) -> int:
        if pos <= 0 or not self._segments:
            return pos
        i = max(0, bisect.bisect_right(self._norm_starts, pos - 1) - 1)
        norm_start, orig_start, orig_end, literal = self._segments[i]
        return orig_start + (pos - norm_start) if literal else orig_end


# --------------------------------------------------------------------------------------------------
# Author groups
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AuthorGroup:
    authors: tuple[str, ...]
    et_al: bool
    acronym: str
    corporate: bool


_BRACKET_RE = re.compile(r"\s*\[\s*([^\]\[]{1,30}?)\s*\]\s*$")
_POSSESSIVE_RE = re.compile(r"(?:'s|s')$")
_ELEMENT_SPLIT_RE = re.compile(r"\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+")
_INITIALS_RE = re.compile(r"^(?:[A-Z]\.\s*(?:-\s*[A-Z]\.\s*)?)+(?=[^\W\d_])")
_TOKEN_OK_RE = re.compile(r"^[^\W\d_][^\W\d_.'\-/]*(?:[.'\-/][^\W\d_]*)*\.?,?$")


def _is_name_token(token: str) -> bool:
    """A capitalized word that may be (part of) a name: Smith, O'Brien, VandeMark, R.I.P.P.L.E., U.S."""
    return bool(token) and token[0].isupper() and bool(_TOKEN_OK_RE.match(token))


def _is_surname_shape(element: str, pat: CitationVocabulary) -> bool:
    tokens = element.split()
    if not 1 <= len(tokens) <= 3 or tokens[0] == "The":
        return False
    saw_name = False
    for token in tokens:
        low = token.lower()
        if low in pat.corporate_words or low in pat.connectors:
            return False
        if _is_name_token(token):
            saw_name = True
        elif low not in pat.particles:
            return False
    return saw_name


def _parse_author_group(text: str, *, allow_possessive: bool = False) -> _AuthorGroup | None:
    """Authors of one cited work as written, or None when the words cannot be an author group."""
    pat = citation_vocabulary()
    text = text.strip().rstrip(",").strip()
    acronym = ""
    bracket = _BRACKET_RE.search(text)
    if bracket:
        acronym = bracket.group(1).strip()
        text = text[: bracket.start()].strip()
        if not re.fullmatch(r"[A-Z][A-Za-z.&/\- ]*", acronym):
            return None
    if allow_possessive:
        text = _POSSESSIVE_RE.sub("", text)
    et_al = False
    tail = pat.et_al_tail.search(text)
    if tail:
        et_al = True
        text = text[: tail.start()].strip().rstrip(",")
        if allow_possessive:
            text = _POSSESSIVE_RE.sub("", text)
    if not text or any(ch.isdigit() for ch in text):
        return None
    tokens = text.split()
    if len(tokens) > 15:
        return None
    for position, token in enumerate(tokens):
        bare = token.rstrip(",")
        low = bare.lower()
        if _is_name_token(bare):
            continue
        if low in pat.particles and position + 1 < len(tokens):
            continue
        if low in pat.connectors and 0 < position < len(tokens) - 1:
            continue
        return None
    if not _is_name_token(tokens[-1].rstrip(",")):
        return None
    whole = text.lower()
    last = tokens[-1].rstrip(",")
    if whole in pat.non_author or last.lower() in pat.non_author or tokens[0].lower() in pat.non_author_first:
        return None
    if sum(ch.isalpha() for ch in last) < 2:
        return None  # "Appendix B", "Group A": a label, not a surname
    elements = [e for e in _ELEMENT_SPLIT_RE.split(text) if e]
    if len(elements) > 1 and all(_is_surname_shape(e, pat) for e in elements):
        return _AuthorGroup(tuple(elements), et_al, acronym, corporate=False)
    corporate = len(elements) > 1 or not _is_surname_shape(text, pat)
    return _AuthorGroup((text,), et_al, acronym, corporate=corporate)


def _strip_initials(name: str) -> str:
    """'A. Adams' -> 'Adams'; 'Audrey M.' stays (a first name and an initial: no surname given)."""
    return _INITIALS_RE.sub("", name).strip() or name


# --------------------------------------------------------------------------------------------------
# Finding citations
# --------------------------------------------------------------------------------------------------

_PAREN_RE = re.compile(r"\(([^()\n]{1,800})\)")
# Between authors and year: APA's comma; a space after "et al."; a bare space (Harvard style,
# "(Tzvetkova 2002)") only for personal names, checked in _parse_part.
_YEAR_SEP_RE = re.compile(r",\s*|(?<=al\.)\s+|(?<=al)\s+|\s+(?=(?:1[5-9]|20)\d\d[a-z]?\b)")
_LIST_SEP_RE = re.compile(r"\s*[,;]\s*")
_LOCATOR_RE = re.compile(
    r"^(?:pp?\.|para\.|paras\.|ch\.|chap\.|chapter|section|sec\.|table|figure|fig\.|slide|emphasis|"
    r"italics|original|n\.|note|footnote|abstract|appendix|cited|quoted|see|p\s?\d|\d)",
    re.IGNORECASE,
)
_YEAR_ANY_RE = re.compile(r"\b((?:1[5-9]|20)\d\d)\b")
# Words before a narrative "(year)"; quotes and emphasis marks around a name are not part of it.
_TOKEN_RE = re.compile(r"[^\s\"\u201c\u201d*_\[\]()]+")


@dataclass(frozen=True)
class _YearItem:
    year: str
    suffix: str
    start: int  # in the normalized text
    end: int
    text: str


def _scan_years(text: str, offset: int) -> tuple[list[_YearItem], int] | None:
    """Years at the start of ``text`` ("2009, 2008", "2008a, b", "n.d.") and where they end."""
    pat = citation_vocabulary()
    items: list[_YearItem] = []
    pos = 0
    while True:
        match = pat.year_token.match(text, pos)
        if match:
            if match.group("year"):
                year, suffix = match.group("year"), (match.group("suffix") or "").lower()
            else:
                year = re.sub(r"\s+", " ", match.group("yearless").lower())
                suffix = (match.group("ysuffix") or "").lower()
            items.append(_YearItem(year, suffix, offset + match.start(), offset + match.end(), match.group(0)))
            end = match.end()
        elif items and re.match(r"[a-z](?![\w.])", text[pos:]):
            # "2008a, b": a bare suffix letter continues the previous year.
            letter = text[pos]
            items.append(_YearItem(items[-1].year, letter, offset + pos, offset + pos + 1, f"{items[-1].year}{letter}"))
            end = pos + 1
        else:
            break
        sep = _LIST_SEP_RE.match(text, end)
        if not sep:
            return items, end
        probe = text[sep.end() :]
        if not (pat.year_token.match(probe) or re.match(r"[a-z](?![\w.])", probe)):
            return items, end
        pos = sep.end()
    return (items, items[-1].end - offset) if items else None


def _parse_part(part: str, offset: int) -> list[Citation]:
    """Citations in one ';'-separated part of a parenthetical (normalized text at ``offset``)."""
    pat = citation_vocabulary()
    # Leading prefixes: "e.g.,", "see also", "as cited in" ...
    while True:
        stripped = part.lstrip()
        offset += len(part) - len(stripped)
        part = stripped
        prefix = pat.prefix.match(part)
        if not prefix or prefix.end() == len(part):
            break
        offset += prefix.end()
        part = part[prefix.end() :]
    part = part.rstrip().rstrip(",").rstrip()
    if not part:
        return []
    split = pat.splitter.search(part)
    if split:
        return _parse_part(part[: split.start()], offset) + _parse_part(part[split.end() :], offset + split.end())

    personal = pat.personal.search(part)
    if personal:
        return _personal_communication(part, offset, personal)

    for sep in _YEAR_SEP_RE.finditer(part):
        group = _parse_author_group(part[: sep.start()])
        if group is None:
            continue
        if (
            "," not in sep.group(0)
            and not group.et_al
            and (group.corporate or not all(any(ch.islower() for ch in a) for a in group.authors))
        ):
            continue  # "(Census 2000)", "(FY 2006)": a label and a year, not an author
        scanned = _scan_years(part[sep.end() :], offset + sep.end())
        if not scanned:
            continue
        years, years_end = scanned
        rest = part[sep.end() + years_end :].strip()
        locator = ""
        extra: list[Citation] = []
        if rest:
            if not rest.startswith(","):
                continue
            rest_offset = offset + sep.end() + years_end + part[sep.end() + years_end :].index(",") + 1
            rest_text = part[rest_offset - offset :]
            if pat.personal.match(rest_text.strip()) and (personal := pat.personal.search(part)):
                return _personal_communication(part, offset, personal)
            if not _LOCATOR_RE.match(rest_text.strip()):
                # A comma where a semicolon belonged: "(Smith, 2009, Jones, 2010)".
                extra = _parse_part(rest_text, rest_offset)
            if not extra:
                locator = rest_text.strip()
        return _citations_for_years(part, offset, group, years, locator, narrative=False) + extra
    return []


def _citations_for_years(
    part: str, offset: int, group: _AuthorGroup, years: list[_YearItem], locator: str, *, narrative: bool
) -> list[Citation]:
    author_text = part[: years[0].start - offset].strip().rstrip(",").strip()
    citations = []
    for index, item in enumerate(years):
        if index == 0:
            raw = part[: item.end - offset].strip()
        elif narrative:
            raw = f"{author_text} ({item.text})"
        else:
            raw = f"{author_text}, {item.text}"
        citations.append(
            Citation(
                raw=raw,
                start=offset,
                end=item.end,
                authors=group.authors,
                et_al=group.et_al,
                year=item.year,
                suffix=item.suffix,
                narrative=narrative,
                personal_communication=False,
                acronym=group.acronym,
                locator=locator,
            )
        )
    return citations


def _personal_communication(part: str, offset: int, match: re.Match[str]) -> list[Citation]:
    name = part[: match.start()].strip().rstrip(",").strip()
    name = re.sub(r",\s*(?:1[5-9]|20)\d\d[a-z]?$", "", name)
    if not name or len(name.split()) > 5 or not name[0].isupper() or any(c.isdigit() for c in name):
        return []
    if not all(_is_name_token(t) or t.lower() in citation_vocabulary().particles for t in name.split()):
        return []
    years = _YEAR_ANY_RE.findall(part)
    return [
        Citation(
            raw=part.strip(),
            start=offset,
            end=offset + len(part.rstrip()),
            authors=(_strip_initials(name),),
            et_al=False,
            year=years[-1] if years else "",
            suffix="",
            narrative=False,
            personal_communication=True,
        )
    ]


def _yearless(content: str, offset: int, after: str) -> list[Citation]:
    """'(Caliber)': a whole parenthetical that is an author name, at the end of a clause."""
    pat = citation_vocabulary()
    stripped = content.strip()
    lead = content.index(stripped[0]) if stripped else 0
    if pat.prefix.match(stripped):
        return []  # "(e.g., Snowball)": an example named, not a work cited
    # A capitalized word with lower-case letters: "(Caliber)" yes, "(SAGE)", "(MOUs)" no.
    if not re.search(r"[A-Z][a-z]{2,}", stripped) or len(stripped.split()) > 8:
        return []
    if after and after[0] not in ".;,:)":
        return []
    group = _parse_author_group(stripped)
    if group is None or len(group.authors) > 1:
        return []  # "(Google, Yahoo)": a list of names without a year is an aside, not a citation
    return [
        Citation(
            raw=stripped,
            start=offset + lead,
            end=offset + lead + len(stripped),
            authors=group.authors,
            et_al=group.et_al,
            year="",
            suffix="",
            narrative=False,
            personal_communication=False,
            acronym=group.acronym,
        )
    ]


_Token = tuple[str, int]  # a word of the text before a narrative "(year)" and where it starts


def _narrative_window(norm: str, paren_start: int) -> tuple[list[_Token], str]:
    """The words on the line before a '(year)' (at most 300 characters), and a bracketed acronym there."""
    window_start = max(0, paren_start - 300)
    newline = norm.rfind("\n", window_start, paren_start)
    if newline >= 0:
        window_start = newline + 1
    window = norm[window_start:paren_start]
    acronym = ""
    bracket = _BRACKET_RE.search(window)
    if bracket:
        acronym = bracket.group(1)
        window = window[: bracket.start()]
    return [(m.group(0), window_start + m.start()) for m in _TOKEN_RE.finditer(window)], acronym


def _bare(token: str) -> str:
    return _POSSESSIVE_RE.sub("", token.rstrip(","))


def _without_et_al(tokens: Sequence[_Token], pat: CitationVocabulary) -> tuple[int, bool]:
    """Index of the last author word, and whether an "et al." / "and colleagues" followed it."""
    last = len(tokens) - 1
    for width in (4, 3, 2):
        if last - width + 1 < 0:
            continue
        phrase = re.sub(r"'s$", "", " ".join(t for t, _ in tokens[last - width + 1 : last + 1]))
        if pat.et_al_full.fullmatch(phrase):
            return last - width, True
    return last, False


def _person_list_start(tokens: Sequence[_Token], last: int, pat: CitationVocabulary) -> tuple[int, bool]:
    """Where a list of persons ending at ``last`` starts ("van der Berg", "A, B, C, and D"), and
    whether it was joined by "and"."""
    start = last
    j = last - 1
    while j >= 0 and tokens[j][0].lower() in pat.particles:  # name particles: "van der Berg"
        start, j = j, j - 1
    if not (j >= 1 and tokens[j][0] in ("and", "&") and _is_name_token(tokens[j - 1][0].rstrip(","))):
        return start, False
    start, j = j - 1, j - 2
    while j >= 0:
        token = tokens[j][0]
        if not (token.endswith(",") and _is_name_token(token[:-1])):
            break
        before = tokens[j - 1][0] if j > 0 else ""
        if before and _is_name_token(before) and not before.endswith(",") and before.lower() not in pat.openers:
            break  # "United Nations, Smith and Jones": "Nations," ends a phrase, not a list
        start, j = j, j - 1
    return start, True


def _corporate_run(tokens: Sequence[_Token], last: int, pat: CitationVocabulary) -> tuple[int, bool]:
    """Start of the run of capitalized words and connectors ending at ``last`` (sentence openers
    trimmed), and whether it reads as an organisation's name."""
    k = last - 1
    while k >= 0:
        token = tokens[k][0]
        if token.endswith(",") or not (_is_name_token(token) or token.lower() in pat.connectors or token == "&"):
            break
        k -= 1
    run_start = k + 1
    while run_start < last:
        token = tokens[run_start][0]
        low = token.lower()
        if not (low in pat.openers or (low in pat.connectors and token != "The")):
            break
        run_start += 1
    run = [t for t, _ in tokens[run_start : last + 1]]
    corporate_like = any(t.lower().strip(",") in pat.corporate_words for t in run) or any(
        t in pat.connectors for t in run[1:-1] if t not in ("and", "&")
    )
    return run_start, corporate_like


def _narrative_authors(norm: str, paren_start: int) -> tuple[_AuthorGroup, int] | None:
    """The author group written just before a '(year)', and where it starts in ``norm``.

    Two readings compete: a list of persons ("Smith and Jones", "Smith et al.") and an organisation's
    name ("The Center for Victims of Torture"); the person list wins unless the words before it make
    an organisation's name that the list is the end of.
    """
    pat = citation_vocabulary()
    tokens, acronym = _narrative_window(norm, paren_start)
    if not tokens:
        return None
    last, et_al = _without_et_al(tokens, pat)
    if last < 0 or not _is_name_token(_bare(tokens[last][0])) or tokens[last][0].endswith(","):
        return None
    person_start, joined_by_and = _person_list_start(tokens, last, pat)
    run_start, corporate_like = _corporate_run(tokens, last, pat)
    if (joined_by_and or et_al) and not (corporate_like and run_start < person_start and not et_al):
        start, suffix = person_start, " et al." if et_al else ""
    else:
        start, suffix = (run_start if run_start < last else person_start), ""
    text = " ".join(t for t, _ in tokens[start : last + 1])
    group = _parse_author_group(text + suffix, allow_possessive=True)
    if group is None:
        return None
    return _AuthorGroup(group.authors, group.et_al, acronym or group.acronym, group.corporate), tokens[start][1]


def _narrative(norm: _Normalized, match: re.Match[str]) -> list[Citation]:
    pat = citation_vocabulary()
    content = match.group(1)
    content_offset = match.start(1)
    personal = pat.personal.match(content.strip())
    if personal:
        found = _narrative_authors(norm.text, match.start())
        if not found:
            return []
        group, start = found
        years = _YEAR_ANY_RE.findall(content)
        return [
            Citation(
                raw=norm.text[start : match.end()],
                start=start,
                end=match.end(),
                authors=tuple(_strip_initials(a) for a in group.authors),
                et_al=False,
                year=years[-1] if years else "",
                suffix="",
                narrative=True,
                personal_communication=True,
            )
        ]
    lead = len(content) - len(content.lstrip())
    scanned = _scan_years(content[lead:], content_offset + lead)
    if not scanned:
        return []
    years, years_end = scanned
    rest = content[lead + years_end :].strip()
    if rest and not rest.startswith(","):
        return []
    locator = rest[1:].strip()
    found = _narrative_authors(norm.text, match.start())
    if not found:
        return []
    group, start = found
    author_text = norm.text[start : match.start()].strip()
    citations = []
    for item in years:
        if len(years) == 1:
            raw = norm.text[start : match.end()]
            end = match.end()
        else:
            raw = f"{author_text} ({item.text})"
            end = item.end
        citations.append(
            Citation(
                raw=raw,
                start=start,
                end=end,
                authors=group.authors,
                et_al=group.et_al,
                year=item.year,
                suffix=item.suffix,
                narrative=True,
                personal_communication=False,
                acronym=group.acronym,
                locator=locator,
            )
        )
    return citations


def find_citations(text: str) -> list[Citation]:
    """Every author–date citation in ``text``, sorted by start (then end, then raw)."""
    if "(" not in text:
        return []
    norm = _Normalized(text)
    pat = citation_vocabulary()
    found: list[Citation] = []
    for match in _PAREN_RE.finditer(norm.text):
        content = match.group(1)
        head = content.lstrip()
        if pat.year_token.match(head) or pat.personal.match(head):
            found.extend(_narrative(norm, match))
            continue
        offset = match.start(1)
        part_citations: list[Citation] = []
        for part_match in re.finditer(r"[^;]+", content):
            part_citations.extend(_parse_part(part_match.group(0), offset + part_match.start()))
        if not part_citations and ";" not in content:
            part_citations = _yearless(content, offset, norm.text[match.end() : match.end() + 3].lstrip())
        found.extend(part_citations)
    mapped = {
        Citation(
            raw=c.raw,
            start=norm.orig_start(c.start),
            end=norm.orig_end(c.end),
            authors=c.authors,
            et_al=c.et_al,
            year=c.year,
            suffix=c.suffix,
            narrative=c.narrative,
            personal_communication=c.personal_communication,
            acronym=c.acronym,
            locator=c.locator,
        )
        for c in found
    }
    return sorted(mapped, key=lambda c: (c.start, c.end, c.raw, c.year, c.suffix))


def parse_citation_text(text: str) -> list[Citation]:
    """The citations of a bare author-date text, e.g. a manifest's ``citation`` column ("Aron et al., 2006")."""
    return _parse_part(text, 0)


_PUNCT_RE = re.compile(r"[^\w\s]|_")


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Casefolded, accent- and punctuation-free name; dots vanish ('R.I.P.P.L.E.' -> 'ripple')."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace(".", "").replace("'", "").replace("\u2019", "")
    plain = " ".join(_PUNCT_RE.sub(" ", plain).split())
    if plain.startswith("the "):
        plain = plain[4:]
    return plain
