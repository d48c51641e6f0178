"""Snakemake entry point: ingest one document into results/text/{doc}.json.

A bad document is not a failed job: its record says status=error and why, and the report lists it.
"""

from reviewflow.fileio import write_json
from reviewflow.ingestion import ingest_file

record = ingest_file(
    snakemake.input.document,
    doc_id=snakemake.wildcards.doc,
    max_pages=int(snakemake.params.max_pages),
    source=snakemake.params.source,
)
write_json(snakemake.output.json, record)
quality = record["quality"]
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    print(
        f"{record['doc_id']}: {record['format']}, {quality['n_pages']} page(s), {len(record['text'])} characters, "
        f"status {quality['status']}",
        file=handle,
    )
    for message in quality["messages"]:
        print(f"  {quality['status']}: {message}", file=handle)
