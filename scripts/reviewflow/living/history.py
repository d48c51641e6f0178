"""Run history of the living review: snapshots of the synthesis and network, and what changed.

Every run whose synthesis tables, citation network or document list differs from the latest
snapshot keeps a new snapshot in ``results/history/<run>/``: ``table1_long.csv``, ``edges.csv``,
``documents.csv`` and, when the run passes them, the long tables of the other synthesis tables
(``reviewflow.synthesis.outputs.SYNTHESIS_TABLES``; their sections are titled with the form's headings). A
snapshot is named ``NNNN-<first 12 hex of the content's sha256>`` so names sort in run order and
the same content always gets the same hash. A run identical to the latest snapshot adds none: the
history holds one snapshot per run that changed something, never two identical ones in a
row (a revert to older content is a change, so it gets a snapshot of its own).

``results/changes.md`` and ``results/changes.json`` say first whether this run changed anything:

- a run that made a snapshot describes the difference from the snapshot before it: documents added
  or removed, documents added to or removed from each Table 1 cell (and each cell of the other
  tables; cells named by the labels of the long tables), network edges gained or lost, and for
  each document whose cells moved, why: it joined or left the corpus, or reviewer decisions on it
  were made, changed or withdrawn (file, reviewer, row; the applied decisions are kept beside each
  snapshot), or else its coding changed;
- a run identical to the latest snapshot says so plainly, and then shows the latest change (that
  snapshot against its predecessor) under a heading that labels it as earlier.

Both are a function of the snapshots and of whether this run matched the latest one, so reruns
with identical inputs neither add a snapshot nor change a byte of them after the first "no change".

Why the snapshots are not a declared Snakemake output: Snakemake deletes a rule's outputs before
running it, which would erase the history. Only ``changes.md``/``changes.json`` are declared, so
``snakemake --delete-all-output`` and ``make clean`` leave ``results/history/`` alone; only
``make clean-all`` (or deleting the folder) removes it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewflow.errors import ReviewflowError
from reviewflow.fileio import atomic_write_text, csv_text, read_csv_rows, write_json
from reviewflow.form import Wording, make_wording
from reviewflow.safety import markdown_escape
from reviewflow.synthesis.outputs import SYNTHESIS_TABLES, SynthesisTable, synthesis_table
from reviewflow.synthesis.outputs import TABLE1 as TABLE1_NAME

TABLE1 = synthesis_table(TABLE1_NAME).snapshot_file
EDGES = "edges.csv"
DOCUMENTS = "documents.csv"
TABLE1_KEY: tuple[str, ...] = synthesis_table(TABLE1_NAME).key  # the columns that identify one Table 1 cell
# Every snapshot has these; a folder without one of them is an interrupted run's leftover.
CORE_FILES: tuple[str, ...] = (TABLE1, EDGES, DOCUMENTS)
# The other synthesis tables, kept in the snapshots when a run passes them and compared cell by cell.
OTHER_TABLES: tuple[SynthesisTable, ...] = tuple(t for t in SYNTHESIS_TABLES if t.name != TABLE1_NAME)
SNAPSHOT_FILES: tuple[str, ...] = CORE_FILES + tuple(spec.snapshot_file for spec in OTHER_TABLES)
# Kept beside a snapshot but not hashed into its name: the reviewer decisions applied when it was
# taken, so that a later change can say which decision moved a cell. A decision that moves no cell is
# no change of the synthesis, and adds no snapshot.
DECISIONS = "decisions_applied.csv"
DECISION_COLUMNS: tuple[str, ...] = (
    "segment_id",
    "doc_id",
    "decision",
    "codes_override",
    "phase_override",
    "polarity_override",
    "reviewer",
    "source",
    "row",
)
SNAPSHOT_NAME = re.compile(r"^(\d{4,})-([0-9a-f]{12})$")
FIRST_RUN = "first run: no previous snapshot"
NO_CHANGE = "No change since the previous run"


# --- reading the snapshot files ---------------------------------------------------------------------


def read_cells(path: str | Path, key: Sequence[str]) -> dict[tuple[str, ...], set[str]]:
    """cell key → doc_ids of a long synthesis table, cells in table order.

    The synthesis writes one row per cell with ``doc_ids`` ``;``-joined; a row per document
    (``doc_id``) is read too, and an empty or missing ``role`` counts as support.
    """
    cells: dict[tuple[str, ...], set[str]] = {}
    for row in read_csv_rows(path):
        cell = tuple(row.get(column, "") or ("support" if column == "role" else "") for column in key)
        found = cells.setdefault(cell, set())
        found.update(
            part.strip() for part in (row.get("doc_ids", "") or row.get("doc_id", "")).split(";") if part.strip()
        )
    return cells


def read_labels(path: str | Path, key: Sequence[str]) -> dict[str, dict[str, str]]:
    """column → id → label, from the ``<column>_label`` columns a long synthesis table writes beside its ids."""
    labels: dict[str, dict[str, str]] = {}
    for row in read_csv_rows(path):
        for column in key:
            label = (row.get(f"{column}_label") or "").strip()
            if label and row.get(column):
                labels.setdefault(column, {})[row[column]] = label
    return labels


def read_table1_cells(path: str | Path) -> dict[tuple[str, ...], set[str]]:
    """(phase, need, role) → doc_ids of Table 1 in long form."""
    return read_cells(path, TABLE1_KEY)


def read_edges(path: str | Path) -> dict[tuple[str, str], str]:
    """(source, target) → via."""
    return {(row["source"], row["target"]): row.get("via", "") for row in read_csv_rows(path)}


def read_documents(path: str | Path) -> dict[str, str]:
    """doc_id → citation."""
    return {row["doc_id"]: row.get("citation", "") for row in read_csv_rows(path)}


# --- snapshots --------------------------------------------------------------------------------------


def snapshot_contents(
    table1: str | Path,
    edges: str | Path,
    documents: Sequence[tuple[str, str]],
    tables: Mapping[str, str | Path] | None = None,
) -> dict[str, bytes]:
    """The bytes of every file of this run's snapshot; ``tables`` maps OTHER_TABLES names to their long CSV."""
    specs = {spec.name: spec for spec in OTHER_TABLES}
    unknown = sorted(set(tables or {}) - set(specs))
    if unknown:
        raise ReviewflowError(f"history: unknown table(s) {', '.join(unknown)}. Fix: pass only {', '.join(specs)}.")
    docs = [{"doc_id": doc_id, "citation": citation} for doc_id, citation in sorted(documents)]
    contents = {
        TABLE1: Path(table1).read_bytes(),
        EDGES: Path(edges).read_bytes(),
        DOCUMENTS: csv_text(docs, ("doc_id", "citation")).encode("utf-8"),
    }
    contents.update({specs[name].snapshot_file: Path(path).read_bytes() for name, path in (tables or {}).items()})
    return contents


def content_hash(contents: Mapping[str, bytes]) -> str:
    """Hash of the files present, in SNAPSHOT_FILES order (a snapshot of only the core files keeps
    the hash it had before the other tables were kept)."""
    digest = hashlib.sha256()
    for name in SNAPSHOT_FILES:
        if name not in contents:
            continue
        data = contents[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:12]


def list_snapshots(history_dir: str | Path) -> list[Path]:
    """Complete snapshots in run order (temporary folders of an interrupted run are ignored)."""
    folder = Path(history_dir)
    if not folder.is_dir():
        return []
    found = [
        (int(m.group(1)), p)
        for p in folder.iterdir()
        if p.is_dir() and (m := SNAPSHOT_NAME.match(p.name)) and all((p / name).is_file() for name in CORE_FILES)
    ]
    return [path for _, path in sorted(found)]


def _next_name(snapshots: Sequence[Path], digest: str) -> str:
    match = SNAPSHOT_NAME.match(snapshots[-1].name) if snapshots else None
    return f"{int(match.group(1)) + 1 if match else 1:04d}-{digest}"


# --- comparing two snapshots ------------------------------------------------------------------------


def _cell_changes(
    now: Mapping[tuple[str, ...], set[str]], before: Mapping[tuple[str, ...], set[str]], key: Sequence[str]
) -> list[dict[str, Any]]:
    changed = []
    for cell in list(now) + [k for k in before if k not in now]:
        docs_now, docs_before = now.get(cell, set()), before.get(cell, set())
        if docs_now != docs_before:
            changed.append(
                {
                    **dict(zip(key, cell)),
                    "added": sorted(docs_now - docs_before),
                    "removed": sorted(docs_before - docs_now),
                }
            )
    return changed


def _other_tables(previous: Path, current: Path, wording: Wording) -> list[dict[str, Any]]:
    result = []
    for spec in OTHER_TABLES:
        file = spec.snapshot_file
        here, there = (current / file).is_file(), (previous / file).is_file()
        if not here and not there:
            continue
        entry: dict[str, Any] = {"table": spec.name, "label": wording.tables[spec.name].heading, "key": list(spec.key)}
        if here and there:
            entry.update(
                compared=True,
                cells=_cell_changes(
                    read_cells(current / file, spec.key), read_cells(previous / file, spec.key), spec.key
                ),
            )
        else:
            missing = "the earlier snapshot" if here else "the later snapshot"
            entry.update(compared=False, cells=[], reason=f"{missing} does not hold {file}")
        result.append(entry)
    return result


def compare(
    previous: Path | None, current: Path, name: str | None = None, wording: Wording | None = None
) -> dict[str, Any]:
    """What changed from snapshot ``previous`` to ``current`` (None: the first snapshot), as JSON-ready
    data. ``name`` is the snapshot's name when ``current`` is still its staging folder; ``wording``
    (the form's) labels the other tables, generic without one."""
    docs_now = read_documents(current / DOCUMENTS)
    cells_now = read_table1_cells(current / TABLE1)
    edges_now = read_edges(current / EDGES)
    base: dict[str, Any] = {
        "snapshot": name or current.name,
        "totals": {
            "documents": len(docs_now),
            "edges": len(edges_now),
            "table1_cells_with_documents": sum(bool(v) for v in cells_now.values()),
        },
    }
    if previous is None:
        return {
            **base,
            "first_run": True,
            "previous": None,
            "documents": {"added": [], "removed": []},
            "table1": [],
            "other_tables": [],
            "edges": {"added": [], "removed": [], "via_changed": []},
            "citations": docs_now,
        }
    docs_before = read_documents(previous / DOCUMENTS)
    edges_before = read_edges(previous / EDGES)
    edge = lambda key, via: {"source": key[0], "target": key[1], "via": via}  # noqa: E731
    documents = {
        "added": sorted(set(docs_now) - set(docs_before)),
        "removed": sorted(set(docs_before) - set(docs_now)),
    }
    table1 = _cell_changes(cells_now, read_table1_cells(previous / TABLE1), TABLE1_KEY)
    other_tables = _other_tables(previous, current, wording or make_wording())
    moved = sorted(
        {
            d
            for cell in [*table1, *(c for t in other_tables for c in t["cells"])]
            for d in cell["added"] + cell["removed"]
        }
    )
    return {
        **base,
        "first_run": False,
        "previous": previous.name,
        "documents": documents,
        "table1": table1,
        "other_tables": other_tables,
        "labels": _labels(previous, current),
        "reasons": cell_reasons(moved, documents, _decisions(previous), _decisions(current)),
        "edges": {
            "added": [edge(k, edges_now[k]) for k in sorted(set(edges_now) - set(edges_before))],
            "removed": [edge(k, edges_before[k]) for k in sorted(set(edges_before) - set(edges_now))],
            "via_changed": [
                {"source": k[0], "target": k[1], "before": edges_before[k], "after": edges_now[k]}
                for k in sorted(set(edges_now) & set(edges_before))
                if edges_now[k] != edges_before[k]
            ],
        },
        "citations": {**docs_before, **docs_now},
    }


def _labels(previous: Path, current: Path) -> dict[str, dict[str, str]]:
    """column → id → label over the long tables of both snapshots (the current one's words win)."""
    labels: dict[str, dict[str, str]] = {}
    files = [(TABLE1, TABLE1_KEY), *((spec.snapshot_file, spec.key) for spec in OTHER_TABLES)]
    for folder in (previous, current):
        for file, key in files:
            if (folder / file).is_file():
                for column, names in read_labels(folder / file, key).items():
                    labels.setdefault(column, {}).update(names)
    return labels


def applied_decisions_csv(decisions_report: str | Path) -> str:
    """The applied decisions of a decisions_report.csv, in a fixed order (segment, then sheet and row)."""
    rows = [row for row in read_csv_rows(decisions_report) if row.get("status") == "applied"]
    rows.sort(key=lambda row: (row.get("segment_id", ""), row.get("source", ""), int(row.get("row") or 0)))
    return csv_text(rows, DECISION_COLUMNS)


def _decisions(snapshot: Path) -> list[dict[str, str]] | None:
    """The applied decisions kept beside a snapshot; None when it kept none (an older snapshot)."""
    path = snapshot / DECISIONS
    return read_csv_rows(path) if path.is_file() else None


def _describe_decision(row: Mapping[str, str], verb: str) -> str:
    what = row.get("decision", "")
    if row.get("codes_override"):
        what += f" codes={row['codes_override']}"
    if row.get("phase_override"):
        what += f" phase={row['phase_override']}"
    if row.get("polarity_override"):
        what += f" polarity={row['polarity_override']}"
    return f"{verb} {what} by {row.get('reviewer', '')} ({row.get('source', '')} row {row.get('row', '')})"


def cell_reasons(
    moved: Sequence[str],
    documents: Mapping[str, Sequence[str]],
    before: Sequence[Mapping[str, str]] | None,
    now: Sequence[Mapping[str, str]] | None,
) -> dict[str, list[str]]:
    """doc_id → why its cells moved: it joined or left the corpus, or reviewer decisions on its
    segments were made, changed or withdrawn since the earlier snapshot (file, reviewer, row); else
    its coding changed with no decision on it changing (its text, the coding rules, the form)."""

    def key(row: Mapping[str, str]) -> tuple[str, ...]:
        return tuple(
            row.get(c, "") for c in ("decision", "codes_override", "phase_override", "polarity_override", "reviewer")
        )

    old = {row["segment_id"]: row for row in before or []}
    new = {row["segment_id"]: row for row in now or []}
    reasons: dict[str, list[str]] = {}
    for doc_id in moved:
        if doc_id in documents["added"]:
            reasons[doc_id] = ["added to the corpus"]
            continue
        if doc_id in documents["removed"]:
            reasons[doc_id] = ["removed from the corpus"]
            continue
        if before is None or now is None:
            reasons[doc_id] = ["not known: a snapshot does not record the reviewer decisions applied"]
            continue
        found = [
            _describe_decision(row, "decision")
            for sid, row in sorted(new.items())
            if row.get("doc_id") == doc_id and (sid not in old or key(old[sid]) != key(row))
        ] + [
            _describe_decision(row, "withdrawn:")
            for sid, row in sorted(old.items())
            if row.get("doc_id") == doc_id and sid not in new
        ]
        reasons[doc_id] = found or [
            "its coding changed, with no reviewer decision on it changed (its text, the coding or the form)"
        ]
    return reasons


def changes_document(change: Mapping[str, Any], *, changed: bool) -> dict[str, Any]:
    """changes.json: whether this run changed anything, and the latest change (this run's or earlier)."""
    snapshot = change["snapshot"]
    if not changed:
        message = (
            f"{NO_CHANGE}: its synthesis tables, citation network and documents are identical to "
            f"snapshot {snapshot}; no snapshot was added. The latest change, shown as 'latest_change', "
            "is an earlier run's."
        )
    elif change["first_run"]:
        message = f"New snapshot {snapshot}: {FIRST_RUN}."
    else:
        message = (
            f"This run changed the synthesis or network: new snapshot {snapshot}, compared with {change['previous']}."
        )
    return {
        "changed_since_previous_run": changed,
        "snapshot": snapshot,
        "message": message,
        "totals": change["totals"],
        "latest_change": {**change, "by_this_run": changed},
    }


# --- Markdown ---------------------------------------------------------------------------------------


def _totals_line(totals: Mapping[str, int]) -> str:
    return (
        f"This run: {totals['documents']} documents, {totals['table1_cells_with_documents']} Table 1 cells "
        f"with documents, {totals['edges']} citation-network edges."
    )


@dataclass(frozen=True)
class Section:
    """One part of a change, ready to render as Markdown (changes.md) or HTML (the report)."""

    title: str
    items: tuple[str, ...] = ()  # a bulleted list
    columns: tuple[str, ...] = ()  # or a table
    rows: tuple[tuple[str, ...], ...] = ()
    text: str = ""  # or one sentence, when there is nothing to list


def change_sections(change: Mapping[str, Any]) -> list[Section]:
    """The sections describing one change (a ``latest_change`` of changes.json), citations spelled out."""
    names = change.get("citations", {})
    labels = change.get("labels", {})

    def cite(doc_id: str) -> str:
        return f"{names[doc_id]} ({doc_id})" if names.get(doc_id) else doc_id

    def named(column: str, value: Any) -> str:  # a code's label where the tables give one, else its id
        return labels.get(column, {}).get(str(value), str(value))

    def cells(title: str, key: Sequence[str], changed: Sequence[Mapping[str, Any]], empty: str) -> Section:
        if not changed:
            return Section(title, text=empty)
        rows = tuple(
            (
                *(named(c, cell[c]) for c in key),
                "; ".join(cite(d) for d in cell["added"]) or "–",
                "; ".join(cite(d) for d in cell["removed"]) or "–",
            )
            for cell in changed
        )
        return Section(title, columns=(*key, "documents added", "documents removed"), rows=rows)

    docs = change["documents"]
    if change["first_run"]:
        return [
            Section(
                "Documents",
                text=f"{change['totals']['documents']} documents in the first snapshot; nothing to compare with.",
            )
        ]
    sections = [
        Section(
            "Documents",
            items=tuple(
                [f"added: {cite(d)}" for d in docs["added"]] + [f"removed: {cite(d)}" for d in docs["removed"]]
            ),
            text="" if docs["added"] or docs["removed"] else "No document added or removed.",
        ),
        cells("Table 1 cells", TABLE1_KEY, change["table1"], "No Table 1 cell changed."),
    ]
    for table in change.get("other_tables", []):
        if not table["compared"]:
            sections.append(Section(table["label"], text=f"Not compared: {table['reason']}."))
        else:
            sections.append(cells(table["label"], table["key"], table["cells"], "No cell changed."))
    reasons = change.get("reasons", {})
    if reasons:
        sections.append(
            Section(
                "What moved the cells",
                items=tuple(f"{cite(doc_id)}: {'; '.join(why)}" for doc_id, why in sorted(reasons.items())),
            )
        )
    edges = change["edges"]
    items = (
        [f"new edge: {e['source']} → {e['target']} ({e['via']})" for e in edges["added"]]
        + [f"lost edge: {e['source']} → {e['target']} ({e['via']})" for e in edges["removed"]]
        + [f"edge {e['source']} → {e['target']} now via {e['after']} (was {e['before']})" for e in edges["via_changed"]]
    )
    sections.append(Section("Citation network", items=tuple(items), text="" if items else "No edge gained or lost."))
    return sections


def _markdown_sections(sections: Sequence[Section], level: str) -> list[str]:
    lines: list[str] = []

    def md(text: str) -> str:  # every text here may come from the manifest or the form
        return markdown_escape(text, underscores=False)

    for section in sections:
        lines += [f"{level} {md(section.title)}", ""]
        lines += [f"- {md(item)}" for item in section.items]
        if section.columns:
            lines += ["| " + " | ".join(md(c) for c in section.columns) + " |", "|" + "---|" * len(section.columns)]
            lines += ["| " + " | ".join(md(value) for value in row) + " |" for row in section.rows]
        if section.text:
            lines.append(md(section.text))
        lines.append("")
    return lines


def render_markdown(document: Mapping[str, Any], history_dir: str = "results/history") -> str:
    """changes.md from changes.json's content; ``history_dir`` is where the review keeps its snapshots."""
    change = document["latest_change"]
    where = f"`{history_dir}/`"
    lines = ["# Changes since the previous run", ""]
    if not document["changed_since_previous_run"]:
        lines += [
            f"**{NO_CHANGE}.** This run's synthesis tables, citation network and documents are identical to "
            f"snapshot `{change['snapshot']}`, the latest in {where}; no snapshot was added.",
            "",
            _totals_line(document["totals"]),
            "",
        ]
        against = f"compared with `{change['previous']}`" if change["previous"] else FIRST_RUN
        lines += [
            f"## Earlier: the latest change (snapshot `{change['snapshot']}`, {against})",
            "",
            "What an earlier run changed; this run changed nothing.",
            "",
        ]
        return "\n".join(lines + _markdown_sections(change_sections(change), "###")).rstrip("\n") + "\n"
    if change["first_run"]:
        lines += [f"New snapshot `{change['snapshot']}` in {where}: {FIRST_RUN}.", ""]
    else:
        lines += [
            f"This run changed the synthesis or the citation network: new snapshot `{change['snapshot']}`, "
            f"compared with `{change['previous']}` (both in {where}).",
            "",
        ]
    lines += [_totals_line(document["totals"]), ""]
    return "\n".join(lines + _markdown_sections(change_sections(change), "##")).rstrip("\n") + "\n"


# --- one run ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryResult:
    snapshot: Path
    created: bool
    changes: dict[str, Any]


def _write_changes(
    document: Mapping[str, Any], changes_md: str | Path, changes_json: str | Path, history_dir: str | Path
) -> None:
    write_json(changes_json, document)
    atomic_write_text(changes_md, render_markdown(document, Path(history_dir).as_posix()))


def update_history(
    *,
    table1: str | Path,
    edges: str | Path,
    documents: Sequence[tuple[str, str]],
    history_dir: str | Path,
    changes_md: str | Path,
    changes_json: str | Path,
    tables: Mapping[str, str | Path] | None = None,
    wording: Wording | None = None,
    decisions_report: str | Path | None = None,
) -> HistoryResult:
    """Snapshot this run if it differs from the latest snapshot, and write the changes files.

    ``tables`` maps OTHER_TABLES names to this run's long CSVs; ``wording`` (``load_form(...).wording``)
    titles their sections, generic without one. The wording is not part of a snapshot: rewording a
    table relabels the changes files but is no change of the synthesis. ``decisions_report``
    (decisions_report.csv): its applied decisions are kept beside the snapshot (DECISIONS), so that
    the change names the reviewer decisions that moved a cell.

    A new snapshot is filled under a temporary name and renamed only after the changes files are
    written: an interrupted run leaves neither a half snapshot that looks complete nor a complete
    snapshot whose change was never reported (the rerun would otherwise call it "no change").
    """
    history = Path(history_dir)
    contents = snapshot_contents(table1, edges, documents, tables)
    digest = content_hash(contents)
    snapshots = list_snapshots(history)
    if snapshots and snapshots[-1].name.endswith(f"-{digest}"):
        latest = snapshots[-1]
        document = changes_document(
            compare(snapshots[-2] if len(snapshots) > 1 else None, latest, wording=wording), changed=False
        )
        _write_changes(document, changes_md, changes_json, history_dir)
        return HistoryResult(latest, False, document)
    target = history / _next_name(snapshots, digest)
    history.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=history, prefix=".incoming-"))
    # mkdtemp makes the folder private (0700); a snapshot is as readable as the other results.
    staging.chmod(0o777 & ~_umask())
    try:
        for name, data in contents.items():
            (staging / name).write_bytes(data)
        if decisions_report is not None:
            (staging / DECISIONS).write_text(applied_decisions_csv(decisions_report), encoding="utf-8")
        document = changes_document(
            compare(snapshots[-1] if snapshots else None, staging, target.name, wording), changed=True
        )
        _write_changes(document, changes_md, changes_json, history_dir)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return HistoryResult(target, True, document)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def log_lines(result: HistoryResult) -> list[str]:
    change = result.changes["latest_change"]
    if not result.created:
        head = [
            f"{NO_CHANGE}: unchanged since snapshot {result.snapshot}; changes.md says so and shows that "
            "snapshot's change as earlier"
        ]
    else:
        head = [f"new snapshot {result.snapshot}" + (f" (previous {change['previous']})" if change["previous"] else "")]
    if change["first_run"]:
        return [*head, FIRST_RUN]
    others = sum(len(t["cells"]) for t in change["other_tables"])
    return [
        *head,
        f"{'earlier change: ' if not result.created else ''}documents +{len(change['documents']['added'])} "
        f"-{len(change['documents']['removed'])}; Table 1 cells changed {len(change['table1'])}; "
        f"other table cells changed {others}; edges +{len(change['edges']['added'])} "
        f"-{len(change['edges']['removed'])}",
    ]
