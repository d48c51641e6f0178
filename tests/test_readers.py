"""The one registry of input formats (reviewflow.ingest.readers): ingestion, the manifest check (test_manifest),
`corpus add` (test_corpus) and the CLI help take their formats from it, so a format added there is
accepted everywhere."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reviewflow.cli import main
from reviewflow.ingest import readers
from reviewflow.ingest.blocks import RawBlock, RawPage
from reviewflow.ingest.document import ingest_file


def test_every_extension_belongs_to_one_reader() -> None:
    extensions = readers.extensions()
    assert len(extensions) == len(set(extensions))
    assert all(extension == extension.lower() and extension.startswith(".") for extension in extensions)
    assert {".pdf", ".html", ".htm", ".xhtml", ".txt", ".text", ".md"} <= set(extensions)
    assert readers.for_extension("documents/A.XHTML").name == "html"
    assert readers.for_extension("notes.md").name == "txt"
    assert readers.for_extension("report.docx") is None and readers.for_extension("README") is None


def test_signatures_pick_the_reader_in_registry_order() -> None:
    assert readers.sniff(b"junk before the header %PDF-1.7").name == "pdf"
    assert readers.sniff(b"\xef\xbb\xbf<!DOCTYPE html><html>").name == "html"
    assert readers.sniff("\ufeffPlain words".encode("utf-16")).name == "txt"  # NUL bytes, but a BOM
    assert readers.sniff(b"PK\x03\x04word/document.xml") is None
    assert readers.binary_kind(b"PK\x03\x04") == "a ZIP/Office file (e.g. .docx)"


@pytest.mark.parametrize("name", ["page.xhtml", "notes.md", "notes.text"])
def test_ingestion_reads_every_registered_extension_without_a_warning(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    body = (
        "<html><body><h1>Aftercare</h1><p>Use interpreters.</p></body></html>"
        if name.endswith("html")
        else "Aftercare\n\nUse interpreters.\n"
    )
    path.write_text(body, encoding="utf-8")
    record = ingest_file(path)
    assert record["quality"]["status"] == "ok", record["quality"]["messages"]
    assert record["format"] == readers.for_extension(path).name


@pytest.mark.parametrize("command", [["ingest"], ["code"], ["references"], ["corpus", "add"]])
def test_cli_help_names_the_registered_formats(
    command: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # one line per option, so the list is not wrapped
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    assert readers.extensions_text() in capsys.readouterr().out


def test_a_new_format_is_one_registry_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def read_rst(path: Path, source: str, max_pages: int) -> readers.ReadResult:
        page = RawPage(blocks=[RawBlock("paragraph", line) for line in path.read_text().split("\n\n") if line])
        return readers.ReadResult(pages=[page], n_pages=1)

    rst = readers.Reader("rst", "reStructuredText", (".rst",), lambda head: head.startswith(b".. rst"), read_rst)
    monkeypatch.setattr(readers, "READERS", (rst, *readers.READERS))
    path = tmp_path / "notes.rst"
    path.write_text(".. rst\n\nUse interpreters.\n", encoding="utf-8")
    record = ingest_file(path)
    assert record["format"] == "rst" and record["quality"]["status"] == "ok"
    assert record["text"] == ".. rst\n\nUse interpreters."
    assert readers.extension_problem("documents/notes.rst") is None
    assert ".rst" in readers.extensions_text() and dataclasses.is_dataclass(rst)
