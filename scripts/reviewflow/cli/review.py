"""`review export` and `review agreement`: the human in the loop."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("review", help="reviewer sheets and agreement")
    actions = parser.add_subparsers(dest="review_command", metavar="ACTION")
    actions.required = True

    export = actions.add_parser("export", help="write results/review/review_sheet.xlsx for a reviewer")
    export.add_argument("--results", default="results", help="results folder of a finished run (default: %(default)s)")
    export.add_argument("--out", default=None, help="default: RESULTS/review/review_sheet.xlsx")
    export.set_defaults(handler=_export)

    agreement = actions.add_parser("agreement", help="agreement between automatic coding and reviewers")
    agreement.add_argument("--results", default="results")
    agreement.add_argument("--decisions", default="corpus/decisions", help="folder of reviewer sheets (default: %(default)s)")
    agreement.set_defaults(handler=_agreement)


def _export(args: argparse.Namespace) -> int:
    from reviewflow.review import cli_export

    return cli_export(args)


def _agreement(args: argparse.Namespace) -> int:
    from reviewflow.agreement import cli_agreement

    return cli_agreement(args)
