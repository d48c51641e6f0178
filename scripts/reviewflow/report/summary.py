"""The closing summary of a run: every problem a researcher should act on, in one place."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from reviewflow.fileio import read_csv_rows

DECISION_PROBLEMS = ("sheet_error", "invalid", "unmatched", "conflict")
STALE_SHOWN = 20  # stale files listed by name after a failed run; the rest are counted


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    return read_csv_rows(path)


def _where(row: dict[str, str]) -> str:
    """The sheet, and its row when the problem has one (a sheet-wide error has none)."""
    return f"{row.get('source', '')} row {row['row']}" if row.get("row") else row.get("source", "")


def _problem(row: dict[str, str]) -> str:
    """One decision problem: where, then the message without the place it often starts with (the
    report's messages name the sheet and row for readers of the CSV; said once here)."""
    message = row.get("message", "")
    source = row.get("source", "")
    for prefix in (f"{source}: row {row.get('row', '')}: ", f"{source}: "):
        if source and message.startswith(prefix):
            message = message[len(prefix) :]
            break
    return f"{row['status']}: {_where(row)}: {message}"


def _relative(path: str, results: Path) -> str:
    try:
        return Path(path).relative_to(results).as_posix()
    except ValueError:
        return path


def stale_lines(stale: Sequence[str], results: Path) -> list[str]:
    """What a failed run left unmade: the outputs of the jobs that failed or never ran."""
    if not stale:
        return []
    names = sorted(_relative(path, results) for path in stale)
    lines = [
        f"Not brought up to date by this run ({len(names)} file(s) in {results}/, their jobs failed or did not "
        "run; a copy left there is an earlier run's, stale, or is missing):"
    ]
    lines.extend(f"  {name}" for name in names[:STALE_SHOWN])
    if len(names) > STALE_SHOWN:
        lines.append(f"  ... and {len(names) - STALE_SHOWN} more")
    return lines


def run_summary(results: str | Path, failed_run: bool = False, stale: Sequence[str] | None = None) -> str:
    """Problems of the finished run (ingestion, reviewer sheets, network), then where the report is.
    After a failed run (``failed_run``) the files read may be an earlier run's, so it never says
    "no problems"; ``stale`` are the outputs it did not bring up to date (None: not known), and a
    stale report is named as such."""
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
        lines.extend(f"  {_problem(row)}" for row in decisions[:20])
        if len(decisions) > 20:
            lines.append(f"  ... and {len(decisions) - 20} more")
    summary_path = results / "network" / "summary.json"
    if summary_path.is_file():
        problems = json.loads(summary_path.read_text(encoding="utf-8")).get("problems", [])
        lines.extend(f"Network: {problem}" for problem in problems)
    if failed_run:
        lines.extend(stale_lines(stale or [], results))
        lines.append("The files above may be an earlier run's: fix the error shown and rerun.")
    elif not failed and not decisions:
        lines.append("No problems to act on.")
    report = results / "report.html"
    report_stale = failed_run and (stale is None or any(_relative(p, results) == "report.html" for p in stale))
    if report.is_file():
        label = "Stale report (an earlier run's, not updated by this one)" if report_stale else "Report"
        lines.append(f"{label}: {report.resolve()}")
    return "\n".join(lines)
