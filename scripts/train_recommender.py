"""Build the recommendation scorer shipped with reviewflow from hand-coded real texts.

    .venv/bin/python scripts/train_recommender.py [--texts ../shared/texts] [--segment-gold tests/gold]
                                                   [--form extraction_forms/macy_johns_2011.yaml]
                                                   [--out scripts/reviewflow/data/recommendation_model.json]

Reads every text of ``--texts`` that has a sentence gold in its ``gold/`` folder (and the HHS/ASPE 2009
excerpt, whose gold is segment-keyed in ``--segment-gold``), codes each with the rules, labels every
segment from the gold and fits the scorer on all of them. The same inputs give a byte-identical file;
the file records which texts (and which gold files, by hash) it was trained on. `make model` runs this.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from reviewflow import __version__
from reviewflow.coding.fidelity import load_gold_texts, training_examples
from reviewflow.coding.recommender import train, write_model
from reviewflow.errors import ReviewflowError
from reviewflow.paths import DEFAULT_FORM, PACKAGE_DIR, REPO_ROOT


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", default=str(REPO_ROOT.parent / "shared" / "texts"))
    parser.add_argument("--segment-gold", default=str(REPO_ROOT / "tests" / "gold"))
    parser.add_argument("--form", default=str(DEFAULT_FORM))
    parser.add_argument("--out", default=str(PACKAGE_DIR / "data" / "recommendation_model.json"))
    args = parser.parse_args()
    texts_dir, form = Path(args.texts), Path(args.form)
    if not texts_dir.is_dir():
        raise ReviewflowError(
            f"{texts_dir}: folder not found. Fix: pass --texts with the folder of real texts "
            "whose gold/ subfolder holds the sentence gold."
        )
    texts = load_gold_texts(texts_dir, Path(args.segment_gold))
    if not texts:
        raise ReviewflowError(f"{texts_dir}: no text with a gold file. Fix: put NAME.txt beside gold/NAME.csv.")
    examples = training_examples(texts, form)
    training = []
    for text in texts:
        items = examples[text.name]
        gold_file = texts_dir / "gold" / f"{text.name}.csv"
        if not gold_file.is_file():
            gold_file = Path(args.segment_gold) / f"{text.name}.csv"
        training.append(
            {
                "text": text.name,
                "gold_sha256": _sha256(gold_file),
                "segments": len(items),
                "recommendations": sum(e.label for e in items),
            }
        )
    meta = {
        "reviewflow_version": __version__,
        "trained_on": training,
        "form": form.name,
        "form_sha256": _sha256(form),
        "how": "scripts/train_recommender.py (make model)",
    }
    model = train([e for text in texts for e in examples[text.name]], meta=meta)
    write_model(args.out, model)
    print(
        f"{args.out}: trained on {len(texts)} texts, {model.meta['n_examples']} segments "
        f"({model.meta['n_recommendations']} recommendations); model {model.digest}"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ReviewflowError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
