"""`evaluate --gold GOLD.csv --pred PRED.csv`: recommendation and per-code precision, recall, F1 (and
kappa for a segment_id-keyed gold)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("evaluate", help="compare predicted codes with a hand-coded gold standard")
    parser.add_argument(
        "--gold",
        required=True,
        help="hand-coded CSV: a sentence gold (idx,kind,required,optional,sentence), aligned to "
        "the segments by the text's letters, or a gold keyed by segment_id",
    )
    parser.add_argument("--pred", required=True, help="CSV written by `code`")
    parser.add_argument(
        "--doc-id", default=None, help="with a sentence gold: the document to score when --pred holds several"
    )
    parser.add_argument(
        "--errors",
        action="store_true",
        help="with a sentence gold: list the rows the coder got wrong (recommendation, codes)",
    )
    parser.add_argument("--json", default=None, metavar="OUT", help="also write the full result as JSON")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from reviewflow.coding.evaluation import cli_evaluate

    return cli_evaluate(args)
