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
    log:
        results("logs/references/{doc}.log"),
    group:
        "per_document"
    run:
        from reviewflow.references import job as references_job

        run_document_job(references_job.run, text=input.text, output_csv=output.csv, log=log[0])
