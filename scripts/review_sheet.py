"""Snakemake entry point: results/review/review_sheet.xlsx (rule `review_sheet`)."""

from reviewflow.form import load_form
from reviewflow.review.export import export_review_sheet
from reviewflow.review.selection import left_out_summary

inputs, output, params = snakemake.input, snakemake.output, snakemake.params
written = export_review_sheet(
    list(inputs.coded),
    list(inputs.forms),
    load_form(inputs.form),
    output.xlsx,
    dict(params.citations),
    decisions_dir=params.decisions_dir,
    results_dir=params.results_dir,
)
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    print(
        f"{output.xlsx}: {written.n_segments} segments from {len(inputs.coded)} documents. "
        + left_out_summary(written.left_out),
        file=handle,
    )
