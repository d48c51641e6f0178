"""Filling the extraction form of one document from its coded segments (`results/forms/{doc}.json`).

Automatic fields are filled from the manifest row or the coded segments, each value with evidence
(segment, page, quote, rule); manual fields are left empty with status ``needs_reviewer``.
Services and practices count only where they are recommended; needs count wherever the text names
them (a need stated as a finding is still a need).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reviewflow.coding.coder import CodedDocument, Segment, segment_id
from reviewflow.form import Field, Form

MAX_EVIDENCE_PER_VALUE = 3
MAX_QUOTE = 300


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "\u2026"


def _row_evidence(row: Mapping[str, Any], rule: str) -> dict[str, Any]:
    return {"segment_id": row["segment_id"], "page": row["page"], "quote": _quote(row["sentence"]), "rule": rule}


def _segment_evidence(doc_id: str, segment: Segment, rule: str) -> dict[str, Any]:
    return {
        "segment_id": segment_id(doc_id, segment.text) if segment.section == "body" else "",
        "page": segment.page,
        "quote": _quote(segment.text),
        "rule": rule,
    }


def _entry(value: Any, mode: str, evidence: list[dict[str, Any]]) -> dict[str, Any]:
    empty = value is None or value == [] or value == ""
    return {"value": value, "mode": mode, "status": "empty" if empty else "filled", "evidence": evidence}


def _from_rows(
    field: Field, rows: Sequence[Mapping[str, Any]], column: str, recommendations_only: bool
) -> dict[str, Any]:
    evidence: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if recommendations_only and not row["is_recommendation"]:
            continue
        for code in row[column]:
            found = evidence.setdefault(code, [])
            if len(found) < MAX_EVIDENCE_PER_VALUE:
                found.append(_row_evidence(row, f"{column}:{code}"))
    values = [choice for choice in field.choices if choice in evidence]
    return _entry(values, "auto", [item for value in values for item in evidence[value]])


def _from_cues(
    field: Field, coded: CodedDocument, group: str, allowed: Sequence[str], skip_cited: bool
) -> tuple[list[str], list[dict[str, Any]]]:
    """Ids whose method or population cues fire anywhere outside the references."""
    evidence: dict[str, list[dict[str, Any]]] = {}
    for segment in coded.segments:
        # A cited sentence reports someone else's method ("interviews with survivors suggest ...
        # (Caliber, 2007)"); it is not what this document's recommendations rest on.
        if skip_cited and segment.citations:
            continue
        for hit in segment.hits:
            if hit.group != group or hit.code not in allowed:
                continue
            found = evidence.setdefault(hit.code, [])
            if len(found) < MAX_EVIDENCE_PER_VALUE and all(e["quote"] != _quote(segment.text) for e in found):
                found.append(_segment_evidence(coded.doc_id, segment, hit.evidence))
    values = [code for code in allowed if code in evidence]
    return values, [item for value in values for item in evidence[value]]


def fill_form(coded: CodedDocument, form: Form, document_row: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The filled form of one document, as docs/data-contracts.md describes (plus status and messages)."""
    document_row = document_row or {}
    book = form.codebook
    fields: dict[str, Any] = {}
    basis_values: list[str] = []
    for item in form.fields:
        if item.mode == "manual":
            fields[item.id] = {"value": None, "mode": "manual", "status": "needs_reviewer", "evidence": []}
            continue
        if coded.status == "error":
            fields[item.id] = _entry(None, "auto", [])
            continue
        source = item.source
        if source == "manifest":
            column = str(item.spec["manifest_column"])
            value = str(document_row.get(column) or "") or None
            fields[item.id] = _entry(
                value,
                "auto",
                [{"segment_id": "", "page": 0, "quote": value or "", "rule": f"manifest:{column}"}] if value else [],
            )
        elif source == "evidence_basis":
            basis_values, evidence = _from_cues(item, coded, "basis", [e["id"] for e in book.evidence_basis], True)
            fields[item.id] = _entry(basis_values, "auto", evidence)
        elif source == "evidence_category":
            kinds = {e["id"]: e["basis"] for e in book.evidence_basis}
            if not basis_values:
                basis_values, _ = _from_cues(item, coded, "basis", list(kinds), True)
            category = (
                "primary" if any(kinds[v] == "primary" for v in basis_values) else "secondary" if basis_values else None
            )
            rule = [{"segment_id": "", "page": 0, "quote": ";".join(basis_values), "rule": "evidence_basis"}]
            fields[item.id] = _entry(category, "auto", rule if category else [])
        elif source == "population":
            allowed = [e["id"] for e in book.population if e["dimension"] == item.spec["dimension"]]
            values, evidence = _from_cues(item, coded, "population", allowed, False)
            fields[item.id] = _entry(values, "auto", evidence)
        elif source == "coded_needs":
            fields[item.id] = _from_rows(item, coded.rows, "needs", recommendations_only=False)
        elif source == "coded_service_areas":
            fields[item.id] = _from_rows(item, coded.rows, "service_areas", recommendations_only=True)
        elif source == "coded_practices":
            fields[item.id] = _from_rows(item, coded.rows, "practices", recommendations_only=True)
        elif source == "recommendation_count":
            count = sum(1 for row in coded.rows if row["is_recommendation"])
            fields[item.id] = {
                "value": count,
                "mode": "auto",
                "status": "filled",
                "evidence": [{"segment_id": "", "page": 0, "quote": "", "rule": "count:is_recommendation"}],
            }
        elif source == "primary_data":
            kinds = {e["id"]: e["basis"] for e in book.evidence_basis}
            values, _ = _from_cues(item, coded, "basis", list(kinds), True)
            fields[item.id] = _entry(any(kinds[v] == "primary" for v in values) if values else None, "auto", [])
        else:  # the schema lists every source; a new one must be taught here
            fields[item.id] = _entry(None, "auto", [])
    return {
        "doc_id": coded.doc_id,
        "form_id": form.id,
        "form_version": form.version,
        "status": "error" if coded.status == "error" else "ok",
        "messages": list(coded.messages),
        "fields": fields,
    }
