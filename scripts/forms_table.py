"""Snakemake entry point: results/forms.csv and the manual field conflicts and report (rule `forms_table`)."""

import sys

from reviewflow.synthesis.extraction_table import forms_table_files

inputs, outputs = snakemake.input, snakemake.output
result = forms_table_files(
    forms=list(inputs.forms),
    decisions=list(inputs.manual),
    form=inputs.form,
    table_out=outputs.table,
    conflicts_out=outputs.conflicts,
    report_out=outputs.report,
)
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    handle.write("\n".join(result.log_lines()) + "\n")
# Refused sheets, conflicts and values for unknown documents or fields need the reviewer's eye.
for line in result.problem_lines():
    print(f"forms_table: {line}", file=sys.stderr)
