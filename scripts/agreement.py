"""Snakemake entry point: results/review/agreement.csv and conflicts.csv (rule `agreement`)."""

from reviewflow.review.agreement import agreement_files, summary_lines

inputs, outputs = snakemake.input, snakemake.output
result = agreement_files(
    coded=list(inputs.coded),
    decisions=list(inputs.decisions),
    form=inputs.form,
    agreement_out=outputs.agreement,
    conflicts_out=outputs.conflicts,
)
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    handle.write("\n".join(result.log + summary_lines(result.agreement)) + "\n")
