"""Snakemake entry point: snapshot under results/history/ and results/changes.md|json (rule `history`).

The snapshot folder is written here, not declared as an output, so that Snakemake never deletes it.
"""

from reviewflow.history import log_lines, update_history

inputs, outputs, params = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
result = update_history(table1=inputs.table1, edges=inputs.edges, documents=[tuple(d) for d in params.documents],
                        history_dir=params.history_dir, changes_md=outputs.md, changes_json=outputs.json,
                        tables={"service_areas": inputs.service_areas, "practices": inputs.practices,
                                "evidence_basis": inputs.evidence_basis})
with open(snakemake.log[0], "w", encoding="utf-8") as handle:  # noqa: F821
    handle.write("\n".join(log_lines(result)) + "\n")
