"""Snakemake entry point: the citation network (results/network/)."""

from reviewflow.network.graph import evidence_field_ids, run_network, summary_line

inputs, outputs, params = snakemake.input, snakemake.output, snakemake.params
# The form fields carrying the evidence basis, found by their role (`source:`) in the extraction form.
# The rule passes them as a param (so a renamed field reruns the network); without it, read the form.
if hasattr(params, "evidence_fields"):
    evidence_fields = list(params.evidence_fields)
else:
    from reviewflow.form import load_form

    evidence_fields = list(evidence_field_ids(load_form(snakemake.config["form"])))
network = run_network(
    inputs.manifest,
    inputs.coding,
    inputs.references,
    inputs.forms,
    {key: outputs[key] for key in ("graphml", "gexf", "nodes", "edges", "matched", "summary", "png", "svg", "html")},
    corpus_dir=snakemake.config["corpus_dir"],
    evidence_fields=evidence_fields,
)
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    print(summary_line(network), file=handle)
    for problem in network.summary["problems"]:
        print(f"problem: {problem}", file=handle)
