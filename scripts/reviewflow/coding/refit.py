"""Refitting the learned recommendation scorer with a review's own reviewer decisions.

The shipped scorer is trained on a few hand-coded texts; a review's reviewers, who check the automatic
coding segment by segment, label exactly the kind of text the scorer must decide next. Their decisions
are read from ``results/coding.csv`` (its ``decision`` column is already resolved across reviewers,
conflicts left undecided, see ``reviewflow.review.resolution``), never from the sheets themselves, so a refit
learns what the run applied:

- ``reject`` → not a recommendation (label 0);
- ``edit`` → a recommendation with other codes (label 1);
- ``accept`` → what the reviewer accepted, the row's ``is_recommendation``.

Headings are never scored, so their decisions never count. The features and the sentence embedding
of a decided segment come from coding its ingested text (``results/text/{doc}.json``) again and
matching rows by ``segment_id``; a decided segment whose text no longer codes to that id is left out
and reported. A base model that is itself a refit first drops its earlier decision examples, so a
refit always means "the general training data plus today's decisions", never decisions counted twice
or decisions a reviewer has since withdrawn.

The core (``decided_segments``, ``decision_examples``, ``refit_from_decisions``) takes data and returns
data; ``refit_files`` does the reading and writing, and ``reviewflow.cli.review`` the printing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewflow.coding.recommender import Example, RecommendationModel, hashed, refit
from reviewflow.config import DEFAULT_RESULTS_DIR, read_config, resolve
from reviewflow.errors import ReviewflowError
from reviewflow.paths import DEFAULT_RECOMMENDATION_MODEL, schema_path

DECISION_SOURCE_PREFIX = "decision:"  # Example.source of a reviewer decision: "decision:{doc_id}"
DEFAULT_WEIGHT = 2.0
DEFAULT_OUT = Path("model") / "recommendation_model.json"  # under the results folder
CONFIG_MODEL_KEY = "coding.recommendation_model"
HOW = "python -m reviewflow review refit-model"


# --------------------------------------------------------------------------------------------------
# Decisions → labelled segments


@dataclass(frozen=True)
class DecidedSegment:
    """One segment of results/coding.csv with a reviewer decision, and the label it gives the scorer."""

    doc_id: str
    segment_id: str
    decision: str
    label: int
    reviewer: str = ""


def decision_label(row: Mapping[str, str]) -> int | None:
    """The scorer's label a resolved decision gives its row (1 = recommendation), None for no decision.

    An accept confirms the automatic coding, so its label is whatever the run coded; a reject says
    "not a recommendation", an edit "a recommendation with other codes".
    """
    decision = (row.get("decision") or "").strip().lower()
    if decision == "reject":
        return 0
    if decision == "edit":
        return 1
    if decision == "accept":
        return int((row.get("is_recommendation") or "").strip().lower() == "true")
    return None


def decided_segments(coding_rows: Iterable[Mapping[str, str]]) -> list[DecidedSegment]:
    """Every decided non-heading row of results/coding.csv, in table order (headings are never scored)."""
    decided = []
    for row in coding_rows:
        label = decision_label(row)
        if label is None or row.get("segment_kind") == "heading":
            continue
        decided.append(
            DecidedSegment(
                row.get("doc_id", ""),
                row.get("segment_id", ""),
                (row.get("decision") or "").strip().lower(),
                label,
                row.get("reviewer", ""),
            )
        )
    return decided


@dataclass
class DecisionExamples:
    """The decisions turned into training examples, and the decisions that could not be used."""

    examples: list[Example] = field(default_factory=list)
    used: list[DecidedSegment] = field(default_factory=list)  # parallel to ``examples``
    unmatched: list[DecidedSegment] = field(default_factory=list)  # its text no longer codes to that segment
    missing_text: list[DecidedSegment] = field(default_factory=list)  # no ingested text for its document
    headings: int = 0  # decisions on headings, never used

    @property
    def skipped(self) -> int:
        return len(self.unmatched) + len(self.missing_text)


def decision_examples(
    coding_rows: Sequence[Mapping[str, str]],
    ingested_by_doc: Mapping[str, Mapping[str, Any]],
    form_path: str | Path,
    document_rows: Mapping[str, Mapping[str, Any]] | None = None,
) -> DecisionExamples:
    """Training examples for the decided segments, coded again from their documents' ingested text.

    ``document_rows`` (manifest rows by doc_id) give the document row the workflow coded with, so
    each segment is coded again exactly as the run coded it.
    """
    from reviewflow.coding.coder import code_ingested

    found = DecisionExamples(
        headings=sum(
            1 for row in coding_rows if row.get("segment_kind") == "heading" and decision_label(row) is not None
        )
    )
    by_doc: dict[str, list[DecidedSegment]] = {}
    for decided in decided_segments(coding_rows):
        by_doc.setdefault(decided.doc_id, []).append(decided)
    for doc_id in sorted(by_doc):
        if doc_id not in ingested_by_doc:
            found.missing_text.extend(by_doc[doc_id])
            continue
        coded = code_ingested(
            ingested_by_doc[doc_id], form_path, document_row=(document_rows or {}).get(doc_id), with_vectors=True
        )
        index_of = {row["segment_id"]: i for i, row in enumerate(coded.rows) if row["segment_kind"] != "heading"}
        for decided in by_doc[doc_id]:
            index = index_of.get(decided.segment_id)
            if index is None:
                found.unmatched.append(decided)
                continue
            found.examples.append(
                Example(
                    hashed(coded.features[index]),
                    coded.vectors[index],
                    decided.label,
                    1.0,
                    DECISION_SOURCE_PREFIX + doc_id,
                )
            )
            found.used.append(decided)
    return found


# --------------------------------------------------------------------------------------------------
# Refitting


def without_decisions(model: RecommendationModel) -> RecommendationModel:
    """The model with the decision examples of an earlier refit dropped (a general model is unchanged)."""
    kept = [e for e in model.examples if not e.source.startswith(DECISION_SOURCE_PREFIX)]
    return model if len(kept) == len(model.examples) else dataclasses.replace(model, examples=kept)


def check_weight(weight: float) -> None:
    """A decision's weight must be positive: zero would ignore the reviewers, a negative one invert them."""
    if not math.isfinite(weight) or weight <= 0:
        raise ReviewflowError(
            f"--weight {weight}: a decision's weight must be a positive number. "
            f"Fix: pass e.g. --weight {DEFAULT_WEIGHT} (a decision counts twice a training segment)."
        )


def refit_from_decisions(
    base: RecommendationModel,
    found: DecisionExamples,
    weight: float = DEFAULT_WEIGHT,
    meta: Mapping[str, Any] | None = None,
) -> RecommendationModel:
    """The base model refitted with the decisions' examples, each weighted ``weight``.

    Refuses (one ReviewflowError) rather than fit a model that would only repeat the base or learn
    one class: the caller then keeps whatever model file it had.
    """
    check_weight(weight)
    if not found.examples:
        raise ReviewflowError(
            "no usable reviewer decision: "
            + _why_none(found)
            + " Fix: decide segments in a review sheet saved in corpus/decisions/, rerun the "
            "workflow (`make run`), then refit."
        )
    general = without_decisions(base)
    labels = {e.label for e in found.examples} | {e.label for e in general.examples}
    if len(labels) < 2:
        only = "recommendations" if labels == {1} else "non-recommendations"
        raise ReviewflowError(
            f"the {len(found.examples)} usable decision(s) are all {only} and the base model keeps "
            "no training examples of the other kind, so nothing can be fitted. Fix: decide "
            "segments of both kinds (accept/edit a recommendation, reject a non-recommendation), "
            "or refit from a base model that keeps its examples (the shipped one does)."
        )
    return refit(general, found.examples, weight, meta)


def _why_none(found: DecisionExamples) -> str:
    parts = []
    if found.unmatched:
        parts.append(
            f"{len(found.unmatched)} decided segment(s) no longer code to their segment_id "
            "(the text was re-ingested or the coding changed since the run)"
        )
    if found.missing_text:
        docs = sorted({d.doc_id for d in found.missing_text})
        parts.append(
            f"{len(found.missing_text)} decided segment(s) belong to documents without ingested text "
            f"({', '.join(docs)})"
        )
    if found.headings:
        parts.append(f"{found.headings} decision(s) are on headings, which the scorer never decides")
    return ("; ".join(parts) + ".") if parts else "no segment has a decision."


def label_counts(used: Sequence[DecidedSegment]) -> dict[str, int]:
    """Decisions used per decision and label, e.g. {"accept_recommendation": 3, "reject": 2, ...}."""
    counts: Counter[str] = Counter()
    for decided in used:
        if decided.decision == "accept":
            counts["accept_recommendation" if decided.label else "accept_not_recommendation"] += 1
        else:
            counts[decided.decision] += 1
    counts["recommendation"] = sum(d.label for d in used)
    counts["not_recommendation"] = len(used) - counts["recommendation"]
    return dict(sorted(counts.items()))


def decision_file_counts(report_rows: Iterable[Mapping[str, str]], used: Sequence[DecidedSegment]) -> dict[str, int]:
    """How many of the used decisions each decision file contributed (results/decisions_report.csv, applied rows).

    Several reviewers who agreed each count once for their own file.
    """
    wanted = {d.segment_id for d in used}
    counts: Counter[str] = Counter(
        row.get("source", "")
        for row in report_rows
        if row.get("status") == "applied" and row.get("segment_id") in wanted
    )
    return dict(sorted(counts.items()))


def refit_meta(
    found: DecisionExamples,
    files: Mapping[str, int],
    base_path: str,
    base_digest: str,
    coding_sha256: str,
    weight: float,
) -> dict[str, Any]:
    """What the model file records of its refit: which decisions, from which files, on which base."""
    from reviewflow import __version__

    return {
        "how": HOW,
        "reviewflow_version": __version__,
        "refit": {
            "base_model_path": base_path,
            "base_model_digest": base_digest,
            "coding_csv_sha256": coding_sha256,
            "decision_files": [{"file": name, "decisions": n} for name, n in files.items()],
            "decisions_used": len(found.used),
            "labels": label_counts(found.used),
            "weight": weight,
            "decisions_not_used": {
                "unmatched": len(found.unmatched),
                "missing_text": len(found.missing_text),
                "headings": found.headings,
            },
        },
    }


# --------------------------------------------------------------------------------------------------
# Files and the command line


@dataclass
class RefitOutcome:
    out: Path
    base_path: Path
    base: RecommendationModel
    model: RecommendationModel
    found: DecisionExamples
    files: dict[str, int]
    notes: list[str]
    in_results: bool = True  # the model was written inside the results folder (which `make clean` empties)

    def lines(self) -> list[str]:
        counts = label_counts(self.found.used)
        accepted = counts.get("accept_recommendation", 0), counts.get("accept_not_recommendation", 0)
        out = str(self.out)
        lines = [
            (
                f"{out}: refitted with {len(self.found.used)} reviewer decision(s): "
                f"{counts['recommendation']} recommendation(s) ({counts.get('edit', 0)} edit, {accepted[0]} accept) and "
                f"{counts['not_recommendation']} not ({counts.get('reject', 0)} reject, {accepted[1]} accept)"
            ),
            f"base model {self.base_path} ({self.base.digest}) -> new model {self.model.digest}",
        ]
        if self.files:
            lines.append("decision files: " + ", ".join(f"{name} ({n})" for name, n in self.files.items()))
        lines += self.notes
        lines.append(
            f"To code with it, set `recommendation_model: {out}` under `coding:` in the config and rerun "
            "the workflow (`make run`)."
        )
        if self.in_results:
            lines.append(
                "`make clean` removes the results folder (all but results/history/): to keep this model, "
                "copy it elsewhere (e.g. config/recommendation_model.json) and point the config there."
            )
        return lines


def base_model_path(config: Mapping[str, Any], config_path: str | Path) -> Path:
    """The model the workflow codes with (the config's coding.recommendation_model): the refit's base."""
    value = (config.get("coding") or {}).get("recommendation_model", None)
    if value is None:  # the config schema's default, as the workflow reads it; else the package's own copy
        from reviewflow.fileio import read_yaml

        default = read_yaml(schema_path("config"))["properties"]["coding"]["properties"]["recommendation_model"]
        path = resolve(str(default["default"]))
        return path if path.is_file() else DEFAULT_RECOMMENDATION_MODEL
    if not str(value).strip():
        raise ReviewflowError(
            f"{config_path}: {CONFIG_MODEL_KEY} is empty (the rules code alone), so there is no "
            "model to refit. Fix: set it to the shipped model, "
            "scripts/reviewflow/data/recommendation_model.json, and rerun the workflow so the "
            "sheets show its confidence."
        )
    return resolve(str(value))


def _load_base(path: Path, config_path: str | Path) -> RecommendationModel:
    from reviewflow.coding.recommender import load_model

    if not path.is_file():
        raise ReviewflowError(
            f"{path}: base model not found ({CONFIG_MODEL_KEY} in {config_path}). Fix: set "
            f"{CONFIG_MODEL_KEY} to an existing model, e.g. the shipped "
            "scripts/reviewflow/data/recommendation_model.json (`make model` rebuilds it)."
        )
    if path.stat().st_size == 0:
        raise ReviewflowError(
            f"{path}: base model file is empty ({CONFIG_MODEL_KEY} in {config_path}). Fix: restore "
            "it (the shipped one: `git checkout scripts/reviewflow/data/recommendation_model.json` "
            "or `make model`), or point the config at another model."
        )
    return load_model(path)


def _read_ingested(results: Path, doc_ids: Iterable[str]) -> dict[str, Any]:
    from reviewflow.fileio import read_json

    texts = {}
    for doc_id in sorted(set(doc_ids)):
        path = results / "text" / f"{doc_id}.json"
        if path.is_file():
            texts[doc_id] = read_json(path)
    return texts


def _stale_note(coding_csv: Path, decisions_dir: Path) -> list[str]:
    """A note when a decision sheet changed after results/coding.csv was written (its decisions not yet applied)."""
    from reviewflow.review.sheets import decision_files

    newer = [p for p in decision_files(decisions_dir) if p.stat().st_mtime > coding_csv.stat().st_mtime]
    if not newer:
        return []
    return [
        (
            f"note: {', '.join(str(p) for p in newer)} changed after {coding_csv} was written; its decisions count "
            "only once the workflow has run again (`make run`), then refit."
        )
    ]


def check_output(out: Path, usable: int, force: bool) -> None:
    """Refuse to replace what ``out`` holds by less: a refit made with more decisions, or a file that is
    no model at all (a mistyped --out). ``force`` replaces either."""
    from reviewflow.coding.recommender import load_model

    if out.resolve() == DEFAULT_RECOMMENDATION_MODEL.resolve():
        raise ReviewflowError(
            f"{out}: is the shipped general model (rebuilt by `make model`), not a review's "
            "own. Fix: write the refit elsewhere, e.g. the default --out (RESULTS/model/)."
        )
    if force or not out.exists():
        return
    try:
        before = int((load_model(out).meta.get("refit") or {}).get("decisions_used", 0))
    except ReviewflowError:
        raise ReviewflowError(
            f"{out}: exists and is not a recommendation model; it is left as it is. Fix: choose "
            "another --out, or pass --force to replace it."
        ) from None
    if before > usable:
        raise ReviewflowError(
            f"{out}: already holds a refit with {before} decisions, more than the {usable} usable "
            "now (a decision sheet removed, or its segments re-ingested?); it is left as it is. "
            "Fix: check the decisions folder and rerun the workflow, write elsewhere with --out, "
            "or pass --force to replace it."
        )


def read_decided_table(results: Path) -> tuple[Path, list[dict[str, str]]]:
    """results/coding.csv and its rows, refused when it is missing or holds no decided segment."""
    from reviewflow.fileio import read_csv_rows

    coding_csv = results / "coding.csv"
    if not coding_csv.is_file():
        raise ReviewflowError(
            f"{coding_csv}: not found, so there are no applied decisions to learn from. Fix: run "
            "the workflow (`make run`) after saving the filled sheets in corpus/decisions/, or point "
            "--results at a finished run."
        )
    rows = read_csv_rows(coding_csv)
    if rows and "decision" not in rows[0]:
        raise ReviewflowError(
            f"{coding_csv}: has no 'decision' column. Fix: rerun the workflow (`make run`) so "
            "the combine step writes it."
        )
    if not decided_segments(rows):
        raise ReviewflowError(
            f"{coding_csv}: no segment (headings aside) has a reviewer decision, so there is "
            "nothing to learn from. Fix: decide segments in a review sheet saved in corpus/decisions/ "
            "(`python -m reviewflow review export --order least-confident` lists the most useful "
            "first), rerun the workflow (`make run`), then refit."
        )
    return coding_csv, rows


def _document_rows(config: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The manifest's rows by doc_id (the workflow codes each document with its row), {} without a manifest."""
    from reviewflow.corpus.manifest import read_rows

    manifest = resolve(str(config.get("manifest", "corpus/manifest.csv")))
    return {row["doc_id"]: row for row in read_rows(manifest)} if manifest.is_file() else {}


def refit_files(
    results: str | Path | None,
    config_path: str | Path,
    out: str | Path | None = None,
    weight: float = DEFAULT_WEIGHT,
    force: bool = False,
) -> RefitOutcome:
    """Read the run's coding table, texts and base model; write the refitted model to ``out``.

    Nothing is written unless the refit succeeds, and what ``out`` holds is not replaced by less
    (``check_output``): a sheet that went missing must not silently shrink the model.
    """
    from reviewflow.coding.recommender import write_model
    from reviewflow.fileio import read_csv_rows

    check_weight(weight)
    config = read_config(config_path)  # as written: a refit needs only its paths
    # None: the config's own results folder (the schema's default when it names none)
    results = Path(results) if results is not None else resolve(str(config.get("results_dir", DEFAULT_RESULTS_DIR)))
    out_path = Path(out) if out else results / DEFAULT_OUT
    coding_csv, rows = read_decided_table(results)
    base_path = base_model_path(config, config_path)
    base = _load_base(base_path, config_path)
    texts = _read_ingested(results, (d.doc_id for d in decided_segments(rows)))
    if not config.get("form"):
        raise ReviewflowError(
            f"{config_path}: names no form. Fix: set form: to the review's extraction form "
            "(e.g. extraction_forms/macy_johns_2011.yaml)."
        )
    form = resolve(str(config["form"]))
    found = decision_examples(rows, texts, form, _document_rows(config))
    report = results / "decisions_report.csv"
    files = decision_file_counts(read_csv_rows(report) if report.is_file() else [], found.used)
    meta = refit_meta(
        found, files, str(base_path), base.digest, hashlib.sha256(coding_csv.read_bytes()).hexdigest(), weight
    )
    model = refit_from_decisions(base, found, weight, meta)
    check_output(out_path, len(found.used), force)
    write_model(out_path, model)
    notes = _stale_note(coding_csv, resolve(str(config.get("decisions_dir", "corpus/decisions"))))
    if found.skipped or found.headings:
        notes.insert(0, "not used: " + _why_none(found))
    in_results = out_path.resolve().is_relative_to(results.resolve())
    return RefitOutcome(out_path, base_path, base, model, found, files, notes, in_results)
