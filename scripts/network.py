"""Snakemake entry point: the citation network (results/network/)."""

from reviewflow.manifest import load_manifest
from reviewflow.network import build_network, load_inputs, read_coding_rows, summary_line, write_network

inputs, outputs = snakemake.input, snakemake.output  # noqa: F821
documents = load_manifest(inputs.manifest, snakemake.config["corpus_dir"])  # noqa: F821
references, evidence_basis, problems = load_inputs(inputs.references, inputs.forms)
network = build_network(documents, references, read_coding_rows(inputs.coding), evidence_basis, problems)
write_network(network, {key: outputs[key] for key in ("graphml", "gexf", "nodes", "edges", "matched", "summary",
                                                      "png", "svg", "html")})
with open(snakemake.log[0], "w", encoding="utf-8") as handle:  # noqa: F821
    print(summary_line(network), file=handle)
    for problem in network.summary["problems"]:
        print(f"problem: {problem}", file=handle)
