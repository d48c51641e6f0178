"""`references PATH --out OUT.csv`: split, parse and match a document's reference list."""

from __future__ import annotations

import argparse

from reviewflow.cli.options import add_config_option, fill_from_config
from reviewflow.ingest import readers


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("references", help="parse a document's reference list and match it to the corpus")
    parser.add_argument("path", help=f"the document: a {readers.extensions_text()} file")
    add_config_option(parser)
    parser.add_argument("--manifest", default=None, help="corpus to match against (default: the config's)")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from reviewflow.references.entries import cli_references

    fill_from_config(args, manifest="manifest")
    return cli_references(args)
