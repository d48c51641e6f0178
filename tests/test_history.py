"""Snapshots of Table 1 and the network, and the changes report between runs."""

from __future__ import annotations

import json

from reviewflow.fileio import write_csv
from reviewflow.history import FIRST_RUN, list_snapshots, read_table1_cells, update_history

TABLE1_COLUMNS = ("phase", "phase_label", "need", "need_label", "code", "default_phase", "role", "n_documents",
                  "n_primary", "citations", "doc_ids")
EDGE_COLUMNS = ("source", "target", "via", "n_in_text", "n_recommendations")
CITATIONS = {"aron2006": "Aron et al., 2006", "caliber2007": "Caliber, 2007", "hodge2008": "Hodge, 2008"}


def write_run(folder, cells, edges):
    table1 = [{"phase": phase, "need": need, "role": role, "doc_ids": ";".join(docs), "n_documents": len(docs),
               "citations": "(" + "; ".join(CITATIONS[d] for d in docs) + ")" if docs else ""}
              for (phase, need, role), docs in cells.items()]
    write_csv(folder / "tables" / "table1_long.csv", table1, TABLE1_COLUMNS)
    write_csv(folder / "network" / "edges.csv", [{"source": s, "target": t, "via": v} for s, t, v in edges], EDGE_COLUMNS)


def run(results, docs):
    return update_history(table1=results / "tables" / "table1_long.csv", edges=results / "network" / "edges.csv",
                          documents=[(d, CITATIONS[d]) for d in docs], history_dir=results / "history",
                          changes_md=results / "changes.md", changes_json=results / "changes.json")


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
    assert json.loads((tmp_path / "changes.json").read_text())["first_run"] is True

    # run 2: hodge2008 joins the corpus, supports emergency shelter and cites Aron; caliber's edge is lost
    cells = dict(RUN1_CELLS)
    cells[("immediate", "emergency_shelter", "support")] = ["aron2006", "hodge2008"]
    write_run(tmp_path, cells, [("hodge2008", "aron2006", "both")])
    second = run(tmp_path, ["aron2006", "caliber2007", "hodge2008"])
    assert second.created and second.snapshot.name.startswith("0002-")
    changes = second.changes
    assert changes["previous"] == first.snapshot.name and changes["documents"] == {"added": ["hodge2008"], "removed": []}
    assert changes["table1"] == [{"phase": "immediate", "need": "emergency_shelter", "role": "support",
                                  "added": ["hodge2008"], "removed": []}]
    assert changes["edges"]["added"] == [{"source": "hodge2008", "target": "aron2006", "via": "both"}]
    assert changes["edges"]["removed"] == [{"source": "caliber2007", "target": "aron2006", "via": "in_text"}]
    markdown = (tmp_path / "changes.md").read_text()
    assert "- added: Hodge, 2008 (hodge2008)" in markdown
    assert "| immediate | emergency_shelter | support | Hodge, 2008 (hodge2008) | – |" in markdown
    assert "- new edge: hodge2008 → aron2006 (both)" in markdown
    assert "- lost edge: caliber2007 → aron2006 (in_text)" in markdown

    before = {p: p.read_bytes() for p in (tmp_path / "changes.md", tmp_path / "changes.json")}
    (tmp_path / "changes.md").unlink()  # Snakemake deletes declared outputs before rerunning the rule
    third = run(tmp_path, ["aron2006", "caliber2007", "hodge2008"])
    assert not third.created and third.snapshot == second.snapshot
    assert [p.name for p in list_snapshots(tmp_path / "history")] == [first.snapshot.name, second.snapshot.name]
    assert {p: p.read_bytes() for p in before} == before


def test_snapshot_names_are_deterministic_and_reverting_makes_a_new_one(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        write_run(folder, RUN1_CELLS, [])
    assert run(a, ["aron2006"]).snapshot.name == run(b, ["aron2006"]).snapshot.name
    write_run(a, {**RUN1_CELLS, ("immediate", "emergency_shelter", "support"): []}, [])
    changed = run(a, ["aron2006"])
    assert changed.changes["table1"][0]["removed"] == ["aron2006"]
    write_run(a, RUN1_CELLS, [])  # back to the first content: a third snapshot, same hash as the first
    reverted = run(a, ["aron2006"])
    names = [p.name for p in list_snapshots(a / "history")]
    assert len(names) == 3 and names[2].startswith("0003-") and names[2][5:] == names[0][5:]
    assert reverted.changes["table1"][0]["added"] == ["aron2006"]


def test_interrupted_snapshot_folder_is_ignored(tmp_path):
    write_run(tmp_path, RUN1_CELLS, [])
    (tmp_path / "history" / ".incoming-x").mkdir(parents=True)
    (tmp_path / "history" / "0007-aaaaaaaaaaaa").mkdir()  # no files: never completed
    assert run(tmp_path, ["aron2006"]).snapshot.name.startswith("0001-")


def test_table1_reader_accepts_one_row_per_document(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(path, [{"phase": "immediate", "need": "basic_needs", "doc_id": "aron2006"},
                     {"phase": "immediate", "need": "basic_needs", "doc_id": "hodge2008"}], ("phase", "need", "doc_id"))
    assert read_table1_cells(path) == {("immediate", "basic_needs", "support"): {"aron2006", "hodge2008"}}
