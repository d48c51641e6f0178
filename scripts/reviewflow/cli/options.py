"""Options every subcommand shares."""

from __future__ import annotations

import argparse
from pathlib import Path

from reviewflow.config import DEFAULT_CONFIG

# A config key named differently in the config file than in ReviewConfig (nested keys).
CONFIG_KEYS = {"recommendation_model": "coding.recommendation_model"}


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
    sources = dict(getattr(args, "option_sources", {}))
    for name, key in options.items():
        if getattr(args, name, None) is None:
            value = resolved[key]
            setattr(args, name, "" if value is None else str(value))
            sources[name] = f"`{CONFIG_KEYS.get(key, key)}` in {config.path}"
        else:
            sources.setdefault(name, _option(name))
    args.option_sources = sources


def _option(name: str) -> str:
    return f"--{name.replace('_', '-')}"


def require_file(args: argparse.Namespace, name: str, what: str) -> None:
    """Refuse an option's file that does not exist, naming where the path came from: the option the
    user typed, or the config key that filled it (``fill_from_config``), so a message never points at
    configuration the user did not use. An empty value (e.g. no model: the rules alone) is not a file."""
    from reviewflow.errors import ReviewflowError

    path = getattr(args, name, None)
    if not path or Path(path).is_file():
        return
    source = getattr(args, "option_sources", {}).get(name, _option(name))
    if source.startswith("--"):
        fix = f"give {source} the path of an existing {what}, or leave {source} out to use the review's config"
    else:
        fix = f"set {source} to an existing {what}, or give {_option(name)} FILE"
    raise ReviewflowError(f"{path}: {what} not found (given by {source}). Fix: {fix}.")
