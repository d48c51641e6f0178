"""`references PATH --out OUT.csv`: split, parse and match a document's reference list."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    fill_from_config(args, manifest="manifest")
    return cli_references(args)


def cli_references(args: argparse.Namespace) -> int:
    """`python -m reviewflow references PATH [--manifest M] --out OUT.csv`: ingest, parse, match; the
    counts (and a warning when no reference list was found) on stderr."""
    from reviewflow.references.matching import references_file

    path, manifest = Path(args.path), Path(args.manifest)
    references, rows = references_file(path, manifest, args.out)
    matched = sum(1 for r in rows if r["matched_doc_id"])
    if not references:
        print(
            f"warning: {path}: no reference list found (no References heading, or entries not recognized)",
            file=sys.stderr,
        )
    print(f"{path}: {len(references)} reference(s), {matched} matched to {manifest} -> {args.out}", file=sys.stderr)
    return 0
