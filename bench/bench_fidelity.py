"""Coding fidelity on the real hand-coded texts of ../shared/texts: blind figures, and whether a review's own
reviewer decisions improve the learned recommendation scorer.

    .venv/bin/python bench/bench_fidelity.py [--sizes 0 50 100 200] [--seed 0] [--base hhs_aspe_2009]
                                             [--held-out DIR ...]

1. Leave one document out (``reviewflow.coding.fidelity.leave_one_out``), per text and pooled: recommendation
   P/R/F1 and codes micro P/R/F1 of (a) the rules alone and (b) the scorer trained on the other texts,
   never on the text scored nor on near-copies of its sentences (the ASPE briefs' shared boilerplate);
   plus phase accuracy where the gold codes a phase (only the HHS/ASPE 2009 segment gold does: the
   coded phase of the segments aligned to those rows).
2. Learning curve: does learning from a review's own decisions help? A review starts from a scorer
   trained elsewhere and its reviewers' decisions come from its own corpus, which that scorer has not
   seen. So the base scorer is trained on ``--base`` texts only (default: the HHS/ASPE 2009 excerpt,
   the text the rules were first tuned on), and for each other text T the decisions are drawn (fixed
   seed, nested: the first 50 are among the first 100) from the gold-labelled segments of the texts that
   are neither the base's nor T — the rest of "the review's corpus" — and the base is refitted with
   them (``reviewflow.coding.recommender.refit``, decision weight 2, as ``review refit-model``). The figures
   are recommendation P/R/F1 on T, which neither the base nor the decisions include. Had the base been
   trained on every other text, the decisions would repeat its own training data and say nothing. An n
   larger than the pool (about 170-190 segments) uses the whole pool, marked "(all)". For reference,
   each block also shows the rules alone and the scorer trained on every other text (from 1.).

3. With ``--held-out DIR`` (a folder of texts with a ``gold/`` subfolder, like ``../shared/texts``): the
   rules alone and the scorer trained on every development text, on each held-out text and pooled: the
   figures for texts that took no part in building the coder (keep such texts outside the repository).

Takes 1.5-2.5 minutes on two cores (fitting the scorer, some 20 times, dominates); prints how long it took.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from reviewflow.coding.coder import code_ingested
from reviewflow.coding.evaluation import attribution_scores, read_rows
from reviewflow.coding.fidelity import SEGMENT_GOLD as SEGMENT_GOLD_FILES
from reviewflow.coding.fidelity import (
    format_curves,
    format_table,
    held_out,
    learning_curves,
    leave_one_out,
    load_gold_texts,
    training_examples,
)
from reviewflow.paths import DEFAULT_FORM, REPO_ROOT

TEXTS = REPO_ROOT.parent / "shared" / "texts"
SEGMENT_GOLD = REPO_ROOT / "tests" / "gold"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", default=str(TEXTS), help="folder of real texts with a gold/ subfolder")
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 50, 100, 200], help="numbers of decisions")
    parser.add_argument("--seed", type=int, default=0, help="seed of the decisions' draw")
    parser.add_argument("--base", nargs="+", default=["hhs_aspe_2009"], help="texts the base scorer is trained on")
    parser.add_argument("--held-out", nargs="*", default=[], help="folders of held-out texts with a gold/ subfolder")
    args = parser.parse_args()
    started = time.perf_counter()
    texts = load_gold_texts(Path(args.texts), SEGMENT_GOLD) if Path(args.texts).is_dir() else []
    if not texts:
        print(f"no text with a gold file in {args.texts}: nothing to measure")
        return
    unknown = sorted(set(args.base) - {t.name for t in texts})
    if unknown:
        raise SystemExit(f"--base: no gold text named {', '.join(unknown)} (have: {', '.join(t.name for t in texts)})")
    examples = training_examples(texts, DEFAULT_FORM)
    print(
        f"{len(texts)} texts with gold, {sum(len(v) for v in examples.values())} labelled segments "
        f"({time.perf_counter() - started:.1f} s)\n"
    )
    loo = leave_one_out(texts, DEFAULT_FORM, examples=examples)
    print("Leave one document out (model = scorer trained on the other texts):\n")
    print(format_table(loo))
    print(f"\n({time.perf_counter() - started:.1f} s)\n")
    print_attributions(texts, loo["models"])
    for folder in args.held_out:
        held = load_gold_texts(Path(folder), SEGMENT_GOLD) if Path(folder).is_dir() else []
        if not held:
            raise SystemExit(f"--held-out {folder}: no text with a gold file there (NAME.txt beside gold/NAME.csv)")
        print(f"Held out ({folder}; model = scorer trained on all {len(texts)} development texts):\n")
        print(format_table(held_out(held, examples, DEFAULT_FORM)) + "\n")
    curves = learning_curves(texts, examples, DEFAULT_FORM, args.base, args.sizes, args.seed)
    print(
        f"Learning curve (base scorer trained on {', '.join(args.base)}; decisions from the other texts, seed "
        f"{args.seed}; pooled over the held-out texts):\n"
    )
    print(format_curves(curves, loo))
    for name, curve in curves["curves"].items():
        if curve["base_near_copies"]:
            print(f"note: the base scorer holds {curve['base_near_copies']} near-copies of {name}'s segments")
    print(f"\nbench_fidelity took {time.perf_counter() - started:.1f} s")


def print_attributions(texts: list, models: dict) -> None:
    """The review text's (cited work, code) pairs, for the texts whose segment gold lists citations, by
    the rules and by the scorer the leave-one-out run trained without that text."""
    doc_ids = dict(SEGMENT_GOLD_FILES.values())
    for text in texts:
        if text.name not in doc_ids:
            continue
        gold = read_rows(SEGMENT_GOLD / doc_ids[text.name])
        lines = []
        for variant, used in (("rules", None), ("model", models[text.name])):
            s = attribution_scores(gold, code_ingested(text.ingested, DEFAULT_FORM, model=used).rows)
            lines.append(
                f"| {text.name} | {variant} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} | "
                f"{s['n_gold']} | {s['n_pred']} |"
            )
        print(
            "(cited work, code) pairs the review text attributes through its citations "
            "(model trained without this text):\n"
        )
        print("| text | variant | P | R | F1 | gold pairs | predicted pairs |\n|---|---|---:|---:|---:|---:|---:|")
        print("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
