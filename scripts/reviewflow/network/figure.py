"""Static drawing of the citation network (PNG at 300 dpi, SVG): year on the x axis, node size =
citations received inside the corpus, colour = document type, short-citation labels."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.typing import LineStyleType, RcKeyType

    from reviewflow.network.model import Network

#: Above this many documents only the most cited are labelled, so labels stay readable.
MAX_LABELS = 40
#: Above this many links they are drawn as plain lines rather than curved arrows.
MAX_ARROWS = 600
DPI = 300
#: How a link is drawn, by where it was found.
EDGE_STYLES: tuple[tuple[str, LineStyleType], ...] = (("both", "-"), ("reference_list", "--"), ("in_text", ":"))


def doc_type_colours(doc_types: list[str]) -> dict[str, str]:
    """A fixed colour per document type (sorted), shared by the PNG/SVG and the HTML view."""
    palette = [
        "#1f77b4",
        "#ff7f0e",
        "#2ca02c",
        "#d62728",
        "#9467bd",
        "#8c564b",
        "#e377c2",
        "#7f7f7f",
        "#bcbd22",
        "#17becf",
    ]
    return {t: palette[i % len(palette)] for i, t in enumerate(sorted(set(doc_types)))}


def node_size(cited_by: int, most_cited: int, largest: float = 900.0) -> float:
    """Marker area (points²) proportional to citations received, the most cited document `largest`."""
    return 30.0 + (largest - 30.0) * cited_by / max(most_cited, 1)


def render_figure(network: Network, kind: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    from reviewflow.network.model import layout

    rc: dict[RcKeyType, Any] = {
        "svg.hashsalt": "reviewflow-network",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "path.simplify": True,
    }
    positions = layout(network)
    nodes = network.nodes
    colours = doc_type_colours([r["doc_type"] for r in nodes])
    years = sorted({x for x, _ in positions.values()})
    tallest = max((sum(1 for p in positions.values() if p[0] == x) for x in years), default=1)
    width = min(max(8.0, 1.35 * (years[-1] - years[0] + 2) if years else 8.0), 30.0)
    height = min(max(5.0, 0.75 * tallest + 2.5), 22.0)
    labelled = {r["doc_id"] for r in sorted(nodes, key=lambda r: (-int(r["cited_by"]), r["doc_id"]))[:MAX_LABELS]}

    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(width, height))
        # Marker size is an area in points²; arrows stop at the rim (radius in points).
        most_cited = max((int(r["cited_by"]) for r in nodes), default=0)
        # Keep the largest marker within one row of its year's column (rows are height / tallest apart).
        largest = min(900.0, (72.0 * height / (tallest + 1)) ** 2 * 0.8)
        area = {r["doc_id"]: node_size(int(r["cited_by"]), most_cited, largest) for r in nodes}
        rim = {doc_id: a**0.5 / 2.0 + 1.5 for doc_id, a in area.items()}
        if len(network.edges) <= MAX_ARROWS:
            for edge in network.edges:
                (x1, y1), (x2, y2) = positions[edge["source"]], positions[edge["target"]]
                style = {"both": "-", "reference_list": "--", "in_text": ":"}[edge["via"]]
                ax.add_patch(
                    FancyArrowPatch(
                        (x1, y1),
                        (x2, y2),
                        arrowstyle="-|>",
                        mutation_scale=9,
                        connectionstyle="arc3,rad=0.18",
                        linestyle=style,
                        linewidth=0.7,
                        color="#555555",
                        alpha=0.5,
                        shrinkA=rim[edge["source"]],
                        shrinkB=rim[edge["target"]],
                        zorder=1,
                    )
                )
        else:
            # Thousands of arrow patches take minutes to draw; a large corpus gets plain faint lines.
            segments = [(positions[e["source"]], positions[e["target"]]) for e in network.edges]
            ax.add_collection(
                LineCollection(
                    segments,
                    colors="#555555",
                    linewidths=0.3,
                    zorder=1,
                    alpha=max(0.03, min(0.4, 300.0 / len(segments))),
                )
            )
        ax.scatter(
            [positions[r["doc_id"]][0] for r in nodes],
            [positions[r["doc_id"]][1] for r in nodes],
            s=[area[r["doc_id"]] for r in nodes],
            c=[colours[r["doc_type"]] for r in nodes],
            edgecolors="black",
            linewidths=0.5,
            zorder=3,
        )
        for row in nodes:
            if row["doc_id"] in labelled:
                ax.annotate(
                    row["citation"] or row["doc_id"],
                    positions[row["doc_id"]],
                    xytext=(0, -rim[row["doc_id"]] - 1),
                    textcoords="offset points",
                    ha="center",
                    va="top",
                    fontsize=6.5,
                    zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
                )
        dated = [int(x) for x in years if any(str(r["year"]).isdigit() and float(r["year"]) == x for r in nodes)]
        ticks = sorted(set(dated))
        labels = [str(t) for t in ticks]
        if any(not str(r["year"]).isdigit() for r in nodes):
            undated = min(years)
            ticks, labels = [int(undated), *ticks], ["n.d.", *labels]
        ax.set_xticks(ticks, labels, rotation=45 if len(ticks) > 12 else 0)
        if years:
            ax.set_xlim(years[0] - 0.9, years[-1] + 0.9)
        low = min((p[1] for p in positions.values()), default=0.0)
        high = max((p[1] for p in positions.values()), default=0.0)
        ax.set_ylim(low - 0.8, high + 0.5)
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel("Year of publication")
        ax.set_title("Citations between included documents (arrow: cites; size: times cited in the corpus)", fontsize=9)
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color=c,
                markeredgecolor="black",
                markersize=7,
                label=t.replace("_", " "),
            )
            for t, c in colours.items()
        ]
        handles += [
            Line2D([], [], color="#555555", linestyle=s, label=f"via {v.replace('_', ' ')}") for v, s in EDGE_STYLES
        ]
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=7,
            frameon=False,
            title="Document type / link",
            title_fontsize=7.5,
        )
        buffer = io.BytesIO()
        metadata = {"Date": None} if kind == "svg" else {"Software": None}
        fig.savefig(buffer, format=kind, dpi=DPI, bbox_inches="tight", metadata=metadata)
        plt.close(fig)
    return buffer.getvalue()
