"""The combine step: concatenation, citation resolution, decisions applied, decisions report."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from review_fixtures import default_form, segment, segment_id, small_corpus, write_coded
from reviewflow.synthesis.combine import ADDED_COLUMNS, CODED_COLUMNS, combine, combine_files
from test_review import write_decisions_csv


@pytest.fixture(scope="module")
def codebook():
    return default_form().codebook


def by_author_year(item):
    """Stands in for the corpus resolver: Aron 2006 is in the corpus, nothing else is."""
    return "aron2006" if item.get("authors") == ["Aron"] and item.get("year") == "2006" else None


def coded_paths(results: Path) -> list[Path]:
    return sorted((results / "coded").glob("*.csv"))


def test_concatenates_in_doc_order_and_resolves_citations(tmp_path, codebook):
    # written out of order on purpose: the output must not depend on the order of the inputs
    write_coded(tmp_path, "zeta2010", [segment("zeta2010", "Provide food.", areas="basic_necessities")])
    small_corpus(tmp_path)
    result = combine(list(reversed(coded_paths(tmp_path))), [], codebook, by_author_year)
    assert result.columns == list(CODED_COLUMNS) + list(ADDED_COLUMNS)
    assert [r["doc_id"] for r in result.rows] == ["aron2006"] * 3 + ["clawson2009"] * 2 + ["zeta2010"]
    cited = {r["sentence"][:10]: r["cited_doc_ids"] for r in result.rows}
    assert cited["Case manag"] == "aron2006" and cited["Programs s"] == ""
    assert result.stats["citations"] == 1 and result.stats["citations_resolved"] == 1
    assert {r["codes_source"] for r in result.rows} == {"auto"} and {r["decision"] for r in result.rows} == {""}
    assert any("no reviewer decisions yet" in line for line in result.log_lines())


def test_decisions_applied_conflicts_kept_auto_and_vanished_reported(tmp_path, codebook):
    docs = small_corpus(tmp_path)
    s1, s2, s3 = (r["segment_id"] for r in docs["aron2006"])
    hyperlink, s5 = (r["segment_id"] for r in docs["clawson2009"])
    gone = segment_id("aron2006", "Text that changed after re-ingest.")
    sheets = [
        write_decisions_csv(
            tmp_path / "decisions" / "ana.csv",
            [
                {"segment_id": s1, "decision": "accept"},
                {
                    "segment_id": s2,
                    "decision": "edit",
                    "codes_override": "transitional_housing;shelter_housing",
                    "phase_override": "stabilization",
                },
                {"segment_id": s3, "decision": "edit", "codes_override": "mental_health"},
                {"segment_id": hyperlink, "decision": "reject"},
                {"segment_id": gone, "decision": "accept", "note": "kept in the report"},
            ],
        ),
        write_decisions_csv(tmp_path / "decisions" / "ben.csv", [{"segment_id": s5, "decision": "reject"}]),
        write_decisions_csv(tmp_path / "decisions" / "cy.csv", [{"segment_id": s5, "decision": "accept"}]),
        write_decisions_csv(
            tmp_path / "decisions" / "dee.csv",
            [{"segment_id": s1, "verdict": "reject"}],
            header=["segment_id", "verdict"],
        ),
    ]
    result = combine(coded_paths(tmp_path), sheets, codebook, by_author_year)
    rows = {r["segment_id"]: r for r in result.rows}
    assert len(result.rows) == 5
    assert (rows[s1]["decision"], rows[s1]["reviewer"], rows[s1]["codes_source"]) == ("accept", "ana", "reviewer")
    assert rows[s1]["service_areas"] == "mental_health"
    edited = rows[s2]
    assert (edited["service_areas"], edited["needs"], edited["phase"], edited["phase_source"]) == (
        "shelter_housing",
        "transitional_housing",
        "stabilization",
        "reviewer",
    )
    promoted = rows[s3]  # a mention the reviewer coded: now a recommendation, phase untouched
    assert (
        promoted["is_recommendation"],
        promoted["polarity"],
        promoted["service_areas"],
        promoted["phase_source"],
    ) == ("true", "do", "mental_health", "")
    assert rows[hyperlink]["decision"] == "reject" and rows[hyperlink]["sentence"].startswith("=HYPERLINK")
    conflict = rows[s5]
    assert (conflict["decision"], conflict["codes_source"], conflict["practices"]) == ("", "auto", "case_management")
    statuses = [(Path(r["source"]).stem, r["segment_id"], r["status"]) for r in result.report]
    assert ("ana", gone, "unmatched") in statuses
    assert ("ben", s5, "conflict") in statuses and ("cy", s5, "conflict") in statuses
    sheet_error = next(r for r in result.report if r["status"] == "sheet_error")
    assert sheet_error["source"].endswith("dee.csv") and "column 'decision' is missing" in sheet_error["message"]
    vanished = next(r for r in result.report if r["status"] == "unmatched")
    assert vanished["note"] == "kept in the report" and "decide it again" in vanished["message"]
    assert result.stats["conflicts"] == 1 and result.stats["unmatched"] == 1


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
            digest.update(str(path.stat().st_mtime_ns).encode())
    return digest.hexdigest()


def test_combine_files_writes_outputs_and_never_the_decisions(tmp_path, codebook, monkeypatch):
    import reviewflow.synthesis.combine as module

    docs = small_corpus(tmp_path)
    sheet = write_decisions_csv(
        tmp_path / "decisions" / "ana.csv", [{"segment_id": docs["aron2006"][0]["segment_id"], "decision": "reject"}]
    )
    before = _digest(tmp_path / "decisions")
    monkeypatch.setattr(module, "citation_resolver", lambda documents: by_author_year)
    monkeypatch.setattr("reviewflow.corpus.manifest.load_manifest", lambda path, corpus_dir=None: [])
    outputs = {"coding_out": tmp_path / "out" / "coding.csv", "report_out": tmp_path / "out" / "decisions_report.csv"}
    kwargs = dict(
        coded=coded_paths(tmp_path),
        decisions=[sheet],
        manifest="unused.csv",
        corpus_dir=None,
        form=default_form().path,
        **outputs,
    )
    combine_files(**kwargs)
    first = {name: path.read_bytes() for name, path in outputs.items()}
    combine_files(**kwargs)
    assert first == {name: path.read_bytes() for name, path in outputs.items()}  # deterministic
    assert _digest(tmp_path / "decisions") == before
    with open(outputs["coding_out"], encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["decision"] == "reject" and rows[0]["codes_source"] == "reviewer"
    with open(outputs["report_out"], encoding="utf-8") as handle:
        assert [r["status"] for r in csv.DictReader(handle)] == ["applied"]


def test_real_citation_resolver_builds_once_and_resolves(tmp_path):
    pytest.importorskip("reviewflow.coding.citations")
    from reviewflow.corpus.manifest import Document
    from reviewflow.synthesis.combine import citation_resolver

    aron = Document(
        doc_id="aron2006",
        citation="Aron et al., 2006",
        authors="Aron, L. Y.; Zweig, J. M.; Newmark, L. C.",
        year="2006",
        year_suffix="",
        title="Comprehensive services",
        container="Urban Institute",
        doi="",
        doc_type="ngo_report",
        search_strategy="internet",
        file="documents/aron2006.pdf",
        surrogate=True,
        verified=True,
        notes="",
    )
    resolve = citation_resolver([aron])
    hit = {
        "raw": "Aron et al., 2006",
        "authors": ["Aron"],
        "et_al": True,
        "year": "2006",
        "suffix": "",
        "narrative": False,
    }
    miss = {
        "raw": "Smith, 1999",
        "authors": ["Smith"],
        "et_al": False,
        "year": "1999",
        "suffix": "",
        "narrative": False,
    }
    assert resolve(hit) == "aron2006"
    assert resolve(miss) is None


def test_acronym_given_in_one_document_resolves_in_another() -> None:
    from reviewflow.coding.citations import find_citations
    from reviewflow.corpus.manifest import Document
    from reviewflow.synthesis.combine import citation_resolver, resolve_citations

    fcadv = Document(
        doc_id="wiscasa2004",
        citation="Wisconsin Coalition, 2004",
        authors="Wisconsin Coalition Against Sexual Assault",
        year="2004",
        year_suffix="",
        title="",
        container="",
        doi="",
        doc_type="ngo_report",
        search_strategy="organization",
        file="documents/f.html",
        surrogate=False,
        verified=False,
        notes="",
    )
    first = find_citations("Shelters should be separate (Wisconsin Coalition Against Sexual Assault [WisCASA], 2004).")
    later = find_citations("Advocates agree (WisCASA, 2004).")
    rows = [
        {"citations_json": json.dumps([c.to_json() for c in first])},
        {"citations_json": json.dumps([c.to_json() for c in later])},
    ]
    assert resolve_citations(rows, citation_resolver([fcadv])) == (2, 2)
    assert [row["cited_doc_ids"] for row in rows] == ["wiscasa2004", "wiscasa2004"]
