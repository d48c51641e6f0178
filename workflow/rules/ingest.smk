# Ingest: each document (PDF, HTML or text) → clean reading-order text with a page map, blocks,
# sections and quality flags (results/text/{doc}.json). A bad document still gives a record, with
# status=error and what to do, so one broken file never stops the corpus; ingest_report lists them.


rule ingest:
    input:
        document=document_file,
        patterns="scripts/reviewflow/data/ingestion.yaml",
    output:
        json=results("text/{doc}.json"),
    params:
        max_pages=config["ingest"]["max_pages"],
        source=lambda wildcards: DOCUMENTS[wildcards.doc].file,
        code=library_digest("ingest"),
    log:
        results("logs/ingest/{doc}.log"),
    group:
        "per_document"
    run:
        from reviewflow.ingest import job as ingest_job

        run_document_job(
            ingest_job.run,
            document=input.document,
            doc_id=wildcards.doc,
            max_pages=int(params.max_pages),
            source=params.source,
            output_json=output.json,
            log=log[0],
        )


rule ingest_report:
    input:
        texts=per_document(results("text/{doc}.json")),
    output:
        csv=results("ingest_report.csv"),
    params:
        code=library_digest("ingest_report"),
    conda:
        "../envs/reviewflow.yaml"
    log:
        results("logs/ingest/report.log"),
    script:
        "../../scripts/ingest_report.py"
