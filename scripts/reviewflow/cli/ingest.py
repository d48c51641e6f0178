"""`ingest PATH --out OUT.json`: one document to clean, page-mapped text."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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

    if args.max_pages is None:
        args.max_pages = int(load_config(args.config).values["ingest"]["max_pages"])
    return cli_ingest(args)


def cli_ingest(args: argparse.Namespace) -> int:
    """`python -m reviewflow ingest PATH --out OUT.json [--doc-id ID] [--max-pages N]`: the record
    written, its messages and a summary on stderr; 1 when the document could not be read."""
    from reviewflow.errors import ReviewflowError
    from reviewflow.fileio import write_json
    from reviewflow.ingest.document import ingest_file

    if not Path(args.path).is_file():  # a file named on the command line, not by the manifest
        raise ReviewflowError(
            f"{args.path}: file not found. Fix: give the path of a {readers.extensions_text()} document."
        )
    record = ingest_file(
        Path(args.path), doc_id=getattr(args, "doc_id", None), max_pages=int(getattr(args, "max_pages", 400) or 400)
    )
    write_json(args.out, record)
    quality = record["quality"]
    for message in quality["messages"]:
        print(f"{quality['status']}: {message}", file=sys.stderr)
    print(
        f"{record['doc_id']}: {record['format']}, {quality['n_pages']} page(s), {len(record['text'])} characters, "
        f"status {quality['status']} -> {args.out}",
        file=sys.stderr,
    )
    return 1 if quality["status"] == "error" else 0
