"""`evaluate --gold GOLD.csv --pred PRED.csv`: per-code precision, recall, F1 and kappa."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("evaluate", help="compare predicted codes with a hand-coded gold standard")
    parser.add_argument("--gold", required=True, help="hand-coded CSV keyed by segment_id")
    parser.add_argument("--pred", required=True, help="CSV written by `code`")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from reviewflow.evaluation import cli_evaluate

    return cli_evaluate(args)
