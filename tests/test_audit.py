"""The audit trail: support.csv carries each segment's quote, labels and decision, and every linked cell of
the report's tables opens the quotes behind it in the report's Evidence section."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from reviewflow.fileio import read_csv_rows
from reviewflow.form import load_form, make_wording
from reviewflow.report.html_report import ReportInputs, render
from reviewflow.report.provenance import collect
from reviewflow.synthesis import tables
from reviewflow.synthesis.audit import (
    EVIDENCE_HTML,
    evidence_entries,
    evidence_html,
    linked_cells,
    select_quotes,
    support_columns,
)
from reviewflow.synthesis.evidence import SUPPORT_COLUMNS, synthesize_files
from synthesis_fixtures import ENTRY, LINK, SEGMENTS, entries_of, write_corpus

HOSTILE = "=cmd|' /C calc'!A0 <script>alert(\"x\")</script> & <b>shelter</b> now"


def hostile_segments() -> list[tuple]:
    """The fixture's segments, s01 (Aron et al., 2006: emergency shelter) saying something hostile."""
    return [(*row[:9], HOSTILE) if row[0] == "s01" else row for row in SEGMENTS]


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    kwargs = write_corpus(tmp_path / "corpus", segments=hostile_segments())
    tables.write_tables(synthesize_files(**kwargs), tmp_path / "out", load_form(kwargs["form_path"]).wording)
    return tmp_path / "out", kwargs


def test_support_csv_carries_quote_labels_citation_and_decision(written):
    out, kwargs = written
    rows = read_csv_rows(out / tables.SUPPORT_CSV)
    assert list(rows[0]) == list(SUPPORT_COLUMNS)
    (s04,) = [r for r in rows if r["segment_id"] == "s04"]  # Clawson & Dutch 2008a, accepted by a reviewer
    assert s04 == {
        **s04,
        "doc_id": "clawson_dutch2008a",
        "citation": "Clawson & Dutch, 2008a",
        "code": "shelter_housing",
        "code_kind": "service_area",
        "code_label": "Shelter and housing",
        "phase": "immediate",
        "phase_label": "Immediate (crisis)",
        "need": "emergency_shelter",
        "need_label": "Emergency shelter",
        "role": "support",
        "page": "2",
        "quote": "Emergency shelter should be arranged.",
        "phase_source": "need_default",  # coded without a phase: counted in its need's default phase
        "decided_by": "both",
        "decision": "accept",
        "reviewer": "ana",
        "codes_source": "reviewer",
    }
    coding = pd.read_csv(kwargs["coding_csv"], dtype=str, keep_default_na=False)
    kept = coding[(coding["decision"] != "reject") & (coding["is_recommendation"] == "true")]
    assert {r["segment_id"] for r in rows} == set(kept[kept["doc_id"] != "fcadv2004"]["segment_id"])


def test_a_hostile_sentence_is_neutralized_in_the_csv_and_escaped_in_html(written):
    out, _ = written
    raw = (out / tables.SUPPORT_CSV).read_text(encoding="utf-8")
    assert "'=cmd|" in raw and not re.search(r',"?=cmd', raw)  # a spreadsheet shows it as text
    (s01,) = [r for r in read_csv_rows(out / tables.SUPPORT_CSV) if r["segment_id"] == "s01"]
    assert s01["quote"] == HOSTILE  # read back, the text is the sentence itself
    fragment = (out / EVIDENCE_HTML).read_text(encoding="utf-8")
    assert "<script>" not in fragment and "<b>" not in fragment
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;shelter&lt;/b&gt;" in fragment
    quotes = entries_of(fragment)["evidence-support-need-emergency_shelter-phase-immediate"]
    assert quotes[0][1:3] == ("Aron et al., 2006", HOSTILE)


def test_every_citation_of_a_table_1_cell_opens_that_document_s_quotes(written):
    out, _ = written
    table1 = (out / "table1_needs.html").read_text(encoding="utf-8")
    entries = entries_of((out / EVIDENCE_HTML).read_text(encoding="utf-8"))
    (row,) = [r for r in table1.split("<tr>") if r.startswith("<td>Immediate (crisis)</td><td>Emergency shelter</td>")]
    links = LINK.findall(row)
    assert [html.unescape(text) for _, text in links] == [
        "5",
        "Aron et al., 2006",
        "Caliber, 2007",
        "Clawson & Dutch, 2008a",
        "Clawson & Dutch, 2008b",
        "Clawson et al., 2008",
    ]
    count_anchor = links[0][0]
    quotes = {i: (citation, quote) for i, citation, quote, _ in entries[count_anchor] if i}
    for anchor, citation in links[1:]:
        assert quotes[anchor][0] == html.unescape(citation)
    sentences = {row[0]: row[9] for row in SEGMENTS}
    assert quotes[f"{count_anchor}--caliber2007"][1] == sentences["s02"]
    details = {c: d for _, c, _, d in entries[count_anchor]}
    assert "coded by rules and model (model 0.900)" in details["Clawson & Dutch, 2008a"]
    assert "reviewer: accepted (ana)" in details["Clawson & Dutch, 2008a"]


def test_every_link_in_every_table_lands_on_an_entry_or_quote(written):
    out, _ = written
    fragment = (out / EVIDENCE_HTML).read_text(encoding="utf-8")
    ids = set(re.findall(r' id="([^"]+)"', fragment))
    for name in tables.TABLE_NAMES:
        hrefs = {anchor for anchor, _ in LINK.findall((out / f"{name}.html").read_text(encoding="utf-8"))}
        assert hrefs and hrefs <= ids, f"{name}: {sorted(hrefs - ids)}"
    anchors = [anchor for anchor, _ in ENTRY.findall(fragment)]
    assert len(anchors) == len(set(anchors))
    # the service areas' "any phase" cell and the evidence table's row of the same area share one entry
    shared = "evidence-support-code-shelter_housing"
    for name in ("service_areas", "evidence_basis"):
        assert f'href="#{shared}"' in (out / f"{name}.html").read_text(encoding="utf-8"), name


def test_a_cell_shows_its_documents_in_turn_up_to_the_cap(tmp_path):
    extra = [
        (f"m{i}", "caliber2007", "true", "do", "shelter_housing", "", "emergency_shelter", "", "", f"Caliber {i}.")
        for i in range(6)
    ]
    result = synthesize_files(**write_corpus(tmp_path / "corpus", segments=[*SEGMENTS, *extra]))
    entries = evidence_entries(tables.build_tables(result), result, make_wording(), cap=3)
    entry = entries["evidence-support-need-emergency_shelter-phase-immediate"]
    # every document's first quote before Caliber's second: five documents, three shown in citation order
    assert [q.citation for q in entry.quotes] == ["Aron et al., 2006", "Caliber, 2007", "Clawson & Dutch, 2008a"]
    assert (entry.n_segments, entry.n_more) == (11, 8)
    assert entry.doc_anchor("aron2006") == f"{entry.anchor}--aron2006"
    assert entry.doc_anchor("clawson2008") is None  # none of its quotes shown: its citation is plain text
    assert "8 more segments in results/tables/support.csv." in evidence_html(entries, cap=3)
    table1 = tables.build_tables(result)[0]
    (at,) = [
        i
        for i, (phase, need) in enumerate(zip(table1.wide["Phase"], table1.wide["Need"]))
        if need == "Emergency shelter" and phase == "Immediate (crisis)"
    ]
    cells = linked_cells(table1, entries, result.citations)
    assert cells[(at, "Recommended by")].endswith(
        ">Clawson &amp; Dutch, 2008a</a>; Clawson &amp; Dutch, 2008b; Clawson et al., 2008)"
    )
    positions = result.index.rows("support", need="emergency_shelter", phase="immediate")
    shown, total = select_quotes(support_columns(result.support), positions, ["caliber2007", "aron2006"], 4)
    assert [q.doc_id for q in shown] == ["caliber2007", "caliber2007", "caliber2007", "aron2006"]  # grouped
    assert total == 8  # the segments of the documents asked for


def test_the_report_inlines_the_evidence_its_tables_link_to(written, repo_root, monkeypatch):
    out, kwargs = written
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    inputs = ReportInputs(
        manifest=Path(kwargs["manifest_path"]),
        form=Path(kwargs["form_path"]),
        tables={"Table 1": out / "table1_needs.html"},
        evidence=out / EVIDENCE_HTML,
        decisions_report=out / "decisions_report.csv",
    )
    report = render(inputs, collect({"corpus_dir": "corpus"}, inputs.form, repo_root), "Audit review")
    assert '<a href="#evidence">Evidence</a>' in report and '<section id="evidence">' in report
    ids = set(re.findall(r' id="([^"]+)"', report))
    table = report[report.index('id="table-table1_needs"') : report.index('<section id="evidence">')]
    hrefs = {anchor for anchor, _ in LINK.findall(table)}
    assert "evidence-support-need-emergency_shelter-phase-immediate--aron2006" in hrefs and hrefs <= ids
    assert "<script>alert" not in report
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in report


def test_each_count_of_the_evidence_table_opens_the_documents_it_counts(written):
    out, _ = written
    entries = entries_of((out / EVIDENCE_HTML).read_text(encoding="utf-8"))
    rows = (out / "evidence_basis.html").read_text(encoding="utf-8").split("<tr>")
    (row,) = [r for r in rows if "<td>Emergency shelter</td>" in r]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    documents, primary, unknown, primary_citations = (cells[i] for i in (2, 3, 4, 5))

    def cited(cell: str) -> set[str]:
        """The citations of the entry the cell's count links to."""
        ((anchor, _),) = LINK.findall(cell)
        return {citation for _, citation, _, _ in entries[anchor]}

    everyone = {"Aron et al., 2006", "Caliber, 2007", "Clawson & Dutch, 2008a", "Clawson & Dutch, 2008b"}
    assert cited(documents) == {*everyone, "Clawson et al., 2008"}
    assert html.unescape(LINK.findall(primary)[0][1]) == "2 of 5"
    # aron2006 says primary, caliber2007 names a primary method; the others are secondary or unknown
    assert cited(primary) == {"Aron et al., 2006", "Caliber, 2007"}
    assert cited(unknown) == {"Clawson et al., 2008"}  # its form gives no evidence basis
    primary_anchor = LINK.findall(primary)[0][0]
    assert primary_anchor == "evidence-support-need-emergency_shelter-basis-primary"
    assert [anchor for anchor, _ in LINK.findall(primary_citations)] == [
        f"{primary_anchor}--aron2006",
        f"{primary_anchor}--caliber2007",
    ]
    heading = re.search(rf'id="{primary_anchor}">\s*<h4>(.*?)</h4>', (out / EVIDENCE_HTML).read_text(encoding="utf-8"))
    assert (
        heading
        and html.unescape(heading[1])
        == "Need: Emergency shelter · Any phase · Resting on primary data · Recommended by"
    )


def test_a_count_linked_to_an_entry_of_other_documents_is_refused(tmp_path):
    import dataclasses

    from reviewflow.synthesis.audit import CITATIONS, cell_link

    result = synthesize_files(**write_corpus(tmp_path / "corpus"))
    built = tables.build_tables(result)
    evidence = next(t for t in built if t.name == "evidence_basis")
    (at,) = [i for i, item in enumerate(evidence.wide["Item"]) if item == "Emergency shelter"]
    # the links the evidence table had: "2 of 5" and the primary-data citations opened every supporting document
    for column, link in (
        ("Primary data", cell_link("support", at, need="emergency_shelter")),
        (tables.PRIMARY_COLUMN, cell_link("support", at, CITATIONS, "primary_doc_ids", need="emergency_shelter")),
    ):
        broken = dataclasses.replace(evidence, links={**evidence.links, (at, column): link})
        with pytest.raises(ValueError, match=rf"evidence_basis row {at}, column '{column}': the cell"):
            evidence_entries([t if t is not evidence else broken for t in built], result, make_wording())
    assert evidence_entries(built, result, make_wording())  # as built, every link holds
