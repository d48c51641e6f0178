"""Render the default corpus's surrogate sources (corpus/surrogates/*.md) into corpus/documents/.

Usage: python scripts/render_surrogates.py [--corpus DIR] [doc_id ...]
--corpus names another corpus folder laid out the same way (DIR/surrogates/*.md, DIR/manifest.csv,
rendered into DIR/documents/), e.g. --corpus corpus/muraya_fry_2015; the default is corpus/.
Each document gets the format its manifest row names (.pdf, .html or .txt). A bad source is reported
and skipped; the others are still rendered; the exit status is 1 when any source failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from reviewflow.corpus.surrogates import render_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("doc_ids", nargs="*", help="render only these documents (default: every source)")
    parser.add_argument(
        "--corpus",
        default=None,
        metavar="DIR",
        help="corpus folder with surrogates/, manifest.csv and documents/ (default: corpus)",
    )
    args = parser.parse_args(argv)
    corpus = REPO_ROOT / "corpus" if args.corpus is None else Path(args.corpus).resolve()
    results = render_corpus(corpus / "surrogates", corpus / "manifest.csv", corpus / "documents", args.doc_ids or None)
    failed = 0
    for result in results:
        if result.error:
            failed += 1
            print(f"error: {result.error}", file=sys.stderr)
        else:
            path = result.path.resolve()
            print(f"wrote {path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
