"""What a heading or a line of small print is: the section names (references, back matter, front
matter) and the notice patterns of data/ingestion.yaml.

Below both the document assembly (`ingestion`) and the PDF reader (`ingestion_pdf`), which both ask,
so neither imports the other.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from reviewflow.fileio import read_yaml
from reviewflow.paths import PACKAGE_DIR

PATTERNS_PATH = PACKAGE_DIR / "data" / "ingestion.yaml"


@lru_cache(maxsize=1)
def _patterns_data() -> dict[str, Any]:
    return read_yaml(PATTERNS_PATH)


@lru_cache(maxsize=1)
def section_patterns() -> dict[str, tuple[str, ...]]:
    data = _patterns_data()
    return {
        key: tuple(str(name).lower() for name in data.get(key, ()))
        for key in ("references", "back_to_body", "non_content", "front_matter")
    }


@lru_cache(maxsize=1)
def _notice_res() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(str(pattern), re.IGNORECASE) for pattern in _patterns_data().get("notices", ()))


def is_notice(text: str) -> bool:
    """Whether a piece of small print is a venue, copyright or licence line (`notices` in
    data/ingestion.yaml), not content."""
    return any(regex.search(text) for regex in _notice_res())


_HEADING_NUMBER_RE = re.compile(r"^\s*(?:(?:\d{1,2}(?:\.\d{1,2})*|[IVXLC]{1,6}|[A-Z])[.):]?\s+|\d{1,2}\.\s*)")


def heading_key(text: str) -> str:
    """A heading reduced for matching: no section number, no final colon/period, lower case."""
    text = _HEADING_NUMBER_RE.sub("", text.strip(), count=1)
    text = re.sub(r"\s+", " ", text).strip().rstrip(":.").strip().lower()
    return text.replace("\u2019", "'")


def heading_role(text: str) -> str | None:
    """references | back_to_body | non_content | front_matter, or None for an ordinary heading."""
    key = heading_key(text)
    patterns = section_patterns()
    if key in patterns["references"]:
        return "references"
    if any(key == name or key.startswith(name + " ") for name in patterns["back_to_body"]):
        return "back_to_body"
    if key in patterns["non_content"]:
        return "non_content"
    if key in patterns["front_matter"]:
        return "front_matter"
    return None
