"""Errors whose message is meant for the researcher: it names the file, the problem and the fix."""

from __future__ import annotations


class ReviewflowError(Exception):
    """Base for user-facing errors; the CLI prints the message and exits with status 2."""
