"""Options every subcommand shares."""

from __future__ import annotations

import argparse

from reviewflow.config import DEFAULT_CONFIG


def add_config_option(parser: argparse.ArgumentParser, role: str = "") -> None:
    """`--config`: the review a command works on (its form, manifest, decisions and results folders)."""
    parser.add_argument(
        "--config",
        default=None,
        metavar="CONFIG",
        help=f"the review's workflow config{role} (default: {DEFAULT_CONFIG})",
    )


def fill_from_config(args: argparse.Namespace, **options: str) -> None:
    """Give every option in ``options`` (argument name → config key) that was not set on the command line
    the value of the review's config (``--config``, else the default review's): a command run for another
    review then reads that review's form, manifest and model, not the default's."""
    from reviewflow.config import load_config

    config = load_config(getattr(args, "config", None))
    resolved = {
        "manifest": config.manifest,
        "form": config.form,
        "corpus_dir": config.corpus_dir,
        "search_log": config.search_log,
        "decisions_dir": config.decisions_dir,
        "results_dir": config.results_dir,
        "recommendation_model": config.recommendation_model,
    }
    for name, key in options.items():
        if getattr(args, name, None) is None:
            value = resolved[key]
            setattr(args, name, "" if value is None else str(value))
