"""`ingest PATH --out OUT.json`: one document to clean, page-mapped text."""

from __future__ import annotations

import argparse

from reviewflow.cli.options import add_config_option
from reviewflow.ingest import readers


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ingest", help=f"extract clean, page-mapped text from a {readers.labels_text()} file"
    )
    parser.add_argument("path", help=f"the document: a {readers.extensions_text()} file")
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--doc-id", default=None, help="identifier recorded in the output (default: file stem)")
    add_config_option(parser)
    parser.add_argument(
        "--max-pages", type=int, default=None, help="pages read at most (default: the config's ingest.max_pages)"
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from reviewflow.config import load_config
    from reviewflow.ingest.document import cli_ingest

    if args.max_pages is None:
        args.max_pages = int(load_config(args.config).values["ingest"]["max_pages"])
    return cli_ingest(args)
