"""`code PATH --out OUT.csv`: ingest and code one document."""

from __future__ import annotations

import argparse

from reviewflow import readers
from reviewflow.cli.options import add_config_option, fill_from_config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("code", help="ingest a document and code every sentence with the form's codebook")
    parser.add_argument("path", help=f"the document: a {readers.extensions_text()} file")
    add_config_option(parser)
    parser.add_argument("--manifest", default=None, help="resolves in-text citations (default: the config's)")
    parser.add_argument("--form", default=None, help="extraction form and codebook (default: the config's)")
    parser.add_argument(
        "--model",
        default=None,
        help='learned recommendation scorer; "" for the rules alone (default: the config\'s '
        "coding.recommendation_model)",
    )
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--doc-id", default=None, help="identifier (default: file stem)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from reviewflow.coding import cli_code

    fill_from_config(args, manifest="manifest", form="form", model="recommendation_model")
    return cli_code(args)
