"""`corpus add` and `corpus validate`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewflow.cli.options import add_config_option, fill_from_config
from reviewflow.ingest import readers


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("corpus", help="manage the corpus manifest")
    actions = parser.add_subparsers(dest="corpus_command", metavar="ACTION")
    actions.required = True

    add = actions.add_parser("add", help="append documents from a BibTeX or RIS file")
    source = add.add_mutually_exclusive_group(required=True)
    source.add_argument("--bib", help="BibTeX file")
    source.add_argument("--ris", help="RIS file")
    add.add_argument(
        "--file",
        help=f"the document ({readers.extensions_text()}) for a single entry; copied into "
        "the manifest's documents/ folder",
    )
    add_config_option(add)
    add.add_argument("--manifest", default=None, help="manifest to append to (default: the config's)")
    add.add_argument(
        "--search-strategy",
        default="database",
        help="how the entries were found: an identification source id of the review's search log "
        "(default: %(default)s)",
    )
    add.set_defaults(handler=_add)

    check = actions.add_parser("validate", help="check the manifest and the search log and print every problem")
    add_config_option(check)
    check.add_argument("--manifest", default=None, help="manifest to check (default: the config's)")
    check.add_argument(
        "--search-log",
        default=None,
        help="search log whose identification sources search_strategy must name (default: the config's)",
    )
    check.set_defaults(handler=_validate)


def _add(args: argparse.Namespace) -> int:
    from reviewflow.corpus.manifest import check_search_strategies
    from reviewflow.errors import ReviewflowError

    fill_from_config(args, manifest="manifest", search_log="search_log")
    if Path(args.search_log).is_file():
        entry = {"doc_id": "(the entries to add)", "search_strategy": args.search_strategy}
        if check_search_strategies([entry], args.search_log, manifest_path=args.manifest):
            raise ReviewflowError(
                f"--search-strategy {args.search_strategy!r} is not an identification source of "
                f"{args.search_log}; nothing was added. Fix: give one of its source ids, or add "
                "the source to the search log first."
            )
    return cli_add(args)


def cli_add(args: argparse.Namespace) -> int:
    """Append the entries of ``--bib``/``--ris`` to ``--manifest``: each added row and each check on
    stdout, each refusal on stderr; 1 when any entry was refused."""
    from reviewflow.corpus.importing import add_entries, read_entries

    source = Path(args.bib or args.ris)
    result = add_entries(
        read_entries(source, bibtex=bool(args.bib)),
        Path(args.manifest),
        document=Path(args.file) if args.file else None,
        search_strategy=args.search_strategy,
        base_dir=source.parent,
    )
    for row in result.added:
        print(f"added {row['doc_id']}: {row['citation']} -> {row['file']}")
    for message in result.checks:
        print(f"check: {message}")
    for message in result.refused:
        print(message, file=sys.stderr)
    print(f"{args.manifest}: {len(result.added)} added, {len(result.refused)} refused.")
    return 0 if not result.refused else 1


def _validate(args: argparse.Namespace) -> int:
    """The checks the workflow makes before any job: the manifest, the search log (schema and PRISMA
    arithmetic) and the search sources the manifest names; every problem printed."""
    from reviewflow.corpus.manifest import ManifestError, check_search_strategies, load_manifest
    from reviewflow.corpus.search_log import load_search_log
    from reviewflow.errors import ReviewflowError

    fill_from_config(args, manifest="manifest", search_log="search_log")
    try:
        documents = load_manifest(args.manifest)
    except ManifestError as error:
        for problem in error.problems:
            print(problem)
        return 1
    try:
        log = load_search_log(args.search_log)
    except ReviewflowError as error:
        print(error)
        return 1
    unknown_sources = check_search_strategies(
        documents, log, manifest_path=args.manifest, search_log_path=args.search_log
    )
    for problem in unknown_sources:
        print(problem)
    if unknown_sources:
        return 1
    print(f"{args.manifest}: {len(documents)} documents, no problems; {args.search_log}: no problems.")
    return 0
