"""`code PATH --out OUT.csv`: ingest and code one document."""

from __future__ import annotations

import argparse

from reviewflow.cli.options import add_config_option, fill_from_config, require_file
from reviewflow.ingest import readers


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
    from reviewflow.coding.coder import cli_code

    explicit_manifest = args.manifest is not None
    fill_from_config(args, manifest="manifest", form="form", model="recommendation_model")
    require_file(args, "form", "extraction form")
    require_file(args, "model", "recommendation model")
    if explicit_manifest:  # the config's manifest is optional here: without it citations stay unresolved
        require_file(args, "manifest", "manifest")
    return cli_code(args)
