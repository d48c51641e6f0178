"""The combine step: every coded document in one table, citations resolved, reviewer decisions applied.

``results/coding.csv`` is ``results/coded/{doc}.csv`` concatenated in doc_id order, plus:

- ``cited_doc_ids``: the in-text citations of the segment resolved against the manifest (sorted,
  ``;``-joined). Resolving here, not in the per-document step, lets a newly added document resolve
  citations in older documents without recoding them.
- ``decision``, ``reviewer``, ``codes_source``: the reviewer decision applied to the segment
  (see ``reviewflow.review.resolution`` for how several reviewers are resolved). ``codes_source`` is
  ``reviewer`` when a reviewer's decision was applied (accept confirms the automatic codes, edit
  replaces them, reject keeps them but marks the segment) and ``auto`` otherwise, including
  segments whose reviewers disagree.
- edit sets ``is_recommendation=true`` (a reviewer coding a segment says it recommends something),
  ``polarity=do`` where it was empty (``polarity_override`` where given), replaces ``service_areas``/``practices``/``needs`` by the
  override's ids (codebook order) and, with a phase override, ``phase`` with ``phase_source=reviewer``.

``results/decisions_report.csv`` lists every decision read with its fate, every refused sheet and row,
and every conflict.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewflow.coding.coded_table import CODED_COLUMNS
from reviewflow.review.decisions import load_decisions
from reviewflow.review.resolution import Resolution, resolve_decisions
from reviewflow.review.sheets import REPORT_COLUMNS, read_segments

if TYPE_CHECKING:
    from reviewflow.form import Codebook

ADDED_COLUMNS: tuple[str, ...] = ("cited_doc_ids", "decision", "reviewer", "codes_source")

Resolve = Callable[[Mapping[str, Any]], "str | None"]


@dataclass
class Combined:
    rows: list[dict[str, str]]
    columns: list[str]
    report: list[dict[str, Any]]
    resolution: Resolution
    stats: dict[str, int] = field(default_factory=dict)

    def log_lines(self) -> list[str]:
        s = self.stats
        lines = [
            f"{s['documents']} documents, {s['segments']} segments",
            f"in-text citations: {s['citations']} read, {s['citations_resolved']} resolved to a corpus document",
            f"decision sheets: {s['sheets']} read, {s['sheet_errors']} refused",
            f"decisions: {s['applied']} segments decided ({s['accept']} accept, {s['reject']} reject, {s['edit']} edit), "
            f"{s['conflicts']} in conflict, {s['unmatched']} unmatched, {s['invalid']} invalid rows",
        ]
        if not s["sheets"]:
            lines.append("no reviewer decisions yet: every segment keeps its automatic codes (codes_source=auto)")
        return lines + self.problem_lines()

    def problem_lines(self) -> list[str]:
        """What a reviewer must fix or decide, one line each (a conflict once per segment, not per reviewer)."""
        lines: list[str] = []
        doc_of = {row["segment_id"]: row["doc_id"] for row in self.rows}
        for row in self.report:
            if row["status"] not in ("sheet_error", "invalid", "unmatched", "conflict"):
                continue
            where = (
                f"segment {row['segment_id']} ({doc_of.get(row['segment_id'], '?')}): "
                if row["status"] == "conflict"
                else ""
            )
            line = f"{row['status']}: {where}{row['message']}"
            if line not in lines:
                lines.append(line)
        return lines


def resolve_citations(rows: Iterable[dict[str, str]], resolve: Resolve) -> tuple[int, int]:
    """Fill ``cited_doc_ids`` from ``citations_json``; return (citations read, citations resolved)."""
    rows = list(rows)
    parsed = [json.loads(row.get("citations_json") or "[]") for row in rows]
    # A corporate name given with its acronym in one document ("... [FCADV], 2004") lets the bare
    # acronym resolve in every other document, so the resolver first sees all citations.
    learn = getattr(resolve, "learn", None)
    if learn is not None:
        learn([item for items in parsed for item in items])
    read = resolved = 0
    for row, items in zip(rows, parsed):
        found = set()
        for item in items:
            read += 1
            doc_id = resolve(item)
            if doc_id:
                resolved += 1
                found.add(doc_id)
        row["cited_doc_ids"] = ";".join(sorted(found))
    return read, resolved


def apply_resolution(rows: Iterable[dict[str, str]], resolution: Resolution, codebook: Codebook) -> None:
    """Write the applied decisions into the rows (in place)."""
    for row in rows:
        applied = resolution.applied.get(row["segment_id"])
        if applied is None:
            row.update(decision="", reviewer="", codes_source="auto")
            continue
        row.update(decision=applied.decision, reviewer=";".join(applied.reviewers), codes_source="reviewer")
        if applied.decision != "edit":
            continue
        coding = applied.coding
        row["is_recommendation"] = "true"
        row["polarity"] = coding.polarity  # the override, else the coder's, else do (Decision.coding)
        for kind in ("service_areas", "practices", "needs"):
            chosen = getattr(coding, kind)
            row[kind] = ";".join(code for code in codebook.ids(kind) if code in chosen)
        if applied.phase_overridden:
            row["phase"] = coding.phase
            row["phase_source"] = "reviewer"


def combine(
    coded_paths: Sequence[str | Path], decision_paths: Sequence[str | Path], codebook: Codebook, resolve: Resolve
) -> Combined:
    """The combined table and the decisions report (pure apart from reading the inputs)."""
    rows = read_segments(coded_paths)
    extra = [c for row in rows[:1] for c in row if c not in CODED_COLUMNS and c not in ADDED_COLUMNS]
    columns = list(CODED_COLUMNS) + extra + list(ADDED_COLUMNS)
    read, resolved = resolve_citations(rows, resolve)
    decisions, problems = load_decisions(decision_paths, codebook)
    segments = {row["segment_id"]: row for row in rows}
    resolution = resolve_decisions(decisions, segments, codebook)
    apply_resolution(rows, resolution, codebook)
    report = sorted(problems + resolution.report, key=lambda r: (str(r.get("source", "")), _row_number(r)))
    stats = {
        "documents": len({row["doc_id"] for row in rows} | {Path(p).stem for p in coded_paths}),
        "segments": len(rows),
        "citations": read,
        "citations_resolved": resolved,
        "sheets": len(decision_paths),
        "sheet_errors": sum(r["status"] == "sheet_error" for r in report),
        "applied": len(resolution.applied),
        "conflicts": len(resolution.conflicts),
        "unmatched": sum(r["status"] == "unmatched" for r in report),
        "invalid": sum(r["status"] == "invalid" for r in report),
        **{name: sum(a.decision == name for a in resolution.applied.values()) for name in ("accept", "reject", "edit")},
    }
    return Combined(rows, columns, report, resolution, stats)


def _row_number(row: Mapping[str, Any]) -> int:
    value = str(row.get("row", ""))
    return int(value) if value.isdigit() else 0


def citation_resolver(documents: Sequence[Any]) -> Resolve:
    """The corpus's resolver, built once: a citation's JSON dict → doc_id or None."""
    from reviewflow.coding.citation_resolver import CitationResolver
    from reviewflow.coding.citations import Citation

    resolver = CitationResolver(documents)

    def resolve(item: Mapping[str, Any]) -> str | None:
        return resolver.resolve(Citation.from_json(item))

    def learn(items: Sequence[Mapping[str, Any]]) -> None:
        resolver.learn_acronyms(Citation.from_json(item) for item in items)

    resolve.learn = learn  # type: ignore[attr-defined]
    return resolve


def combine_files(
    *,
    coded: Sequence[str | Path],
    decisions: Sequence[str | Path],
    manifest: str | Path,
    corpus_dir: str | Path | None,
    form: str | Path,
    coding_out: str | Path,
    report_out: str | Path,
) -> Combined:
    """Read the rule's inputs, write ``results/coding.csv`` and ``results/decisions_report.csv``."""
    from reviewflow.corpus.manifest import load_manifest
    from reviewflow.fileio import write_csv
    from reviewflow.form import load_form

    book = load_form(form).codebook
    result = combine(coded, decisions, book, citation_resolver(load_manifest(manifest, corpus_dir)))
    write_csv(coding_out, result.rows, result.columns)
    write_csv(report_out, result.report, REPORT_COLUMNS)
    return result
