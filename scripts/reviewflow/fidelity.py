"""Coding fidelity on real hand-coded texts: training examples, leave-one-document-out, learning curves.

The development texts live outside the repository (``../shared/texts/`` with sentence gold in its
``gold/`` folder; the HHS/ASPE 2009 excerpt's gold is ``tests/gold/hhs_aspe_2009.csv``, keyed by
segment). Nothing here is used by the workflow: it feeds ``scripts/train_recommender.py``,
``bench/bench_fidelity.py`` and the tests that guard the committed model.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewflow.coding import CodedDocument, code_ingested
from reviewflow.evaluation import pool_scores, read_rows, score_sentence_gold
from reviewflow.gold import SCORED_KINDS, GoldRow, gold_labels_for_segments, read_sentence_gold, rows_from_segment_gold
from reviewflow.recommender import DEFAULT_C, DEFAULT_MARGIN, Example, RecommendationModel, split_features, train

SEGMENT_GOLD = {"hhs-aspe-2009-promising-services-excerpt": ("hhs_aspe_2009", "hhs_aspe_2009.csv")}


@dataclass
class GoldText:
    name: str
    ingested: dict[str, Any]
    gold: list[GoldRow]


def load_gold_texts(texts_dir: Path, segment_gold_dir: Path) -> list[GoldText]:
    """Every text of ``texts_dir`` that has a sentence gold in ``texts_dir/gold`` or a segment gold here."""
    from reviewflow.ingestion import ingest_file

    found: list[GoldText] = []
    for path in sorted(texts_dir.glob("*.txt")):
        sentence_gold = texts_dir / "gold" / f"{path.stem}.csv"
        if sentence_gold.is_file():
            found.append(GoldText(path.stem, ingest_file(path, doc_id=path.stem), read_sentence_gold(sentence_gold)))
        elif path.stem in SEGMENT_GOLD and (segment_gold_dir / SEGMENT_GOLD[path.stem][1]).is_file():
            doc_id, gold_file = SEGMENT_GOLD[path.stem]
            ingested = ingest_file(path, doc_id=doc_id)
            gold = rows_from_segment_gold(read_rows(segment_gold_dir / gold_file), ingested["text"])
            found.append(GoldText(doc_id, ingested, gold))
    return found


def examples_of(coded: CodedDocument, gold: Sequence[GoldRow], source: str) -> list[Example]:
    """The coded segments (headings aside) that overlap a scored gold row, labelled by it."""
    labels = gold_labels_for_segments(gold, [str(row["sentence"]) for row in coded.rows])
    examples = []
    for index, (row, label) in enumerate(zip(coded.rows, labels, strict=True)):
        if row["segment_kind"] == "heading" or label is None or label.kind not in SCORED_KINDS:
            continue
        rules, words = split_features(coded.features[index])
        examples.append(Example(rules, words, coded.vectors[index], int(label.is_recommendation), 1.0, source))
    return examples


def training_examples(texts: Sequence[GoldText], form_path: str | Path) -> dict[str, list[Example]]:
    return {t.name: examples_of(code_ingested(t.ingested, form_path, with_vectors=True), t.gold, t.name) for t in texts}


def leave_one_out(texts: Sequence[GoldText], form_path: str | Path, c: float = DEFAULT_C,
                  threshold: float = 0.5, margin: float = DEFAULT_MARGIN) -> dict[str, Any]:
    """Per text: rules alone, and the scorer trained on the other texts; plus pooled figures."""
    examples = training_examples(texts, form_path)
    per_text: dict[str, dict[str, Any]] = {}
    for text in texts:
        others = [e for name, items in examples.items() if name != text.name for e in items]
        model = train(others, c=c, threshold=threshold, margin=margin)
        per_text[text.name] = {
            "rules": score_sentence_gold(text.gold, code_ingested(text.ingested, form_path).rows),
            "model": score_sentence_gold(text.gold, code_ingested(text.ingested, form_path, model=model).rows),
        }
    pooled = {variant: pool_scores(r[variant] for r in per_text.values()) for variant in ("rules", "model")}
    return {"per_text": per_text, "pooled": pooled}


def learning_curve(texts: Sequence[GoldText], held_out: str, form_path: str | Path, sizes: Sequence[int],
                   base: RecommendationModel | None, seed: int = 0,
                   decision_weight: float = 2.0) -> list[dict[str, Any]]:
    """Figures on ``held_out`` after refitting with n simulated reviewer decisions drawn from gold.

    The decisions come from the other texts' segments, drawn in a fixed random order, as a review's
    reviewers would verify segments of their own corpus; the base model must not have seen
    ``held_out``.
    """
    from reviewflow.recommender import refit

    target = next(t for t in texts if t.name == held_out)
    pool = [e for name, items in training_examples([t for t in texts if t.name != held_out], form_path).items()
            for e in items]
    random.Random(seed).shuffle(pool)
    curve = []
    for size in sizes:
        decisions = pool[:size]
        model = base if size == 0 or base is None and not decisions else None
        if model is None:
            model = refit(base, decisions, decision_weight) if base is not None else train(decisions)
        coded = code_ingested(target.ingested, form_path, model=model) if model is not None else \
            code_ingested(target.ingested, form_path)
        curve.append({"decisions": size, **score_sentence_gold(target.gold, coded.rows)})
    return curve


def format_table(result: Mapping[str, Any]) -> str:
    lines = ["| text | variant | rec P | rec R | rec F1 | codes P | codes R | codes F1 |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    rows = [*((name, r) for name, r in result["per_text"].items()), ("pooled", result["pooled"])]
    for name, variants in rows:
        for variant in ("rules", "model"):
            rec, codes = variants[variant]["recommendation"], variants[variant]["codes"]
            lines.append(f"| {name} | {variant} | {rec['precision']:.2f} | {rec['recall']:.2f} | {rec['f1']:.2f} | "
                         f"{codes['precision']:.2f} | {codes['recall']:.2f} | {codes['f1']:.2f} |")
    return "\n".join(lines)
