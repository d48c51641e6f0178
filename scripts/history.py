"""Snakemake entry point: snapshot under <results_dir>/history/ and <results_dir>/changes.md|json (rule `history`).

The snapshot folder is written here, not declared as an output, so that Snakemake never deletes it.
"""

from reviewflow.form import load_form
from reviewflow.living.history import OTHER_TABLES, log_lines, update_history

inputs, outputs, params = snakemake.input, snakemake.output, snakemake.params
result = update_history(
    table1=inputs.table1,
    edges=inputs.edges,
    documents=[tuple(d) for d in params.documents],
    history_dir=params.history_dir,
    changes_md=outputs.md,
    changes_json=outputs.json,
    tables={table.name: getattr(inputs, table.name) for table in OTHER_TABLES},
    wording=load_form(inputs.form).wording,
    decisions_report=inputs.decisions_report,
)
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    handle.write("\n".join(log_lines(result)) + "\n")
