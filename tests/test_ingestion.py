"""Ingestion of text and HTML documents, the record's shape, and the offset lookups."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reviewflow.ingest.document import heading_role, ingest_file, page_of, section_of, sniff_format
from reviewflow.ingest.normalize import Vocabulary, join_lines, normalize_chars

REPORT_TXT = """\
Aftercare Services for Trafficking Survivors: A Practice Note

This note summarizes what providers told us about aftercare.

1. Introduction

Survivors need services that change over time. Providers de-
scribed a continuum of care across phases, and all of them stressed
trauma-
informed care delivered by trained staff.

RECOMMENDED PRACTICES
\u2022 Begin with a comprehensive needs assessment
\u2022 Ensure safety and confidentiality at every contact,
  including in shared shelters
- Use qualified interpreters
* Offer culturally appropriate food
2) Refer to legal advocacy

Agencies should not coerce disclosure of the trafficking experience.
The survivor sets the pace.

References

Smith, J. (2009). Serving survivors. Journal of Aftercare, 3, 1\u201310.
Jones, K. (2010). Shelter models. Washington, DC: Example Press.

Acknowledgements

We thank the ﬁeld staff who reviewed the ﬂow of this note.
"""

REPORT_HTML = """<!DOCTYPE html>
<html><head><title>Site title | Agency</title><style>body {color: red}</style>
<script>console.log("tracking")</script></head>
<body>
<header><div class="logo">Agency logo text</div></header>
<nav><ul><li>Home</li><li>Publications</li></ul></nav>
<main>
<h1>Services for Survivors of Human Trafficking</h1>
<p>Providers should offer <em>emergency shelter</em> and basic necessities
within the first days.</p>
<h2>Mental health</h2>
<p>Counseling should be trauma-informed.<br><br>Staff should avoid re-traumatization.</p>
<ol><li>Screen for PTSD</li><li>Refer to long-term counseling</li></ol>
<div aria-hidden="true">hidden widget</div>
<h3>Works Cited</h3>
<p>Clawson, H. (2006). Needs assessment.</p>
</main>
<footer>Contact us | Privacy policy</footer>
</body></html>
"""


def _texts(doc: dict, kind: str | None = None) -> list[str]:
    return [doc["text"][b["start"] : b["end"]] for b in doc["blocks"] if kind is None or b["kind"] == kind]


def _check_shape(doc: dict) -> None:
    """The invariants of docs/data-contracts.md for a successfully ingested document."""
    assert set(doc) == {"doc_id", "source", "format", "text", "pages", "blocks", "sections", "quality"}
    text = doc["text"]
    blocks = doc["blocks"]
    assert blocks and blocks[0]["start"] == 0 and blocks[-1]["end"] == len(text)
    for before, after in itertools.pairwise(blocks):
        assert text[before["end"] : after["start"]] == "\n\n"
    for block in blocks:
        assert block["kind"] in {"heading", "paragraph", "list_item", "notice"}
        assert ("level" in block) == (block["kind"] == "heading")
        assert text[block["start"] : block["end"]].strip() == text[block["start"] : block["end"]]
    sections = doc["sections"]
    assert sections[0]["start"] == 0 and sections[-1]["end"] == len(text)
    for before, after in itertools.pairwise(sections):
        assert before["end"] == after["start"] and before["name"] != after["name"]
    assert {s["name"] for s in sections} <= {"front_matter", "body", "references"}
    quality = doc["quality"]
    assert quality["status"] in {"ok", "warning"}
    assert quality["chars_per_page"] == [p["chars"] for p in doc["pages"]]
    for page in doc["pages"]:
        assert page["end"] - page["start"] == page["chars"]


def test_text_file_blocks_sections_and_hyphenation(tmp_path: Path) -> None:
    path = tmp_path / "note2011.txt"
    path.write_text(REPORT_TXT, encoding="utf-8")
    doc = ingest_file(path, doc_id="note2011")
    _check_shape(doc)
    assert doc["doc_id"] == "note2011" and doc["format"] == "txt" and doc["quality"]["status"] == "ok"
    headings = _texts(doc, "heading")
    assert headings == [
        "Aftercare Services for Trafficking Survivors: A Practice Note",
        "1. Introduction",
        "RECOMMENDED PRACTICES",
        "References",
        "Acknowledgements",
    ]
    assert [b["level"] for b in doc["blocks"] if b["kind"] == "heading"] == [1, 1, 1, 2, 2]
    assert _texts(doc, "list_item") == [
        "Begin with a comprehensive needs assessment",
        "Ensure safety and confidentiality at every contact, including in shared shelters",
        "Use qualified interpreters",
        "Offer culturally appropriate food",
        "2) Refer to legal advocacy",  # numbers are kept, bullet glyphs dropped
    ]
    text = doc["text"]
    assert "Providers described a continuum" in text  # line-break hyphen removed
    assert "stressed trauma-informed care" in text  # real hyphen kept
    assert "the field staff who reviewed the flow" in text  # ligatures
    assert "Agencies should not coerce disclosure of the trafficking experience. The survivor sets the pace." in text
    names = [s["name"] for s in doc["sections"]]
    assert names == ["front_matter", "body", "references", "front_matter"]
    refs = next(s for s in doc["sections"] if s["name"] == "references")
    assert text[refs["start"] : refs["end"]].startswith("References\n\nSmith, J. (2009)")
    assert text[refs["start"] : refs["end"]].rstrip().endswith("Example Press.")
    # Front matter is the title only: the report has no abstract, so its first paragraph is content.
    assert section_of(doc, text.index("This note summarizes")) == "body"
    assert section_of(doc, 0) == "front_matter"
    assert section_of(doc, text.index("Jones, K.")) == "references"
    assert section_of(doc, text.index("We thank")) == "front_matter"


def test_html_drops_boilerplate_and_maps_tags(tmp_path: Path) -> None:
    path = tmp_path / "agency2008.html"
    path.write_text(REPORT_HTML, encoding="utf-8")
    doc = ingest_file(path)
    _check_shape(doc)
    assert doc["doc_id"] == "agency2008" and doc["format"] == "html"
    text = doc["text"]
    for boilerplate in (
        "Agency logo",
        "Publications",
        "tracking",
        "color: red",
        "Privacy policy",
        "hidden widget",
        "Site title",
    ):
        assert boilerplate not in text
    assert [(b["kind"], b.get("level")) for b in doc["blocks"] if b["kind"] == "heading"] == [
        ("heading", 1),
        ("heading", 2),
        ("heading", 3),
    ]
    assert _texts(doc, "list_item") == ["Screen for PTSD", "Refer to long-term counseling"]
    assert "Providers should offer emergency shelter and basic necessities within the first days." in _texts(
        doc, "paragraph"
    )
    assert "Counseling should be trauma-informed." in _texts(doc, "paragraph")
    assert "Staff should avoid re-traumatization." in _texts(doc, "paragraph")
    assert [s["name"] for s in doc["sections"]] == ["front_matter", "body", "references"]
    assert section_of(doc, text.index("Clawson")) == "references"


def test_html_drops_menus_written_as_plain_links_but_keeps_text_with_links(tmp_path: Path) -> None:
    path = tmp_path / "state2010.html"
    path.write_text(
        "<html><body><div><a href='/'>Home</a> <a href='/i'>Issues &amp; Press</a> <a href='/t'>Travel</a> "
        "<a href='/c'>Careers</a></div>"
        "<h1>Services for survivors</h1>"
        "<p>Providers should offer <a href='/h'>safe housing</a> and <a href='/l'>legal aid</a> to every survivor "
        "who asks, with an <a href='/i'>interpreter</a> where needed.</p>"
        "<ul><li><a href='/a'>Fact sheets</a></li><li><a href='/b'>Hotline</a></li><li><a href='/c'>Grants</a></li></ul>"
        "<ol><li>Aron, L. (2006). <a href='/r'>Services for survivors</a>. Urban Institute, Washington, DC.</li>"
        "<li>Caliber (2007). <a href='/s'>Evaluation</a>. Caliber Associates, Fairfax, Virginia.</li>"
        "<li>Hodge, D. (2008). <a href='/t'>Sexual trafficking</a>. Social Work 53, 143-152.</li></ol>"
        "</body></html>",
        encoding="utf-8",
    )
    text = ingest_file(path)["text"]
    assert "Travel" not in text and "Careers" not in text and "Hotline" not in text
    assert "Providers should offer safe housing and legal aid to every survivor" in text
    assert "Urban Institute" in text and "Social Work 53" in text


def test_form_feeds_are_pages_and_page_of_bisects(tmp_path: Path) -> None:
    path = tmp_path / "paged.txt"
    path.write_text("First page text.\n\nMore on page one.\f\f Third page starts here.\n\fFourth.\f", encoding="utf-8")
    doc = ingest_file(path)
    _check_shape(doc)
    assert doc["quality"]["n_pages"] == 4
    assert [p["has_text_layer"] for p in doc["pages"]] == [True, False, True, True]
    text = doc["text"]
    assert page_of(doc, 0) == 1
    assert page_of(doc, text.index("More on")) == 1
    assert page_of(doc, text.index("Third")) == 3  # the empty page 2 is skipped
    assert page_of(doc, text.index("Fourth")) == 4
    assert page_of(doc, len(text) - 1) == 4
    assert page_of({"pages": []}, 5) == 0


def test_cli_writes_the_record(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(REPORT_TXT, encoding="utf-8")
    out = tmp_path / "out" / "note.json"
    result = subprocess.run(
        [sys.executable, "-m", "reviewflow", "ingest", str(path), "--out", str(out), "--doc-id", "note2011"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    first = out.read_bytes()
    assert json.loads(first)["doc_id"] == "note2011"
    subprocess.run(
        [sys.executable, "-m", "reviewflow", "ingest", str(path), "--out", str(out), "--doc-id", "note2011"],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == first  # deterministic


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("compre-", "hensive assessment", "comprehensive assessment"),
        ("trauma-", "informed care", "trauma-informed care"),
        ("non-", "English speakers", "non-English speakers"),
        ("from 1990-", "1995", "from 1990-1995"),
        ("ser-", "vices", "services"),
        ("long-", "term care", "long-term care"),
    ],
)
def test_join_lines_hyphenation(left: str, right: str, expected: str) -> None:
    assert join_lines([left, right], Vocabulary()) == expected


def test_document_words_decide_hyphens() -> None:
    # `hashing` is not in the lexicon; the document writing it whole decides the join.
    vocab = Vocabulary.from_lines(["locality sensitive hashing is fast", "a well-known method"])
    assert join_lines(["sensitive hash-", "ing works"], vocab) == "sensitive hashing works"
    assert join_lines(["a well-", "known method"], vocab) == "a well-known method"


def test_normalize_chars_is_safe() -> None:
    assert normalize_chars("ﬁnd ﬂow eﬀect oﬃce baﬄe\u00a0x") == "find flow effect office baffle x"
    assert normalize_chars("care\u00b2 \u00bd") == "care\u00b2 \u00bd"  # superscripts and fractions untouched
    assert normalize_chars("soft\u00adhyphen") == "softhyphen"


def test_sniff_and_heading_roles() -> None:
    assert sniff_format(b"%PDF-1.7\n...") == "pdf"
    assert sniff_format(b"\n<!DOCTYPE html><html>") == "html"
    assert sniff_format(b"<div><p>x</p></div>") == "html"
    assert sniff_format(b"Plain words < and > signs") == "txt"
    assert sniff_format(b"PK\x03\x04rest") is None
    assert heading_role("7. References") == "references"
    assert heading_role("REFERENCE LIST") == "references"
    assert heading_role("Literature Cited:") == "references"
    assert heading_role("Appendix A: Screening tool") == "back_to_body"
    assert heading_role("Acknowledgments") == "non_content"
    assert heading_role("References to shelters") is None


def test_html_reads_the_main_element_only(tmp_path: Path) -> None:
    page = """<html><body><a class="skip-link" href="#c">Skip to main content</a>
    <div class="site-banner">Agency name and slogan</div>
    <main id="c"><h1>Safety planning</h1><p>Plan for the safety of staff and clients alike.</p>
    <p>Never publish the shelter's address.</p><span class="sr-only">Opens in a new window</span></main>
    <div class="related">Related: donate today</div></body></html>"""
    path = tmp_path / "agency.html"
    path.write_text(page, encoding="utf-8")
    doc = ingest_file(path)
    assert doc["text"] == (
        "Safety planning\n\nPlan for the safety of staff and clients alike.\n\nNever publish the shelter's address."
    )


def test_html_article_header_pre_and_markdown(tmp_path: Path) -> None:
    page = """<html><body><header>Site banner</header><article><header><h1>Shelter guide</h1>
    <p class="byline">By the coalition</p></header><pre>
Emergency shelter should be safe and dis-
creet.

  - separate from domestic violence shelters
  - quiet space to rest
</pre></article></body></html>"""
    path = tmp_path / "guide.html"
    path.write_text(page, encoding="utf-8")
    doc = ingest_file(path)
    assert _texts(doc) == [
        "Shelter guide",
        "By the coalition",
        "Emergency shelter should be safe and discreet.",
        "separate from domestic violence shelters",
        "quiet space to rest",
    ]
    assert [b["kind"] for b in doc["blocks"]] == ["heading", "paragraph", "paragraph", "list_item", "list_item"]
    markdown = tmp_path / "notes.md"
    markdown.write_text("# Notes on care\n\n## Housing\n\nProvide transitional housing.\n", encoding="utf-8")
    doc = ingest_file(markdown)
    assert [(b["kind"], b.get("level")) for b in doc["blocks"]] == [("heading", 1), ("heading", 2), ("paragraph", None)]
    assert doc["text"] == "Notes on care\n\nHousing\n\nProvide transitional housing."


def test_unwrapped_text_has_one_paragraph_per_line(tmp_path: Path) -> None:
    long_line = (
        "Programs should offer survivors a safe place to stay during the first days after they leave the "
        "trafficking situation, and should explain every option in the survivor's own language."
    )
    path = tmp_path / "web_copy.txt"
    path.write_text(f"Safety Planning\n{long_line}\n{long_line.replace('Programs', 'Agencies')}\n", encoding="utf-8")
    doc = ingest_file(path)
    assert [b["kind"] for b in doc["blocks"]] == ["heading", "paragraph", "paragraph"]
    assert _texts(doc)[2].startswith("Agencies should offer")


def test_real_text_excerpt(shared_dir: Path) -> None:
    path = shared_dir / "texts" / "hhs-aspe-2009-promising-services-excerpt.txt"
    if not path.exists():
        pytest.skip("the HHS excerpt is not in ../shared/texts")
    doc = ingest_file(path)
    assert doc["quality"]["status"] == "ok"
    headings = _texts(doc, "heading")
    assert headings[0].startswith("Human Trafficking Into and Within the United States")
    for expected in ("Components of Promising Services/Strategies", "Safety Planning", "Trauma-Informed Programming"):
        assert expected in headings
    items = _texts(doc, "list_item")
    assert "Incorporate safety planning (for staff and client)" in items
    assert "Establish trauma-informed programming" in items
    assert section_of(doc, doc["text"].index("Physical and emotional safety")) == "body"
