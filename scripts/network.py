"""Snakemake entry point: the citation network (results/network/)."""

from reviewflow.network import run_network, summary_line

inputs, outputs = snakemake.input, snakemake.output  # noqa: F821
network = run_network(inputs.manifest, inputs.coding, inputs.references, inputs.forms,
                      {key: outputs[key] for key in ("graphml", "gexf", "nodes", "edges", "matched", "summary",
                                                     "png", "svg", "html")},
                      corpus_dir=snakemake.config["corpus_dir"])  # noqa: F821
with open(snakemake.log[0], "w", encoding="utf-8") as handle:  # noqa: F821
    print(summary_line(network), file=handle)
    for problem in network.summary["problems"]:
        print(f"problem: {problem}", file=handle)
