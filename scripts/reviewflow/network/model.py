"""The citation network as built (`Network`) and what its views share: the time layout and the one-line
summary. Below the builder (`network`) and the two views (`network_figure`, `network_html`), so the views
never import the builder and the builder imports the views only to write them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx


@dataclass
class Network:
    """The built network and every table written from it."""

    graph: nx.DiGraph
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    matched: list[dict[str, Any]]
    summary: dict[str, Any]


def layout(network: Network) -> dict[str, tuple[float, float]]:
    """Year on x; documents of one year stacked on y (by doc_type, then doc_id), centred on 0."""
    by_year: dict[float, list[dict[str, Any]]] = defaultdict(list)
    years = [int(r["year"]) for r in network.nodes if str(r["year"]).isdigit()]
    undated = (min(years) - 2) if years else 0
    for row in network.nodes:
        x = float(row["year"]) if str(row["year"]).isdigit() else float(undated)
        by_year[x].append(row)
    positions: dict[str, tuple[float, float]] = {}
    for column, x in enumerate(sorted(by_year)):
        rows = sorted(by_year[x], key=lambda r: (r["doc_type"], r["doc_id"]))
        # Every other year sits half a row lower, so labels of neighbouring years do not collide.
        shift = 0.5 if column % 2 else 0.0
        for i, row in enumerate(rows):
            positions[row["doc_id"]] = (x, (len(rows) - 1) / 2.0 - i - shift)
    return positions


def summary_line(network: Network) -> str:
    s = network.summary
    return (
        f"{s['documents']} documents, {s['edges']} citation links, density {s['density']}, "
        f"{s['weakly_connected_components']} weakly connected component(s); "
        f"{s['references_internal']} of {s['references_total']} reference-list entries cite a corpus document"
    )
