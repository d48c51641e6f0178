"""Every sentence of a surrogate's source (corpus/surrogates/*.md) comes out of ingestion verbatim:
column order, running heads, page numbers, hyphenation, ligatures and web-page boilerplate all
handled. One document per format and layout keeps the test fast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviewflow.ingestion import ingest_file

DOCUMENTS = ["hodge2008", "tzvetkova2002", "aron2006", "fcadv2004", "armstrong2008"]


def _source_sentences(source: Path) -> list[str]:
    body = source.read_text(encoding="utf-8").split("---", 2)[2]
    sentences: list[str] = []
    for chunk in re.split(r"\n\s*\n", body):
        lines = [re.sub(r"^- ", "", line.strip()) for line in chunk.strip().splitlines()
                 if line.strip() and not line.startswith("#")]
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
