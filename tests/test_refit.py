"""Refitting the recommendation scorer from a review's decisions (`python -m reviewflow review refit-model`).

A small base model is trained on one hand-labelled text; a second document is coded with it, written
out as a run would (results/text, results/coded, a reviewer's CSV sheet in decisions/, the combine step's
results/coding.csv and results/decisions_report.csv), and the refit reads that run back.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest
import yaml

from review_fixtures import default_form
from reviewflow.coding.coder import code_ingested, write_coded_csv
from reviewflow.coding.recommender import Example, hashed, load_model, train, write_model
from reviewflow.coding.refit import (
    DECISION_SOURCE_PREFIX,
    DecisionExamples,
    decided_segments,
    decision_examples,
    decision_label,
    refit_files,
    refit_from_decisions,
)
from reviewflow.errors import ReviewflowError
from reviewflow.fileio import read_csv_rows, write_csv, write_json
from reviewflow.paths import DEFAULT_FORM, DEFAULT_RECOMMENDATION_MODEL
from reviewflow.review.sheets import REPORT_COLUMNS
from reviewflow.synthesis.combine import combine
from test_coding import make_ingested

TRAINING = [  # (sentence, is it a recommendation?)
    ("Providers should offer safe housing to survivors.", 1),
    ("Programs should provide counseling for trauma.", 1),
    ("Case managers must coordinate legal services.", 1),
    ("Shelters should offer interpreters in the survivor's language.", 1),
    ("The study interviewed twenty providers in three cities.", 0),
    ("Data were collected between 2005 and 2006.", 0),
    ("Most respondents were women.", 0),
    ("The report has four chapters.", 0),
]
REVIEW_DOC = "aron2006"
REVIEW_BLOCKS = [
    ("heading", "Housing and safety"),
    (
        "paragraph",
        (
            "Agencies should provide emergency shelter on the first night. "
            "The interviews took place in 2005. "
            "Survivors often need help finding stable housing."
        ),
    ),
]
REJECTED = "Agencies should provide emergency shelter"  # the base calls it a recommendation, the reviewer does not
EDITED = "Survivors often need help"  # the base does not, the reviewer says it recommends
ACCEPTED = "The interviews took place"


@pytest.fixture(scope="module")
def base_model():
    """A scorer trained on the labelled sentences of one small text (examples kept, as the shipped model)."""
    coded = code_ingested(
        make_ingested([("paragraph", " ".join(s for s, _ in TRAINING))], doc_id="training"),
        DEFAULT_FORM,
        with_vectors=True,
    )
    labels = dict(TRAINING)
    examples = []
    for index, row in enumerate(coded.rows):
        examples.append(
            Example(hashed(coded.features[index]), coded.vectors[index], labels[row["sentence"]], 1.0, "training")
        )
    return train(examples, meta={"trained_on": [{"text": "training"}]})


def row_of(rows, start: str) -> dict:
    matches = [r for r in rows if r["sentence"].startswith(start)]
    assert len(matches) == 1, (start, [r["sentence"] for r in rows])
    return matches[0]


def write_run(tmp_path: Path, base, decisions: dict[str, str], *, base_path: Path | None = None) -> Path:
    """A finished run of one document coded with ``base``: results/, a reviewer sheet and a config.

    ``decisions`` maps the start of a sentence to the reviewer's decision (edit gets a code override).
    Returns the config path.
    """
    results = tmp_path / "results"
    ingested = make_ingested(REVIEW_BLOCKS, doc_id=REVIEW_DOC)
    write_json(results / "text" / f"{REVIEW_DOC}.json", ingested)
    coded = code_ingested(ingested, DEFAULT_FORM, model=base)
    write_coded_csv(results / "coded" / f"{REVIEW_DOC}.csv", coded.rows)
    sheet = []
    for start, decision in decisions.items():
        row = row_of(coded.rows, start)
        sheet.append(
            {
                "segment_id": row["segment_id"],
                "decision": decision,
                "codes_override": "shelter_housing" if decision == "edit" else "",
                "reviewer": "ana",
            }
        )
    decisions_dir = tmp_path / "decisions"
    decisions_dir.mkdir(exist_ok=True)
    sheet_path = decisions_dir / "ana.csv"
    with open(sheet_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["segment_id", "decision", "codes_override", "reviewer"])
        writer.writeheader()
        writer.writerows(sheet)
    combined = combine(
        [results / "coded" / f"{REVIEW_DOC}.csv"],
        [sheet_path] if sheet else [],
        default_form().codebook,
        lambda item: None,
    )
    write_csv(results / "coding.csv", combined.rows, combined.columns)
    write_csv(results / "decisions_report.csv", combined.report, REPORT_COLUMNS)
    if base_path is None:
        base_path = tmp_path / "base_model.json"
        write_model(base_path, base)
    config = {
        "corpus_dir": str(tmp_path),
        "manifest": str(tmp_path / "manifest.csv"),
        "decisions_dir": str(decisions_dir),
        "form": str(DEFAULT_FORM),
        "coding": {"recommendation_model": str(base_path)},
    }
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return config_path


def probability(model, example: Example) -> float:
    return model.probability(example.words, example.vector)


# --------------------------------------------------------------------------------------------------
# Labels


def test_labels_of_decisions():
    assert decision_label({"decision": "reject", "is_recommendation": "true"}) == 0
    assert decision_label({"decision": "edit", "is_recommendation": "false"}) == 1
    assert decision_label({"decision": "accept", "is_recommendation": "true"}) == 1
    assert decision_label({"decision": "accept", "is_recommendation": "false"}) == 0
    assert decision_label({"decision": "", "is_recommendation": "true"}) is None
    rows = [
        {"doc_id": "d", "segment_id": "1", "segment_kind": "heading", "decision": "edit"},
        {"doc_id": "d", "segment_id": "2", "segment_kind": "sentence", "decision": ""},
        {
            "doc_id": "d",
            "segment_id": "3",
            "segment_kind": "list_item",
            "decision": "accept",
            "is_recommendation": "true",
        },
    ]
    assert [(d.segment_id, d.decision, d.label) for d in decided_segments(rows)] == [("3", "accept", 1)]


def test_decision_examples_match_the_recoded_segments(tmp_path, base_model):
    write_run(
        tmp_path, base_model, {REJECTED: "reject", EDITED: "edit", ACCEPTED: "accept", "Housing and safety": "accept"}
    )
    rows = read_csv_rows(tmp_path / "results" / "coding.csv")
    assert row_of(rows, REJECTED)["is_recommendation"] == "true"  # what the base coded: the reviewer disagrees
    assert row_of(rows, ACCEPTED)["is_recommendation"] == "false"
    ingested = {REVIEW_DOC: make_ingested(REVIEW_BLOCKS, doc_id=REVIEW_DOC)}
    found = decision_examples(rows, ingested, DEFAULT_FORM)
    labels = {row_of(rows, s)["segment_id"]: label for s, label in ((REJECTED, 0), (EDITED, 1), (ACCEPTED, 0))}
    assert {d.segment_id: e.label for d, e in zip(found.used, found.examples, strict=True)} == labels
    assert found.headings == 1 and found.skipped == 0
    assert all(e.source == DECISION_SOURCE_PREFIX + REVIEW_DOC and e.vector.shape == (256,) for e in found.examples)
    # the features are the ones the workflow scored: the base gives the same probability as the coded CSV
    rejected = found.examples[[d.segment_id for d in found.used].index(row_of(rows, REJECTED)["segment_id"])]
    assert probability(base_model, rejected) == pytest.approx(float(row_of(rows, REJECTED)["confidence"]), abs=1e-3)
    missing = decision_examples(rows, {}, DEFAULT_FORM)
    assert missing.examples == [] and len(missing.missing_text) == 3
    with pytest.raises(ReviewflowError, match=f"no usable reviewer decision: 3 decided segment.*{REVIEW_DOC}"):
        refit_from_decisions(base_model, missing)


# --------------------------------------------------------------------------------------------------
# Refitting


def test_refit_moves_the_decided_segments_the_reviewers_way(tmp_path, base_model, capsys):
    from reviewflow.cli import main

    config = write_run(tmp_path, base_model, {REJECTED: "reject", EDITED: "edit", ACCEPTED: "accept"})
    results = tmp_path / "results"
    assert main(["review", "refit-model", "--results", str(results), "--config", str(config)]) == 0
    printed = capsys.readouterr().out
    out = results / "model" / "recommendation_model.json"
    model = load_model(out)
    assert "3 reviewer decision(s): 1 recommendation(s) (1 edit, 0 accept) and 2 not (1 reject, 1 accept)" in printed
    assert f"({base_model.digest}) -> new model {model.digest}" in printed
    assert f"recommendation_model: {out}" in printed and "make clean" in printed
    rows = read_csv_rows(results / "coding.csv")
    found = decision_examples(rows, {REVIEW_DOC: make_ingested(REVIEW_BLOCKS, doc_id=REVIEW_DOC)}, DEFAULT_FORM)
    by_id = {d.segment_id: e for d, e in zip(found.used, found.examples, strict=True)}
    rejected, edited = by_id[row_of(rows, REJECTED)["segment_id"]], by_id[row_of(rows, EDITED)["segment_id"]]
    assert probability(model, rejected) < probability(base_model, rejected)
    assert probability(model, edited) > probability(base_model, edited)
    refit_info = model.meta["refit"]
    assert refit_info["decisions_used"] == 3 and model.meta["n_decisions"] == 3
    assert refit_info["labels"] == {
        "accept_not_recommendation": 1,
        "edit": 1,
        "not_recommendation": 2,
        "recommendation": 1,
        "reject": 1,
    }
    assert refit_info["decision_files"] == [{"file": str(tmp_path / "decisions" / "ana.csv"), "decisions": 3}]
    assert refit_info["base_model_digest"] == base_model.digest and model.meta["base_model"] == base_model.digest
    assert model.meta["trained_on"] == [{"text": "training"}]  # the base's own record is kept
    decided = [e for e in model.examples if e.source.startswith(DECISION_SOURCE_PREFIX)]
    assert len(decided) == 3 and all(e.weight == 2.0 for e in decided)
    assert len(model.examples) == len(base_model.examples) + 3


def test_refitting_a_refit_replaces_its_decisions_instead_of_adding_them(tmp_path, base_model):
    config = write_run(tmp_path, base_model, {REJECTED: "reject", EDITED: "edit"})
    first = refit_files(tmp_path / "results", config).model
    write_model(tmp_path / "refit.json", first)
    config = write_run(tmp_path, base_model, {REJECTED: "reject", EDITED: "edit"}, base_path=tmp_path / "refit.json")
    second = refit_files(tmp_path / "results", config, out=tmp_path / "second.json").model
    assert len(second.examples) == len(first.examples) == len(base_model.examples) + 2
    assert [e.key for e in second.examples] == [e.key for e in first.examples]
    assert second.dense_weights == pytest.approx(first.dense_weights)


def test_a_decided_segment_whose_text_changed_is_reported_not_used(tmp_path, base_model, capsys):
    from reviewflow.cli import main

    config = write_run(tmp_path, base_model, {REJECTED: "reject", EDITED: "edit"})
    changed = [REVIEW_BLOCKS[0], ("paragraph", REVIEW_BLOCKS[1][1].replace("first night", "first nights"))]
    write_json(tmp_path / "results" / "text" / f"{REVIEW_DOC}.json", make_ingested(changed, doc_id=REVIEW_DOC))
    assert main(["review", "refit-model", "--results", str(tmp_path / "results"), "--config", str(config)]) == 0
    printed = capsys.readouterr().out
    assert "1 reviewer decision(s)" in printed and "not used: 1 decided segment(s) no longer code" in printed
    meta = load_model(tmp_path / "results" / "model" / "recommendation_model.json").meta["refit"]
    assert meta["decisions_used"] == 1 and meta["decisions_not_used"]["unmatched"] == 1


# --------------------------------------------------------------------------------------------------
# Refusals: one message, nothing overwritten


def test_no_coding_table(tmp_path, base_model):
    config = write_run(tmp_path, base_model, {REJECTED: "reject"})
    (tmp_path / "results" / "coding.csv").unlink()
    with pytest.raises(ReviewflowError, match=r"coding\.csv: not found.*make run"):
        refit_files(tmp_path / "results", config)


def test_no_decisions_leaves_an_existing_model_alone(tmp_path, base_model, capsys):
    from reviewflow.cli import main

    config = write_run(tmp_path, base_model, {})
    out = tmp_path / "results" / "model" / "recommendation_model.json"
    out.parent.mkdir(parents=True)
    out.write_text("an earlier model", encoding="utf-8")
    assert main(["review", "refit-model", "--results", str(tmp_path / "results"), "--config", str(config)]) == 2
    assert "coding.csv: no segment (headings aside) has a reviewer decision" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "an earlier model"
    write_run(tmp_path, base_model, {"Housing and safety": "reject"})  # headings are never scored
    with pytest.raises(ReviewflowError, match="headings aside"):
        refit_files(tmp_path / "results", config)


def test_one_label_and_a_base_without_examples(tmp_path, base_model):
    bare = dataclasses.replace(base_model, examples=[])
    write_model(tmp_path / "bare.json", bare)
    config = write_run(tmp_path, base_model, {REJECTED: "reject", ACCEPTED: "accept"}, base_path=tmp_path / "bare.json")
    with pytest.raises(ReviewflowError, match=r"all non-recommendations.*no training examples"):
        refit_files(tmp_path / "results", config)
    assert not (tmp_path / "results" / "model").exists()
    # the same decisions refit a base that keeps its examples
    config = write_run(tmp_path, base_model, {REJECTED: "reject", ACCEPTED: "accept"})
    assert refit_files(tmp_path / "results", config).model.meta["refit"]["labels"]["not_recommendation"] == 2
    with pytest.raises(ReviewflowError, match="positive number"):
        refit_from_decisions(base_model, DecisionExamples(), weight=0)


def test_base_model_missing_empty_or_switched_off(tmp_path, base_model):
    config = write_run(tmp_path, base_model, {REJECTED: "reject"}, base_path=tmp_path / "gone.json")
    with pytest.raises(ReviewflowError, match=r"gone\.json: base model not found.*coding\.recommendation_model"):
        refit_files(tmp_path / "results", config)
    (tmp_path / "empty.json").write_text("", encoding="utf-8")
    config = write_run(tmp_path, base_model, {REJECTED: "reject"}, base_path=tmp_path / "empty.json")
    with pytest.raises(ReviewflowError, match=r"empty\.json: base model file is empty"):
        refit_files(tmp_path / "results", config)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["coding"]["recommendation_model"] = ""
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ReviewflowError, match="recommendation_model is empty"):
        refit_files(tmp_path / "results", config)
    with pytest.raises(ReviewflowError, match="config not found"):
        refit_files(tmp_path / "results", tmp_path / "nothing.yaml")


def test_a_refit_with_more_decisions_is_not_replaced_by_one_with_fewer(tmp_path, base_model):
    config = write_run(tmp_path, base_model, {REJECTED: "reject", EDITED: "edit", ACCEPTED: "accept"})
    out = tmp_path / "results" / "model" / "recommendation_model.json"
    refit_files(tmp_path / "results", config)
    before = out.read_bytes()
    write_run(tmp_path, base_model, {REJECTED: "reject"})  # a sheet lost two rows
    with pytest.raises(ReviewflowError, match=r"already holds a refit with 3 decisions.*--force"):
        refit_files(tmp_path / "results", config)
    assert out.read_bytes() == before
    assert refit_files(tmp_path / "results", config, force=True).model.meta["refit"]["decisions_used"] == 1
    assert out.read_bytes() != before


def test_the_shipped_model_and_files_that_are_no_model_are_never_overwritten(tmp_path, base_model):
    config = write_run(tmp_path, base_model, {REJECTED: "reject"})
    with pytest.raises(ReviewflowError, match="shipped general model"):
        refit_files(tmp_path / "results", config, out=DEFAULT_RECOMMENDATION_MODEL, force=True)
    with pytest.raises(ReviewflowError, match=r"config\.yaml: exists and is not a recommendation model.*--force"):
        refit_files(tmp_path / "results", config, out=config)
    assert "recommendation_model" in config.read_text(encoding="utf-8")
    with pytest.raises(ReviewflowError, match="positive number"):
        refit_files(tmp_path / "results", config, weight=-1.0)


def test_a_sheet_newer_than_the_coding_table_is_pointed_out(tmp_path, base_model):
    import os

    config = write_run(tmp_path, base_model, {REJECTED: "reject", EDITED: "edit"})
    sheet = tmp_path / "decisions" / "ana.csv"
    later = (tmp_path / "results" / "coding.csv").stat().st_mtime + 60
    os.utime(sheet, (later, later))
    notes = refit_files(tmp_path / "results", config).lines()
    assert any(line.startswith(f"note: {sheet} changed after") and "make run" in line for line in notes)
