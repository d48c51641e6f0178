"""The default corpus as committed: every manifest row has its rendered document, every surrogate says
so at the top, and surrogates cite only corpus documents published before them.

The citation check reads the Markdown sources in ``corpus/surrogates/`` (what the authors wrote) with a
deliberately simple matcher of its own, so that it does not depend on the citation parser under test
elsewhere. It tolerates one-letter misspellings of surnames, which the surrogates contain on purpose.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from bs4 import BeautifulSoup
from rapidfuzz import fuzz

from reviewflow.corpus.manifest import read_rows

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT / "corpus"
ROWS = read_rows(CORPUS / "manifest.csv")
SURROGATE_ROWS = [row for row in ROWS if row["surrogate"] == "true"]

NOTICE = "this is a surrogate text written for reviewflow"
# The notice is the first paragraph after the title (and an optional byline or running header), so it
# starts well within this many characters of the document's visible text.
NOTICE_WITHIN = 400
# Surnames of at least this length are matched with one-letter tolerance; shorter names and
# acronyms ("Aron", "IOM", "R.I.P.P.L.E.") must match exactly, or they would match ordinary words.
FUZZY_MIN_LENGTH = 6
FUZZY_MIN_SCORE = 80
# How far before "(" a narrative citation or reference entry may start ("Clawson, H. J., Dutch, N.,
# Salomon, A., & Grace, L. G. (2009)").
NARRATIVE_WINDOW = 120

YEAR = re.compile(r"\b(?:19|20)\d\d[a-z]?\b")


@dataclass(frozen=True)
class CorpusKey:
    doc_id: str
    year_label: str
    names: tuple[str, ...]

    @property
    def order(self) -> tuple[int, str]:
        return int(self.year_label[:4]), self.year_label[4:]


def corpus_keys(rows: list[dict[str, str]]) -> list[CorpusKey]:
    """Names under which each document can be cited: first author, acronym, corporate name."""
    keys = []
    for row in rows:
        names: set[str] = set()
        cited_as = row["citation"].rsplit(",", 1)[0]
        cited_as = cited_as.replace(" et al.", "").split(" & ")[0]
        names.update(part.strip() for part in cited_as.split("/"))
        first_author = row["authors"].split(";")[0].split(",")[0].strip()
        names.add(first_author)
        keys.append(CorpusKey(row["doc_id"], row["year"] + row["year_suffix"], tuple(sorted(n for n in names if n))))
    return keys


def _name_in(name: str, window: str) -> bool:
    if " " in name:
        return name.lower() in window.lower()
    if len(name) < FUZZY_MIN_LENGTH or not name[1:].islower():
        return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", window) is not None
    return any(fuzz.ratio(name, token) >= FUZZY_MIN_SCORE for token in re.findall(r"[A-Z][\w'-]+", window))


def _citation_window(text: str, year_start: int) -> str:
    """The author part that goes with the year starting at ``year_start``."""
    line_start = text.rfind("\n", 0, year_start) + 1
    before = text[line_start:year_start]
    if before.endswith("("):  # narrative "Raymond and Hughes (2001)" or reference "Hodge, D. R. (2008)."
        window = before[-NARRATIVE_WINDOW:]
        # Only the current sentence; initials ("H. J.,") are not sentence ends.
        return re.split(r"[.!?]\s+(?=[A-Z][a-z])", window)[-1]
    opening = before.rfind("(")
    if opening < 0:
        return ""
    group = before[opening + 1 :]
    if ")" in group:  # the year is not inside a parenthesis at all
        return ""
    return re.split(r";", group)[-1]


def cited_documents(text: str, keys: list[CorpusKey]) -> set[str]:
    """doc_ids of the corpus documents that ``text`` cites, in the text or in its reference list."""
    cited = set()
    for match in YEAR.finditer(text):
        window = _citation_window(text, match.start())
        if not window:
            continue
        for key in keys:
            if key.year_label == match.group() and any(_name_in(name, window) for name in key.names):
                cited.add(key.doc_id)
    return cited


def later_citations(text: str, doc_id: str, keys: list[CorpusKey]) -> list[str]:
    """Corpus documents cited in ``text`` that were not published before document ``doc_id``."""
    by_id = {key.doc_id: key for key in keys}
    own = by_id[doc_id]
    cited = cited_documents(text, keys) - {doc_id}
    return sorted(cited_id for cited_id in cited if by_id[cited_id].order >= own.order)


def visible_start(path: Path) -> str:
    """The beginning of what a reader sees in the document, whitespace collapsed, lower-cased."""
    if path.suffix == ".pdf":
        with pdfplumber.open(path) as pdf:
            text = pdf.pages[0].extract_text() or ""
        text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)  # words hyphenated across line ends
    elif path.suffix in (".html", ".htm"):
        soup = BeautifulSoup(path.read_bytes(), "lxml")
        # Site navigation and header precede the article on a web page; the article is the "top".
        container = soup.find("main") or soup.find("article") or soup.body or soup
        text = container.get_text(" ")
    else:
        text = path.read_text(encoding="utf-8")
    text = unicodedata.normalize("NFKC", text)  # ligature glyphs (U+FB01/U+FB02) back to letters
    return " ".join(text.split()).lower()


KEYS = corpus_keys(ROWS)


def test_manifest_is_the_default_corpus() -> None:
    assert len(ROWS) == 19, "the default corpus holds the 19 documents the review cites by key"


@pytest.mark.parametrize("row", ROWS, ids=[row["doc_id"] for row in ROWS])
def test_every_manifest_row_has_its_document(row: dict[str, str]) -> None:
    document = CORPUS / row["file"]
    assert document.is_file(), f"{row['file']} is missing: render it with scripts/render_surrogates.py {row['doc_id']}"
    assert document.stat().st_size > 0, f"{row['file']} is empty"
    if row["surrogate"] == "true":
        source = CORPUS / "surrogates" / f"{row['doc_id']}.md"
        assert source.is_file(), f"surrogate source {source.relative_to(REPO_ROOT)} is missing"


@pytest.mark.parametrize("row", SURROGATE_ROWS, ids=[row["doc_id"] for row in SURROGATE_ROWS])
def test_surrogate_says_so_at_the_top(row: dict[str, str]) -> None:
    document = CORPUS / row["file"]
    if not document.is_file():
        pytest.fail(f"{row['file']} is missing")
    start = visible_start(document)
    position = start.find(NOTICE)
    assert 0 <= position <= NOTICE_WITHIN, (
        f"{row['file']}: the surrogate notice is not at the top (found at {position}); document starts: {start[:200]!r}"
    )
    assert "not the original" in start[: position + 600]


@pytest.mark.parametrize("row", SURROGATE_ROWS, ids=[row["doc_id"] for row in SURROGATE_ROWS])
def test_surrogate_cites_only_earlier_corpus_documents(row: dict[str, str]) -> None:
    source = CORPUS / "surrogates" / f"{row['doc_id']}.md"
    if not source.is_file():
        pytest.fail(f"surrogate source {source.relative_to(REPO_ROOT)} is missing")
    later = later_citations(source.read_text(encoding="utf-8"), row["doc_id"], KEYS)
    assert not later, f"{source.name} ({row['year']}{row['year_suffix']}) cites documents that are not earlier: {later}"


# The matcher above decides what the last test sees, so it is tested on the forms the surrogates use.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "reviews (Clawson et al., 2008, 2009; International Organization for Migration [IOM], 2009).",
            {"clawson2008", "clawson2009", "iom2009"},
        ),
        ("(Clawson & Dutch, 2008a; Clawson & Dutch, 2008b)", {"clawson_dutch2008a", "clawson_dutch2008b"}),
        ("Raymond and Hughes (2001) found", {"raymond_hughes2001"}),
        ("in Eastern Europe (Tzvetcova, 2002).", {"tzvetkova2002"}),
        ("elsewhere (Spangenburg, 2002; R.I.P.P.L.E., 2007).", {"spangenberg2002", "ripple2007"}),
        ("Clawson, H. J., Dutch, N., Salomon, A., & Grace, L. G. (2009). Human trafficking", {"clawson2009"}),
        (
            "(Wisconsin Coalition Against Sexual Assault & Wisconsin Coalition Against Domestic Violence "
            "[WCASA/WCADV], 2007)",
            {"wcasa2007"},
        ),
        ("(M. Lee, personal communication, April 2008)", set()),
        ("Between 2007 and 2008 we interviewed Aron and Caliber staff.", set()),
        ("(Aron et al., 2007)", set()),
        ("(Hodge, 2008; Herman, 1992)", {"hodge2008"}),
    ],
)
def test_citation_matcher(text: str, expected: set[str]) -> None:
    assert cited_documents(text, KEYS) == expected


def test_later_citations_flags_same_year_and_later_documents() -> None:
    text = "As before (Aron et al., 2006; Hodge, 2008), and see Clawson and colleagues (2009).\n"
    assert later_citations(text, "clawson2008", KEYS) == ["clawson2009", "hodge2008"]
    assert later_citations(text, "vssls2010", KEYS) == []
    # a and b of one year are ordered by their suffix
    assert later_citations("(Clawson & Dutch, 2008b)", "clawson_dutch2008a", KEYS) == ["clawson_dutch2008b"]
    assert later_citations("(Clawson & Dutch, 2008a)", "clawson_dutch2008b", KEYS) == []
