"""The learned recommendation scorer: training, the model file, how it combines with the rules, the
shipped model's reproducibility, and its leave-one-document-out figures on the real texts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reviewflow.coding.coder import code_ingested, model_decision, rule_decision
from reviewflow.coding.recommender import (
    Example,
    hashed,
    load_model,
    model_json,
    refit,
    train,
    word_features,
    write_model,
)
from reviewflow.errors import ReviewflowError
from reviewflow.paths import DEFAULT_FORM, DEFAULT_RECOMMENDATION_MODEL, REPO_ROOT
from test_coding import code, make_ingested


def _example(words: list[str], label: int) -> Example:
    vector = np.zeros(256, dtype=np.float32)
    vector[0 if label else 1] = 1.0
    return Example(hashed(word_features(words)), vector, label, 1.0, "test")


def _examples() -> list[Example]:
    return [_example(["provider", "should", "offer", "housing"], 1) for _ in range(6)] + [
        _example(["the", "study", "interview", "staff"], 0) for _ in range(6)
    ]


def test_hashed_features_are_stable_sorted_and_unique():
    assert hashed(["w:a", "w:b", "w:a"]) == hashed(["w:b", "w:a"])
    assert list(hashed(["w:a", "w:b"])) == sorted(hashed(["w:a", "w:b"]))


def test_training_separates_the_classes_and_is_deterministic():
    examples = _examples()
    model = train(examples)
    positive, negative = examples[0], examples[-1]
    assert model.probability(positive.words, positive.vector) > 0.5
    assert model.probability(negative.words, negative.vector) < 0.5
    assert model_json(model) == model_json(train(examples))


def test_training_needs_both_labels():
    with pytest.raises(ReviewflowError, match="both recommendations and other segments"):
        train([e for e in _examples() if e.label == 1])


def test_the_model_file_round_trips(tmp_path):
    model = train(_examples(), meta={"trained_on": [{"text": "synthetic"}]})
    path = tmp_path / "model.json"
    write_model(path, model)
    again = load_model(path)
    assert model_json(again) == model_json(model) and again.digest == model.digest
    example = _examples()[0]
    assert again.probability(example.words, example.vector) == pytest.approx(
        model.probability(example.words, example.vector), abs=1e-4
    )


def test_a_missing_or_foreign_model_file_gets_a_clear_message(tmp_path):
    with pytest.raises(ReviewflowError, match=r"not found.*coding\.recommendation_model"):
        load_model(tmp_path / "nothing.json")
    (tmp_path / "other.json").write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(ReviewflowError, match="make model"):
        load_model(tmp_path / "other.json")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(ReviewflowError, match="not a readable recommendation model"):
        load_model(tmp_path / "broken.json")


def test_refit_lets_decisions_outrank_the_base_examples():
    base = train(_examples())
    decided = _example(["the", "study", "interview", "staff", "weekly"], 1)  # a reviewer says: this one recommends
    before = base.probability(decided.words, decided.vector)
    after = refit(base, [decided] * 4, weight=3.0)
    assert after.probability(decided.words, decided.vector) > before
    assert after.meta["base_model"] == base.digest and after.meta["n_decisions"] == 4


def test_the_model_decides_only_where_it_is_sure():
    segment = code([("paragraph", "Providers should offer housing.")]).segments[0]
    kind, evidence = rule_decision(segment)
    assert kind == "explicit"
    assert model_decision(segment, kind, evidence, 0.9, 0.5, 0.1, 0.3)[::2] == ("explicit", "both")
    overruled = model_decision(segment, kind, evidence, 0.15, 0.5, 0.1, 0.3)
    assert overruled[0] == "none" and overruled[2] == "rules" and "rules_overruled:explicit" in overruled[1]
    unsure = model_decision(segment, kind, evidence, 0.25, 0.5, 0.1, 0.3)
    assert unsure[0] == "explicit" and "model_unsure" in unsure[1]
    quiet = code([("paragraph", "Survivors often arrive at night.")]).segments[0]
    assert model_decision(quiet, "none", [], 0.55, 0.5, 0.1, 0.3)[::2] == ("none", "")
    assert model_decision(quiet, "none", [], 0.65, 0.5, 0.1, 0.3)[::2] == ("explicit", "model")


def test_the_codebooks_exclusions_outrank_the_model():
    """A pointer to more information is never a recommendation, however sure the scorer is."""
    pointer = code([("paragraph", "Learn more about our services for survivors.")]).segments[0]
    kind, evidence = rule_decision(pointer)
    assert kind == "none" and any("non_recommendation" in e for e in evidence)
    assert model_decision(pointer, kind, evidence, 0.99, 0.5, 0.1, 0.3)[::2] == ("none", "")


def test_the_scorer_reads_the_text_not_the_rules_cues():
    """The scorer's features are the same whatever the rules decided: it is an independent opinion."""
    from reviewflow.coding.coder import segment_features

    advice, finding = code([("paragraph", "Providers should offer housing. The study ran in 2005.")]).segments
    for segment in (advice, finding):
        features = segment_features(segment)
        assert features and all(f.startswith(("w:", "b:", "first:", "first2:", "len:", "h:")) for f in features)
    assert "w:should" in segment_features(advice)


def test_coding_with_the_shipped_model_gives_every_segment_a_confidence():
    model = load_model(DEFAULT_RECOMMENDATION_MODEL)
    ingested = make_ingested(
        [("heading", "Housing"), ("paragraph", "Providers should offer safe housing. The study ran from 2005 to 2006.")]
    )
    rows = code_ingested(ingested, DEFAULT_FORM, model=model).rows
    heading, advice, finding = rows
    assert heading["confidence"] == "" and 0.0 <= float(advice["confidence"]) <= 1.0
    assert advice["is_recommendation"] and advice["decided_by"] == "both"
    assert not finding["is_recommendation"] and float(finding["confidence"]) < 0.5
    assert any(e.startswith("model:") for e in advice["evidence"])


@pytest.mark.shared
def test_the_shipped_model_is_rebuilt_byte_identical_from_the_real_texts(shared_dir, tmp_path):
    out = tmp_path / "model.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts" / "train_recommender.py"),
            "--texts",
            str(shared_dir / "texts"),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == Path(DEFAULT_RECOMMENDATION_MODEL).read_bytes(), "stale model: run `make model`"


@pytest.mark.shared
def test_leave_one_document_out_figures_do_not_regress(shared_dir):
    """Blind figures: each text is scored by a scorer trained on the other texts only. The floors are
    a little under what the coder reached when this test was written (bench/bench_fidelity.py prints the
    figures); they guard against regressions and are not targets."""
    from reviewflow.coding.fidelity import leave_one_out, load_gold_texts

    texts = load_gold_texts(shared_dir / "texts", REPO_ROOT / "tests" / "gold")
    assert len(texts) >= 5
    pooled = leave_one_out(texts, DEFAULT_FORM)["pooled"]
    # 2026-12-08: rules P .90 R .85, rules with the scorer P .87 R .89; codes F1 .86 for both
    floors = {"rules": {"recall": 0.82, "precision": 0.87}, "model": {"recall": 0.86, "precision": 0.84}}
    for variant, floor in floors.items():
        for measure, value in floor.items():
            assert pooled[variant]["recommendation"][measure] >= value, (variant, measure)
        assert pooled[variant]["codes"]["f1"] >= 0.83, variant
