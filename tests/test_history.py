"""Snapshots of Table 1 and the network, and the changes report between runs."""

from __future__ import annotations

import json
import os
import re

import pytest

from reviewflow.fileio import write_csv
from reviewflow.form import load_form, make_wording
from reviewflow.living import history
from reviewflow.living.history import FIRST_RUN, NO_CHANGE, list_snapshots, read_table1_cells, update_history
from reviewflow.paths import DEFAULT_FORM
from reviewflow.synthesis.outputs import SYNTHESIS_TABLES

TABLE1_COLUMNS = (
    "phase",
    "phase_label",
    "need",
    "need_label",
    "code",
    "default_phase",
    "role",
    "n_documents",
    "n_primary",
    "citations",
    "doc_ids",
)
EDGE_COLUMNS = ("source", "target", "via", "n_in_text", "n_recommendations")
AREA_COLUMNS = (
    "code",
    "code_label",
    "code_kind",
    "phase",
    "phase_label",
    "role",
    "n_documents",
    "n_primary",
    "citations",
    "doc_ids",
)
CITATIONS = {"aron2006": "Aron et al., 2006", "caliber2007": "Caliber, 2007", "hodge2008": "Hodge, 2008"}


def write_run(folder, cells, edges):
    table1 = [
        {
            "phase": phase,
            "need": need,
            "role": role,
            "doc_ids": ";".join(docs),
            "n_documents": len(docs),
            "citations": "(" + "; ".join(CITATIONS[d] for d in docs) + ")" if docs else "",
        }
        for (phase, need, role), docs in cells.items()
    ]
    write_csv(folder / "tables" / "table1_long.csv", table1, TABLE1_COLUMNS)
    write_csv(
        folder / "network" / "edges.csv", [{"source": s, "target": t, "via": v} for s, t, v in edges], EDGE_COLUMNS
    )


def write_areas(folder, cells):
    rows = [
        {"code": code, "phase": phase, "role": role, "doc_ids": ";".join(docs), "n_documents": len(docs)}
        for (code, phase, role), docs in cells.items()
    ]
    write_csv(folder / "tables" / "service_areas_long.csv", rows, AREA_COLUMNS)


def run(results, docs, tables=None, wording="default", decisions_report=None):
    """One history run; the wording is the default review's unless told otherwise (None: generic)."""
    return update_history(
        decisions_report=decisions_report,
        table1=results / "tables" / "table1_long.csv",
        edges=results / "network" / "edges.csv",
        documents=[(d, CITATIONS[d]) for d in docs],
        history_dir=results / "history",
        changes_md=results / "changes.md",
        changes_json=results / "changes.json",
        tables=tables,
        wording=load_form(DEFAULT_FORM).wording if wording == "default" else wording,
    )


RUN1_CELLS = {
    ("immediate", "emergency_shelter", "support"): ["aron2006"],
    ("immediate", "emergency_shelter", "caution"): [],
    ("stabilization", "ongoing_mental_health", "support"): ["aron2006", "caliber2007"],
}


def test_first_run_then_added_document_then_identical_rerun(tmp_path):
    write_run(tmp_path, RUN1_CELLS, [("caliber2007", "aron2006", "in_text")])
    first = run(tmp_path, ["aron2006", "caliber2007"])
    assert first.created and first.snapshot.name.startswith("0001-")
    assert FIRST_RUN in (tmp_path / "changes.md").read_text()
    first_json = json.loads((tmp_path / "changes.json").read_text())
    assert first_json["changed_since_previous_run"] is True and first_json["latest_change"]["first_run"] is True

    # run 2: hodge2008 joins the corpus, supports emergency shelter and cites Aron; caliber's edge is lost
    cells = dict(RUN1_CELLS)
    cells[("immediate", "emergency_shelter", "support")] = ["aron2006", "hodge2008"]
    write_run(tmp_path, cells, [("hodge2008", "aron2006", "both")])
    second = run(tmp_path, ["aron2006", "caliber2007", "hodge2008"])
    assert second.created and second.snapshot.name.startswith("0002-")
    assert second.changes["changed_since_previous_run"] is True
    changes = second.changes["latest_change"]
    assert changes["by_this_run"] is True
    assert changes["previous"] == first.snapshot.name and changes["documents"] == {
        "added": ["hodge2008"],
        "removed": [],
    }
    assert changes["table1"] == [
        {"phase": "immediate", "need": "emergency_shelter", "role": "support", "added": ["hodge2008"], "removed": []}
    ]
    assert changes["edges"]["added"] == [{"source": "hodge2008", "target": "aron2006", "via": "both"}]
    assert changes["edges"]["removed"] == [{"source": "caliber2007", "target": "aron2006", "via": "in_text"}]
    markdown = (tmp_path / "changes.md").read_text()
    assert f"This run changed the synthesis or the citation network: new snapshot `{second.snapshot.name}`" in markdown
    assert NO_CHANGE not in markdown
    assert "- added: Hodge, 2008 (hodge2008)" in markdown
    assert "| immediate | emergency_shelter | support | Hodge, 2008 (hodge2008) | – |" in markdown
    assert "- new edge: hodge2008 → aron2006 (both)" in markdown
    assert "- lost edge: caliber2007 → aron2006 (in_text)" in markdown

    # run 3 changes nothing: no snapshot, and changes.md says so before showing run 2's change as earlier
    (tmp_path / "changes.md").unlink()  # Snakemake deletes declared outputs before rerunning the rule
    third = run(tmp_path, ["aron2006", "caliber2007", "hodge2008"])
    assert not third.created and third.snapshot == second.snapshot
    assert [p.name for p in list_snapshots(tmp_path / "history")] == [first.snapshot.name, second.snapshot.name]
    unchanged = (tmp_path / "changes.md").read_text()
    assert unchanged.startswith(f"# Changes since the previous run\n\n**{NO_CHANGE}.** ")
    assert f"identical to snapshot `{second.snapshot.name}`" in unchanged
    assert (
        f"## Earlier: the latest change (snapshot `{second.snapshot.name}`, compared with `{first.snapshot.name}`)"
    ) in unchanged
    assert "### Documents\n\n- added: Hodge, 2008 (hodge2008)" in unchanged  # under the "Earlier" heading
    assert "This run changed" not in unchanged
    third_json = json.loads((tmp_path / "changes.json").read_text())
    assert third_json["changed_since_previous_run"] is False and third_json["snapshot"] == second.snapshot.name
    assert third_json["latest_change"]["by_this_run"] is False
    assert third_json["latest_change"]["documents"]["added"] == ["hodge2008"]

    # run 4, again identical: not a byte of the changes files moves
    before = {p: p.read_bytes() for p in (tmp_path / "changes.md", tmp_path / "changes.json")}
    fourth = run(tmp_path, ["aron2006", "caliber2007", "hodge2008"])
    assert not fourth.created and {p: p.read_bytes() for p in before} == before


def test_unchanged_rerun_of_the_first_run_says_no_change(tmp_path):
    write_run(tmp_path, RUN1_CELLS, [])
    run(tmp_path, ["aron2006"])
    again = run(tmp_path, ["aron2006"])
    markdown = (tmp_path / "changes.md").read_text()
    assert not again.created and f"**{NO_CHANGE}.**" in markdown
    assert f"## Earlier: the latest change (snapshot `{again.snapshot.name}`, {FIRST_RUN})" in markdown


def test_other_synthesis_tables_are_kept_and_compared(tmp_path):
    write_run(tmp_path, RUN1_CELLS, [])
    areas = {("mental_health", "stabilization", "support"): ["aron2006"]}
    write_areas(tmp_path, areas)
    tables = {"service_areas": tmp_path / "tables" / "service_areas_long.csv"}
    first = run(tmp_path, ["aron2006", "caliber2007"], tables)
    assert (first.snapshot / "service_areas_long.csv").read_bytes() == tables["service_areas"].read_bytes()
    # only a service-area cell changes: that is a change, with its own snapshot and section
    write_areas(tmp_path, {("mental_health", "stabilization", "support"): ["aron2006", "caliber2007"]})
    second = run(tmp_path, ["aron2006", "caliber2007"], tables)
    assert second.created
    (table,) = second.changes["latest_change"]["other_tables"]
    assert table["compared"] and table["cells"] == [
        {"code": "mental_health", "phase": "stabilization", "role": "support", "added": ["caliber2007"], "removed": []}
    ]
    markdown = (tmp_path / "changes.md").read_text()
    assert "## Core service areas by phase" in markdown
    assert "| mental_health | stabilization | support | Caliber, 2007 (caliber2007) | – |" in markdown
    assert "No Table 1 cell changed." in markdown


def test_snapshot_without_the_other_tables_is_read_and_not_compared(tmp_path):
    write_run(tmp_path, RUN1_CELLS, [])
    old = run(tmp_path, ["aron2006"])  # a snapshot from before the other tables were kept
    assert sorted(p.name for p in old.snapshot.iterdir()) == ["documents.csv", "edges.csv", "table1_long.csv"]
    write_areas(tmp_path, {("mental_health", "stabilization", "support"): ["aron2006"]})
    new = run(tmp_path, ["aron2006"], {"service_areas": tmp_path / "tables" / "service_areas_long.csv"})
    (table,) = new.changes["latest_change"]["other_tables"]
    assert new.created and not table["compared"] and "earlier snapshot does not hold" in table["reason"]
    assert (
        "Not compared: the earlier snapshot does not hold service_areas_long.csv."
        in (tmp_path / "changes.md").read_text()
    )


def test_a_failed_write_of_the_changes_leaves_no_snapshot(tmp_path, monkeypatch):
    write_run(tmp_path, RUN1_CELLS, [])
    run(tmp_path, ["aron2006"])
    write_run(tmp_path, RUN1_CELLS, [("caliber2007", "aron2006", "in_text")])

    def fail(path, text):
        raise OSError("disk full")

    monkeypatch.setattr(history, "atomic_write_text", fail)
    with pytest.raises(OSError):
        run(tmp_path, ["aron2006"])
    assert len(list_snapshots(tmp_path / "history")) == 1
    assert [p.name for p in (tmp_path / "history").iterdir() if p.name.startswith(".")] == []
    monkeypatch.undo()
    # the rerun reports the change, not "no change"
    rerun = run(tmp_path, ["aron2006"])
    assert rerun.created and rerun.changes["latest_change"]["edges"]["added"][0]["source"] == "caliber2007"


def test_snapshot_names_are_deterministic_and_reverting_makes_a_new_one(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        write_run(folder, RUN1_CELLS, [])
    assert run(a, ["aron2006"]).snapshot.name == run(b, ["aron2006"]).snapshot.name
    write_run(a, {**RUN1_CELLS, ("immediate", "emergency_shelter", "support"): []}, [])
    changed = run(a, ["aron2006"])
    assert changed.changes["latest_change"]["table1"][0]["removed"] == ["aron2006"]
    write_run(a, RUN1_CELLS, [])  # back to the first content: a third snapshot, same hash as the first
    reverted = run(a, ["aron2006"])
    names = [p.name for p in list_snapshots(a / "history")]
    assert len(names) == 3 and names[2].startswith("0003-") and names[2][5:] == names[0][5:]
    assert reverted.changes["latest_change"]["table1"][0]["added"] == ["aron2006"]


def test_interrupted_snapshot_folder_is_ignored(tmp_path):
    write_run(tmp_path, RUN1_CELLS, [])
    (tmp_path / "history" / ".incoming-x").mkdir(parents=True)
    (tmp_path / "history" / "0007-aaaaaaaaaaaa").mkdir()  # no files: never completed
    assert run(tmp_path, ["aron2006"]).snapshot.name.startswith("0001-")


def test_table1_reader_accepts_one_row_per_document(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(
        path,
        [
            {"phase": "immediate", "need": "basic_needs", "doc_id": "aron2006"},
            {"phase": "immediate", "need": "basic_needs", "doc_id": "hodge2008"},
        ],
        ("phase", "need", "doc_id"),
    )
    assert read_table1_cells(path) == {("immediate", "basic_needs", "support"): {"aron2006", "hodge2008"}}


def _area_change(tmp_path, wording):
    """Two runs whose only change is a service-area cell; returns the changes.md of the second."""
    write_run(tmp_path, RUN1_CELLS, [])
    tables = {"service_areas": tmp_path / "tables" / "service_areas_long.csv"}
    write_areas(tmp_path, {("mental_health", "recovery", "support"): ["aron2006"]})
    run(tmp_path, ["aron2006", "caliber2007"], tables, wording)
    write_areas(tmp_path, {("mental_health", "recovery", "support"): ["aron2006", "caliber2007"]})
    second = run(tmp_path, ["aron2006", "caliber2007"], tables, wording)
    assert second.created
    return (tmp_path / "changes.md").read_text()


def test_sections_of_the_other_tables_are_titled_in_the_form_s_words(tmp_path):
    other = make_wording({"plural": {"service_area": "services"}, "tables": {"practices": {"heading": "Approaches"}}})
    markdown = _area_change(tmp_path / "other", other)
    assert "## Services by phase" in markdown
    assert not any(s in markdown for s in ("Core service areas", "Service-delivery", "Survivors"))
    generic = _area_change(tmp_path / "generic", None)
    assert "## Service areas by phase" in generic and "Core service areas" not in generic


def test_rewording_the_form_is_no_change_of_the_synthesis(tmp_path):
    write_run(tmp_path, RUN1_CELLS, [])
    tables = {"service_areas": tmp_path / "tables" / "service_areas_long.csv"}
    write_areas(tmp_path, {("mental_health", "stabilization", "support"): ["aron2006"]})
    run(tmp_path, ["aron2006"], tables)
    again = run(tmp_path, ["aron2006"], tables, make_wording({"tables": {"service_areas": {"heading": "Services"}}}))
    assert not again.created and len(list_snapshots(tmp_path / "history")) == 1


def test_the_snapshot_files_and_keys_come_from_the_registry():
    assert history.TABLE1 == "table1_long.csv" and history.TABLE1_KEY == ("phase", "need", "role")
    assert [t.name for t in history.OTHER_TABLES] == [t.name for t in SYNTHESIS_TABLES[1:]]
    # the file names older snapshots hold, so their hash and comparison stay as they were
    assert history.SNAPSHOT_FILES == (
        "table1_long.csv",
        "edges.csv",
        "documents.csv",
        "service_areas_long.csv",
        "practices_long.csv",
        "evidence_basis_long.csv",
    )


def test_changes_md_shows_markup_from_the_manifest_as_text(tmp_path):
    write_run(tmp_path, RUN1_CELLS, [])
    run(tmp_path, ["aron2006", "caliber2007"])
    write_run(tmp_path, RUN1_CELLS, [])
    documents = [
        ("aron2006", "Aron et al., 2006"),
        ("caliber2007", "Caliber, 2007"),
        ("evil2011", "<img src=x onerror=alert(1)> New | *bold*, 2011"),
    ]
    update_history(
        table1=tmp_path / "tables" / "table1_long.csv",
        edges=tmp_path / "network" / "edges.csv",
        documents=documents,
        history_dir=tmp_path / "history",
        changes_md=tmp_path / "changes.md",
        changes_json=tmp_path / "changes.json",
    )
    markdown = (tmp_path / "changes.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<img", markdown)  # every < escaped: no raw HTML for a Markdown viewer
    assert "\\<img src=x onerror=alert(1)\\> New \\| \\*bold\\*, 2011 (evil2011)" in markdown


def test_a_snapshot_is_as_readable_as_the_other_results(tmp_path):
    write_run(tmp_path, RUN1_CELLS, [])
    first = run(tmp_path, ["aron2006", "caliber2007"])
    umask = os.umask(0)
    os.umask(umask)
    assert first.snapshot.stat().st_mode & 0o777 == 0o777 & ~umask  # as mkdir makes folders, not 0700


def _decisions_report(path, rows):
    from reviewflow.review.sheets import REPORT_COLUMNS

    write_csv(path, [{"status": "applied", **row} for row in rows], REPORT_COLUMNS)
    return path


def test_changes_name_labels_and_say_which_document_or_decision_moved_a_cell(tmp_path):
    labelled = {"phase_label": "Immediate needs", "need_label": "Emergency shelter"}

    def write_labelled(cells):
        write_run(tmp_path, cells, [])
        path = tmp_path / "tables" / "table1_long.csv"
        rows = history.read_csv_rows(path)
        write_csv(path, [{**row, **labelled} for row in rows], TABLE1_COLUMNS)

    report = tmp_path / "decisions_report.csv"
    write_labelled(RUN1_CELLS)
    _decisions_report(report, [])
    generic = make_wording()  # its default labels: the tables' own labels must win
    run_with = lambda docs: run(tmp_path, docs, wording=generic, decisions_report=report)  # noqa: E731
    run_with(["aron2006", "caliber2007"])
    # hodge2008 joins; ana's decision on a caliber2007 segment adds it to emergency shelter
    cells = dict(RUN1_CELLS)
    cells[("immediate", "emergency_shelter", "support")] = ["aron2006", "caliber2007", "hodge2008"]
    write_labelled(cells)
    decision = {"segment_id": "c1", "doc_id": "caliber2007", "decision": "edit", "codes_override": "emergency_shelter"}
    _decisions_report(report, [{**decision, "reviewer": "ana", "source": "corpus/decisions/ana.xlsx", "row": "7"}])
    second = run_with(["aron2006", "caliber2007", "hodge2008"])
    reasons = second.changes["latest_change"]["reasons"]
    assert reasons == {
        "caliber2007": ["decision edit codes=emergency_shelter by ana (corpus/decisions/ana.xlsx row 7)"],
        "hodge2008": ["added to the corpus"],
    }
    markdown = (tmp_path / "changes.md").read_text(encoding="utf-8")
    assert (
        "| Immediate needs | Emergency shelter | support | Caliber, 2007 (caliber2007); Hodge, 2008 (hodge2008) | – |"
        in markdown
    )
    assert "emergency_shelter | support" not in markdown  # labels, not code ids
    assert "## What moved the cells" in markdown
    assert (
        "- Caliber, 2007 (caliber2007): decision edit codes=emergency_shelter by ana (corpus/decisions/ana.xlsx row 7)"
        in markdown
    )
    assert "- Hodge, 2008 (hodge2008): added to the corpus" in markdown
    # the decision is withdrawn and aron2006 leaves the cell for a reason no decision explains
    cells[("immediate", "emergency_shelter", "support")] = ["hodge2008"]
    write_labelled(cells)
    _decisions_report(report, [])
    third = run_with(["aron2006", "caliber2007", "hodge2008"])
    reasons = third.changes["latest_change"]["reasons"]
    assert reasons["caliber2007"] == [
        "withdrawn: edit codes=emergency_shelter by ana (corpus/decisions/ana.xlsx row 7)"
    ]
    assert reasons["aron2006"][0].startswith("its coding changed, with no reviewer decision on it changed")
    assert sorted(p.name for p in third.snapshot.iterdir()) == [
        "decisions_applied.csv",
        "documents.csv",
        "edges.csv",
        "table1_long.csv",
    ]
