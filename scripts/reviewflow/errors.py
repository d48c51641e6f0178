"""Errors whose message is meant for the researcher: it names the file, the problem and the fix."""

from __future__ import annotations

from collections.abc import Sequence


class ReviewflowError(Exception):
    """Base for user-facing errors; the CLI prints the message and exits with status 2."""


def did_you_mean(value: str, choices: Sequence[str]) -> str:
    """ " (did you mean 'x'?)" naming the choice closest to a mistyped value, or "" when none is close."""
    from rapidfuzz import process

    match = process.extractOne(value, choices, score_cutoff=70) if choices else None
    return f" (did you mean '{match[0]}'?)" if match else ""
