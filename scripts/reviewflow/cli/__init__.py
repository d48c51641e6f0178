"""`python -m reviewflow`: one subcommand per stage.

Each subcommand lives in its own small module here that only declares its arguments and imports the
stage's library lazily, so `--help` stays fast and each stage's owner edits one file.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from reviewflow import __version__
from reviewflow.errors import ReviewflowError

# Order is the order shown by --help.
SUBCOMMANDS: tuple[str, ...] = ("corpus", "ingest", "code", "evaluate", "references", "review")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reviewflow",
        description="reviewflow: reproducible data work for systematic reviews.",
    )
    parser.add_argument("--version", action="version", version=f"reviewflow {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in SUBCOMMANDS:
        importlib.import_module(f"reviewflow.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ReviewflowError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
