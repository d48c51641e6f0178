"""Snakemake entry point: code one ingested document into results/coded/{doc}.csv and results/forms/{doc}.json."""

from reviewflow.coding import code_ingested, write_coded_csv
from reviewflow.coding_form import fill_form
from reviewflow.coding_nlp import resources
from reviewflow.fileio import read_json, write_json
from reviewflow.recommender import load_model

ingested = read_json(snakemake.input.text)
row = dict(snakemake.params.document_row)
pipeline = snakemake.params.spacy_pipeline or ""
model = load_model(snakemake.input.model) if "model" in snakemake.input.keys() else None  # noqa: SIM118 - a Namedlist: `in` alone tests its values
coded = code_ingested(
    ingested,
    snakemake.input.form,
    document_row=row,
    batch_size=int(snakemake.params.batch_size),
    pipeline=pipeline,
    model=model,
)
form = resources(snakemake.input.form, pipeline)[0]
write_coded_csv(snakemake.output.csv, coded.rows)
write_json(snakemake.output.form, fill_form(coded, form, row))
with open(snakemake.log[0], "w", encoding="utf-8") as handle:
    if coded.status == "error":
        print(
            f"{coded.doc_id}: ingestion failed, nothing coded (header-only CSV, form status error): "
            + "; ".join(coded.messages),
            file=handle,
        )
    else:
        recommendations = sum(1 for r in coded.rows if r["is_recommendation"])
        print(
            f"{coded.doc_id}: {len(coded.rows)} segment(s), {recommendations} recommendation(s), "
            f"promising-practice document: {coded.promising}",
            file=handle,
        )
