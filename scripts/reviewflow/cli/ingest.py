"""`ingest PATH --out OUT.json`: one document to clean, page-mapped text."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ingest", help="extract clean, page-mapped text from a PDF, HTML or text file")
    parser.add_argument("path", help="the document")
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--doc-id", default=None, help="identifier recorded in the output (default: file stem)")
    parser.add_argument("--max-pages", type=int, default=400, help="pages read at most (default: %(default)s)")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from reviewflow.ingestion import cli_ingest

    return cli_ingest(args)
