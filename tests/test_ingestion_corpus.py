"""Every sentence of a surrogate's source (corpus/surrogates/*.md) comes out of ingestion verbatim:
column order, running heads, page numbers, hyphenation, ligatures and web-page boilerplate all
handled. One document per format and layout keeps the test fast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviewflow.ingest.document import ingest_file

DOCUMENTS = ["hodge2008", "tzvetkova2002", "aron2006", "fcadv2004", "armstrong2008"]


def _source_sentences(source: Path) -> list[str]:
    body = source.read_text(encoding="utf-8").split("---", 2)[2]
    sentences: list[str] = []
    for chunk in re.split(r"\n\s*\n", body):
        lines = [
            re.sub(r"^- ", "", line.strip())
            for line in chunk.strip().splitlines()
            if line.strip() and not line.startswith("#")
        ]
        if not lines:
            continue
        text = " ".join(" ".join(lines).split())
        sentences.extend(s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if len(s) > 20)
    return sentences


@pytest.mark.parametrize("doc_id", DOCUMENTS)
def test_surrogate_text_survives_ingestion(repo_root: Path, doc_id: str) -> None:
    source = repo_root / "corpus" / "surrogates" / f"{doc_id}.md"
    rendered = sorted((repo_root / "corpus" / "documents").glob(f"{doc_id}.*"))
    if not source.exists() or not rendered:
        pytest.skip(f"{doc_id} is not in the corpus")
    doc = ingest_file(rendered[0], doc_id=doc_id)
    assert doc["quality"]["status"] == "ok", doc["quality"]["messages"]
    text = " ".join(doc["text"].split())
    sentences = _source_sentences(source)
    assert sentences
    missing = [s for s in sentences if s not in text]
    assert missing == []
    assert any(s["name"] == "references" for s in doc["sections"])


def _byline(source: Path) -> str | None:
    import yaml

    return yaml.safe_load(source.read_text(encoding="utf-8").split("---", 2)[1]).get("byline")


@pytest.mark.parametrize("doc_id", ["clawson2009", "tzvetkova2002", "hodge2008", "aron2006"])
def test_byline_is_a_block_of_its_own(repo_root: Path, doc_id: str) -> None:
    # Two-column surrogates put a short byline zone over the full-width surrogate notice; the notice
    # must not be read as the byline's continuation (it is set smaller, after a paragraph gap).
    source = repo_root / "corpus" / "surrogates" / f"{doc_id}.md"
    rendered = repo_root / "corpus" / "documents" / f"{doc_id}.pdf"
    if not source.exists() or not rendered.exists():
        pytest.skip(f"{doc_id} is not in the corpus as a PDF")
    byline = _byline(source)
    assert byline
    doc = ingest_file(rendered, doc_id=doc_id)
    blocks = [doc["text"][b["start"] : b["end"]] for b in doc["blocks"]]
    assert " ".join(byline.split()) in blocks
    assert blocks[blocks.index(" ".join(byline.split())) + 1].startswith("This is a surrogate text")
