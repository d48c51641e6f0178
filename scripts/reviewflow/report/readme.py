"""The README's generated blocks: Table 1 and the citation network on the default corpus.

The README shows what the pipeline produces on the default corpus; copying those figures by hand let
them drift from the code. `make readme` (scripts/update_readme.py) rewrites each block between its
``<!-- name:start -->`` and ``<!-- name:end -->`` markers from the run's outputs, and the workflow
test checks that Table 1 in the README is the table the code produces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reviewflow.errors import ReviewflowError
from reviewflow.fileio import atomic_write_text, read_json

TABLE1_MD = Path("tables") / "table1_needs.md"
NETWORK_SUMMARY = Path("network") / "summary.json"
MOST_CITED_SHOWN = 6


def _markers(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {re.escape(name)}:start -->\n)(.*?)(<!-- {re.escape(name)}:end -->)", re.DOTALL)


def block(text: str, name: str) -> str:
    """The content between a block's markers."""
    match = _markers(name).search(text)
    if match is None:
        raise ReviewflowError(
            f"README has no '<!-- {name}:start -->' ... '<!-- {name}:end -->' block. "
            "Fix: put both markers, each on a line of its own, where the block belongs."
        )
    return match.group(2)


def replace_block(text: str, name: str, content: str) -> str:
    """``text`` with the block ``name`` holding ``content`` (which ends with a newline)."""
    block(text, name)  # a missing block is an error, never a silent no-op
    content = content if content.endswith("\n") else content + "\n"
    return _markers(name).sub(lambda m: m.group(1) + content + m.group(3), text, count=1)


def table_rows(markdown: str) -> list[str]:
    """The table lines of a Markdown table (header, rule and rows), without captions and notes."""
    return [line for line in markdown.splitlines() if line.startswith("|")]


def network_paragraph(summary: Mapping[str, Any]) -> str:
    """One paragraph describing the network from its `summary.json`."""
    via = summary.get("edges_by_via") or {}
    total = int(summary.get("references_total") or 0)
    internal = int(summary.get("references_internal") or 0)
    share = f"{round(100 * internal / total)}%" if total else "0%"
    cited = [f"{d['citation']} ({d['cited_by']})" for d in (summary.get("most_cited") or [])[:MOST_CITED_SHOWN]]
    return (
        f"{summary['documents']} documents, {summary['edges']} citation links (via both reference list and "
        f"text: {via.get('both', 0)}, in-text only: {via.get('in_text', 0)}, reference list only: "
        f"{via.get('reference_list', 0)}), density {summary['density']}, "
        f"{summary['weakly_connected_components']} weakly connected component(s). Of {total} reference-list "
        f"entries, {internal} ({share}) point inside the corpus. Most cited inside the corpus: "
        f"{', '.join(cited) if cited else 'none'}.\n\n"
        "The figure is `results/network/citations.png` / `.svg` and the interactive view "
        "`results/network/citations.html` (also inside the report).\n"
    )


def updated_readme(readme: str, results_dir: str | Path) -> str:
    """The README with its Table 1 and network blocks rebuilt from ``results_dir``."""
    results = Path(results_dir)
    table1, summary = results / TABLE1_MD, results / NETWORK_SUMMARY
    for path in (table1, summary):
        if not path.is_file():
            raise ReviewflowError(f"{path}: not found. Fix: run the default corpus first (`make run`).")
    text = replace_block(readme, "table1", table1.read_text(encoding="utf-8"))
    return replace_block(text, "network", network_paragraph(read_json(summary)))


def update_readme(readme_path: str | Path, results_dir: str | Path) -> bool:
    """Rewrite the README's generated blocks; True when anything changed."""
    path = Path(readme_path)
    before = path.read_text(encoding="utf-8")
    after = updated_readme(before, results_dir)
    if after != before:
        atomic_write_text(path, after)
    return after != before
