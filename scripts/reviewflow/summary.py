"""The closing summary of a run: every problem a researcher should act on, in one place."""

from __future__ import annotations

import json
from pathlib import Path

from reviewflow.fileio import read_csv_rows

DECISION_PROBLEMS = ("sheet_error", "invalid", "unmatched", "conflict")


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    return read_csv_rows(path)


def _where(row: dict[str, str]) -> str:
    """The sheet, and its row when the problem has one (a sheet-wide error has none)."""
    return f"{row.get('source', '')} row {row['row']}" if row.get("row") else row.get("source", "")


def run_summary(results: str | Path, failed_run: bool = False) -> str:
    """Problems of the finished run (ingestion, reviewer sheets, network), then where the report is.
    After a failed run (``failed_run``) the files read may be an earlier run's, so it never says
    "no problems"."""
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
        lines.extend(f"  {row['status']}: {_where(row)}: {row.get('message', '')}" for row in decisions[:20])
        if len(decisions) > 20:
            lines.append(f"  ... and {len(decisions) - 20} more")
    summary_path = results / "network" / "summary.json"
    if summary_path.is_file():
        problems = json.loads(summary_path.read_text(encoding="utf-8")).get("problems", [])
        lines.extend(f"Network: {problem}" for problem in problems)
    if failed_run:
        lines.append("The files above may be an earlier run's: fix the error shown and rerun.")
    elif not failed and not decisions:
        lines.append("No problems to act on.")
    report = results / "report.html"
    if report.is_file():
        lines.append(f"Report: {report.resolve()}")
    return "\n".join(lines)
