"""`review export`, `review agreement` and `review refit-model`: the human in the loop."""

from __future__ import annotations

import argparse

from reviewflow.cli.options import add_config_option


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("review", help="reviewer sheets, agreement, and refitting the scorer with decisions")
    actions = parser.add_subparsers(dest="review_command", metavar="ACTION")
    actions.required = True

    export = actions.add_parser("export", help="write RESULTS/review/review_sheet.xlsx for a reviewer")
    add_config_option(export)
    export.add_argument(
        "--results", default=None, help="results folder of a finished run (default: the config's results_dir)"
    )
    export.add_argument("--out", default=None, help="default: RESULTS/review/review_sheet.xlsx")
    export.add_argument(
        "--order",
        choices=("document", "least-confident"),
        default="document",
        help="segment order: document = documents in doc_id order, text order within; "
        "least-confident = the scorer's most uncertain segments first, where a decision "
        "teaches it most (default: %(default)s)",
    )
    export.add_argument(
        "--reviewer",
        default=None,
        metavar="NAME",
        help="fill in NAME's earlier decisions and manual field values from the decisions folder (the sheets' "
        "reviewer column, or the file name where it is empty), so a re-exported sheet continues where NAME stopped",
    )
    export.add_argument(
        "--undecided", action="store_true", help="with --reviewer: only the segments NAME has not decided yet"
    )
    export.add_argument(
        "--doc",
        action="append",
        default=[],
        metavar="DOC_ID",
        help="only this document's segments and manual fields (repeat, or separate ids with commas)",
    )
    export.add_argument(
        "--recommendations-only",
        action="store_true",
        help="only the segments the coder calls recommendations, or an applied decision makes one",
    )
    export.add_argument(
        "--all-segments",
        action="store_true",
        help="headings too (left out by default: a heading is decided only when it is coded as a recommendation)",
    )
    export.set_defaults(handler=cli_export)

    agreement = actions.add_parser("agreement", help="agreement between automatic coding and reviewers")
    add_config_option(agreement)
    agreement.add_argument(
        "--results", default=None, help="results folder of a finished run (default: the config's results_dir)"
    )
    agreement.add_argument(
        "--decisions", default=None, help="folder of reviewer sheets (default: the config's decisions_dir)"
    )
    agreement.set_defaults(handler=cli_agreement)

    refit = actions.add_parser(
        "refit-model", help="refit the recommendation scorer with this review's reviewer decisions"
    )
    add_config_option(refit, "; its coding.recommendation_model is the base model")
    refit.add_argument(
        "--results",
        default=None,
        help="results folder of a run with decisions applied (default: the config's results_dir)",
    )
    refit.add_argument(
        "--out", default=None, help="model file to write (default: RESULTS/model/recommendation_model.json)"
    )
    refit.add_argument(
        "--weight",
        type=float,
        default=2.0,
        help="weight of a decision against a training segment of the base model (default: %(default)s)",
    )
    refit.add_argument(
        "--force",
        action="store_true",
        help="replace an existing refit at --out even when it was made with more decisions",
    )
    refit.set_defaults(handler=cli_refit_model)


def cli_export(args: argparse.Namespace) -> int:
    """``python -m reviewflow review export [--config C] [--results R] [--out ...] [--order ...] [--reviewer NAME
    [--undecided]] [--doc DOC_ID ...] [--recommendations-only] [--all-segments]``."""
    from reviewflow.review.export import export_for_review
    from reviewflow.review.selection import Selection, parse_doc_ids

    selection = Selection(
        doc_ids=parse_doc_ids(getattr(args, "doc", None) or []),
        recommendations_only=bool(getattr(args, "recommendations_only", False)),
        all_segments=bool(getattr(args, "all_segments", False)),
        undecided_only=bool(getattr(args, "undecided", False)),
    )
    outcome = export_for_review(
        getattr(args, "config", None),
        getattr(args, "results", None),
        args.out,
        getattr(args, "order", None),
        getattr(args, "reviewer", None),
        selection,
    )
    print(outcome.message())
    return 0


def cli_agreement(args: argparse.Namespace) -> int:
    """``python -m reviewflow review agreement [--config C] [--results R] [--decisions D]``: the log,
    one summary line per pair of raters, and the files written."""
    from reviewflow.review.agreement import review_agreement, summary_lines

    result, out = review_agreement(
        getattr(args, "config", None), getattr(args, "results", None), getattr(args, "decisions", None)
    )
    for line in result.log + summary_lines(result.agreement):
        print(line)
    print(f"wrote {out / 'agreement.csv'} and {out / 'conflicts.csv'}")
    return 0


def cli_refit_model(args: argparse.Namespace) -> int:
    """``python -m reviewflow review refit-model [--results results] [--config ...] [--out ...] [--weight 2.0]``."""
    from reviewflow.coding.refit import refit_files
    from reviewflow.config import default_config_path

    outcome = refit_files(
        args.results,
        args.config or default_config_path(),
        args.out,
        float(args.weight),
        bool(getattr(args, "force", False)),
    )
    for line in outcome.lines():
        print(line)
    return 0
