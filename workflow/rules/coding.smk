# Coding: every body segment of one document → recommendation?, polarity, service areas, practices,
# needs, phase, in-text citations (results/coded/{doc}.csv), and the filled extraction form
# (results/forms/{doc}.json). The manifest row is a param, not an input, so adding a document to the
# manifest never reruns the coding of the others; editing the form or the coding library reruns all.


rule code:
    input:
        unpack(recommendation_model_input),
        text=results("text/{doc}.json"),
        form=config["form"],
    output:
        csv=results("coded/{doc}.csv"),
        form=results("forms/{doc}.json"),
    params:
        document_row=document_row,
        code=library_digest("code"),
        batch_size=config["coding"].get("batch_size", 256),
        spacy_pipeline=config["coding"].get("spacy_pipeline", ""),
    log:
        results("logs/coding/{doc}.log"),
    group:
        "per_document"
    run:
        from reviewflow.coding import job as code_job

        run_document_job(code_job.run, **code_arguments(input, output, params, log))
