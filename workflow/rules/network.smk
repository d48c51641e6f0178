# Citation network: reference lists matched to the manifest plus in-text citations resolved during
# coding; graph files, node/edge tables, a static figure and an interactive HTML view.

from reviewflow.network.graph import evidence_field_ids


rule network:
    input:
        coding=results("coding.csv"),
        references=per_document(results("references/{doc}.csv")),
        forms=per_document(results("forms/{doc}.json")),
        manifest=config["manifest"],
        patterns="scripts/reviewflow/data/references.yaml",
    output:
        graphml=results("network/citations.graphml"),
        gexf=results("network/citations.gexf"),
        nodes=results("network/nodes.csv"),
        edges=results("network/edges.csv"),
        matched=results("network/references_matched.csv"),
        summary=results("network/summary.json"),
        png=results("network/citations.png"),
        svg=results("network/citations.svg"),
        html=results("network/citations.html"),
    params:
        # the form's evidence-basis fields, found by their role: renaming one reruns the network
        evidence_fields=evidence_field_ids(FORM),
        code=library_digest("network"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        results("logs/network.log"),
    script:
        "../../scripts/network.py"
