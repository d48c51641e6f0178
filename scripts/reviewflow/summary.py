"""The closing summary of a run: every problem a researcher should act on, in one place."""

from __future__ import annotations

import csv
import json
from pathlib import Path

DECISION_PROBLEMS = ("sheet_error", "invalid", "unmatched", "conflict")


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def run_summary(results: str | Path) -> str:
    """Problems of the finished run (ingestion, reviewer sheets, network), then where the report is."""
    results = Path(results)
    lines: list[str] = []
    ingest = _rows(results / "ingest_report.csv")
    failed = [row for row in ingest if row.get("status") != "ok"]
    if ingest:
        lines.append(f"Ingestion: {len(ingest) - len(failed)} of {len(ingest)} documents ok.")
    for row in failed:
        lines.append(f"  {row['status']}: {row['doc_id']} ({row.get('file', '')}): {row.get('message', '')}")
    decisions = [row for row in _rows(results / "decisions_report.csv") if row.get("status") in DECISION_PROBLEMS]
    if decisions:
        lines.append(f"Reviewer decisions: {len(decisions)} problem(s), see {results / 'decisions_report.csv'}:")
        lines.extend(f"  {row['status']}: {row.get('source', '')} row {row.get('row', '')}: {row.get('message', '')}"
                     for row in decisions[:20])
        if len(decisions) > 20:
            lines.append(f"  ... and {len(decisions) - 20} more")
    summary_path = results / "network" / "summary.json"
    if summary_path.is_file():
        problems = json.loads(summary_path.read_text(encoding="utf-8")).get("problems", [])
        lines.extend(f"Network: {problem}" for problem in problems)
    if not failed and not decisions:
        lines.append("No problems to act on.")
    report = results / "report.html"
    if report.is_file():
        lines.append(f"Report: {report.resolve()}")
    return "\n".join(lines)
