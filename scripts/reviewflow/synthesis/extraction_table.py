"""The filled extraction form of every document in one table, reviewers' manual field values applied.

``results/forms.csv`` has one row per document × form field (documents in doc_id order, fields in
form order): doc_id, field, label, mode, value, status, source, reviewer, note, evidence_count.

- An automatic field keeps what the coder put in ``results/forms/{doc}.json`` (``source=auto``).
- A manual field takes the value reviewers wrote in the "manual_fields" sheet of their decisions
  workbook (or ``<name>.manual_fields.csv`` beside a CSV decisions file): ``status=filled``,
  ``source=reviewer``. The rules follow the segment decisions (``reviewflow.review.resolution``): a reviewer's
  later row wins over their own earlier one, a value from ``adjudicated.*`` wins over everyone's,
  and reviewers who agree (case and spacing aside) share the value. Reviewers who disagree are a
  *conflict*: the value stays empty, ``status=conflict``, and the field is listed in
  ``results/review/manual_field_conflicts.csv`` until an adjudicated sheet settles it.
- ``results/review/manual_fields_report.csv`` lists every value read with its fate (applied,
  superseded, conflict, unknown_document, unknown_field, not_manual, invalid, sheet_error): a value
  for a document or field the pipeline does not know is reported, never dropped silently. Which values
  can be applied at all is ``reviewflow.review.manual_fields.check_manual_values``, which the review
  export shares to fill a reviewer's values back into a re-exported sheet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewflow.fileio import read_json, write_csv
from reviewflow.review.manual_fields import (
    ManualValue,
    check_manual_values,
    load_manual_values,
    manual_field_sources,
)
from reviewflow.review.sheets import adjudication_sheet

TABLE_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "field",
    "label",
    "mode",
    "value",
    "status",
    "source",
    "reviewer",
    "note",
    "evidence_count",
)
CONFLICT_COLUMNS: tuple[str, ...] = ("doc_id", "field", "label", "reviewers", "values", "sources", "status")
REPORT_COLUMNS: tuple[str, ...] = (
    "source",
    "row",
    "reviewer",
    "decided_at",
    "doc_id",
    "field",
    "value",
    "status",
    "message",
    "note",
)
PROBLEM_STATUSES: tuple[str, ...] = (
    "sheet_error",
    "invalid",
    "unknown_document",
    "unknown_field",
    "not_manual",
    "conflict",
)

if TYPE_CHECKING:
    from reviewflow.form import Form


@dataclass
class FormsTable:
    rows: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    report: list[dict[str, Any]]
    stats: dict[str, int] = field(default_factory=dict)

    def problem_lines(self) -> list[str]:
        """What a reviewer must fix or decide, one line each (a conflict once per field, not per reviewer)."""
        lines: list[str] = []
        for row in self.report:
            if row["status"] in PROBLEM_STATUSES:
                where = f"{row['doc_id']}/{row['field']}: " if row["status"] == "conflict" else ""
                line = f"{row['status']}: {where}{row['message']}"
                if line not in lines:
                    lines.append(line)
        return lines

    def log_lines(self) -> list[str]:
        s = self.stats
        return [
            f"{s['documents']} documents × {s['fields']} form fields = {len(self.rows)} rows",
            f"manual field sources: {s['sources']} read, {s['sheet_errors']} refused",
            f"manual values: {s['values']} read, {s['filled']} fields filled by reviewers, {s['conflicts']} in conflict, "
            f"{s['unknown']} for unknown documents or fields, {s['invalid']} invalid",
            *self.problem_lines(),
        ]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _comparable(text: str) -> str:
    """Two values that differ only in case or spacing say the same thing."""
    return " ".join(text.split()).casefold()


def resolve_manual_values(
    values: Sequence[ManualValue], doc_ids: Iterable[str], form: Form
) -> tuple[dict[tuple[str, str], dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(doc_id, field) → applied or conflicting value; the conflicts; a report row for every value read."""
    specs = {spec.id: spec for spec in form.iter_fields()}
    usable, report = check_manual_values(values, doc_ids, form)
    last: dict[tuple[str, str, str], ManualValue] = {}
    normalized: dict[ManualValue, str] = {}
    for value, text in usable:  # sources in name order, rows in order: the later row wins
        key = (value.doc_id, value.field, value.reviewer)
        if key in last:
            earlier = last[key]
            report.append(
                earlier.report_row(
                    "superseded",
                    (
                        f"{value.source}: row {value.row} gives this field again for {value.reviewer}; the later row is used"
                    ),
                )
            )
        last[key] = value
        normalized[value] = text
    by_field: dict[tuple[str, str], list[ManualValue]] = defaultdict(list)
    for (doc_id, field_id, _), value in sorted(last.items()):
        by_field[(doc_id, field_id)].append(value)
    resolved: dict[tuple[str, str], dict[str, Any]] = {}
    conflicts: list[dict[str, Any]] = []
    for (doc_id, field_id), group in by_field.items():
        deciders = [v for v in group if v.adjudicated] or group
        names = ";".join(v.reviewer for v in deciders)
        notes = "; ".join(f"{v.reviewer}: {v.note}" for v in deciders if v.note)
        if len({_comparable(normalized[v]) for v in deciders}) == 1:
            resolved[(doc_id, field_id)] = {
                "value": normalized[deciders[0]],
                "status": "filled",
                "source": "reviewer",
                "reviewer": names,
                "note": notes,
            }
            for value in group:
                if value in deciders:
                    report.append(value.report_row("applied", f"applied (given by {names.replace(';', ', ')})"))
                else:
                    report.append(value.report_row("superseded", f"superseded by the adjudicated value ({names})"))
            continue
        resolved[(doc_id, field_id)] = {
            "value": "",
            "status": "conflict",
            "source": "auto",
            "reviewer": names,
            "note": notes,
        }
        summary = " | ".join(f"{v.reviewer}: {normalized[v]}" for v in deciders)
        where = "adjudicated sheets disagree" if deciders[0].adjudicated else "reviewers disagree"
        conflicts.append(
            {
                "doc_id": doc_id,
                "field": field_id,
                "label": specs[field_id].label,
                "reviewers": names,
                "values": " | ".join(normalized[v] for v in deciders),
                "sources": ";".join(f"{v.source}:{v.row}" for v in deciders),
                "status": "conflict",
            }
        )
        for value in group:
            report.append(
                value.report_row(
                    "conflict",
                    (
                        f"{where} ({summary}); the field is left empty. Fix: give the value in "
                        f"{adjudication_sheet(value.source)} (sheet 'manual_fields') or adjudicated.manual_fields.csv"
                    ),
                )
            )
    report.sort(key=lambda r: (str(r["source"]), int(r["row"]) if str(r["row"]).isdigit() else 0, r["status"]))
    return resolved, conflicts, report


def table_rows(
    records: Sequence[Mapping[str, Any]], form: Form, resolved: Mapping[tuple[str, str], Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One row per document × form field, documents in doc_id order, fields in form order."""
    rows = []
    for record in sorted(records, key=lambda r: str(r.get("doc_id", ""))):
        doc_id = str(record.get("doc_id", ""))
        fields = record.get("fields") or {}
        for spec in form.iter_fields():
            stored = fields.get(spec.id) or {}
            default_status = "needs_reviewer" if spec.mode == "manual" else "empty"
            row = {
                "doc_id": doc_id,
                "field": spec.id,
                "label": spec.label,
                "mode": spec.mode,
                "value": _cell_text(stored.get("value")),
                "status": stored.get("status") or default_status,
                "source": "auto",
                "reviewer": "",
                "note": "",
                "evidence_count": len(stored.get("evidence") or []),
            }
            if spec.mode == "manual" and (doc_id, spec.id) in resolved:
                row.update(resolved[(doc_id, spec.id)])
            rows.append(row)
    return rows


def build_forms_table(form_paths: Sequence[str | Path], decision_paths: Sequence[str | Path], form: Form) -> FormsTable:
    """The table, the conflicts and the report (pure apart from reading the inputs)."""
    records = [read_json(path) for path in sorted(form_paths, key=lambda p: Path(p).stem)]
    sources = manual_field_sources(decision_paths)
    values, problems = load_manual_values(sources)
    doc_ids = [str(r.get("doc_id", "")) for r in records]
    resolved, conflicts, report = resolve_manual_values(values, doc_ids, form)
    report = sorted(
        problems + report, key=lambda r: (str(r["source"]), int(r["row"]) if str(r["row"]).isdigit() else 0)
    )
    rows = table_rows(records, form, resolved)
    stats = {
        "documents": len(records),
        "fields": len(form.fields),
        "sources": len(sources),
        "sheet_errors": sum(r["status"] == "sheet_error" for r in report),
        "values": len(values),
        "filled": sum(r["status"] == "filled" for r in resolved.values()),
        "conflicts": len(conflicts),
        "unknown": sum(r["status"] in ("unknown_document", "unknown_field", "not_manual") for r in report),
        "invalid": sum(r["status"] == "invalid" for r in report),
    }
    return FormsTable(rows, conflicts, report, stats)


def forms_table_files(
    *,
    forms: Sequence[str | Path],
    decisions: Sequence[str | Path],
    form: str | Path,
    table_out: str | Path,
    conflicts_out: str | Path,
    report_out: str | Path,
) -> FormsTable:
    """Read the rule's inputs and write the three outputs."""
    from reviewflow.form import load_form

    result = build_forms_table(forms, decisions, load_form(form))
    write_csv(table_out, result.rows, TABLE_COLUMNS)
    write_csv(conflicts_out, result.conflicts, CONFLICT_COLUMNS)
    write_csv(report_out, result.report, REPORT_COLUMNS)
    return result
