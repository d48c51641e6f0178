"""The references job of one document (rule references): its parsed reference list,
results/references/{doc}.csv, and a one-line log. Called through ``reviewflow.jobpool``."""

from __future__ import annotations

from reviewflow.fileio import read_json, write_csv
from reviewflow.references.parsing import REFERENCE_COLUMNS, parse_references, reference_rows


def run(*, text: str, output_csv: str, log: str) -> None:
    record = read_json(text)
    failed = record.get("quality", {}).get("status") == "error"
    references = [] if failed else parse_references(record)
    write_csv(output_csv, reference_rows(references), REFERENCE_COLUMNS)
    with open(log, "w", encoding="utf-8") as handle:
        if failed:
            print(
                f"{text}: ingestion failed, no references parsed: " + "; ".join(record["quality"].get("messages", [])),
                file=handle,
            )
        elif not any(s.get("name") == "references" for s in record.get("sections", [])):
            print(
                f"{text}: no references section found (no References/Bibliography heading); "
                "the document takes part in the network through in-text citations only",
                file=handle,
            )
        else:
            years = sum(1 for r in references if r.year)
            print(f"{record.get('doc_id')}: {len(references)} reference(s) parsed, {years} with a year", file=handle)
