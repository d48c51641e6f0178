"""Snakemake entry point: one row per ingested document in results/ingest_report.csv, and a summary of
the problems in the log and on stderr (where a person running the workflow sees it)."""

import sys

from reviewflow.fileio import read_json, write_csv
from reviewflow.ingest.document import REPORT_COLUMNS, problem_summary, report_rows

rows = report_rows([read_json(path) for path in snakemake.input.texts])
write_csv(snakemake.output.csv, rows, REPORT_COLUMNS)
summary = problem_summary(rows)
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    handle.write(summary)
sys.stderr.write(summary)
