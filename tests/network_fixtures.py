"""A small citation network built the way the network rule builds it (reviewflow.network.graph), for
the tests of its two views: four documents of four types over three years and one undated, linked by
resolved in-text citations."""

from __future__ import annotations

from typing import Any

from reviewflow.network.graph import build_network
from reviewflow.network.model import Network

DOCUMENTS: tuple[dict[str, str], ...] = (
    {
        "doc_id": "clawson2009",
        "citation": "Clawson et al., 2009",
        "year": "2009",
        "doc_type": "government_report",
        "title": "Services for trafficking survivors: a review of the literature",
    },
    {
        "doc_id": "macy2011",
        "citation": "Macy & Johns, 2011",
        "year": "2011",
        "doc_type": "journal_article",
        "title": "Aftercare services for survivors of international sex trafficking",
    },
    {
        "doc_id": "shelter2012",
        "citation": "Shelter Network, 2012",
        "year": "2012",
        "doc_type": "ngo_report",
        "title": "Housing first for survivors",
    },
    {
        "doc_id": "coalition_nd",
        "citation": "Anti-Trafficking Coalition, n.d.",
        "year": "n.d.",
        "doc_type": "fact_sheet",
        "title": "What survivors need",
    },
)

# Resolved in-text citations of coded segments, as results/coding.csv holds them.
CODING_ROWS: tuple[dict[str, str], ...] = (
    {
        "doc_id": "macy2011",
        "cited_doc_ids": "clawson2009",
        "service_areas": "mental_health",
        "is_recommendation": "true",
    },
    {"doc_id": "shelter2012", "cited_doc_ids": "clawson2009;macy2011", "service_areas": "shelter_housing"},
)


def small_network(**changes: dict[str, Any]) -> Network:
    """The network of DOCUMENTS, a document's fields replaced by ``changes[doc_id]``."""
    documents = [{**doc, **changes.get(doc["doc_id"], {})} for doc in DOCUMENTS]
    return build_network(documents, {}, CODING_ROWS)
