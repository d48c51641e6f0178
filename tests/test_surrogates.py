"""The surrogate renderer: source parsing, the three writers, determinism and the committed documents."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from bs4 import BeautifulSoup

from reviewflow.corpus.surrogates import (
    NOTICE_PREFIX,
    DocumentInfo,
    SurrogateError,
    break_lines,
    hyphenation_points,
    ligate,
    load_surrogate,
    parse_surrogate,
    read_documents,
    render,
    render_corpus,
    render_html,
    render_txt,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT / "corpus"
SOURCES = sorted(p for p in (CORPUS / "surrogates").glob("*.md") if p.name != "README.md")
DOC_IDS = [p.stem for p in SOURCES]
DOCUMENTS = read_documents(CORPUS / "manifest.csv")

SAMPLE = """---
doc_id: sample2005
layout: two_column
running_header: "Sample running head"
byline: "A. Author"
txt_wrap: 60
---
# Services for survivors & their <families>

This is a surrogate text written for reviewflow from invented facts for a test; it is not the original document.

## Findings
Survivors described the first days
after leaving as frightening.

- Programs should offer counseling
  to every survivor who wants it.
- Providers must never coerce survivors to discuss the abuse.

## References
Herman, J. L. (1992). Trauma and recovery. New York: Basic Books.

Victims of Trafficking and Violence Protection Act of 2000, Pub. L. No. 106-386 (2000).
"""
SAMPLE_DOC = DocumentInfo(
    doc_id="sample2005",
    citation="Author, 2005",
    authors="Author, A.",
    year="2005",
    title="Services for survivors & their <families>",
    container="",
    file="documents/sample2005.pdf",
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every committed source rendered into a fresh folder (must succeed for all of them)."""
    out = tmp_path_factory.mktemp("rendered")
    results = render_corpus(CORPUS / "surrogates", CORPUS / "manifest.csv", out)
    assert [r.error for r in results if r.error] == []
    assert sorted(r.doc_id for r in results) == DOC_IDS
    return out


def _visible_text(path: Path) -> str:
    if path.suffix == ".pdf":
        with pdfplumber.open(path) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    elif path.suffix == ".html":
        text = BeautifulSoup(path.read_bytes(), "lxml").find("main").get_text("\n")
    else:
        text = path.read_text(encoding="utf-8")
    return " ".join(unicodedata.normalize("NFKC", text).split())


# --- the committed corpus -------------------------------------------------------------------------


def stale_documents(corpus: Path, rendered: Path, out: Path) -> list[str]:
    """Render ``corpus``'s sources again into ``out``; assert the render equals the first one in
    ``rendered``, and return the doc_ids whose committed document differs from it."""
    stale = []
    for result in render_corpus(corpus / "surrogates", corpus / "manifest.csv", out):
        assert result.path is not None
        first = (rendered / result.path.name).read_bytes()
        assert result.path.read_bytes() == first, f"{result.path.name} differs between two renders"
        committed = corpus / "documents" / result.path.name
        if not committed.is_file() or committed.read_bytes() != first:
            stale.append(result.doc_id)
    return stale


def test_rendering_is_byte_identical_and_equals_the_committed_documents(rendered: Path, tmp_path: Path) -> None:
    stale = stale_documents(CORPUS, rendered, tmp_path)
    assert stale == [], f"rerender and commit: python scripts/render_surrogates.py {' '.join(stale)}"


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_rendered_document_starts_with_the_surrogate_notice(rendered: Path, doc_id: str) -> None:
    source = load_surrogate(CORPUS / "surrogates" / f"{doc_id}.md")
    path = rendered / f"{doc_id}.{DOCUMENTS[doc_id].extension}"
    text = _visible_text(path).lower()  # TXT headings may be upper-cased
    notice = text.find(NOTICE_PREFIX.lower())
    first_heading = next(b.text for b in source.blocks if b.kind == "heading").lower()
    assert 0 <= notice < text.find(first_heading), f"{path.name}: the notice is not the first paragraph"
    assert 0 <= text.find(source.title.split(":")[0].lower()) < notice  # the title comes first


@pytest.mark.parametrize("doc_id", [d for d in DOC_IDS if DOCUMENTS[d].extension == "pdf"])
def test_pdf_has_one_to_four_pages_each_with_running_header_and_number(rendered: Path, doc_id: str) -> None:
    source = load_surrogate(CORPUS / "surrogates" / f"{doc_id}.md")
    with pdfplumber.open(rendered / f"{doc_id}.pdf") as pdf:
        assert 1 <= len(pdf.pages) <= 4
        for number, page in enumerate(pdf.pages, start=1):
            assert (page.width, page.height) == (612, 792)  # US letter
            lines = unicodedata.normalize("NFKC", page.extract_text()).splitlines()
            assert lines[0] == unicodedata.normalize("NFKC", source.running_header)
            assert lines[-1] == str(number)


def test_two_column_pdf_has_a_gutter_and_ligature_glyphs(rendered: Path) -> None:
    with pdfplumber.open(rendered / "hodge2008.pdf") as pdf:
        # Page 2 has no full-width title block, only the two columns between header and footer.
        page = pdf.pages[1]
        body = [w for w in page.extract_words() if 80 < w["top"] < 720]
        chars = {c["text"] for c in pdf.pages[0].chars}
    starts = sorted({round(w["x0"]) for w in body})
    middle = 306
    assert any(x < middle - 100 for x in starts) and any(middle + 10 < x < middle + 40 for x in starts)
    assert not any(w["x0"] < middle + 8 and w["x1"] > middle - 8 for w in body), "a word crosses the gutter"
    assert {"\ufb01", "\ufb02"} <= chars


def test_pdfs_hyphenate_some_words_across_line_ends(rendered: Path) -> None:
    broken = []
    for pdf_path in sorted(rendered.glob("*.pdf")):
        with pdfplumber.open(pdf_path) as pdf:
            for page in pdf.pages:
                broken += re.findall(r"([a-z]{5,})-\n([a-z]{5,})", unicodedata.normalize("NFKC", page.extract_text()))
    assert len(broken) >= 5
    assert all(len(head) >= 5 and len(tail) >= 5 for head, tail in broken)


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_source_keeps_the_format_rules(doc_id: str) -> None:
    source = load_surrogate(CORPUS / "surrogates" / f"{doc_id}.md")
    assert source.title == DOCUMENTS[doc_id].expected_title
    kinds = [b.kind for b in source.blocks]
    assert "reference" in kinds and kinds.index("reference") > kinds.index("heading")
    assert 400 <= sum(len(b.text.split()) for b in source.blocks) <= 1400


# --- parser --------------------------------------------------------------------------------------


def test_parser_joins_lines_list_continuations_and_splits_references() -> None:
    surrogate = parse_surrogate(SAMPLE, "sample2005.md")
    assert surrogate.layout == "two_column" and surrogate.txt_wrap == 60 and surrogate.byline == "A. Author"
    kinds = [(b.kind, b.text) for b in surrogate.blocks]
    assert kinds[1] == ("heading", "Findings")
    assert kinds[2] == ("paragraph", "Survivors described the first days after leaving as frightening.")
    assert kinds[3] == ("list_item", "Programs should offer counseling to every survivor who wants it.")
    assert [k for k, _ in kinds[-2:]] == ["reference", "reference"]
    assert surrogate.blocks[3].line == 16


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        (SAMPLE.replace("---\ndoc_id", "doc_id", 1), "does not start with a '---'"),
        (SAMPLE.replace("txt_wrap: 60", "wrap: 60"), "unknown front-matter key(s) wrap"),
        (SAMPLE.replace("layout: two_column", "layout: three_column"), "layout 'three_column' is not known"),
        (
            SAMPLE.replace("This is a surrogate text", "This text"),
            "line 10: the first paragraph is not the surrogate notice",
        ),
        (SAMPLE.replace("## Findings", "# Findings"), "line 12: a second '# ' title"),
        (SAMPLE.replace("Herman, J. L.", "- Herman, J. L."), "line 21: a list item inside the References section"),
    ],
)
def test_parser_errors_name_file_line_problem_and_fix(broken: str, problem: str) -> None:
    with pytest.raises(SurrogateError) as caught:
        parse_surrogate(broken, "corpus/surrogates/sample2005.md")
    message = str(caught.value)
    assert message.startswith("corpus/surrogates/sample2005.md")
    assert problem in message and "Fix:" in message


def test_title_must_match_the_manifest() -> None:
    surrogate = parse_surrogate(SAMPLE, "sample2005.md")
    untitled = DocumentInfo("sample2005", "Author, 2005", "Author, A.", "2005", "", "", "documents/sample2005.txt")
    with pytest.raises(SurrogateError, match="write '# Surrogate for Author, 2005'"):
        render(surrogate, untitled)


def test_one_bad_source_does_not_stop_the_rest(tmp_path: Path) -> None:
    sources = tmp_path / "surrogates"
    sources.mkdir()
    (sources / "coonan2004.md").write_text((CORPUS / "surrogates" / "coonan2004.md").read_text(encoding="utf-8"))
    (sources / "fcadv2004.md").write_text("# no front matter\n", encoding="utf-8")
    results = render_corpus(
        sources, CORPUS / "manifest.csv", tmp_path / "out", ["fcadv2004", "coonan2004", "nosuch2000"]
    )
    assert [(r.doc_id, bool(r.error)) for r in results] == [
        ("fcadv2004", True),
        ("coonan2004", False),
        ("nosuch2000", True),
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["coonan2004.txt"]


# --- writers -------------------------------------------------------------------------------------


def test_line_breaking_hyphenates_between_syllables_and_at_real_hyphens() -> None:
    assert hyphenation_points("transportation") == [5, 8]  # trans|por|tation
    assert all(5 <= p <= len("transportation") - 5 for p in hyphenation_points("transportation"))
    assert hyphenation_points("Washington") == [] and hyphenation_points("short") == []
    width = len("the services are trauma-") + 1  # one unit per character
    lines = break_lines("the services are trauma-informed and survivor-centred", len, width)
    assert lines[0].words[-1] == "trauma-" and lines[1].words[0] == "informed"
    lines = break_lines("victims need transportation", len, len("victims need transpor-") + 1)
    assert lines[0].words[-1] == "transpor-" and lines[1].words == ["tation"]
    assert ligate("confidential flows") == "con\ufb01dential \ufb02ows"


def test_html_is_a_complete_escaped_page() -> None:
    page = render_html(parse_surrogate(SAMPLE, "sample2005.md"), SAMPLE_DOC)
    soup = BeautifulSoup(page, "lxml")
    assert soup.find("meta", charset="utf-8") is not None
    assert len(soup.select("header nav a")) >= 5
    assert soup.select_one("main h1").get_text() == "Services for survivors & their <families>"
    assert "&lt;families&gt;" in page and "<families>" not in page
    assert next(li.get_text() for li in soup.select("main ul li")).startswith("Programs should offer counseling")
    footer = soup.find("footer").get_text(" ")
    assert "Contact us" in footer and "©" in footer


def test_txt_wraps_and_marks_list_items() -> None:
    text = render_txt(parse_surrogate(SAMPLE, "sample2005.md"), SAMPLE_DOC)
    assert max(len(line) for line in text.splitlines()) <= 60
    assert "\nFINDINGS\n" in text
    assert "\n• Programs should offer counseling to every survivor who\n  wants it.\n• Providers" in text
    unwrapped = render_txt(parse_surrogate(SAMPLE.replace("txt_wrap: 60\n", ""), "s.md"), SAMPLE_DOC)
    assert "\nSurvivors described the first days after leaving as frightening.\n" in unwrapped
