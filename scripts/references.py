"""Snakemake entry point: parse one document's reference list into results/references/{doc}.csv."""

from reviewflow.fileio import read_json, write_csv
from reviewflow.references import REFERENCE_COLUMNS, parse_references, reference_rows

record = read_json(snakemake.input.text)
references = parse_references(record) if record.get("quality", {}).get("status") != "error" else []
write_csv(snakemake.output.csv, reference_rows(references), REFERENCE_COLUMNS)
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    if record.get("quality", {}).get("status") == "error":
        print(
            f"{snakemake.input.text}: ingestion failed, no references parsed: "
            + "; ".join(record["quality"].get("messages", [])),
            file=handle,
        )
    elif not any(s.get("name") == "references" for s in record.get("sections", [])):
        print(
            f"{snakemake.input.text}: no references section found (no References/Bibliography heading); "
            "the document takes part in the network through in-text citations only",
            file=handle,
        )
    else:
        years = sum(1 for r in references if r.year)
        print(f"{record.get('doc_id')}: {len(references)} reference(s) parsed, {years} with a year", file=handle)
