"""PRISMA 2020 flow diagram from the search log (corpus/search_log.yaml)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from reviewflow.errors import ReviewflowError  # noqa: E402
from reviewflow.fileio import read_yaml  # noqa: E402
from reviewflow.paths import schema_path  # noqa: E402

NOT_REPORTED = "not reported"
SOURCE_LABELS = {"database": "Databases", "internet": "Internet search", "organization": "Organizations",
                 "expert": "Expert nominations"}


def load_search_log(path: str | Path) -> dict[str, Any]:
    """Read and validate the search log; raise ReviewflowError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise ReviewflowError(f"{path}: search log not found. Fix: create it (see corpus/search_log.yaml of the default corpus).")
    log = read_yaml(path)
    validator = jsonschema.Draft202012Validator(read_yaml(schema_path("search_log")))
    problems = [
        f"{path}: field '{'/'.join(str(p) for p in error.absolute_path) or '(top level)'}': {error.message}. "
        "Fix: see workflow/schemas/search_log.schema.yaml."
        for error in sorted(validator.iter_errors(log), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if not problems:
        ids = {s["id"] for group in log["identification"].values() for s in group}
        for source_id in log["included"]["by_source"]:
            if source_id not in ids:
                problems.append(f"{path}: field 'included/by_source/{source_id}': no identification source has this id. "
                                f"Fix: use one of {sorted(ids)}.")
        counts = list(log["included"]["by_source"].values())
        total = log["included"]["total"]
        if total is not None and None not in counts and sum(counts) != total:
            problems.append(f"{path}: field 'included/total': {total} is not the sum of by_source ({sum(counts)}). "
                            "Fix: correct one of them.")
    if problems:
        raise ReviewflowError("\n".join(problems))
    return log


def count(value: int | None) -> str:
    return NOT_REPORTED if value is None else str(value)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    text: str
    emphasis: bool = False


def _source_lines(sources: list[dict[str, Any]]) -> list[str]:
    lines = []
    for source in sources:
        note = f"; {source['note']}" if source.get("note") else ""
        lines.append(f"{source['source']} (n = {count(source['identified'])}{note})")
    return lines


def _reasons(reasons: list[dict[str, Any]]) -> list[str]:
    return [f"{r['reason']} (n = {count(r['n'])})" for r in reasons] or [f"Reasons {NOT_REPORTED}"]


def corpus_note(log: dict[str, Any], n_corpus: int) -> str:
    total = log["included"]["total"]
    note = log["included"].get("note", "").strip()
    if total is not None and total == n_corpus:
        return f"All {total} included documents are in this corpus."
    head = f"The review included {count(total)} documents; this corpus holds {n_corpus}."
    return f"{head} {note}".strip()


def layout(log: dict[str, Any], n_corpus: int) -> tuple[list[Box], list[tuple[int, int]]]:
    """Boxes (in a 100 x 100 canvas) and arrows between them, in the PRISMA 2020 arrangement."""
    ident = log["identification"]
    removed = log["removed_before_screening"]
    db = log["screening"]["databases_and_registers"]
    other = log["screening"]["other_methods"]
    included = log["included"]
    boxes = [
        # 0-1: identification, databases column
        Box(7, 80, 25, 16, "Records identified from:\n" + "\n".join(_source_lines(ident["databases_and_registers"]))),
        Box(34, 80, 20, 16, "Records removed before screening:\n"
            f"Duplicate records (n = {count(removed.get('duplicates'))})\n"
            f"Marked ineligible by automation tools (n = {count(removed.get('automation'))})\n"
            f"Removed for other reasons (n = {count(removed.get('other'))})"),
        # 2: identification, other methods column
        Box(57, 80, 25, 16, "Records identified from:\n" + "\n".join(_source_lines(ident["other_methods"]))),
        # 3-8: screening, databases column
        Box(7, 61, 25, 9, f"Records screened\n(n = {count(db.get('screened'))})"),
        Box(34, 61, 20, 9, f"Records excluded\n(n = {count(db.get('excluded'))})"),
        Box(7, 47, 25, 9, f"Reports sought for retrieval\n(n = {count(db.get('sought'))})"),
        Box(34, 47, 20, 9, f"Reports not retrieved\n(n = {count(db.get('not_retrieved'))})"),
        Box(7, 29, 25, 13, f"Reports assessed for eligibility\n(n = {count(db.get('assessed'))})"),
        Box(34, 29, 20, 13, "Reports excluded:\n" + "\n".join(_reasons(db.get("excluded_with_reasons", [])))),
        # 9-12: screening, other methods column
        Box(57, 47, 25, 9, f"Reports sought for retrieval\n(n = {count(other.get('sought'))})"),
        Box(84, 47, 15, 9, f"Reports not retrieved\n(n = {count(other.get('not_retrieved'))})"),
        Box(57, 29, 25, 13, f"Reports assessed for eligibility\n(n = {count(other.get('assessed'))})"),
        Box(84, 29, 15, 13, "Reports excluded:\n" + "\n".join(_reasons(other.get("excluded_with_reasons", [])))),
    ]
    by_source = ", ".join(f"{SOURCE_LABELS.get(k, k)}: {count(v)}" for k, v in included["by_source"].items())
    lines = [f"Studies included in review (n = {count(included['total'])})", by_source]
    previous = log.get("previous_review")
    if previous:
        lines.insert(1, f"Included in previous version (n = {count(previous.get('studies_included'))}); "
                        f"new in this update (n = {count(included['total'])})")
    lines.append(f"Documents in this corpus (n = {n_corpus})")
    boxes.append(Box(7, 8, 75, 14, "\n".join(lines), emphasis=True))  # 13
    arrows = [(0, 1), (0, 3), (3, 4), (3, 5), (5, 6), (5, 7), (7, 8), (2, 9), (9, 10), (9, 11), (11, 12),
              (7, 13), (11, 13)]
    return boxes, arrows


def _wrap(text: str, width_units: float) -> str:
    chars = max(12, int(width_units * 1.9))
    return "\n".join(textwrap.fill(line, chars, subsequent_indent="  " if line.startswith("  ") else "")
                     for line in text.split("\n"))


def _anchor(box: Box, towards: Box) -> tuple[float, float]:
    if towards.x >= box.x + box.width:  # to the right
        return box.x + box.width, box.y + box.height / 2
    if towards.y + towards.height <= box.y:  # below
        return box.x + box.width / 2, box.y
    return box.x, box.y + box.height / 2


def draw_prisma(log: dict[str, Any], n_corpus: int, svg_path: str | Path, png_path: str | Path) -> None:
    """Draw the diagram to SVG and PNG, byte-identical for the same inputs."""
    boxes, arrows = layout(log, n_corpus)
    with plt.rc_context({"svg.hashsalt": "reviewflow", "svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        fig = plt.figure(figsize=(11, 10))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 104)
        ax.axis("off")
        ax.text(50, 102.6, "PRISMA 2020 flow diagram", ha="center", va="center", fontsize=13, weight="bold")
        for x, title in ((7, "Identification of studies via databases and registers"),
                         (57, "Identification of studies via other methods")):
            ax.add_patch(FancyBboxPatch((x, 97), 47 if x == 7 else 42, 1.6, boxstyle="round,pad=0.3",
                                        fc="#f2c14e", ec="#8a6d1f", lw=0.8))
            ax.text(x + (47 if x == 7 else 42) / 2, 97.8, title, ha="center", va="center", fontsize=8.5, weight="bold")
        for y0, y1, label in ((78, 96.5, "Identification"), (27, 72, "Screening"), (7, 23, "Included")):
            ax.add_patch(FancyBboxPatch((0.8, y0), 3.4, y1 - y0, boxstyle="round,pad=0.2", fc="#a9c6e8", ec="#4a6f99", lw=0.8))
            ax.text(2.5, (y0 + y1) / 2, label, rotation=90, ha="center", va="center", fontsize=9, weight="bold")
        for box in boxes:
            ax.add_patch(FancyBboxPatch((box.x, box.y), box.width, box.height, boxstyle="round,pad=0.25",
                                        fc="#fff6dd" if box.emphasis else "white", ec="black", lw=0.8))
            ax.text(box.x + 0.8, box.y + box.height - 0.8, _wrap(box.text, box.width), ha="left", va="top",
                    fontsize=7.5, linespacing=1.25)
        for start, end in arrows:
            a, b = boxes[start], boxes[end]
            tail = _anchor(a, b)
            if b.y + b.height <= a.y:  # downward: land on the top of the target, straight down
                head = (tail[0] if b.x <= tail[0] <= b.x + b.width else b.x + b.width / 2, b.y + b.height)
            else:
                head = (b.x, tail[1])
            ax.add_patch(FancyArrowPatch(tail, head, arrowstyle="-|>", mutation_scale=10, lw=0.8, color="black",
                                         shrinkA=2, shrinkB=2))
        note = _wrap("Note. " + corpus_note(log, n_corpus), 95)
        ax.text(7, 4.5, note, ha="left", va="top", fontsize=7.5, style="italic")
        fig.savefig(svg_path, format="svg", metadata={"Date": None})
        fig.savefig(png_path, format="png", dpi=200, metadata={"Software": None})
        plt.close(fig)
