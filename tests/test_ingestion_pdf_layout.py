"""PDF layout on synthetic two-column pages (made with reportlab at test time, no ../shared needed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from reviewflow.ingest.document import ingest_file, page_of, section_of

_SPEC = importlib.util.spec_from_file_location(
    "ingestion_documents", Path(__file__).parent / "fixtures" / "ingestion" / "documents.py"
)
documents = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(documents)  # type: ignore[union-attr]

FILLER_LEFT = [f"Left column filler line number {n} about shelter." for n in range(1, 30)]
FILLER_RIGHT = [f"Right column filler line number {n} about housing." for n in range(1, 30)]


def _paper(tmp_path: Path) -> Path:
    left1 = [
        "Survivors of trafficking need a continuum of",
        "care that changes over time, and the review",
        *FILLER_LEFT,
        "Providers should offer a compre-",
    ]
    right1 = [
        "hensive needs assessment at intake and a",
        "trauma-",
        "informed approach at every contact.",
        *FILLER_RIGHT,
    ]
    left2 = ["References", "Kudsk KA, Fabian TC, Baum S: Silent thrombosis.", *FILLER_LEFT[:5]]
    right2 = FILLER_RIGHT[:5]
    return documents.two_column_pdf(
        tmp_path / "paper.pdf",
        [(left1, right1), (left2, right2)],
        title="Aftercare Services for Survivors",
        header="Journal of Aftercare Studies 2011, 3:1",
        spaceless=["Kudsk KA, Fabian TC, Baum S: Silent thrombosis."],
    )


def test_two_columns_headers_and_hyphens(tmp_path: Path) -> None:
    doc = ingest_file(_paper(tmp_path), source="documents/paper.pdf")
    assert doc["quality"]["status"] == "ok", doc["quality"]["messages"]
    text = doc["text"]
    # Full-width title first, then the left column, then the right one.
    assert text.startswith("Aftercare Services for Survivors\n\n")
    assert "need a continuum of care that changes over time" in text
    assert text.index("Left column filler line number 29") < text.index("Right column filler line number 1 ")
    # Left foot -> right head, with the line-break hyphen removed and the real one kept.
    assert "Providers should offer a comprehensive needs assessment at intake and a trauma-informed approach" in text
    # Running header and page numbers are gone.
    assert "Journal of Aftercare Studies" not in text
    assert "\n\n1\n\n" not in text and not text.endswith("\n\n2")
    # Words drawn without space characters are still separate words.
    assert "Kudsk KA, Fabian TC, Baum S: Silent thrombosis." in text
    assert page_of(doc, text.index("Kudsk")) == 2
    assert [s["name"] for s in doc["sections"]][-1] == "references"


def test_deterministic_output(tmp_path: Path) -> None:
    path = _paper(tmp_path)
    assert ingest_file(path) == ingest_file(path)


def test_first_line_indents_and_hanging_references(tmp_path: Path) -> None:
    lines = [
        "Shelter models for survivors",
        "",
        "      Emergency shelter should be separate from domestic violence shelters and",
        "offer a quiet place to rest, with space that suits children as well as adults in",
        "the household.",
        "      Transitional housing follows, and programs should plan the move to",
        "permanent housing early, before the survivor leaves the emergency shelter.",
        "",
        "References",
        "Clawson, H. J., & Dutch, N. (2008). Case management and the victim of human",
        "      trafficking: A critical service for client success. U.S. Department of",
        "      Health and Human Services.",
        "Raymond, J. G., & Hughes, D. M. (2001). Sex trafficking of women in the United",
        "      States. Coalition Against Trafficking in Women.",
    ]
    doc = ingest_file(documents.text_pdf(tmp_path / "styles.pdf", [lines]))
    paragraphs = [doc["text"][b["start"] : b["end"]] for b in doc["blocks"] if b["kind"] != "heading"]
    # The title is in the body font, so it stays a paragraph; it is still a block of its own.
    assert paragraphs[1:] == [
        "Emergency shelter should be separate from domestic violence shelters and offer a quiet place to rest, "
        "with space that suits children as well as adults in the household.",
        "Transitional housing follows, and programs should plan the move to permanent housing early, before "
        "the survivor leaves the emergency shelter.",
        "Clawson, H. J., & Dutch, N. (2008). Case management and the victim of human trafficking: A critical "
        "service for client success. U.S. Department of Health and Human Services.",
        "Raymond, J. G., & Hughes, D. M. (2001). Sex trafficking of women in the United States. Coalition Against "
        "Trafficking in Women.",
    ]
    assert paragraphs[0] == "Shelter models for survivors"
    assert [s["name"] for s in doc["sections"]] == ["body", "references"]


# ------------------------------------------------------------------ small print, spaces, bylines
LEFT_X, RIGHT_X = 72.0, 324.0  # two 216 pt columns with a 36 pt gutter on a letter page


def _filler(side: str, n: int) -> list[str]:
    return [f"{side} column sentence {k} says survivors need safe shelter." for k in range(1, n + 1)]


def test_page_foot_small_print_keeps_its_page_and_notices_leave_the_body(tmp_path: Path) -> None:
    run, column = documents.Run, documents.column
    page1 = [
        run(150, 80, "Aftercare Services for Survivors of Trafficking", "Times-Bold", 16),
        *column(LEFT_X, 120, _filler("Left", 36)),
        *column(RIGHT_X, 120, [*_filler("Right", 33), "Case managers should coordinate legal and"]),
        # a content footnote at the right column's foot, then a full-width venue footer
        *column(RIGHT_X, 560, ["1 Interviews took place in three cities."], size=8, leading=9),
        *column(
            100,
            700,
            [
                "Proceedings of the Third Workshop on Survivor Aftercare, pages 1-8, Springfield,",
                "June 2011. © 2011 Association for Aftercare Research",
            ],
            size=8,
            leading=9,
        ),
    ]
    page2 = [
        *column(LEFT_X, 72, ["medical care across every phase of recovery.", *_filler("Left", 35)]),
        *column(RIGHT_X, 72, _filler("Right", 36)),
    ]
    doc = ingest_file(documents.runs_pdf(tmp_path / "venue.pdf", [page1, page2]))
    assert doc["quality"]["status"] == "ok", doc["quality"]["messages"]
    text = doc["text"]
    blocks = {text[b["start"] : b["end"]]: b for b in doc["blocks"]}
    # The paragraph still runs over the page break, as one block ...
    sentence = "Case managers should coordinate legal and medical care across every phase of recovery."
    paragraph = next(b for t, b in blocks.items() if sentence in t)
    assert paragraph["page"] == 1 and page_of(doc, paragraph["end"] - 1) == 2
    # ... and the small print it ran past stays on page 1 (before it), where the PDF has it.
    footnote = blocks["1 Interviews took place in three cities."]
    footer = [b for t, b in blocks.items() if t.startswith(("Proceedings of the Third", "June 2011. ©"))]
    for block in [footnote, *footer]:
        assert block["page"] == 1 and page_of(doc, block["start"]) == 1 and page_of(doc, block["end"] - 1) == 1
        assert block["end"] < paragraph["start"]
    for block in doc["blocks"]:
        assert page_of(doc, block["start"]) == block["page"]
    # The venue footer is a notice, outside the body; the footnote is content.
    assert footer and all(b["kind"] == "notice" and section_of(doc, b["start"]) == "front_matter" for b in footer)
    assert footnote["kind"] == "paragraph" and section_of(doc, footnote["start"]) == "body"
    assert section_of(doc, paragraph["start"]) == "body"


def test_space_characters_narrower_than_the_word_gap_still_separate_words(tmp_path: Path) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    run = documents.Run
    lead = "Providers use a trauma"
    lines = [
        run(
            72, 100, "Programs are peer reviewed and published immediately upon acceptance.", size=7, space_advance=0.1
        ),
        # a word whose ending is set in italics, with no space character: one word
        run(72, 120, lead),
        run(72 + stringWidth(lead, "Times-Roman", 10), 120, "tic", "Times-Italic"),
    ]
    doc = ingest_file(documents.runs_pdf(tmp_path / "kerned.pdf", [lines]))
    assert "Programs are peer reviewed and published immediately upon acceptance." in doc["text"]
    assert "Providers use a traumatic" in doc["text"]


NOTICE = [
    "This is a surrogate text written for the test from the facts that a review reports about",
    "the article; it is not the original article and it restates only the points of advice.",
]


def _byline_page(byline: list[str]) -> list:
    """A title, a byline whose last line is short (so it falls in a zone of its own, left of the
    gutter), a full-width paragraph in the same font one blank line below, then two columns."""
    run, column = documents.Run, documents.column
    below = 110 + 12 * len(byline) + 12
    return [
        run(54, 86, "NGO responses to trafficking in women and girls in Europe", "Times-Bold", 16),
        *column(54, 110, byline),
        *column(54, below, NOTICE),
        *column(LEFT_X, below + 40, _filler("Left", 30)),
        *column(RIGHT_X, below + 40, _filler("Right", 30)),
    ]


def test_byline_stacked_over_a_full_width_paragraph_is_a_block_of_its_own(tmp_path: Path) -> None:
    cases = [
        (
            ["A. Author, B. Author and C. Author · Department of Health and Human", "Services"],
            "A. Author, B. Author and C. Author · Department of Health and Human Services",
        ),  # line gap: joined
        (["M. Tzvetkova"], "M. Tzvetkova"),
    ]
    for index, (byline, expected) in enumerate(cases):
        doc = ingest_file(documents.runs_pdf(tmp_path / f"byline{index}.pdf", [_byline_page(byline)]))
        paragraphs = [doc["text"][b["start"] : b["end"]] for b in doc["blocks"] if b["kind"] == "paragraph"]
        # A paragraph gap before the notice: it is not joined to the byline, whose text has no final stop.
        assert paragraphs[:2] == [expected, " ".join(NOTICE)]


def test_small_print_on_a_page_a_paragraph_fills_stays_on_that_page(tmp_path: Path) -> None:
    # A paragraph starts on page 1, fills page 2 and ends on page 3, with a footnote at page 2's foot.
    # Placed before or after the paragraph the footnote would count on page 1 or 3, so the paragraph is
    # not continued past it: the page map stays true.
    column = documents.column
    words = "survivors need safe shelter and qualified interpreters and case managers and legal advice"
    running = [f"{words} in city {k} and" for k in range(1, 51)]
    page1 = column(72, 72, ["Shelter comes first. " + words + " and", *running[:5]])
    page2 = [*column(72, 72, running[5:50]), *column(72, 640, ["1 Interviews took place in 2010."], size=8)]
    page3 = column(72, 72, ["legal advice at every phase of recovery.", *_filler("Main", 5)])
    doc = ingest_file(documents.runs_pdf(tmp_path / "long.pdf", [page1, page2, page3]))
    text = doc["text"]
    start = text.index("1 Interviews took place in 2010.")
    assert page_of(doc, start) == 2
    for block in doc["blocks"]:
        assert page_of(doc, block["start"]) == block["page"]
    assert "in city 50 and" in text and "legal advice at every phase of recovery." in text
    paragraph = next(b for b in doc["blocks"] if b["start"] <= text.index("in city 7 and") < b["end"])
    assert paragraph["page"] == 1 and page_of(doc, paragraph["end"] - 1) == 2
