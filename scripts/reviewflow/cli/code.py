"""`code PATH --out OUT.csv`: ingest and code one document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    explicit_manifest = args.manifest is not None
    fill_from_config(args, manifest="manifest", form="form", model="recommendation_model")
    require_file(args, "form", "extraction form")
    require_file(args, "model", "recommendation model")
    if explicit_manifest:  # the config's manifest is optional here: without it citations stay unresolved
        require_file(args, "manifest", "manifest")
    return cli_code(args)


def cli_code(args: argparse.Namespace) -> int:
    """`python -m reviewflow code PATH --out OUT.csv`: ingest, code, resolve citations against the
    manifest; ingestion's messages and a summary on stderr, 1 when the document could not be read."""
    from reviewflow.coding.coder import code_with_citations, write_coded_csv
    from reviewflow.coding.recommender import load_model
    from reviewflow.errors import ReviewflowError
    from reviewflow.ingest.document import ingest_file

    path = Path(args.path)
    if not path.is_file():
        raise ReviewflowError(f"{path}: file not found. Fix: give the path of a {readers.extensions_text()} document.")
    ingested = ingest_file(path, doc_id=args.doc_id)
    for message in (ingested.get("quality") or {}).get("messages") or []:
        print(f"{ingested['quality']['status']}: {message}", file=sys.stderr)
    model = load_model(args.model) if args.model else None
    coded = code_with_citations(ingested, args.form, model, args.manifest)
    write_coded_csv(args.out, coded.rows, ["cited_doc_ids"])
    n_rec = sum(1 for row in coded.rows if row["is_recommendation"])
    print(f"{coded.doc_id}: {len(coded.rows)} segment(s), {n_rec} recommendation(s) -> {args.out}", file=sys.stderr)
    return 1 if coded.status == "error" else 0
