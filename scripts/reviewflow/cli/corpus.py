"""`corpus add` and `corpus validate`."""

from __future__ import annotations

import argparse

from reviewflow.paths import DEFAULT_MANIFEST


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("corpus", help="manage the corpus manifest")
    actions = parser.add_subparsers(dest="corpus_command", metavar="ACTION")
    actions.required = True

    add = actions.add_parser("add", help="append documents from a BibTeX or RIS file")
    source = add.add_mutually_exclusive_group(required=True)
    source.add_argument("--bib", help="BibTeX file")
    source.add_argument("--ris", help="RIS file")
    add.add_argument("--file", help="the document (PDF/HTML/text) for a single entry; copied into corpus/documents/")
    add.add_argument("--manifest", default=str(DEFAULT_MANIFEST), help="manifest to append to (default: %(default)s)")
    add.add_argument("--search-strategy", default="database", choices=["database", "internet", "organization", "expert"],
                     help="how the entries were found (default: %(default)s)")
    add.set_defaults(handler=_add)

    check = actions.add_parser("validate", help="check the manifest and print every problem")
    check.add_argument("--manifest", default=str(DEFAULT_MANIFEST))
    check.set_defaults(handler=_validate)


def _add(args: argparse.Namespace) -> int:
    from reviewflow.corpus import cli_add

    return cli_add(args)


def _validate(args: argparse.Namespace) -> int:
    from reviewflow.manifest import ManifestError, load_manifest

    try:
        documents = load_manifest(args.manifest)
    except ManifestError as error:
        for problem in error.problems:
            print(problem)
        return 1
    print(f"{args.manifest}: {len(documents)} documents, no problems.")
    return 0
