"""Snakemake entry point: results/coding.csv and results/decisions_report.csv (rule `combine`)."""

import sys

from reviewflow.synthesis.combine import combine_files

inputs, outputs = snakemake.input, snakemake.output
result = combine_files(
    coded=list(inputs.coded),
    decisions=list(inputs.decisions),
    manifest=inputs.manifest,
    corpus_dir=snakemake.config["corpus_dir"],
    form=inputs.form,
    coding_out=outputs.coding,
    report_out=outputs.report,
)
lines = result.log_lines()
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    handle.write("\n".join(lines) + "\n")
# Refused sheets and rows, conflicts and vanished segments need the reviewer's eye: show them in the terminal too.
for line in result.problem_lines():
    print(f"combine: {line}", file=sys.stderr)
