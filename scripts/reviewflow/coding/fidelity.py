"""Coding fidelity on real hand-coded texts: training examples, leave-one-document-out, learning curves.

The development texts live outside the repository (``../shared/texts/`` with sentence gold in its
``gold/`` folder; the HHS/ASPE 2009 excerpt's gold is ``tests/gold/hhs_aspe_2009.csv``, keyed by
segment). Nothing here is used by the workflow: it feeds ``scripts/train_recommender.py``,
``bench/bench_fidelity.py`` and the tests that guard the committed model.

A text is never scored by a scorer that has seen it: not its own segments, and not the near-copies of
them that other texts carry (the three ASPE briefs open with the same "Study Overview" boilerplate,
see ``without_near_duplicates``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewflow.coding.coder import CodedDocument, code_ingested
from reviewflow.coding.evaluation import pool_scores, read_rows, score_sentence_gold
from reviewflow.coding.gold import (
    SCORED_KINDS,
    GoldRow,
    gold_labels_for_segments,
    read_sentence_gold,
    rows_from_segment_gold,
)
from reviewflow.coding.recommender import (
    DEFAULT_ADD_MARGIN,
    DEFAULT_C,
    DEFAULT_VETO_MARGIN,
    Example,
    RecommendationModel,
    hashed,
    refit,
    train,
)

SEGMENT_GOLD = {"hhs-aspe-2009-promising-services-excerpt": ("hhs_aspe_2009", "hhs_aspe_2009.csv")}
NEAR_DUPLICATE = 0.8  # Jaccard similarity of two segments' word features above which they count as one text
DECISION_WEIGHT = 2.0  # a reviewer decision's weight in a refit, as `review refit-model` uses


@dataclass
class GoldText:
    name: str
    ingested: dict[str, Any]
    gold: list[GoldRow]


def load_gold_texts(texts_dir: Path, segment_gold_dir: Path) -> list[GoldText]:
    """Every text of ``texts_dir`` that has a sentence gold in ``texts_dir/gold`` or a segment gold here."""
    from reviewflow.ingest.document import ingest_file

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
        examples.append(
            Example(hashed(coded.features[index]), coded.vectors[index], int(label.is_recommendation), 1.0, source)
        )
    return examples


def training_examples(texts: Sequence[GoldText], form_path: str | Path) -> dict[str, list[Example]]:
    return {t.name: examples_of(code_ingested(t.ingested, form_path, with_vectors=True), t.gold, t.name) for t in texts}


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def without_near_duplicates(
    examples: Sequence[Example], held_out: Sequence[Example], threshold: float = NEAR_DUPLICATE
) -> list[Example]:
    """``examples`` minus those whose words nearly equal a segment of the held-out text.

    Series boilerplate shared by several texts would otherwise let the scorer see part of the text
    it is scored on; the hashed word features are compared, since examples hold no text.
    """
    held = [frozenset(e.words) for e in held_out]
    return [e for e in examples if not any(_jaccard(frozenset(e.words), h) >= threshold for h in held)]


def _others(
    examples: Mapping[str, Sequence[Example]], held_out: str, names: Iterable[str] | None = None
) -> list[Example]:
    """The examples of the texts in ``names`` (default: all) but ``held_out``, its near-copies removed."""
    wanted = set(examples) if names is None else set(names)
    chosen = [e for name, items in examples.items() if name != held_out and name in wanted for e in items]
    return without_near_duplicates(chosen, examples[held_out])


def score_text(text: GoldText, form_path: str | Path, model: RecommendationModel | None = None) -> dict[str, Any]:
    """One text coded (by the rules, or with ``model``) and scored against its gold."""
    return score_sentence_gold(text.gold, code_ingested(text.ingested, form_path, model=model).rows)


def rules_and_model(text: GoldText, form_path: str | Path, model: RecommendationModel) -> dict[str, Any]:
    """One text scored by the rules alone and by the rules with ``model``."""
    return {"rules": score_text(text, form_path), "model": score_text(text, form_path, model)}


def pooled_variants(results: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """``rules_and_model`` results pooled per variant (counts summed over the texts)."""
    chosen = list(results)
    return {variant: pool_scores(r[variant] for r in chosen) for variant in ("rules", "model")}


def leave_one_out(
    texts: Sequence[GoldText],
    form_path: str | Path,
    c: float = DEFAULT_C,
    threshold: float = 0.5,
    add_margin: float = DEFAULT_ADD_MARGIN,
    veto_margin: float = DEFAULT_VETO_MARGIN,
    examples: Mapping[str, Sequence[Example]] | None = None,
) -> dict[str, Any]:
    """Per text: rules alone, and the scorer trained on the other texts; plus pooled figures, and the
    scorers (``models``, by held-out text) for further measures on the same split.

    ``examples`` (from ``training_examples``) saves coding every text again when the caller has them.
    """
    examples = examples if examples is not None else training_examples(texts, form_path)
    per_text: dict[str, dict[str, Any]] = {}
    models: dict[str, RecommendationModel] = {}
    for text in texts:
        model = models[text.name] = train(
            _others(examples, text.name),
            c=c,
            threshold=threshold,
            add_margin=add_margin,
            veto_margin=veto_margin,
            meta={"trained_on": [{"text": name} for name in examples if name != text.name]},
        )
        per_text[text.name] = rules_and_model(text, form_path, model)
    return {"per_text": per_text, "pooled": pooled_variants(per_text.values()), "models": models}


def held_out(
    texts: Sequence[GoldText], examples: Mapping[str, Sequence[Example]], form_path: str | Path
) -> dict[str, Any]:
    """Per text of ``texts`` and pooled: the rules alone, and the scorer trained on every text of
    ``examples`` (which must not hold them), in ``leave_one_out``'s shape: how the coder does on
    hand-coded texts that took no part in building it."""
    overlap = sorted({t.name for t in texts} & set(examples))
    if overlap:
        raise ValueError(f"held-out texts are among the training texts: {', '.join(overlap)}")
    model = train([e for items in examples.values() for e in items])
    per_text = {t.name: rules_and_model(t, form_path, model) for t in texts}
    return {"per_text": per_text, "pooled": pooled_variants(per_text.values())}


# --------------------------------------------------------------------------------------- learning curve
def trained_on(model: RecommendationModel) -> set[str]:
    """The texts a model's metadata says it was trained on (``train_recommender.py``'s ``trained_on``)."""
    return {str(item.get("text")) for item in model.meta.get("trained_on") or [] if isinstance(item, Mapping)}


def draw_decisions(pool: Sequence[Example], seed: int = 0) -> list[Example]:
    """The pool in a fixed random order: the first n are the n segments reviewers decided, so a larger n
    adds decisions to a smaller one's instead of drawing anew (the curve then shows what more
    decisions add, not the noise of another draw)."""
    order = list(pool)
    random.Random(seed).shuffle(order)
    return order


def learning_curve(
    target: GoldText,
    base: RecommendationModel,
    pool: Sequence[Example],
    form_path: str | Path,
    sizes: Sequence[int],
    seed: int = 0,
    decision_weight: float = DECISION_WEIGHT,
) -> list[dict[str, Any]]:
    """Figures on ``target`` for the base model refitted with n simulated reviewer decisions, per n.

    ``pool`` holds gold-labelled segments of texts other than ``target`` and unseen by ``base``
    (a review's own corpus); n = 0 is the base model alone, and an n larger than the pool uses it
    all (``decisions`` says how many were used).
    """
    if target.name in trained_on(base) or any(e.source == target.name for e in pool):
        raise ValueError(f"{target.name}: the base model or the decisions come from the text being scored")
    drawn = draw_decisions(pool, seed)
    curve = []
    for size in sizes:
        decisions = drawn[:size]
        model = refit(base, decisions, decision_weight) if decisions else base
        curve.append({"requested": size, "decisions": len(decisions), **score_text(target, form_path, model)})
    return curve


def learning_curves(
    texts: Sequence[GoldText],
    examples: Mapping[str, Sequence[Example]],
    form_path: str | Path,
    base_texts: Sequence[str],
    sizes: Sequence[int],
    seed: int = 0,
    decision_weight: float = DECISION_WEIGHT,
) -> dict[str, Any]:
    """A learning curve for every text outside ``base_texts``, with one base model trained on those.

    Each held-out text's decisions are drawn from the remaining texts (neither the base's nor its
    own), so the base has never seen them: what a refit adds is the review's own decisions, not a
    second copy of the base's training data. Pooled figures sum the texts' counts per n. The base is
    shared by every curve, so its near-copies of a held-out text cannot be removed; they are counted
    (``base_near_copies``) instead.
    """
    base_examples = [e for name in base_texts for e in examples[name]]
    base = train(base_examples, meta={"trained_on": [{"text": name} for name in base_texts]})
    curves: dict[str, dict[str, Any]] = {}
    for text in texts:
        if text.name in base_texts:
            continue
        pool_names = [name for name in examples if name != text.name and name not in base_texts]
        pool = _others(examples, text.name, pool_names)
        copies = len(base_examples) - len(without_near_duplicates(base_examples, examples[text.name]))
        curves[text.name] = {
            "pool": pool_names,
            "pool_size": len(pool),
            "base_near_copies": copies,
            "points": learning_curve(text, base, pool, form_path, sizes, seed, decision_weight),
        }
    pooled = [
        {
            "requested": size,
            "decisions": [curve["points"][i]["decisions"] for curve in curves.values()],
            **pool_scores(curve["points"][i] for curve in curves.values()),
        }
        for i, size in enumerate(sizes)
    ]
    return {"base": list(base_texts), "sizes": list(sizes), "curves": curves, "pooled": pooled}


# --------------------------------------------------------------------------------------- tables
def _figures(scores: Mapping[str, Any]) -> str:
    rec, codes = scores["recommendation"], scores["codes"]
    return (
        f"{rec['precision']:.2f} | {rec['recall']:.2f} | {rec['f1']:.2f} | "
        f"{codes['precision']:.2f} | {codes['recall']:.2f} | {codes['f1']:.2f}"
    )


def _phase_cell(scores: Mapping[str, Any]) -> str:
    phase = scores.get("phase") or {}
    return f"{phase['accuracy']:.2f} ({phase['correct']}/{phase['n']})" if phase.get("n") else "–"


def format_table(result: Mapping[str, Any]) -> str:
    """``leave_one_out`` as Markdown: one line per text and variant, then the pooled lines."""
    lines = [
        "| text | variant | rec P | rec R | rec F1 | codes P | codes R | codes F1 | phase acc |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [*((name, r) for name, r in result["per_text"].items()), ("pooled", result["pooled"])]
    for name, variants in rows:
        for variant in ("rules", "model"):
            lines.append(f"| {name} | {variant} | {_figures(variants[variant])} | {_phase_cell(variants[variant])} |")
    return "\n".join(lines)


def format_curves(result: Mapping[str, Any], references: Mapping[str, Any] | None = None) -> str:
    """``learning_curves`` as Markdown: recommendation P/R/F1 per held-out text and n, then pooled.

    ``references`` (a ``leave_one_out`` result) adds the rules alone and the scorer trained on every
    other text, the two ends a refit sits between.
    """
    lines = ["| held-out text | scorer | decisions | rec P | rec R | rec F1 |", "|---|---|---:|---:|---:|---:|"]

    def line(name: str, scorer: str, decisions: str, scores: Mapping[str, Any]) -> str:
        rec = scores["recommendation"]
        return f"| {name} | {scorer} | {decisions} | {rec['precision']:.2f} | {rec['recall']:.2f} | {rec['f1']:.2f} |"

    base = " + ".join(result["base"])
    blocks = [*((name, curve["points"]) for name, curve in result["curves"].items()), ("pooled", result["pooled"])]
    for name, points in blocks:
        reference = _reference(references, name, list(result["curves"]))
        if reference:
            lines.append(line(name, "rules alone", "–", reference["rules"]))
        for point in points:
            lines.append(
                line(
                    name,
                    f"base ({base}) + decisions" if point["requested"] else f"base ({base})",
                    decisions_cell(point["requested"], point["decisions"]),
                    point,
                )
            )
        if reference:
            lines.append(line(name, "trained on all other texts", "–", reference["model"]))
    return "\n".join(lines)


def decisions_cell(requested: int, used: int | Sequence[int]) -> str:
    """n as asked, or what was used where the pool was smaller ("167 (all)"; pooled: "167–189 (all)")."""
    counts = [used] if isinstance(used, int) else list(used)
    if all(count == requested for count in counts):
        return str(requested)
    if all(count < requested for count in counts):
        low, high = min(counts), max(counts)
        return f"{low} (all)" if low == high else f"{low}–{high} (all)"
    return f"≤{requested}"


def _reference(references: Mapping[str, Any] | None, name: str, names: Sequence[str]) -> dict[str, Any] | None:
    """The leave-one-out figures matching a curve block (pooled over the curves' texts only)."""
    if references is None:
        return None
    if name != "pooled":
        return references["per_text"].get(name)
    return pooled_variants(references["per_text"][n] for n in names if n in references["per_text"])
