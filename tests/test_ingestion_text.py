"""Plain-text reading (reviewflow.ingest.text): which lines are headings."""

from __future__ import annotations

import pytest

from reviewflow.ingest.text import heading_level


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Residential Facilities", 2),
        ("What are Current Challenges and Limitations to Serving this Population?", 2),
        ("What are promising approaches to service delivery?", 2),
        ("How do programs keep residents safe?", 2),
        # Questions to ask a survivor, or in a survivor's voice, are content, not headings.
        ("What do you need right now?", None),
        ("Where can I sleep tonight?", None),
        ("Is this a question heading?", None),
        ("Why?", None),
        ("Programs offer housing.", None),
    ],
)
def test_a_line_of_its_own_is_a_heading_when_it_names_a_topic_or_asks_a_wh_question(
    line: str, expected: int | None
) -> None:
    assert heading_level(line) == expected
