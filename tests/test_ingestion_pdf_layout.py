"""PDF layout on synthetic two-column pages (made with reportlab at test time, no ../shared needed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from reviewflow.ingestion import ingest_file, page_of

_SPEC = importlib.util.spec_from_file_location(
    "ingestion_documents", Path(__file__).parent / "fixtures" / "ingestion" / "documents.py")
documents = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(documents)  # type: ignore[union-attr]

FILLER_LEFT = [f"Left column filler line number {n} about shelter." for n in range(1, 30)]
FILLER_RIGHT = [f"Right column filler line number {n} about housing." for n in range(1, 30)]


def _paper(tmp_path: Path) -> Path:
    left1 = ["Survivors of trafficking need a continuum of", "care that changes over time, and the review"] + \
        FILLER_LEFT + ["Providers should offer a compre-"]
    right1 = ["hensive needs assessment at intake and a", "trauma-", "informed approach at every contact."] + \
        FILLER_RIGHT
    left2 = ["References"] + ["Kudsk KA, Fabian TC, Baum S: Silent thrombosis."] + FILLER_LEFT[:5]
    right2 = FILLER_RIGHT[:5]
    return documents.two_column_pdf(
        tmp_path / "paper.pdf", [(left1, right1), (left2, right2)],
        title="Aftercare Services for Survivors", header="Journal of Aftercare Studies 2011, 3:1",
        spaceless=["Kudsk KA, Fabian TC, Baum S: Silent thrombosis."])


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
    paragraphs = [doc["text"][b["start"]:b["end"]] for b in doc["blocks"] if b["kind"] != "heading"]
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
