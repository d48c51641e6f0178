"""Agreement between automatic coding and a hand-coded gold standard.

Gold and prediction are CSV files keyed by ``segment_id`` (the gold may hold only the columns it
codes, and a ``split`` column such as dev / held_out). For each facet — is_recommendation, service
areas + practices, phase, polarity, citations — it reports per-code precision, recall, F1 and Cohen's
kappa (scikit-learn), with micro and macro averages. Ids present on one side only are reported, not
silently dropped.

A sentence gold (``idx,kind,required,optional,sentence``, see ``reviewflow.coding.gold``) is made without the
coder's segments, so it is aligned to them by the text's letters and scored by its own rules
(``score_sentence_gold``): recommendation precision/recall and code micro scores, per code, with the
rows the coder got wrong.
"""

from __future__ import annotations

import csv
import json
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from reviewflow.coding.gold import SCORED_KINDS, GoldRow, align
from reviewflow.errors import ReviewflowError

CODE_COLUMNS: tuple[str, ...] = ("service_areas", "practices")


def read_rows(path: str | Path) -> dict[str, dict[str, str]]:
    path = Path(path)
    if not path.is_file():
        raise ReviewflowError(f"{path}: file not found. Fix: give the path of a CSV written by `code` or a gold file.")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "segment_id" not in rows[0]:
        raise ReviewflowError(
            f"{path}: has no segment_id column. Fix: key every row by the segment_id that `code` writes."
        )
    return {row["segment_id"]: row for row in rows}


def _split(cell: str | None) -> set[str]:
    return {part.strip() for part in (cell or "").split(";") if part.strip()}


def _true(cell: str | None) -> bool:
    return (cell or "").strip().lower() in ("true", "1", "yes")


def citation_key(text: str) -> str:
    """A comparable key for a citation: first significant word of the first author + year (+ suffix)."""
    match = re.search(r"((?:1[5-9]|20)\d{2}[a-z]?)\s*$", text.strip())
    year = match.group(1) if match else ""
    name = text[: match.start()] if match else text
    words = [w for w in re.findall(r"[a-z]+", name.lower()) if w not in ("the", "a", "an")]
    return f"{words[0] if words else ''}{year}"


def predicted_citation_keys(row: Mapping[str, str]) -> set[str]:
    keys = set()
    for item in json.loads(row.get("citations_json") or "[]"):
        authors = item.get("authors") or []
        first = authors[0] if authors else ""
        keys.add(citation_key(f"{first} {item.get('year', '')}{item.get('suffix', '') or ''}"))
    return keys


def _kappa(gold: Sequence[Any], pred: Sequence[Any]) -> float | None:
    if not gold:
        return None
    if len(set(gold) | set(pred)) == 1:
        return None  # undefined: a single label on both sides
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(cohen_kappa_score(gold, pred))
    return None if math.isnan(value) else value


def binary_scores(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, Any]:
    tp = sum(1 for g, p in zip(gold, pred) if g and p)
    fp = sum(1 for g, p in zip(gold, pred) if p and not g)
    fn = sum(1 for g, p in zip(gold, pred) if g and not p)
    if gold:
        precision, recall, f1, _ = precision_recall_fscore_support(
            list(gold), list(pred), average="binary", pos_label=True, zero_division=0
        )
    else:
        precision = recall = f1 = 0.0
    return {
        "support": sum(gold),
        "predicted": sum(pred),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "kappa": _kappa(gold, pred),
    }


def multilabel_scores(
    gold: Sequence[set[str]], pred: Sequence[set[str]], labels: Iterable[str] | None = None
) -> dict[str, Any]:
    """Per-label binary scores, micro (pooled decisions) and macro (mean over labels with gold support)."""
    labels = sorted(set(labels) if labels is not None else set().union(*gold, *pred)) if (gold or pred) else []
    per_label = {label: binary_scores([label in g for g in gold], [label in p for p in pred]) for label in labels}
    micro = counts_scores(*(sum(s[key] for s in per_label.values()) for key in ("tp", "fp", "fn")))
    supported = [s for s in per_label.values() if s["support"]]
    macro = {
        key: (sum(s[key] for s in supported) / len(supported) if supported else 0.0)
        for key in ("precision", "recall", "f1")
    }
    kappas = [s["kappa"] for s in supported if s["kappa"] is not None]
    macro["kappa"] = sum(kappas) / len(kappas) if kappas else None
    return {"n_segments": len(gold), "per_label": per_label, "micro": micro, "macro": macro}


def evaluate(
    gold: Mapping[str, Mapping[str, str]], pred: Mapping[str, Mapping[str, str]], split: str | None = None
) -> dict[str, Any]:
    """Every facet's scores on the segments present in both files (optionally one gold split)."""
    selected = {sid: row for sid, row in gold.items() if split is None or row.get("split") == split}
    ids = [sid for sid in selected if sid in pred]
    result: dict[str, Any] = {
        "split": split or "all",
        "n_gold": len(selected),
        "n_matched": len(ids),
        "gold_only": sorted(sid for sid in selected if sid not in pred),
        "pred_only": sorted(sid for sid in pred if sid not in gold) if split is None else [],
    }
    g_rec = [_true(selected[sid].get("is_recommendation")) for sid in ids]
    p_rec = [_true(pred[sid].get("is_recommendation")) for sid in ids]
    decided = [i for i, sid in enumerate(ids) if not _is_skip(selected[sid])]
    result["is_recommendation"] = binary_scores([g_rec[i] for i in decided], [p_rec[i] for i in decided])

    def codes(row: Mapping[str, str]) -> set[str]:
        return set().union(*(_split(row.get(column)) for column in CODE_COLUMNS))

    labels = sorted(set().union(*(codes(selected[sid]) | codes(pred[sid]) for sid in ids))) if ids else []
    result["codes_all"] = multilabel_scores(
        [codes(selected[sid]) for sid in ids], [codes(pred[sid]) for sid in ids], labels
    )
    rec_ids = [sid for sid, rec in zip(ids, g_rec) if rec]
    result["codes_on_recommendations"] = multilabel_scores(
        [codes(selected[sid]) for sid in rec_ids], [codes(pred[sid]) for sid in rec_ids], labels
    )

    g_phase = [selected[sid].get("phase", "") or "" for sid in ids]
    p_phase = [pred[sid].get("phase", "") or "" for sid in ids]
    phases = sorted({p for p in g_phase + p_phase if p})
    result["phase"] = multilabel_scores([{p} - {""} for p in g_phase], [{p} - {""} for p in p_phase], phases)
    result["phase"]["kappa"] = _kappa(g_phase, p_phase)

    # The same, counting only phases the text itself cues: a need's default phase is a codebook
    # convention that a human coder marking "the phase the text names" would not write.
    p_cued = [
        (pred[sid].get("phase", "") or "") if pred[sid].get("phase_source") != "need_default" else "" for sid in ids
    ]
    result["phase_cued"] = multilabel_scores([{p} - {""} for p in g_phase], [{p} - {""} for p in p_cued], phases)
    result["phase_cued"]["kappa"] = _kappa(g_phase, p_cued)

    # Polarity is judged where both sides see a recommendation, so it measures polarity, not detection.
    both = [sid for sid, g, p in zip(ids, g_rec, p_rec) if g and p]
    g_pol = [selected[sid].get("polarity", "") or "" for sid in both]
    p_pol = [pred[sid].get("polarity", "") or "" for sid in both]
    result["polarity"] = multilabel_scores([{p} - {""} for p in g_pol], [{p} - {""} for p in p_pol], ["do", "do_not"])
    result["polarity"]["kappa"] = _kappa(g_pol, p_pol)

    if any("citations" in selected[sid] for sid in ids):
        g_cit = [{citation_key(c) for c in _split(selected[sid].get("citations"))} for sid in ids]
        p_cit = [predicted_citation_keys(pred[sid]) for sid in ids]
        result["citations"] = {"micro": multilabel_scores(g_cit, p_cit)["micro"]}
    return result


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def format_report(result: Mapping[str, Any]) -> str:
    lines = [f"== split: {result['split']} — {result['n_matched']} of {result['n_gold']} gold segments matched"]
    if result["gold_only"]:
        lines.append(
            f"   gold ids without a prediction ({len(result['gold_only'])}): {', '.join(result['gold_only'][:10])}"
            + (" ..." if len(result["gold_only"]) > 10 else "")
        )
    if result["pred_only"]:
        lines.append(
            f"   predicted ids not in the gold ({len(result['pred_only'])}): {', '.join(result['pred_only'][:10])}"
            + (" ..." if len(result["pred_only"]) > 10 else "")
        )
    rec = result["is_recommendation"]
    lines.append(
        f"is_recommendation  P {_fmt(rec['precision'])}  R {_fmt(rec['recall'])}  F1 {_fmt(rec['f1'])}  "
        f"kappa {_fmt(rec['kappa'])}  (gold {rec['support']}, predicted {rec['predicted']})"
    )
    for facet in ("codes_on_recommendations", "codes_all", "phase", "phase_cued", "polarity"):
        scores = result[facet]
        micro, macro = scores["micro"], scores["macro"]
        lines.append(
            f"{facet} ({scores['n_segments']} segments)  micro P {_fmt(micro['precision'])} R {_fmt(micro['recall'])} "
            f"F1 {_fmt(micro['f1'])}  macro F1 {_fmt(macro['f1'])}"
            + (f"  kappa {_fmt(scores.get('kappa'))}" if "kappa" in scores else "")
        )
        for label, s in scores["per_label"].items():
            lines.append(
                f"    {label:26s} n={s['support']:3d} pred={s['predicted']:3d}  P {_fmt(s['precision'])} "
                f"R {_fmt(s['recall'])} F1 {_fmt(s['f1'])} kappa {_fmt(s['kappa'])}"
            )
    if "citations" in result:
        micro = result["citations"]["micro"]
        lines.append(
            f"citations (first author + year)  P {_fmt(micro['precision'])} R {_fmt(micro['recall'])} "
            f"F1 {_fmt(micro['f1'])}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------- sentence gold
def _row_codes(row: Mapping[str, Any]) -> set[str]:
    codes: set[str] = set()
    for column in CODE_COLUMNS:
        value = row.get(column) or ""
        codes |= set(value) if isinstance(value, (list, tuple, set, frozenset)) else _split(str(value))
    return codes


def _is_skip(row: Mapping[str, Any]) -> bool:
    """A segment gold row whose recommendation status is genuinely ambiguous: left out of the
    recommendation and attribution measures (its codes still count)."""
    return row.get("recommendation_kind") == "skip"


def _row_is_recommendation(row: Mapping[str, Any]) -> bool:
    value = row.get("is_recommendation")
    return value if isinstance(value, bool) else _true(str(value))


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def counts_scores(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def _tally_recommendation(row: GoldRow, predicted: bool, counts: dict[str, int], errors: list[dict[str, Any]]) -> None:
    """Count one scored row in the recommendation measure; a miss or false alarm is also listed."""
    if row.is_recommendation and predicted:
        counts["tp"] += 1
    elif row.is_recommendation:
        counts["fn"] += 1
        errors.append({"idx": row.idx, "error": "missed_recommendation", "sentence": row.sentence})
    elif predicted:
        counts["fp"] += 1
        errors.append({"idx": row.idx, "error": "false_recommendation", "sentence": row.sentence})


def _tally_codes(
    row: GoldRow,
    predicted: set[str],
    counts: dict[str, int],
    per_code: dict[str, dict[str, int]],
    errors: list[dict[str, Any]],
) -> None:
    """Count one row's codes by the README's rule; a row with a missed or false code is also listed."""
    outcomes = {
        "tp": predicted & row.required,
        "fn": row.required - predicted,
        "fp": predicted - row.required - row.optional,
    }
    for outcome, found in outcomes.items():
        counts[outcome] += len(found)
        for code in found:
            per_code.setdefault(code, {"tp": 0, "fp": 0, "fn": 0})[outcome] += 1
    if outcomes["fn"] or outcomes["fp"]:
        errors.append(
            {
                "idx": row.idx,
                "missed": sorted(outcomes["fn"]),
                "false": sorted(outcomes["fp"]),
                "sentence": row.sentence,
            }
        )


def _phase_scores(n: int, correct: int) -> dict[str, Any]:
    return {"n": n, "correct": correct, "accuracy": correct / n if n else None}


def score_sentence_gold(gold: Sequence[GoldRow], pred: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Recommendation P/R and code micro-P/R/F1 of coded rows against a sentence gold.

    Scoring follows the gold's README: explicit and described rows are recommendations, none rows are
    not, skip and heading rows are left out of that measure; codes are scored on every row but
    headings, with true positives predicted ∩ required, false negatives required − predicted and false
    positives predicted − (required ∪ optional). A row covered by several segments takes the union of
    their codes and is a recommendation when any of them is; a row no segment covers is predicted
    empty. Where the gold codes a phase (the HHS segment gold), a row's phase is right when its
    segments name that phase and no other.
    """
    alignment = align(gold, [str(row.get("sentence") or "") for row in pred])
    rec = {"tp": 0, "fp": 0, "fn": 0}
    codes = {"tp": 0, "fp": 0, "fn": 0}
    per_code: dict[str, dict[str, int]] = {}
    errors: list[dict[str, Any]] = []
    code_errors: list[dict[str, Any]] = []
    phased = phase_correct = 0
    for row, covering in zip(gold, alignment.segments_of_row, strict=True):
        if row.kind in SCORED_KINDS:
            _tally_recommendation(row, any(_row_is_recommendation(pred[i]) for i in covering), rec, errors)
        if row.kind != "heading":
            _tally_codes(row, set().union(*(_row_codes(pred[i]) for i in covering)), codes, per_code, code_errors)
        if row.phase:
            phased += 1
            phase_correct += ({str(pred[i].get("phase") or "") for i in covering} - {""}) == {row.phase}
    return {
        "n_rows": len(gold),
        "n_segments": len(pred),
        "unplaced_segments": len(alignment.unplaced_segments),
        "uncovered_rows": sum(1 for c in alignment.segments_of_row if not c),
        "recommendation": counts_scores(**rec),
        "codes": counts_scores(**codes),
        "per_code": {code: counts_scores(**c) for code, c in sorted(per_code.items())},
        "phase": _phase_scores(phased, phase_correct),
        "errors": errors,
        "code_errors": code_errors,
    }


def pool_scores(results: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Pooled (micro) figures over several texts' ``score_sentence_gold`` results."""
    results = list(results)
    pooled: dict[str, Any] = {}
    for facet in ("recommendation", "codes"):
        pooled[facet] = counts_scores(*(sum(r[facet][k] for r in results) for k in ("tp", "fp", "fn")))
    phases = [r["phase"] for r in results if "phase" in r]
    pooled["phase"] = _phase_scores(sum(p["n"] for p in phases), sum(p["correct"] for p in phases))
    return pooled


def format_sentence_report(name: str, result: Mapping[str, Any]) -> str:
    rec, codes = result["recommendation"], result["codes"]
    lines = [
        f"== {name}: {result.get('n_rows', '-')} gold rows, {result.get('n_segments', '-')} segments"
        + (f", {result['uncovered_rows']} row(s) no segment covers" if result.get("uncovered_rows") else "")
        + (
            f", {result['unplaced_segments']} segment(s) not in the gold's text"
            if result.get("unplaced_segments")
            else ""
        ),
        (
            f"recommendation  P {_fmt(rec['precision'])}  R {_fmt(rec['recall'])}  F1 {_fmt(rec['f1'])}  "
            f"(tp {rec['tp']}, fp {rec['fp']}, fn {rec['fn']})"
        ),
        (
            f"codes (areas + practices, micro)  P {_fmt(codes['precision'])}  R {_fmt(codes['recall'])}  "
            f"F1 {_fmt(codes['f1'])}  (tp {codes['tp']}, fp {codes['fp']}, fn {codes['fn']})"
        ),
    ]
    for code, s in (result.get("per_code") or {}).items():
        lines.append(
            f"    {code:26s} tp {s['tp']:3d} fp {s['fp']:3d} fn {s['fn']:3d}  P {_fmt(s['precision'])} "
            f"R {_fmt(s['recall'])} F1 {_fmt(s['f1'])}"
        )
    phase = result.get("phase") or {}
    if phase.get("n"):
        lines.append(
            f"phase (rows the gold gives a phase)  accuracy {_fmt(phase['accuracy'])}  "
            f"({phase['correct']} of {phase['n']})"
        )
    return "\n".join(lines)


def _clip(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width] + "…"


def format_errors(result: Mapping[str, Any]) -> str:
    """The gold rows the coder got wrong, in text order: recommendation errors, then code errors."""
    lines = [f"-- recommendation errors ({len(result['errors'])})"]
    for error in result["errors"]:
        lines.append(f"  {error['idx']:4d} {error['error'].replace('_', ' '):22s} {_clip(error['sentence'])}")
    code_errors = result.get("code_errors") or []
    lines.append(f"-- code errors ({len(code_errors)})")
    for error in code_errors:
        found = "; ".join(
            part
            for part in (
                f"missed {', '.join(error['missed'])}" if error["missed"] else "",
                f"false {', '.join(error['false'])}" if error["false"] else "",
            )
            if part
        )
        lines.append(f"  {error['idx']:4d} {found}: {_clip(error['sentence'])}")
    return "\n".join(lines)


def read_coded_rows(path: str | Path, doc_id: str | None = None) -> list[dict[str, str]]:
    """The rows of a CSV written by `code`, one document's, in text order (by char_start where given).

    The sentence gold is aligned by position in the text, so rows must be in text order and of one
    document: a file of several documents needs ``doc_id``.
    """
    from reviewflow.fileio import read_csv_table

    path = Path(path)
    if not path.is_file():
        raise ReviewflowError(f"{path}: file not found. Fix: give the path of a CSV written by `code`.")
    header, rows = read_csv_table(path)
    if "sentence" not in header:
        raise ReviewflowError(
            f"{path}: has no sentence column. Fix: score the CSV that `code` writes, "
            "which holds every segment's sentence."
        )
    documents = sorted({row.get("doc_id", "") for row in rows})
    if doc_id is not None:
        rows = [row for row in rows if row.get("doc_id", "") == doc_id]
        if not rows:
            raise ReviewflowError(f"{path}: no row has doc_id {doc_id}. Fix: pass one of {', '.join(documents)}.")
    elif len(documents) > 1:
        raise ReviewflowError(
            f"{path}: holds {len(documents)} documents ({', '.join(documents[:5])}"
            f"{' ...' if len(documents) > 5 else ''}). Fix: pass --doc-id with the gold's document."
        )
    if rows and all((row.get("char_start") or "").isdigit() for row in rows):
        rows.sort(key=lambda row: int(row["char_start"]))
    return rows


def score_sentence_gold_file(gold_path: str | Path, pred_path: str | Path, doc_id: str | None = None) -> dict[str, Any]:
    """``score_sentence_gold`` of a sentence gold file and a `code` CSV (``doc_id``'s rows of it)."""
    from reviewflow.coding.gold import read_sentence_gold

    gold = read_sentence_gold(gold_path)
    if not gold:
        raise ReviewflowError(f"{gold_path}: has a header but no rows. Fix: add the text's rows.")
    return score_sentence_gold(gold, read_coded_rows(pred_path, doc_id))


def alignment_problem(result: Mapping[str, Any], gold_path: str | Path, pred_path: str | Path) -> str | None:
    """Why a sentence gold's score means nothing, or None: when most gold rows find no segment, the
    CSV was coded from another text (a few shared sentences align by chance)."""
    covered = result["n_rows"] - result["uncovered_rows"]
    if 2 * covered >= result["n_rows"]:
        return None
    return (
        f"only {covered} of {result['n_rows']} rows of {gold_path} align with the segments of "
        f"{pred_path}. Fix: code the text this gold was made for (`code TEXT --out PRED.csv`) and score "
        "that file."
    )


def shared_segments_problem(
    gold: Mapping[str, Any], pred: Mapping[str, Any], gold_path: str | Path, pred_path: str | Path
) -> str | None:
    """Why a segment_id-keyed gold cannot be scored against ``pred``, or None: with no segment_id in
    common, a table of zeros would read as a result."""
    if set(gold) & set(pred):
        return None
    return (
        f"no segment_id of {pred_path} is in {gold_path}: were they coded from the same text and doc_id? "
        "Fix: code the gold's document with `code` and evaluate that file."
    )


def split_reports(gold: Mapping[str, Mapping[str, str]], pred: Mapping[str, Mapping[str, str]]) -> list[dict[str, Any]]:
    """The report over all matched segments, then one per gold split (dev, held_out ...), in name order."""
    splits = sorted({split for row in gold.values() if (split := row.get("split"))})
    return [evaluate(gold, pred)] + [evaluate(gold, pred, split) for split in splits]


# Columns only the coder writes (reviewflow.coding.coded_table): a "gold" holding them is a `code` output.
CODER_ONLY_COLUMNS = ("evidence", "confidence", "decided_by")


def _header(path: str | Path) -> list[str]:
    if not Path(path).is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [cell.strip() for cell in next(csv.reader(handle), [])]


def swapped_problem(gold: str | Path, pred: str | Path) -> str | None:
    """The message when --gold and --pred look swapped: the gold is a file `code` wrote, or the
    prediction is a sentence gold. None otherwise (a missing file is the readers' to report)."""
    from reviewflow.coding.gold import is_sentence_gold

    coder_written = all(column in _header(gold) for column in CODER_ONLY_COLUMNS)
    if not (coder_written or is_sentence_gold(pred)):
        return None
    which = (
        f"{gold} (given as --gold) was written by `code` (it has the columns {', '.join(CODER_ONLY_COLUMNS)})"
        if coder_written
        else f"{pred} (given as --pred) is a sentence gold (idx,kind,required,optional,sentence)"
    )
    return f"{which}. Fix: give the hand-coded gold with --gold and the file `code` wrote with --pred (were they swapped?)."


# --------------------------------------------------------------------------------------- attributions
def attribution_scores(
    segment_gold: Mapping[str, Mapping[str, str]], coded_rows: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """(cited work, code) pairs a review's text attributes through its in-text citations: those of the
    gold's recommendation segments against those of the coded recommendations, as sets.

    This is what the review's synthesis is built from: a recommendation coded ``mental_health`` that
    cites (Caliber, 2007) says Caliber 2007 supports mental health care. Works are compared by first
    author and year (``citation_key``). A segment the gold marks ``skip`` (its status is ambiguous)
    adds no pair on either side, as it counts neither way in the recommendation measure.
    """
    skipped = {sid for sid, row in segment_gold.items() if _is_skip(row)}

    def pairs(rows: Iterable[Mapping[str, Any]], keys: Any) -> set[tuple[str, str]]:
        return {
            (key, code)
            for row in rows
            if _row_is_recommendation(row)
            for key in keys(row)
            if key
            for code in _row_codes(row)
        }

    gold = pairs(segment_gold.values(), lambda row: {citation_key(c) for c in _split(row.get("citations"))})
    pred = pairs((row for row in coded_rows if row.get("segment_id") not in skipped), predicted_citation_keys)
    return {
        **counts_scores(len(gold & pred), len(pred - gold), len(gold - pred)),
        "n_gold": len(gold),
        "n_pred": len(pred),
    }
