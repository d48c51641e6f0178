"""`references PATH --out OUT.csv`: split, parse and match a document's reference list."""

from __future__ import annotations

import argparse

from reviewflow.paths import DEFAULT_MANIFEST


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("references", help="parse a document's reference list and match it to the corpus")
    parser.add_argument("path", help="a .pdf, .html or .txt file")
    parser.add_argument("--manifest", default=str(DEFAULT_MANIFEST), help="corpus to match against (default: %(default)s)")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from reviewflow.references import cli_references

    return cli_references(args)
