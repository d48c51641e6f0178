"""Ingestion of the real two-column papers in ../shared/pdfs (skipped where ../shared is absent).

The phrases below were picked by reading the PDFs: each runs across a column break, a page break
or a place where the PDF has no space characters.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviewflow.ingest.document import ingest_file, page_of, section_of

ACL2007 = "acl2007-P07-1088.pdf"
ACL2014 = "acl2014-dinu-baroni-P14-1059.pdf"
BMC2010 = "bmc2010-datta-dvt-systematic-review.pdf"

_CACHE: dict[str, dict] = {}


def _ingest(shared_pdfs: dict[str, Path], name: str) -> dict:
    if name not in shared_pdfs:
        pytest.skip(f"{name} is not in ../shared/pdfs")
    if name not in _CACHE:
        _CACHE[name] = ingest_file(shared_pdfs[name], source=f"documents/{name}")
    return _CACHE[name]


def _section_text(doc: dict, name: str) -> str:
    return "".join(doc["text"][s["start"] : s["end"]] for s in doc["sections"] if s["name"] == name)


@pytest.mark.parametrize(("name", "pages"), [(ACL2007, 8), (ACL2014, 10), (BMC2010, 4)])
def test_real_pdfs_ingest_cleanly(shared_pdfs: dict[str, Path], name: str, pages: int) -> None:
    doc = _ingest(shared_pdfs, name)
    quality = doc["quality"]
    assert quality["status"] == "ok", quality["messages"]
    assert quality["n_pages"] == pages and len(doc["pages"]) == pages
    assert quality["pages_without_text"] == []
    assert all(chars > 1000 for chars in quality["chars_per_page"])
    assert doc["format"] == "pdf" and doc["source"] == f"documents/{name}"
    # Page ranges are in order and do not overlap; every block starts on the page page_of names.
    for before, after in zip(doc["pages"], doc["pages"][1:]):
        assert before["end"] <= after["start"]
    for block in doc["blocks"]:
        assert page_of(doc, block["start"]) == block["page"]
    assert "ﬁ" not in doc["text"] and "ﬂ" not in doc["text"]


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        # left column foot -> right column head, page 1
        (ACL2007, "assess each candidate by computing co-occurrence statistics between the extraction and words"),
        # left column foot -> right column head, page 2, with "Fi-/nally" rejoined
        (ACL2014, "Finally, we show how synthesis and generation of longer phrases is handled by recursive extension"),
        (ACL2014, "Training with observed phrases, as in eq. (2), should be better"),
        # left column foot -> right column head past the correspondence footnote, page 1
        (
            BMC2010,
            "supports the use of pharmacologic anticoagulation with low molecular weight heparins (LMWHs) as the "
            "primary DVT prophylactic agent",
        ),
        (
            BMC2010,
            "they may also be left in place for permanent filtration if necessary. The versatility of the "
            "retrievable filter has virtually eliminated",
        ),
        # a numbered reference running from page 3 to page 4, and one from the left to the right column
        (BMC2010, "embolism in patients with proximal deep-vein thrombosis. Prevention du Risque"),
        (BMC2010, "Gunther Tulip Retrievable Vena Cava Filter: results from the Registry"),
    ],
)
def test_columns_are_read_in_order(shared_pdfs: dict[str, Path], name: str, phrase: str) -> None:
    doc = _ingest(shared_pdfs, name)
    assert phrase in doc["text"]


def test_sentence_continues_over_a_page_break(shared_pdfs: dict[str, Path]) -> None:
    doc = _ingest(shared_pdfs, ACL2007)
    phrase = "we employ an instance of the distributional hypothesis (Harris, 1985), which can be phrased as follows"
    start = doc["text"].index(phrase)
    assert page_of(doc, start) == 1
    assert page_of(doc, start + len(phrase) - 1) == 2


def test_author_names_are_not_glued(shared_pdfs: dict[str, Path]) -> None:
    acl = _ingest(shared_pdfs, ACL2014)
    assert "Alexandr Andoni and Piotr Indyk" in _section_text(acl, "references")
    assert "AlexandrAndoni" not in acl["text"]
    bmc = _ingest(shared_pdfs, BMC2010)
    references = _section_text(bmc, "references")
    assert "Kudsk KA, Fabian TC, Baum S, Gold RE" in references
    assert "Patton JH Jr, Fabian TC, Croce MA" in references
    assert "KudskKA" not in bmc["text"]


@pytest.mark.parametrize(
    ("name", "first_reference", "last_words"),
    [
        (ACL2007, "E. Agichtein. 2005. Extracting Relations From Large Text Collections.", None),
        (ACL2014, None, None),
        (BMC2010, "1. Kudsk KA, Fabian TC", "Surg Obes Relat Dis 2006, 2:200-12."),
    ],
)
def test_reference_section_found(
    shared_pdfs: dict[str, Path], name: str, first_reference: str | None, last_words: str | None
) -> None:
    doc = _ingest(shared_pdfs, name)
    names = [s["name"] for s in doc["sections"]]
    assert names[0] == "front_matter" and "body" in names and names.count("references") == 1
    references = _section_text(doc, "references")
    assert references.startswith("References\n\n")
    if first_reference:
        assert references.split("\n\n")[1].startswith(first_reference)
    if last_words:
        assert last_words in references
    # Nothing of the body leaks into the reference list and vice versa.
    body = _section_text(doc, "body")
    assert "Introduction" in body
    assert section_of(doc, doc["text"].index("References\n\n")) == "references"


def test_running_headers_and_page_numbers_are_removed(shared_pdfs: dict[str, Path]) -> None:
    bmc = _ingest(shared_pdfs, BMC2010)
    assert "Page 9 of 11" not in bmc["text"] and "Page 11 of 11" not in bmc["text"]
    assert "http://www.traumamanagement.org/content/4/1/1" not in bmc["text"]
    acl = _ingest(shared_pdfs, ACL2007)
    # ACL page numbers 697-703 stand alone at the foot of each page.
    assert not re.search(r"\n\n69[7-9]\n\n|\n\n70[0-3]\n\n", acl["text"])


def test_headings_front_matter_and_hyphenation(shared_pdfs: dict[str, Path]) -> None:
    acl = _ingest(shared_pdfs, ACL2007)
    headings = [acl["text"][b["start"] : b["end"]] for b in acl["blocks"] if b["kind"] == "heading"]
    assert headings[0].startswith("Sparse Information Extraction")
    for expected in ("Abstract", "1 Introduction", "2.1 System Overview", "5 Conclusions", "References"):
        assert expected in headings
    levels = {acl["text"][b["start"] : b["end"]]: b["level"] for b in acl["blocks"] if b["kind"] == "heading"}
    assert levels["1 Introduction"] < levels["2.1 System Overview"]
    front = _section_text(acl, "front_matter")
    assert "Sparse Information Extraction" in front and "Our experiments show that REALM reduces" in front
    assert section_of(acl, acl["text"].index("1 Introduction")) == "body"
    text = acl["text"]
    assert "far from infallible" in text  # in-|fallible
    assert "Indeed, 50% of the extractions" in text  # In-|deed
    assert "HMM-based and n-gram-based language models" in text  # real hyphens kept
    assert "Schütze" in text  # accent drawn as a separate character
    items = [text[b["start"] : b["end"]] for b in acl["blocks"] if b["kind"] == "list_item"]
    assert len(items) >= 4 and all(item.startswith("The paper introduces") for item in items[:4])
    bmc = _ingest(shared_pdfs, BMC2010)
    assert "heparin-induced thrombocytopenia" in bmc["text"]
    assert "Although DVT alone is not life-threatening" in bmc["text"]


@pytest.mark.parametrize(
    ("name", "notices", "continued"),
    [
        # The first-page venue footer sits under both columns while the last paragraph runs on to page 2.
        (
            ACL2007,
            (
                "Proceedings of the 45th Annual Meeting of the Association of Computational Linguistics",
                "Prague, Czech Republic, June 2007. c 2007 Association for Computational Linguistics",
            ),
            "we employ an instance of the distributional hypothesis (Harris, 1985), which can be phrased",
        ),
        (
            ACL2014,
            (
                "Proceedings of the 52nd Annual Meeting of the Association for Computational Linguistics",
                "Baltimore, Maryland, USA, June 23-25 2014. c 2014 Association for Computational Linguistics",
            ),
            None,
        ),
        (BMC2010, ("© 2010 Datta et al; licensee BioMed Central Ltd.",), "Search terms included"),
    ],
)
def test_first_page_small_print_keeps_its_page_and_leaves_the_body(
    shared_pdfs: dict[str, Path], name: str, notices: tuple[str, ...], continued: str | None
) -> None:
    doc = _ingest(shared_pdfs, name)
    text = doc["text"]
    body = _section_text(doc, "body")
    ends = []
    for notice in notices:
        start = text.index(notice)
        block = next(b for b in doc["blocks"] if b["start"] <= start < b["end"])
        assert block["kind"] == "notice" and block["start"] == start
        assert block["page"] == 1 and page_of(doc, start) == 1 and page_of(doc, block["end"] - 1) == 1
        assert section_of(doc, start) == "front_matter"
        assert notice not in body
        ends.append(block["end"])
    # Content footnotes are small print too, but stay body paragraphs.
    assert all(b["kind"] != "notice" for b in doc["blocks"] if text[b["start"] : b["start"] + 1].isdigit())
    if continued:
        # The paragraph it interrupted is still one block, from page 1 to page 2, after the notice.
        at = text.index(continued)
        paragraph = next(b for b in doc["blocks"] if b["start"] <= at < b["end"])
        assert paragraph["start"] > max(ends) and paragraph["page"] == 1 and section_of(doc, at) == "body"
        assert page_of(doc, paragraph["end"] - 1) == 2


def test_kerned_space_characters_separate_words(shared_pdfs: dict[str, Path]) -> None:
    # The BMC back-page advert sets "published immediately" with a space character only 0.9 pt wide
    # in effect, narrower than the word-gap tolerance.
    bmc = _ingest(shared_pdfs, BMC2010)
    assert "peer reviewed and published immediately upon acceptance" in bmc["text"]
    assert "publishedimmediately" not in bmc["text"]
    assert "every scientist" in bmc["text"]  # a word drawn in two pieces without a blank stays whole


def _surrogate_pdf() -> Path:
    return Path(__file__).resolve().parents[1] / "corpus" / "documents" / "aron2006.pdf"


def test_pages_that_fail_to_parse_are_not_called_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewflow.ingest import pdf as ingestion_pdf

    def broken(page, number):
        raise IndexError("list index out of range")  # what a damaged content stream does inside pdfminer

    monkeypatch.setattr(ingestion_pdf, "read_page_lines", broken)
    result = ingestion_pdf.read_pdf(_surrogate_pdf(), "documents/aron2006.pdf")
    assert result.error is not None and "none of its" in result.error and "damaged, not scanned" in result.error
    assert "OCR" not in result.error


def test_a_damaged_page_list_gets_its_own_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from pdfminer.pdfpage import PDFPage

    from reviewflow.ingest import pdf as ingestion_pdf

    def no_pages(cls, document):
        raise TypeError("'NoneType' object is not iterable")  # a page tree node without /Kids
        yield  # a generator, as pdfminer's

    monkeypatch.setattr(PDFPage, "create_pages", classmethod(no_pages))
    result = ingestion_pdf.read_pdf(_surrogate_pdf(), "documents/aron2006.pdf")
    assert result.error is not None and "list of pages is damaged (TypeError: 'NoneType'" in result.error
    assert "re-save it from a PDF viewer" in result.error


def _three_page_pdf(tmp_path: Path, page_two_box: bytes | None = None) -> Path:
    """Three pages of text; `page_two_box` replaces page 2's '/MediaBox [ ... ]' (the same length keeps
    the cross-reference offsets true)."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "three.pdf"
    pdf = canvas.Canvas(str(path), invariant=1)
    for number in (1, 2, 3):
        pdf.drawString(72, 720, f"Page {number}: programs should provide safe shelter to survivors.")
        pdf.showPage()
    pdf.save()
    data = path.read_bytes()
    box = b"/MediaBox [ 0 0 595.2756 841.8898 ]"
    if page_two_box is not None:
        first = data.index(box)
        second = data.index(box, first + 1)
        data = data[:second] + page_two_box.ljust(len(box)) + data[second + len(box) :]
        path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "box, problem",
    [
        (b"/MediaBoX [ 0 0 595.2756 841.8898 ]", "it has no page size: its /MediaBox is missing"),
        (b"/MediaBox [ 0 0 595 ]", "its page size /MediaBox is not four numbers but [0, 0, 595]"),
    ],
)
def test_a_page_with_a_damaged_size_loses_that_page_only_with_what_is_wrong(
    tmp_path: Path, box: bytes, problem: str
) -> None:
    # pdfplumber makes every page before the first is read, and a page without a usable /MediaBox
    # raised TypeError or IndexError there: "the PDF's list of pages is damaged", no page read (fuzz).
    from reviewflow.ingest import pdf as ingestion_pdf

    result = ingestion_pdf.read_pdf(_three_page_pdf(tmp_path, box), "documents/three.pdf")
    assert result.error is None
    text = " ".join(block.text for page in result.pages for block in page.blocks)
    assert "Page 1:" in text and "Page 3:" in text and "Page 2:" not in text
    assert f"documents/three.pdf: page 2 could not be read ({problem}); its text is missing" in " ".join(
        result.messages
    )
    assert not any("OCR" in message for message in result.messages)


def test_a_page_list_that_breaks_part_way_keeps_the_pages_before(tmp_path: Path) -> None:
    # pdfminer itself stops listing the pages at a /MediaBox that is not a list at all
    from reviewflow.ingest import pdf as ingestion_pdf

    result = ingestion_pdf.read_pdf(_three_page_pdf(tmp_path, b"/MediaBox 7"), "documents/three.pdf")
    assert result.error is None
    text = " ".join(block.text for page in result.pages for block in page.blocks)
    assert "Page 1:" in text and "Page 2:" not in text
    assert (
        "documents/three.pdf: the PDF's list of pages is damaged after page 1 (a page's size, /MediaBox, is not four "
        "numbers; TypeError: 'int' object is not iterable): the pages after it are not read"
    ) in " ".join(result.messages)


def test_a_page_whose_contents_fail_to_decode_names_pdfminers_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdfplumber.utils.exceptions import PdfminerException

    from reviewflow.ingest import pdf as ingestion_pdf

    original = ingestion_pdf.read_page_lines

    def page_two_damaged(page, number):
        if number == 2:  # what a garbled ASCII85 content stream raises through pdfplumber
            raise PdfminerException(ValueError("Ascii85 overflow"))
        return original(page, number)

    monkeypatch.setattr(ingestion_pdf, "read_page_lines", page_two_damaged)
    result = ingestion_pdf.read_pdf(_three_page_pdf(tmp_path), "documents/three.pdf")
    assert (
        "documents/three.pdf: page 2 could not be read (its contents: ValueError: Ascii85 overflow); its text is "
        "missing: check the page in a PDF viewer, or download the PDF again or re-save it from a PDF viewer"
    ) in result.messages
