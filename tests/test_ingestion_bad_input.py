"""Bad documents never raise: they come back with status error/warning and a message that names the
file and says what to do. Files are made in tmp_path at test time (tests/fixtures/ingestion)."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import pytest

from reviewflow.ingest.document import ingest_file, page_of

_SPEC = importlib.util.spec_from_file_location(
    "ingestion_documents", Path(__file__).parent / "fixtures" / "ingestion" / "documents.py"
)
documents = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(documents)  # type: ignore[union-attr]


def _error(doc: dict) -> str:
    assert doc["quality"]["status"] == "error"
    assert doc["text"] == "" and doc["blocks"] == [] and doc["sections"] == []
    (message,) = doc["quality"]["messages"]
    return message


def test_zero_byte_and_blank_files(tmp_path: Path) -> None:
    for name, data in (("empty.pdf", b""), ("empty.txt", b""), ("blank.html", b"  \n\t\n")):
        path = tmp_path / name
        path.write_bytes(data)
        message = _error(ingest_file(path, source=f"documents/{name}"))
        assert message.startswith(f"documents/{name}: ")
        assert "replace it with the full document" in message


def test_missing_file(tmp_path: Path) -> None:
    message = _error(ingest_file(tmp_path / "gone.pdf", source="documents/gone.pdf"))
    assert "documents/gone.pdf: file not found" in message and "manifest" in message


def test_image_only_pdf_asks_for_ocr(tmp_path: Path) -> None:
    path = documents.image_only_pdf(tmp_path / "scan2009.pdf", n_pages=2)
    doc = ingest_file(path, source="documents/scan2009.pdf")
    message = _error(doc)
    assert message.startswith("documents/scan2009.pdf: no text layer")
    assert "ocrmypdf" in message
    assert doc["quality"]["n_pages"] == 2 and doc["quality"]["pages_without_text"] == [1, 2]


def test_some_scanned_pages_give_a_warning(tmp_path: Path) -> None:
    path = documents.text_pdf(
        tmp_path / "mixed.pdf", [["Survivors need safe shelter."], [], ["Page three text."]], image_only_pages=[2]
    )
    doc = ingest_file(path, source="documents/mixed.pdf")
    quality = doc["quality"]
    assert quality["status"] == "warning" and quality["pages_without_text"] == [2]
    assert "page 2" in quality["messages"][0] and "OCR" in quality["messages"][0]
    assert doc["pages"][1]["has_text_layer"] is False and doc["pages"][1]["chars"] == 0
    assert page_of(doc, doc["text"].index("Page three")) == 3


def test_password_protected_pdf(tmp_path: Path) -> None:
    path = documents.text_pdf(tmp_path / "locked.pdf", [["Confidential shelter address list."]], encrypt="secret")
    message = _error(ingest_file(path, source="documents/locked.pdf"))
    assert message.startswith("documents/locked.pdf: the PDF is encrypted with a password")
    assert "unprotected copy" in message


def test_pdf_encrypted_without_user_password_is_read(tmp_path: Path) -> None:
    # Owner-password-only PDFs (copy/print restrictions) open without a password.
    path = documents.text_pdf(tmp_path / "restricted.pdf", [["Providers should offer interpreters."]], encrypt="")
    doc = ingest_file(path)
    assert doc["quality"]["status"] == "ok"
    assert doc["text"] == "Providers should offer interpreters."


@pytest.mark.parametrize("fraction", [0.3, 0.9])
def test_truncated_pdf(tmp_path: Path, fraction: float) -> None:
    whole = documents.text_pdf(tmp_path / "whole.pdf", [["Line one of the report."]] * 3)
    path = documents.truncated(whole, tmp_path / "cut.pdf", fraction)
    message = _error(ingest_file(path, source="documents/cut.pdf"))
    assert message.startswith("documents/cut.pdf: the PDF is damaged or truncated")
    assert "download it again" in message


def test_garbage_after_pdf_header(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    assert "damaged or truncated" in _error(ingest_file(path))


def test_more_pages_than_max_pages(tmp_path: Path) -> None:
    words = ["Shelter", "Safety", "Health", "Counseling", "Housing"]
    path = documents.text_pdf(tmp_path / "long.pdf", [[f"{word} is discussed here."] for word in words])
    doc = ingest_file(path, max_pages=2, source="documents/long.pdf")
    quality = doc["quality"]
    assert quality["status"] == "warning"
    assert quality["n_pages"] == 2 and len(doc["pages"]) == 2
    assert doc["text"] == "Shelter is discussed here.\n\nSafety is discussed here."
    assert quality["messages"] == [
        "documents/long.pdf: has 5 pages; only the first 2 were read: raise ingest.max_pages in "
        "config/config.yaml (or --max-pages) to read them all"
    ]


def test_pdf_named_txt_is_read_as_pdf(tmp_path: Path) -> None:
    path = documents.text_pdf(tmp_path / "report.txt", [["Offer emergency shelter."]])
    doc = ingest_file(path, source="documents/report.txt")
    assert doc["format"] == "pdf" and doc["quality"]["status"] == "warning"
    assert doc["text"] == "Offer emergency shelter."
    (message,) = doc["quality"]["messages"]
    assert message.startswith("documents/report.txt: named .txt but its contents are PDF")
    assert "rename it to .pdf" in message


def test_html_named_pdf_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "page.pdf"
    path.write_text("<!DOCTYPE html><html><body><h1>Aftercare</h1><p>Use interpreters.</p></body></html>")
    doc = ingest_file(path)
    assert doc["format"] == "html" and doc["quality"]["status"] == "warning"
    assert doc["text"] == "Aftercare\n\nUse interpreters."
    assert "rename it to .html" in doc["quality"]["messages"][0]


def test_office_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    message = _error(ingest_file(path, source="documents/report.pdf"))
    assert message.startswith("documents/report.pdf: is a ZIP/Office file")
    assert "save it as PDF, HTML or plain text" in message


def test_binary_named_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"\x00\x01\x02binary\x00" * 20)
    assert "not a PDF, HTML or plain text file" in _error(ingest_file(path))


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "notes.rtfd"
    path.write_text("Providers should screen for trafficking indicators.\n", encoding="utf-8")
    doc = ingest_file(path)
    assert doc["format"] == "txt" and doc["quality"]["status"] == "warning"
    message = doc["quality"]["messages"][0]
    assert "the extension '.rtfd' is not one reviewflow reads (.pdf, .html" in message
    assert message.endswith("rename it to .txt")


def test_windows_1252_text_gets_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Survivors\u2019 needs \u2013 shelter and caf\u00e9 vouchers.".encode("cp1252"))
    doc = ingest_file(path)
    assert doc["quality"]["status"] == "warning"
    assert doc["text"] == "Survivors\u2019 needs \u2013 shelter and caf\u00e9 vouchers."
    assert "save the file as UTF-8" in doc["quality"]["messages"][0]


def test_cli_exit_status_on_error(tmp_path: Path) -> None:
    import argparse

    from reviewflow.cli.ingest import cli_ingest

    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    out = tmp_path / "empty.json"
    status = cli_ingest(argparse.Namespace(path=str(path), out=str(out), doc_id="empty", max_pages=400))
    assert status == 1 and out.exists()


@pytest.mark.parametrize("damage", [b"\x00\xd8", b"\x41"])  # a lone surrogate; an odd last byte
def test_damaged_utf16_text_keeps_its_text_with_a_warning(tmp_path: Path, damage: bytes) -> None:
    # UnicodeDecodeError reached the reader catch-all: the whole document was lost (fuzz).
    path = tmp_path / "notes.txt"
    path.write_bytes("Programs should provide safe housing.\n\nMore text.\n".encode("utf-16") + damage)
    record = ingest_file(path)
    assert record["quality"]["status"] == "warning"
    assert "Programs should provide safe housing." in record["text"]
    (message,) = record["quality"]["messages"]
    assert "read as UTF-16 with damaged bytes" in message and "save the file as UTF-8" in message
