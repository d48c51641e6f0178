"""Neutralizing untrusted document text before it reaches HTML or a spreadsheet."""

from __future__ import annotations

import html

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_html(text: object) -> str:
    """Escape text for HTML element content and attribute values."""
    return html.escape("" if text is None else str(text), quote=True)


def neutralize_formula(value: object) -> object:
    """Prefix a cell that a spreadsheet would evaluate as a formula with an apostrophe.

    Non-string values pass through unchanged, so numbers stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
