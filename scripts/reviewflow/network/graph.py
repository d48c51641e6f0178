"""The citation network of the corpus: which included documents cite which, and in what context.

Edges come from two sources: reference-list entries matched to the manifest (`reviewflow.references.matching`,
matched here rather than per document so that adding a document can match references in older
documents without re-parsing them) and in-text citations resolved during coding
(`results/coding.csv` `cited_doc_ids`). An edge `source → target` means *source cites target*; it
records `via` (reference_list, in_text or both) and the service areas and practices coded on the
sentences that cite, so one can ask which documents support "shelter" by citing which.

Everything written here is deterministic: nodes and edges sorted, attributes as strings, no dates.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from reviewflow.errors import ReviewflowError
from reviewflow.fileio import atomic_write_bytes, atomic_write_text, csv_text, read_csv_table, read_json, write_json
from reviewflow.form import Form
from reviewflow.network.model import Network, layout, summary_line
from reviewflow.references.matching import MATCHED_COLUMNS, MatchIndex, match_rows
from reviewflow.references.parsing import read_reference_rows

__all__ = ["Network", "layout", "summary_line"]  # the model lives one level down; callers may import it here

NODE_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "citation",
    "year",
    "doc_type",
    "evidence_basis",
    "cited_by",
    "cites",
    "pagerank",
    "references_total",
    "references_matched",
    "share_internal",
)
EDGE_COLUMNS: tuple[str, ...] = (
    "source",
    "target",
    "via",
    "n_in_text",
    "n_recommendations",
    "n_reference_entries",
    "contexts",
)

if TYPE_CHECKING:
    from reviewflow.form import Field
MOST_CITED = 10
# The roles (a form field's `source:`) whose value a node's `evidence_basis` shows, the methods first and
# the primary/secondary category when they are empty. The filled forms key fields by id, and each
# review names its fields as it likes, so the ids come from the form (`evidence_field_ids`).
EVIDENCE_SOURCES: tuple[str, ...] = ("evidence_basis", "evidence_category")
DEFAULT_EVIDENCE_FIELDS: tuple[str, ...] = ("evidence_basis",)


@dataclass
class _Edge:
    reference_entries: int = 0
    in_text: int = 0
    recommendations: int = 0
    contexts: Counter[str] = field(default_factory=Counter)

    @property
    def via(self) -> str:
        if self.reference_entries and self.in_text:
            return "both"
        return "reference_list" if self.reference_entries else "in_text"


def _get(doc: Any, key: str) -> str:
    value = doc.get(key, "") if isinstance(doc, Mapping) else getattr(doc, key, "")
    return "" if value is None else str(value)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in str(cell or "").split(";") if part.strip()]


_Edges = dict[tuple[str, str], _Edge]


@dataclass
class _ReferenceLinks:
    """What the reference lists say: matched rows, entries per citing document, and edges."""

    matched: list[dict[str, Any]] = field(default_factory=list)
    totals: Counter[str] = field(default_factory=Counter)
    internal: Counter[str] = field(default_factory=Counter)
    edges: _Edges = field(default_factory=lambda: defaultdict(_Edge))


def _reference_links(
    known: set[str], references: Mapping[str, Sequence[Mapping[str, Any]]], index: MatchIndex, problems: list[str]
) -> _ReferenceLinks:
    links = _ReferenceLinks()
    for doc_id in sorted(references):
        if doc_id not in known:
            problems.append(
                f"results/references/{doc_id}.csv: '{doc_id}' is not in the manifest; its reference list "
                "is left out. Fix: delete the file, or add the document to the manifest."
            )
            continue
        rows = match_rows(({**row, "doc_id": doc_id} for row in references[doc_id]), index)
        for matched_row in rows:
            links.totals[doc_id] += 1
            target = matched_row["matched_doc_id"]
            if target:
                links.internal[doc_id] += 1
                if target != doc_id:
                    links.edges[(doc_id, target)].reference_entries += 1
        links.matched.extend(rows)
    return links


def _add_in_text_links(
    edges: _Edges, coding_rows: Iterable[Mapping[str, Any]], known: set[str], problems: list[str]
) -> None:
    """The coded segments' resolved in-text citations, as edges (rejected segments left out)."""
    unknown_cited: set[str] = set()
    for row in coding_rows:
        if str(row.get("decision", "")).strip().lower() == "reject":
            continue
        source = str(row.get("doc_id", ""))
        contexts = _split(row.get("service_areas", "")) + _split(row.get("practices", ""))
        is_recommendation = str(row.get("is_recommendation", "")).strip().lower() == "true"
        for target in sorted(set(_split(row.get("cited_doc_ids", "")))):
            if target == source or source not in known:
                continue
            if target not in known:
                unknown_cited.add(target)
                continue
            edge = edges[(source, target)]
            edge.in_text += 1
            edge.recommendations += int(is_recommendation)
            edge.contexts.update(contexts)
    if unknown_cited:
        problems.append(
            f"results/coding.csv: cited_doc_ids not in the manifest, left out: {', '.join(sorted(unknown_cited))}. "
            "Fix: rerun the combine step after editing the manifest."
        )


def _edge_rows(edges: _Edges) -> list[dict[str, Any]]:
    return [
        {
            "source": source,
            "target": target,
            "via": edge.via,
            "n_in_text": edge.in_text,
            "n_recommendations": edge.recommendations,
            "n_reference_entries": edge.reference_entries,
            "contexts": ";".join(sorted(edge.contexts)),
        }
        for (source, target), edge in sorted(edges.items())
    ]


def _node_rows(
    docs: Sequence[Any], graph: nx.DiGraph[str], links: _ReferenceLinks, evidence_basis: Mapping[str, str]
) -> list[dict[str, Any]]:
    pagerank = nx.pagerank(graph) if graph.number_of_nodes() else {}
    rows = []
    for doc in docs:
        doc_id = _get(doc, "doc_id")
        total = links.totals.get(doc_id, 0)
        rows.append(
            {
                "doc_id": doc_id,
                "citation": _get(doc, "citation"),
                "year": _get(doc, "year"),
                "doc_type": _get(doc, "doc_type"),
                "title": _get(doc, "title"),
                "evidence_basis": evidence_basis.get(doc_id, ""),
                "cited_by": graph.in_degree(doc_id),
                "cites": graph.out_degree(doc_id),
                "pagerank": f"{pagerank.get(doc_id, 0.0):.6f}",
                "references_total": total,
                "references_matched": links.internal.get(doc_id, 0),
                "share_internal": f"{links.internal.get(doc_id, 0) / total:.4f}" if total else "",
            }
        )
    return rows


def _summary(
    graph: nx.DiGraph[str],
    node_rows: Sequence[Mapping[str, Any]],
    edge_rows: Sequence[Mapping[str, Any]],
    links: _ReferenceLinks,
    known: set[str],
    problems: list[str],
) -> dict[str, Any]:
    all_total = sum(links.totals.values())
    all_internal = sum(links.internal.values())
    most_cited = sorted((r for r in node_rows if r["cited_by"]), key=lambda r: (-r["cited_by"], r["doc_id"]))
    return {
        "documents": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "edges_by_via": dict(sorted(Counter(r["via"] for r in edge_rows).items())),
        "density": round(nx.density(graph), 6) if graph.number_of_nodes() > 1 else 0.0,
        "weakly_connected_components": nx.number_weakly_connected_components(graph) if graph.number_of_nodes() else 0,
        "isolated_documents": sorted(nx.isolates(graph)),
        "references_total": all_total,
        "references_internal": all_internal,
        "share_internal": round(all_internal / all_total, 4) if all_total else 0.0,
        "documents_without_reference_list": sorted(d for d in known if not links.totals.get(d)),
        "in_text_citations": sum(r["n_in_text"] for r in edge_rows),
        "most_cited": [
            {"doc_id": r["doc_id"], "citation": r["citation"], "cited_by": r["cited_by"], "pagerank": r["pagerank"]}
            for r in most_cited[:MOST_CITED]
        ],
        "problems": problems,
    }


def build_network(
    documents: Sequence[Any],
    references: Mapping[str, Sequence[Mapping[str, Any]]],
    coding_rows: Iterable[Mapping[str, Any]],
    evidence_basis: Mapping[str, str] | None = None,
    problems: Sequence[str] = (),
) -> Network:
    """Match reference lists, merge in-text citations, and compute the tables of `results/network/`.

    `documents`: manifest `Document`s (or dicts with the manifest columns); `references`: parsed
    reference rows per citing doc_id; `coding_rows`: rows of `results/coding.csv` (rejected segments
    are left out, as synthesis does); `evidence_basis`: doc_id → value from the extraction form.
    """
    problems = list(problems)
    docs = sorted(documents, key=lambda d: _get(d, "doc_id"))
    known = {_get(d, "doc_id") for d in docs}
    links = _reference_links(known, references, MatchIndex.build(docs), problems)
    _add_in_text_links(links.edges, coding_rows, known, problems)
    edge_rows = _edge_rows(links.edges)
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(_get(doc, "doc_id") for doc in docs)
    graph.add_edges_from((row["source"], row["target"]) for row in edge_rows)
    node_rows = _node_rows(docs, graph, links, evidence_basis or {})
    # Attributes as strings, in a fixed order, so GraphML/GEXF are byte-identical run to run.
    for row in node_rows:
        graph.nodes[row["doc_id"]].update({key: str(row[key]) for key in NODE_COLUMNS[1:] if key != "doc_id"})
        graph.nodes[row["doc_id"]]["title"] = row["title"]
        graph.nodes[row["doc_id"]]["label"] = row["citation"] or row["doc_id"]
    for row in edge_rows:
        graph.edges[row["source"], row["target"]].update({key: str(row[key]) for key in EDGE_COLUMNS[2:]})
    summary = _summary(graph, node_rows, edge_rows, links, known, problems)
    return Network(graph=graph, nodes=node_rows, edges=edge_rows, matched=links.matched, summary=summary)


# ------------------------------------------------------------------------------------ reading inputs
def read_coding_rows(path: str | Path) -> list[dict[str, str]]:
    path = Path(path)
    columns, rows = read_csv_table(path)
    missing = [c for c in ("doc_id", "cited_doc_ids") if c not in columns]
    if missing:
        raise ReviewflowError(
            f"{path}: missing column(s) {', '.join(missing)}. Fix: rerun the combine step "
            "(results/coding.csv must follow docs/data-contracts.md)."
        )
    return rows


def evidence_field_ids(form: Form | Iterable[Field]) -> tuple[str, ...]:
    """Ids of the fields of a loaded extraction form (`reviewflow.form.Form`, or its fields) whose
    `source` is an evidence role, methods (`evidence_basis`) first, then the category."""
    fields = list(form.fields if isinstance(form, Form) else form)
    return tuple(f.id for source in EVIDENCE_SOURCES for f in fields if f.source == source)


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


def read_evidence_basis(path: str | Path, fields: Sequence[str] = DEFAULT_EVIDENCE_FIELDS) -> str:
    """The first non-empty value among `fields` (ids) of a `results/forms/{doc}.json`, lists `;`-joined;
    "" when every one is empty or absent."""
    values = read_json(path).get("fields") or {}
    for field_id in (fields,) if isinstance(fields, str) else fields:  # one id given as a bare string
        text = _text((values.get(field_id) or {}).get("value", ""))
        if text:
            return text
    return ""


def load_inputs(
    reference_paths: Iterable[str | Path],
    form_paths: Iterable[str | Path],
    evidence_fields: Sequence[str] = DEFAULT_EVIDENCE_FIELDS,
) -> tuple[dict[str, list[dict[str, str]]], dict[str, str], list[str]]:
    """Reference rows and evidence basis per doc_id (from the file names); a bad file is reported, not fatal.

    `evidence_fields`: the form's field ids that carry the evidence basis (see `evidence_field_ids`); none
    leaves every node's evidence_basis empty, with one problem saying why.
    """
    problems: list[str] = []
    references: dict[str, list[dict[str, str]]] = {}
    for path in sorted(map(Path, reference_paths)):
        try:
            references[path.stem] = read_reference_rows(path)
        except (ReviewflowError, OSError, csv.Error, UnicodeDecodeError) as error:
            problems.append(
                str(error)
                if isinstance(error, ReviewflowError)
                else f"{path}: unreadable ({error}). Fix: delete it and rerun the `references` rule."
            )
    evidence: dict[str, str] = {}
    forms = sorted(map(Path, form_paths))
    evidence_fields = (evidence_fields,) if isinstance(evidence_fields, str) else tuple(evidence_fields)
    if forms and not evidence_fields:
        problems.append(
            "the extraction form has no field with source: evidence_basis or source: evidence_category, "
            "so every node's evidence_basis is empty. Fix: add such a field to form.fields of the "
            "extraction form (config `form:`) and rerun the code stage."
        )
    for form_path in forms:
        try:
            evidence[form_path.stem] = read_evidence_basis(form_path, evidence_fields)
        except (OSError, ValueError, AttributeError) as error:
            problems.append(
                f"{form_path}: unreadable extraction form ({error}). Fix: rerun the `code` rule for this document."
            )
    return references, evidence, problems


def run_network(
    manifest: str | Path,
    coding: str | Path,
    reference_paths: Iterable[str | Path],
    form_paths: Iterable[str | Path],
    outputs: Mapping[str, str | Path],
    corpus_dir: str | Path | None = None,
    evidence_fields: Sequence[str] = DEFAULT_EVIDENCE_FIELDS,
) -> Network:
    """The `network` rule: read every input, build the network, write every output.

    `evidence_fields`: ids of the form fields with an evidence role, `evidence_field_ids(load_form(...))`.
    """
    from reviewflow.corpus.manifest import load_manifest

    documents = load_manifest(manifest, corpus_dir)
    references, evidence_basis, problems = load_inputs(reference_paths, form_paths, evidence_fields)
    network = build_network(documents, references, read_coding_rows(coding), evidence_basis, problems)
    write_network(network, outputs)
    return network


# ------------------------------------------------------------------------------------ writing
def graphml_text(graph: nx.DiGraph) -> str:
    return "\n".join(nx.generate_graphml(graph)) + "\n"


def gexf_text(graph: nx.DiGraph) -> str:
    text = "\n".join(nx.generate_gexf(graph)) + "\n"
    # The GEXF writer stamps today's date; a date would make every run differ.
    return re.sub(r'\s+lastmodifieddate="[^"]*"', "", text)


def write_network(network: Network, outputs: Mapping[str, str | Path]) -> None:
    """Write every output named in `outputs` (keys: graphml, gexf, nodes, edges, matched, summary, png,
    svg, html); missing keys are skipped."""
    if "graphml" in outputs:
        atomic_write_text(outputs["graphml"], graphml_text(network.graph))
    if "gexf" in outputs:
        atomic_write_text(outputs["gexf"], gexf_text(network.graph))
    if "nodes" in outputs:
        atomic_write_text(outputs["nodes"], csv_text(network.nodes, NODE_COLUMNS))
    if "edges" in outputs:
        atomic_write_text(outputs["edges"], csv_text(network.edges, EDGE_COLUMNS))
    if "matched" in outputs:
        atomic_write_text(outputs["matched"], csv_text(network.matched, MATCHED_COLUMNS))
    if "summary" in outputs:
        write_json(outputs["summary"], network.summary)
    if "png" in outputs or "svg" in outputs:
        from reviewflow.network.figure import render_figure

        for kind in ("png", "svg"):
            if kind in outputs:
                atomic_write_bytes(outputs[kind], render_figure(network, kind))
    if "html" in outputs:
        from reviewflow.network.html import render_html

        atomic_write_text(outputs["html"], render_html(network))
