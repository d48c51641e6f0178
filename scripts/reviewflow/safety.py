"""Neutralizing untrusted document text before it reaches HTML or a spreadsheet."""

from __future__ import annotations

import html
import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# "-0.25" or "+3" is read as a number, never as a formula: a kappa or a score stays a number.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def escape_html(text: object) -> str:
    """Escape text for HTML element content and attribute values."""
    return html.escape("" if text is None else str(text), quote=True)


def neutralize_formula(value: object) -> object:
    """Prefix a cell that a spreadsheet would evaluate as a formula with an apostrophe.

    Non-string values and strings that are plain numbers pass through unchanged, so numbers stay
    numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore_formula_text(value: str) -> str:
    """The text ``neutralize_formula`` was given: our own CSV results read back exactly as computed."""
    if value.startswith("'") and neutralize_formula(value[1:]) != value[1:]:
        return value[1:]
    return value


_MARKDOWN_SPECIAL = "\\`*_[]<>|"


def markdown_escape(value: object, underscores: bool = True) -> str:
    """Text that Markdown shows literally: no table breaks, emphasis, links or raw HTML (manifest
    citations and form wording end up in .md files that viewers render). ``underscores=False`` keeps
    ``_`` as it is, for text full of code ids (``emergency_shelter``; inside a word it is no emphasis)."""
    text = " ".join(str(value).split())
    special = _MARKDOWN_SPECIAL if underscores else _MARKDOWN_SPECIAL.replace("_", "")
    return "".join(f"\\{ch}" if ch in special else ch for ch in text)
