"""Snakemake entry point: the synthesis tables (results/tables/) and figures (results/figures/)."""

from pathlib import Path

from reviewflow.errors import ReviewflowError
from reviewflow.form import load_form
from reviewflow.synthesis import figures, tables
from reviewflow.synthesis.evidence import synthesize_files

inputs, outputs, params = snakemake.input, snakemake.output, snakemake.params
with open(snakemake.log[0], "w", encoding="utf-8") as log:
    result = synthesize_files(
        coding_csv=inputs.coding,
        ingest_report_csv=inputs.ingest_report,
        form_json_paths=list(inputs.forms),
        form_path=inputs.form,
        manifest_path=inputs.manifest,
        corpus_dir=snakemake.config["corpus_dir"],
        include_mentions=bool(params.include_mentions),
        forms_table_csv=inputs.forms_table,
    )
    wording = load_form(inputs.form).wording  # the review's own titles and labels
    tables_dir = Path(outputs.support).parent
    written = tables.write_tables(result, tables_dir, wording, tables_dir.as_posix())
    written += figures.write_figures(result, Path(outputs.heatmap[0]).parent, wording)
    # The rule's outputs and the library's file names must agree, or Snakemake would lose track of files.
    declared = {str(Path(p)) for p in outputs}
    produced = {str(p) for p in written}
    if declared != produced:
        raise ReviewflowError(
            f"workflow/rules/synthesis.smk declares {sorted(declared - produced)} that the library does not write "
            f"and the library writes {sorted(produced - declared)} that the rule does not declare. "
            "Fix: make the rule's outputs match reviewflow.synthesis.tables.output_files() and reviewflow.synthesis.figures.output_files()."
        )
    supported = result.support[result.support["role"] == "support"]
    print(
        f"synthesis: {result.support['doc_id'].nunique()} documents with coded support, "
        f"{len(supported)} support rows, {len(result.support) - len(supported)} caution rows; "
        f"include_mentions={result.include_mentions}; {len(result.excluded)} document(s) left out "
        f"(ingestion failed or taken out by a reviewer): {', '.join(result.excluded['doc_id']) or 'none'}",
        file=log,
    )
    basis_counts = {b: sum(v == b for v in result.basis.values()) for b in ("primary", "other", "unknown")}
    print(f"evidence basis of the forms: {basis_counts}", file=log)
    # The fields are found by their role in the form; naming them shows which ids were read.
    fields = result.evidence_fields
    print(
        f"evidence fields (by source role): evidence_basis = {', '.join(fields.basis) or 'none'}; "
        f"evidence_category = {', '.join(fields.category) or 'none'}",
        file=log,
    )
    for problem in result.problems:
        print(f"problem: {problem}", file=log)
