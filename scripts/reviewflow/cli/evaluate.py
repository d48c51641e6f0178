"""`evaluate --gold GOLD.csv --pred PRED.csv`: recommendation and per-code precision, recall, F1 (and
kappa for a segment_id-keyed gold)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
    parser.set_defaults(handler=cli_evaluate)


def cli_evaluate(args: argparse.Namespace) -> int:
    """`python -m reviewflow evaluate --gold GOLD.csv --pred PRED.csv`.

    A sentence gold (``idx,kind,required,optional,sentence``) is aligned to the coded segments by the
    text's letters; any other gold is joined on segment_id and reported for all matched segments and
    for each gold split. A gold that cannot be scored against --pred prints why and returns 1.
    """
    from reviewflow.coding import evaluation
    from reviewflow.coding.gold import is_sentence_gold
    from reviewflow.errors import ReviewflowError

    swapped = evaluation.swapped_problem(args.gold, args.pred)
    if swapped:
        raise ReviewflowError(swapped)
    if is_sentence_gold(args.gold):
        return _sentence_gold(args)
    gold, pred = evaluation.read_rows(args.gold), evaluation.read_rows(args.pred)
    # checked before anything is printed or written: a table of zeros would read as a result
    problem = evaluation.shared_segments_problem(gold, pred, args.gold, args.pred)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    reports = evaluation.split_reports(gold, pred)
    if getattr(args, "json", None):
        from reviewflow.fileio import write_json

        write_json(args.json, {"gold": str(args.gold), "pred": str(args.pred), "reports": reports})
    print("\n\n".join(evaluation.format_report(r) for r in reports))
    return 0


def _sentence_gold(args: argparse.Namespace) -> int:
    """Score a `code` CSV against a sentence gold (the JSON written even when the rows do not align,
    so the failure can be read); 1 when most gold rows find no segment."""
    from reviewflow.coding import evaluation
    from reviewflow.fileio import write_json

    result = evaluation.score_sentence_gold_file(args.gold, args.pred, getattr(args, "doc_id", None))
    if getattr(args, "json", None):
        write_json(args.json, {"gold": str(args.gold), "pred": str(args.pred), **result})
    problem = evaluation.alignment_problem(result, args.gold, args.pred)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(evaluation.format_sentence_report(Path(args.gold).stem, result))
    if getattr(args, "errors", False):
        print(evaluation.format_errors(result))
    return 0
