"""The ingest job of one document (rule ingest): results/text/{doc}.json and a one-line log.

A bad document is not a failed job: its record says status=error and why, and the report lists it.
Called by the rule's ``run:`` block through ``reviewflow.jobpool``, in a worker that stays up between
documents.
"""

from __future__ import annotations

from reviewflow.fileio import write_json
from reviewflow.ingest.document import ingest_file


def run(*, document: str, doc_id: str, max_pages: int, source: str, output_json: str, log: str) -> None:
    record = ingest_file(document, doc_id=doc_id, max_pages=max_pages, source=source)
    write_json(output_json, record)
    quality = record["quality"]
    with open(log, "w", encoding="utf-8") as handle:
        print(
            f"{record['doc_id']}: {record['format']}, {quality['n_pages']} page(s), {len(record['text'])} characters, "
            f"status {quality['status']}",
            file=handle,
        )
        for message in quality["messages"]:
            print(f"  {quality['status']}: {message}", file=handle)
