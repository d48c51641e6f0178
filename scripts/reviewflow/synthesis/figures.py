"""Figures of the synthesis: a heatmap of documents per service area and phase, and an evidence gap map
(areas and practices × phases; bubble size = documents, colour = share resting on primary data).

Drawn on the Agg canvas without pyplot (no global figure state), saved as PNG (300 dpi) and SVG with
fixed metadata and a fixed SVG hash salt, so reruns give byte-identical files. Their titles are the
form's (``form.wording.figures``), generic without one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from reviewflow.fileio import atomic_write_bytes
from reviewflow.form import Wording, make_wording
from reviewflow.synthesis.evidence import ANY_PHASE, ROLE_SUPPORT, Synthesis
from reviewflow.synthesis.outputs import GAP_MAP, HEATMAP, synthesis_figure_names

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

DPI = 300
RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "reviewflow",
    "svg.fonttype": "path",  # glyphs as paths: the SVG does not depend on installed fonts
    "font.family": "DejaVu Sans",
    "font.size": 9,
}
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}


def output_files() -> list[str]:
    return [f"{stem}{ext}" for stem in synthesis_figure_names() for ext in (".png", ".svg")]


def _support_matrix(long: pd.DataFrame, column: str) -> tuple[list[str], list[str], np.ndarray]:
    """(row labels, column labels, values) of the support rows of a code × phase long table."""
    support = long[long["role"] == ROLE_SUPPORT]
    codes = list(dict.fromkeys(support["code"]))
    phases = list(dict.fromkeys(support["phase"]))
    labels = dict(zip(support["code"], support["code_label"]))
    phase_labels = dict(zip(support["phase"], support["phase_label"]))
    values = (
        support.pivot(index="code", columns="phase", values=column)
        .reindex(index=codes, columns=phases)
        .astype(float)
        .to_numpy()
    )
    return [labels[c] for c in codes], [phase_labels[p] for p in phases], values


def _save(figure: Figure, png: Path, svg: Path) -> None:
    FigureCanvasAgg(figure)
    for path, fmt, metadata in ((png, "png", PNG_METADATA), (svg, "svg", SVG_METADATA)):
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata)
        atomic_write_bytes(path, buffer.getvalue())


def _text_colour(cmap, norm_value: float) -> str:
    red, green, blue, _ = cmap(norm_value)
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def _any_phase_index(long: pd.DataFrame) -> int:
    return list(dict.fromkeys(long["phase"])).index(ANY_PHASE)


def draw_heatmap(areas_long: pd.DataFrame, png: str | Path, svg: str | Path, title: str | None = None) -> None:
    """Documents recommending each service area in each phase, with the count in every cell; the last
    column ('Any phase') also counts recommendations that name no phase. Without a title, the generic one."""
    rows, columns, values = _support_matrix(areas_long, "n_documents")
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(1.3 * len(columns) + 3.2, 0.45 * len(rows) + 1.8), layout="constrained")
        axes = figure.add_subplot()
        cmap = matplotlib.colormaps["Blues"]
        top = max(1.0, float(np.nanmax(values)) if values.size else 1.0)
        image = axes.imshow(values, cmap=cmap, vmin=0, vmax=top, aspect="auto")
        for i in range(len(rows)):
            for j in range(len(columns)):
                count = int(values[i, j])
                axes.text(j, i, str(count), ha="center", va="center", fontsize=9, color=_text_colour(cmap, count / top))
        axes.set_xticks(range(len(columns)), labels=_wrap_all(columns, 16))
        axes.set_yticks(range(len(rows)), labels=rows)
        axes.tick_params(length=0)
        axes.xaxis.tick_top()
        any_column = _any_phase_index(areas_long)
        axes.axvline(any_column - 0.5, color="black", linewidth=1.2)
        for spine in axes.spines.values():
            spine.set_visible(False)
        colour_bar = figure.colorbar(image, ax=axes, shrink=0.8)
        colour_bar.set_label("Documents")
        axes.set_title(title or make_wording().figures[HEATMAP].title, fontsize=10)
        _save(figure, Path(png), Path(svg))


def draw_gap_map(
    areas_long: pd.DataFrame, practices_long: pd.DataFrame, png: str | Path, svg: str | Path, title: str | None = None
) -> None:
    """Evidence gap map: service areas and practices × phases. Bubble area ∝ documents; colour = share of
    those documents resting on primary data (documents with an unknown basis count as not primary)."""
    area_rows, columns, area_n = _support_matrix(areas_long, "n_documents")
    _, _, area_primary = _support_matrix(areas_long, "n_primary")
    practice_rows, _, practice_n = _support_matrix(practices_long, "n_documents")
    _, _, practice_primary = _support_matrix(practices_long, "n_primary")
    rows = [*area_rows, *practice_rows]
    counts = np.vstack([area_n, practice_n])
    primary = np.vstack([area_primary, practice_primary])
    share = np.divide(primary, counts, out=np.zeros_like(counts), where=counts > 0)
    top = max(1.0, float(counts.max()) if counts.size else 1.0)
    max_marker = 900.0  # points² of the largest bubble, which must fit its grid cell

    def size(n: np.ndarray | float) -> np.ndarray | float:
        # A floor keeps a one-document bubble large enough for its count label; the legend uses the same scale.
        return 60.0 + (max_marker - 60.0) * np.asarray(n, dtype=float) / top

    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(1.3 * len(columns) + 4.4, 0.5 * len(rows) + 2.4), layout="constrained")
        axes = figure.add_subplot()
        ys, xs = np.nonzero(counts)
        cmap = matplotlib.colormaps["viridis"]
        scatter = axes.scatter(
            xs,
            ys,
            s=size(counts[ys, xs]),
            c=share[ys, xs],
            cmap=cmap,
            vmin=0,
            vmax=1,
            edgecolors="black",
            linewidths=0.5,
            zorder=3,
        )
        for y, x in zip(ys, xs):
            axes.text(
                int(x),
                int(y),
                str(int(counts[y, x])),
                ha="center",
                va="center",
                fontsize=7,
                zorder=4,
                color=_text_colour(cmap, float(share[y, x])),
            )
        gaps_y, gaps_x = np.nonzero(counts == 0)
        axes.scatter(gaps_x, gaps_y, marker="x", s=12, color="0.6", linewidths=0.8, zorder=2)
        axes.set_xticks(range(len(columns)), labels=_wrap_all(columns, 16))
        axes.set_yticks(range(len(rows)), labels=rows)
        axes.set_xlim(-0.5, len(columns) - 0.5)
        axes.set_ylim(len(rows) - 0.5, -0.5)
        axes.xaxis.tick_top()
        axes.tick_params(length=0)
        axes.grid(True, color="0.9", zorder=0)
        axes.set_axisbelow(True)
        axes.axvline(_any_phase_index(areas_long) - 0.5, color="black", linewidth=1.0)
        axes.axhline(len(area_rows) - 0.5, color="black", linewidth=1.0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        colour_bar = figure.colorbar(scatter, ax=axes, shrink=0.6, location="right")
        colour_bar.set_label("Share resting on primary data")
        steps = _legend_steps(int(top))
        handles = [
            Line2D(
                [],
                [],
                linestyle="",
                marker="o",
                markersize=float(np.sqrt(size(n))),
                markerfacecolor="0.8",
                markeredgecolor="black",
                label=str(n),
            )
            for n in steps
        ]
        # Handle boxes as large as the largest bubble, so the layout reserves room for it.
        handle_size = float(np.sqrt(max_marker)) / float(matplotlib.rcParams["font.size"]) + 0.4
        figure.legend(
            handles=handles,
            title="Documents",
            loc="outside lower center",
            ncols=len(handles),
            frameon=False,
            handlelength=handle_size,
            handleheight=handle_size,
            handletextpad=0.4,
            columnspacing=1.5,
        )
        axes.set_title(title or make_wording().figures[GAP_MAP].title, fontsize=10)
        _save(figure, Path(png), Path(svg))


def _legend_steps(top: int) -> list[int]:
    """Up to four round sizes for the bubble legend, ending at the largest count."""
    if top <= 4:
        return list(range(1, top + 1))
    return sorted({1, max(1, round(top / 4)), max(1, round(top / 2)), top})


def _wrap(label: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label


def _wrap_all(labels: Sequence[str], width: int) -> list[str]:
    return [_wrap(label, width) for label in labels]


def write_figures(result: Synthesis, out_dir: str | Path, wording: Wording | None = None) -> list[Path]:
    """Both figures, titled in the form's words (``load_form(...).wording``; generic without one)."""
    words = wording or make_wording()
    out_dir = Path(out_dir)
    heatmap = (out_dir / f"{HEATMAP}.png", out_dir / f"{HEATMAP}.svg")
    gap_map = (out_dir / f"{GAP_MAP}.png", out_dir / f"{GAP_MAP}.svg")
    draw_heatmap(result.service_areas, *heatmap, title=words.figures[HEATMAP].title)
    draw_gap_map(result.service_areas, result.practices, *gap_map, title=words.figures[GAP_MAP].title)
    return [*heatmap, *gap_map]
