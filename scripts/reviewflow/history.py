"""Run history of the living review: snapshots of the synthesis and network, and what changed.

Every run whose Table 1, citation network or document list differs from the latest snapshot keeps a
new snapshot in ``results/history/<run>/`` (``table1_long.csv``, ``edges.csv``, ``documents.csv``),
named ``NNNN-<first 12 hex of the content's sha256>`` so names sort in run order and the same
content always gets the same hash. ``results/changes.md`` and ``results/changes.json`` describe the
difference between the two latest snapshots: documents added or removed, documents added to or
removed from each Table 1 cell, network edges gained or lost. They are a function of the snapshots
only, so a rerun with identical inputs neither adds a snapshot nor changes a byte of them.

Why the snapshots are not a declared Snakemake output: Snakemake deletes a rule's outputs before
running it, which would erase the history. Only ``changes.md``/``changes.json`` are declared, so
``snakemake --delete-all-output`` leaves ``results/history/`` alone (the next run then rewrites the
same changes). ``make clean`` (``rm -rf results``) deletes the history with everything else: copy
``results/history/`` elsewhere first if the record matters.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewflow.fileio import atomic_write_text, csv_text, write_json

TABLE1 = "table1_long.csv"
EDGES = "edges.csv"
DOCUMENTS = "documents.csv"
SNAPSHOT_FILES: tuple[str, ...] = (TABLE1, EDGES, DOCUMENTS)
SNAPSHOT_NAME = re.compile(r"^(\d{4,})-([0-9a-f]{12})$")
FIRST_RUN = "first run: no previous snapshot"


# --- reading the three snapshot files ---------------------------------------------------------------

def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [{k: v or "" for k, v in row.items() if k is not None} for row in csv.DictReader(handle)]


def read_table1_cells(path: str | Path) -> dict[tuple[str, str, str], set[str]]:
    """(phase, need, role) → doc_ids of Table 1 in long form, in table order.

    The synthesis writes one row per (phase, need, role) with ``doc_ids`` ``;``-joined; a row per
    document (``doc_id``) is read too, and a file without ``role`` counts every row as support.
    """
    cells: dict[tuple[str, str, str], set[str]] = {}
    for row in _rows(Path(path)):
        key = (row.get("phase", ""), row.get("need", ""), row.get("role", "") or "support")
        found = cells.setdefault(key, set())
        found.update(part.strip() for part in re.split(r";", row.get("doc_ids", "") or row.get("doc_id", "")) if part.strip())
    return cells


def read_edges(path: str | Path) -> dict[tuple[str, str], str]:
    """(source, target) → via."""
    return {(row["source"], row["target"]): row.get("via", "") for row in _rows(Path(path))}


def read_documents(path: str | Path) -> dict[str, str]:
    """doc_id → citation."""
    return {row["doc_id"]: row.get("citation", "") for row in _rows(Path(path))}


# --- snapshots --------------------------------------------------------------------------------------

def snapshot_contents(table1: str | Path, edges: str | Path, documents: Sequence[tuple[str, str]]) -> dict[str, bytes]:
    docs = [{"doc_id": doc_id, "citation": citation} for doc_id, citation in sorted(documents)]
    return {
        TABLE1: Path(table1).read_bytes(),
        EDGES: Path(edges).read_bytes(),
        DOCUMENTS: csv_text(docs, ("doc_id", "citation")).encode("utf-8"),
    }


def content_hash(contents: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in SNAPSHOT_FILES:
        data = contents[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:12]


def list_snapshots(history_dir: str | Path) -> list[Path]:
    """Complete snapshots in run order (temporary folders of an interrupted run are ignored)."""
    folder = Path(history_dir)
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if p.is_dir() and (m := SNAPSHOT_NAME.match(p.name))
             and all((p / name).is_file() for name in SNAPSHOT_FILES)]
    return [path for _, path in sorted(found)]


def record_snapshot(history_dir: str | Path, contents: Mapping[str, bytes]) -> tuple[Path, bool]:
    """The snapshot holding ``contents``: the latest one when it already does, else a new one.

    Returns (snapshot folder, created). The new folder is filled under a temporary name and renamed,
    so an interrupted run never leaves a half snapshot that looks complete.
    """
    history = Path(history_dir)
    snapshots = list_snapshots(history)
    digest = content_hash(contents)
    if snapshots and snapshots[-1].name.endswith(f"-{digest}"):
        return snapshots[-1], False
    number = int(SNAPSHOT_NAME.match(snapshots[-1].name).group(1)) + 1 if snapshots else 1  # type: ignore[union-attr]
    target = history / f"{number:04d}-{digest}"
    history.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=history, prefix=".incoming-"))
    try:
        for name in SNAPSHOT_FILES:
            (staging / name).write_bytes(contents[name])
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target, True


# --- comparing two snapshots ------------------------------------------------------------------------

def compare(previous: Path | None, current: Path) -> dict[str, Any]:
    """What changed from ``previous`` to ``current`` (None: the first snapshot), as JSON-ready data."""
    docs_now = read_documents(current / DOCUMENTS)
    cells_now = read_table1_cells(current / TABLE1)
    edges_now = read_edges(current / EDGES)
    base: dict[str, Any] = {
        "current": current.name,
        "totals": {"documents": len(docs_now), "edges": len(edges_now),
                   "table1_cells_with_documents": sum(bool(v) for v in cells_now.values())},
    }
    if previous is None:
        return {**base, "first_run": True, "previous": None, "message": FIRST_RUN,
                "documents": {"added": [], "removed": []}, "table1": [],
                "edges": {"added": [], "removed": [], "via_changed": []}}
    docs_before = read_documents(previous / DOCUMENTS)
    cells_before = read_table1_cells(previous / TABLE1)
    edges_before = read_edges(previous / EDGES)
    table1 = []
    for key in list(cells_now) + [k for k in cells_before if k not in cells_now]:
        now, before = cells_now.get(key, set()), cells_before.get(key, set())
        if now != before:
            table1.append({"phase": key[0], "need": key[1], "role": key[2],
                           "added": sorted(now - before), "removed": sorted(before - now)})
    edge = lambda key, via: {"source": key[0], "target": key[1], "via": via}  # noqa: E731
    return {
        **base, "first_run": False, "previous": previous.name, "message": "",
        "documents": {"added": sorted(set(docs_now) - set(docs_before)),
                      "removed": sorted(set(docs_before) - set(docs_now))},
        "table1": table1,
        "edges": {
            "added": [edge(k, edges_now[k]) for k in sorted(set(edges_now) - set(edges_before))],
            "removed": [edge(k, edges_before[k]) for k in sorted(set(edges_before) - set(edges_now))],
            "via_changed": [{"source": k[0], "target": k[1], "before": edges_before[k], "after": edges_now[k]}
                            for k in sorted(set(edges_now) & set(edges_before)) if edges_now[k] != edges_before[k]],
        },
        "citations": {**docs_before, **docs_now},
    }


def render_markdown(changes: Mapping[str, Any]) -> str:
    names = changes.get("citations", {})

    def cite(doc_id: str) -> str:
        return f"{names[doc_id]} ({doc_id})" if names.get(doc_id) else doc_id

    totals = changes["totals"]
    lines = ["# Changes since the previous run", ""]
    if changes["first_run"]:
        lines += [f"Snapshot `{changes['current']}` in `results/history/`: {FIRST_RUN}.", "",
                  f"This run: {totals['documents']} documents, {totals['table1_cells_with_documents']} Table 1 cells "
                  f"with documents, {totals['edges']} citation-network edges.", ""]
        return "\n".join(lines)
    lines += [f"Snapshot `{changes['current']}` compared with `{changes['previous']}` (both in `results/history/`). "
              f"This run: {totals['documents']} documents, {totals['table1_cells_with_documents']} Table 1 cells with "
              f"documents, {totals['edges']} citation-network edges.", "", "## Documents", ""]
    docs = changes["documents"]
    lines += [f"- added: {cite(d)}" for d in docs["added"]] + [f"- removed: {cite(d)}" for d in docs["removed"]]
    if not docs["added"] and not docs["removed"]:
        lines.append("No document added or removed.")
    lines += ["", "## Table 1 cells", ""]
    if changes["table1"]:
        lines += ["| phase | need | role | documents added | documents removed |", "|---|---|---|---|---|"]
        for cell in changes["table1"]:
            added = "; ".join(cite(d) for d in cell["added"]) or "–"
            removed = "; ".join(cite(d) for d in cell["removed"]) or "–"
            lines.append(f"| {cell['phase']} | {cell['need']} | {cell['role']} | {_md(added)} | {_md(removed)} |")
    else:
        lines.append("No Table 1 cell changed.")
    lines += ["", "## Citation network", ""]
    edges = changes["edges"]
    lines += [f"- new edge: {e['source']} → {e['target']} ({e['via']})" for e in edges["added"]]
    lines += [f"- lost edge: {e['source']} → {e['target']} ({e['via']})" for e in edges["removed"]]
    lines += [f"- edge {e['source']} → {e['target']} now via {e['after']} (was {e['before']})" for e in edges["via_changed"]]
    if not any(edges.values()):
        lines.append("No edge gained or lost.")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


@dataclass(frozen=True)
class HistoryResult:
    snapshot: Path
    created: bool
    changes: dict[str, Any]


def update_history(*, table1: str | Path, edges: str | Path, documents: Sequence[tuple[str, str]],
                   history_dir: str | Path, changes_md: str | Path, changes_json: str | Path) -> HistoryResult:
    """Snapshot this run if it differs from the latest snapshot, then write the changes files."""
    snapshot, created = record_snapshot(history_dir, snapshot_contents(table1, edges, documents))
    snapshots = list_snapshots(history_dir)
    index = snapshots.index(snapshot)
    changes = compare(snapshots[index - 1] if index else None, snapshot)
    write_json(changes_json, changes)
    atomic_write_text(changes_md, render_markdown(changes))
    return HistoryResult(snapshot, created, changes)


def log_lines(result: HistoryResult) -> list[str]:
    c = result.changes
    verb = "new snapshot" if result.created else "unchanged since snapshot"
    if c["first_run"]:
        return [f"{verb} {result.snapshot}", FIRST_RUN]
    return [f"{verb} {result.snapshot} (previous {c['previous']})",
            f"documents +{len(c['documents']['added'])} -{len(c['documents']['removed'])}; "
            f"Table 1 cells changed {len(c['table1'])}; edges +{len(c['edges']['added'])} -{len(c['edges']['removed'])}"]

