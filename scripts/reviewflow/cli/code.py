"""`code PATH --out OUT.csv`: ingest and code one document."""

from __future__ import annotations

import argparse

from reviewflow.paths import DEFAULT_FORM, DEFAULT_MANIFEST, DEFAULT_RECOMMENDATION_MODEL


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("code", help="ingest a document and code every sentence with the form's codebook")
    parser.add_argument("path", help="a .pdf, .html or .txt file")
    parser.add_argument("--manifest", default=str(DEFAULT_MANIFEST), help="resolves in-text citations (default: %(default)s)")
    parser.add_argument("--form", default=str(DEFAULT_FORM), help="extraction form and codebook (default: %(default)s)")
    parser.add_argument("--model", default=str(DEFAULT_RECOMMENDATION_MODEL),
                        help="learned recommendation scorer; \"\" for the rules alone (default: %(default)s)")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--doc-id", default=None, help="identifier (default: file stem)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from reviewflow.coding import cli_code

    return cli_code(args)
