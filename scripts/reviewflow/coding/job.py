"""The code job of one document (rule code): results/coded/{doc}.csv, results/forms/{doc}.json and a
one-line log. Called through ``reviewflow.jobpool``: a worker keeps the form's matchers
(``coding_nlp.resources``) and the scorer's model between documents, each cached on its file's bytes,
so a changed file is read again."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from reviewflow.coding.coder import code_ingested, write_coded_csv
from reviewflow.coding.form_filling import fill_form
from reviewflow.coding.nlp import resources
from reviewflow.coding.recommender import RecommendationModel, load_model
from reviewflow.fileio import read_json, write_json

_MODELS: dict[tuple[str, str], RecommendationModel] = {}


def _model(path: str) -> RecommendationModel:
    """The scorer in ``path``, loaded once per worker for the same bytes."""
    key = (str(Path(path).resolve()), hashlib.sha1(Path(path).read_bytes()).hexdigest())
    if key not in _MODELS:
        _MODELS[key] = load_model(path)
    return _MODELS[key]


def run(
    *,
    text: str,
    form_path: str,
    model_path: str,
    document_row: dict[str, Any],
    batch_size: int,
    pipeline: str,
    output_csv: str,
    output_form: str,
    log: str,
) -> None:
    """Code one ingested document; ``model_path`` "" lets the rules alone decide."""
    row = dict(document_row)
    coded = code_ingested(
        read_json(text),
        form_path,
        document_row=row,
        batch_size=batch_size,
        pipeline=pipeline,
        model=_model(model_path) if model_path else None,
    )
    form = resources(form_path, pipeline)[0]
    write_coded_csv(output_csv, coded.rows)
    write_json(output_form, fill_form(coded, form, row))
    with open(log, "w", encoding="utf-8") as handle:
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
