# Reference lists: parse each document's references section into entries (not matched: matching
# needs the whole corpus and happens in the network stage, so adding a document never re-parses others).


rule references:
    input:
        text=results("text/{doc}.json"),
        patterns="scripts/reviewflow/data/references.yaml",
    output:
        csv=results("references/{doc}.csv"),
    params:
        code=library_digest("references"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        results("logs/references/{doc}.log"),
    group:
        "per_document"
    script:
        "../../scripts/references.py"
