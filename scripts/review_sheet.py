"""Snakemake entry point: results/review/review_sheet.xlsx (rule `review_sheet`)."""

from reviewflow.form import load_form
from reviewflow.review.sheets import export_review_sheet

inputs, output, params = snakemake.input, snakemake.output, snakemake.params
count = export_review_sheet(
    list(inputs.coded),
    list(inputs.forms),
    load_form(inputs.form),
    output.xlsx,
    dict(params.citations),
    decisions_dir=params.decisions_dir,
    results_dir=params.results_dir,
)
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    print(f"{output.xlsx}: {count} segments from {len(inputs.coded)} documents", file=handle)
