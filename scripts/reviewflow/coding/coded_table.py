"""The columns of `results/coded/{doc}.csv` (docs/data-contracts.md): what coding writes and combine,
review and agreement read. A module of its own so readers need not import the coder (spaCy, the model).
"""

from __future__ import annotations

CODED_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "segment_id",
    "page",
    "char_start",
    "char_end",
    "segment_kind",
    "heading",
    "sentence",
    "is_recommendation",
    "recommendation_kind",
    "polarity",
    "service_areas",
    "practices",
    "needs",
    "phase",
    "phase_source",
    "citations_raw",
    "citations_json",
    "evidence",
    "confidence",
    "decided_by",
)
