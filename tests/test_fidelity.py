"""Fidelity helpers that keep the blind figures blind: near-copies of the held-out text leave the training
data, the simulated decisions are drawn reproducibly and nested, and a learning curve refuses a base
model or decisions that have seen the text it scores."""

from __future__ import annotations

import numpy as np
import pytest

from reviewflow.coding.fidelity import (
    GoldText,
    decisions_cell,
    draw_decisions,
    held_out,
    learning_curve,
    trained_on,
    without_near_duplicates,
)
from reviewflow.coding.recommender import Example, RecommendationModel
from reviewflow.paths import DEFAULT_FORM, REPO_ROOT


def example(words: tuple[int, ...], label: int = 0, source: str = "") -> Example:
    return Example(words, np.zeros(4, dtype=np.float32), label, 1.0, source)


def model(texts: list[str]) -> RecommendationModel:
    return RecommendationModel({}, np.zeros(4), 0.0, meta={"trained_on": [{"text": t} for t in texts]})


def test_near_copies_of_the_held_out_text_leave_the_training_data():
    held_out = [example(tuple(range(10)))]
    boilerplate = example(tuple(range(9)))  # 9 of 10 words shared: Jaccard 0.9
    related = example(tuple(range(5, 15)))  # 5 of 15: Jaccard 0.33
    assert without_near_duplicates([boilerplate, related], held_out) == [related]
    assert without_near_duplicates([boilerplate, related], held_out, threshold=0.95) == [boilerplate, related]


def test_decisions_are_drawn_reproducibly_and_a_larger_n_extends_a_smaller_one():
    pool = [example((i,), i % 2) for i in range(20)]
    first, again = draw_decisions(pool, seed=3), draw_decisions(pool, seed=3)
    assert first == again and sorted(first, key=lambda e: e.words) == pool
    assert first != draw_decisions(pool, seed=4)
    assert pool == [example((i,), i % 2) for i in range(20)]  # the caller's pool is left as it was


def test_a_curve_refuses_a_base_or_decisions_that_saw_the_scored_text():
    target = GoldText("brief", {"doc_id": "brief", "text": ""}, [])
    with pytest.raises(ValueError, match="brief: the base model or the decisions"):
        learning_curve(target, model(["brief", "other"]), [], DEFAULT_FORM, [0])
    with pytest.raises(ValueError, match="brief: the base model or the decisions"):
        learning_curve(target, model(["other"]), [example((1,), source="brief")], DEFAULT_FORM, [0])
    assert (
        trained_on(model(["a", "b"])) == {"a", "b"} and trained_on(RecommendationModel({}, np.zeros(4), 0.0)) == set()
    )


def test_thedecisions_cell_says_when_the_pool_ran_out():
    assert decisions_cell(50, 50) == "50"
    assert decisions_cell(200, 167) == "167 (all)"
    assert decisions_cell(200, [167, 189]) == "167–189 (all)"
    assert decisions_cell(200, [200, 189]) == "≤200"


def test_held_out_texts_must_not_be_training_texts():
    target = GoldText("brief", {"doc_id": "brief", "text": ""}, [])
    with pytest.raises(ValueError, match="held-out texts are among the training texts: brief"):
        held_out([target], {"brief": [example((1,), 1)], "other": [example((2,), 0)]}, DEFAULT_FORM)


@pytest.mark.shared
def test_a_held_out_text_is_scored_by_the_rules_and_by_a_scorer_trained_without_it(shared_dir):
    from reviewflow.coding.fidelity import load_gold_texts, training_examples

    texts = load_gold_texts(shared_dir / "texts", REPO_ROOT / "tests" / "gold")
    target = next(t for t in texts if t.name == "aspe_hidden_wounds_2008")
    others = [t for t in texts if t.name != target.name]
    result = held_out([target], training_examples(others, DEFAULT_FORM), DEFAULT_FORM)
    assert set(result["per_text"]) == {target.name}
    for variant in ("rules", "model"):
        figures = result["per_text"][target.name][variant]["recommendation"]
        assert result["pooled"][variant]["recommendation"] == figures
        assert 0.5 < figures["recall"] <= 1.0 and 0.5 < figures["precision"] <= 1.0
