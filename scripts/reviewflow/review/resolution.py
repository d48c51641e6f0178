"""Resolving: every reviewer's decisions turned into at most one decision per segment.

- a reviewer's later row wins over their own earlier row for the same segment (files are read in
  name order, rows top to bottom);
- a decision from a sheet named ``adjudicated.xlsx`` / ``adjudicated.csv`` wins over everyone else's;
- otherwise reviewers who reach the same coding agree and their decision is applied; reviewers who
  reach different codings are a *conflict*: no decision is applied, the automatic codes stay, and
  the conflict is listed (``results/decisions_report.csv``, ``results/review/conflicts.csv``)
  until an adjudicated sheet settles it.

Every decision read ends up in the decisions report with its fate (applied, superseded, conflict,
unmatched, invalid, sheet_error); none is dropped silently.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reviewflow.review.sheets import Coding, Decision, adjudication_sheet

if TYPE_CHECKING:
    from reviewflow.form import Codebook


@dataclass(frozen=True)
class Resolved:
    """The decision applied to one segment (several reviewers when they agreed)."""

    segment_id: str
    decision: str
    coding: Coding
    reviewers: tuple[str, ...]
    phase_overridden: bool


@dataclass
class Resolution:
    applied: dict[str, Resolved] = field(default_factory=dict)
    conflicts: dict[str, list[Decision]] = field(default_factory=dict)
    report: list[dict[str, Any]] = field(default_factory=list)
    latest: list[Decision] = field(default_factory=list)  # each reviewer's last word per segment


def describe_decision(decision: Decision) -> str:
    """One line naming a reviewer's decision and its overrides (conflict and agreement messages)."""
    parts = [f"{decision.reviewer}: {decision.decision}"]
    if decision.codes_override:
        parts.append("codes=" + ";".join(decision.codes_override))
    if decision.phase_override:
        parts.append("phase=" + decision.phase_override)
    if decision.polarity_override:
        parts.append("polarity=" + decision.polarity_override)
    return " ".join(parts)


def resolve_decisions(
    decisions: Sequence[Decision], segments: Mapping[str, Mapping[str, str]], codebook: Codebook
) -> Resolution:
    """At most one decision per segment, by the rules in this module's docstring.

    ``segments`` maps segment_id → coded row; a decision on a segment not in it is reported as
    ``unmatched`` (the segment's text changed or its document left the corpus) and kept in the report.
    """
    result = Resolution()
    # The document of a decision is the coded segment's (a CSV sheet need not have a doc_id column,
    # and a typed doc_id may be wrong); a decision on an unknown segment keeps what the sheet says.
    decisions = [
        dataclasses.replace(d, doc_id=segments[d.segment_id].get("doc_id", "") or d.doc_id)
        if d.segment_id in segments
        else d
        for d in decisions
    ]
    last: dict[tuple[str, str], Decision] = {}
    for decision in decisions:  # files in name order, rows in order: the later row wins
        key = (decision.segment_id, decision.reviewer)
        if key in last:
            earlier = last[key]
            result.report.append(
                earlier.report_row(
                    "superseded",
                    f"{decision.source}: row {decision.row} decides this segment again for "
                    f"{decision.reviewer}; the later row is used",
                )
            )
        last[key] = decision
    by_segment: dict[str, list[Decision]] = defaultdict(list)
    for (segment_id, _), decision in sorted(last.items()):
        by_segment[segment_id].append(decision)
    for segment_id, group in by_segment.items():
        if segment_id not in segments:
            for decision in group:
                result.report.append(
                    decision.report_row(
                        "unmatched",
                        f"segment {segment_id} is not in the coded documents (its text changed when the "
                        "document was re-ingested, or the document left the manifest); not applied. "
                        "Fix: find the segment in a fresh review sheet and decide it again.",
                    )
                )
            continue
        result.latest.extend(group)
        auto = Coding.from_row(segments[segment_id])
        deciders = [d for d in group if d.adjudicated] or group
        codings = {d.coding(auto, codebook) for d in deciders}
        if len(codings) == 1:
            coding = codings.pop()
            labels = sorted({d.decision for d in deciders})
            label = labels[0] if len(labels) == 1 else "edit"
            result.applied[segment_id] = Resolved(
                segment_id,
                label,
                coding,
                tuple(sorted(d.reviewer for d in deciders)),
                phase_overridden=any(d.phase_override for d in deciders),
            )
            names = ", ".join(sorted(d.reviewer for d in deciders))
            for decision in group:
                if decision in deciders:
                    result.report.append(decision.report_row("applied", f"applied (decided by {names})"))
                else:
                    result.report.append(
                        decision.report_row("superseded", f"superseded by the adjudicated decision ({names})")
                    )
        else:
            result.conflicts[segment_id] = deciders
            summary = " | ".join(describe_decision(d) for d in deciders)
            where = "adjudicated sheets disagree" if deciders[0].adjudicated else "reviewers disagree"
            for decision in group:
                result.report.append(
                    decision.report_row(
                        "conflict",
                        f"{where} ({summary}); the automatic codes stay. Fix: decide the segment in "
                        f"{adjudication_sheet(decision.source)} (or .csv)",
                    )
                )
    result.report.sort(key=_report_order)
    return result


def _report_order(row: Mapping[str, Any]) -> tuple[str, int, str, str]:
    number = row.get("row", "")
    return (
        str(row.get("source", "")),
        int(number) if str(number).isdigit() else 0,
        str(row.get("segment_id", "")),
        str(row.get("status", "")),
    )
