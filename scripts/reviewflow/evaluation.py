"""Agreement between automatic coding and a hand-coded gold standard.

Gold and prediction are CSV files keyed by ``segment_id`` (the gold may hold only the columns it
codes, and a ``split`` column such as dev / held_out). For each facet — is_recommendation, service
areas + practices, phase, polarity, citations — it reports per-code precision, recall, F1 and Cohen's
kappa (scikit-learn), with micro and macro averages. Ids present on one side only are reported, not
silently dropped.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from reviewflow.errors import ReviewflowError
from reviewflow.gold import SCORED_KINDS, GoldRow, align

CODE_COLUMNS: tuple[str, ...] = ("service_areas", "practices")


def read_rows(path: str | Path) -> dict[str, dict[str, str]]:
    path = Path(path)
    if not path.is_file():
        raise ReviewflowError(f"{path}: file not found. Fix: give the path of a CSV written by `code` or a gold file.")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "segment_id" not in rows[0]:
        raise ReviewflowError(f"{path}: has no segment_id column. Fix: key every row by the segment_id that `code` writes.")
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
            list(gold), list(pred), average="binary", pos_label=True, zero_division=0)
    else:
        precision = recall = f1 = 0.0
    return {"support": sum(gold), "predicted": sum(pred), "tp": tp, "fp": fp, "fn": fn,
            "precision": float(precision), "recall": float(recall), "f1": float(f1), "kappa": _kappa(gold, pred)}


def multilabel_scores(gold: Sequence[set[str]], pred: Sequence[set[str]], labels: Iterable[str] | None = None) -> dict[str, Any]:
    """Per-label binary scores, micro (pooled decisions) and macro (mean over labels with gold support)."""
    labels = sorted(set(labels) if labels is not None else set().union(*gold, *pred)) if (gold or pred) else []
    per_label = {label: binary_scores([label in g for g in gold], [label in p for p in pred]) for label in labels}
    tp = sum(s["tp"] for s in per_label.values())
    fp = sum(s["fp"] for s in per_label.values())
    fn = sum(s["fn"] for s in per_label.values())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    supported = [s for s in per_label.values() if s["support"]]
    macro = {key: (sum(s[key] for s in supported) / len(supported) if supported else 0.0)
             for key in ("precision", "recall", "f1")}
    kappas = [s["kappa"] for s in supported if s["kappa"] is not None]
    macro["kappa"] = sum(kappas) / len(kappas) if kappas else None
    return {"n_segments": len(gold), "per_label": per_label,
            "micro": {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn},
            "macro": macro}


def evaluate(gold: Mapping[str, Mapping[str, str]], pred: Mapping[str, Mapping[str, str]],
             split: str | None = None) -> dict[str, Any]:
    """Every facet's scores on the segments present in both files (optionally one gold split)."""
    selected = {sid: row for sid, row in gold.items() if split is None or row.get("split") == split}
    ids = [sid for sid in selected if sid in pred]
    result: dict[str, Any] = {
        "split": split or "all", "n_gold": len(selected), "n_matched": len(ids),
        "gold_only": sorted(sid for sid in selected if sid not in pred),
        "pred_only": sorted(sid for sid in pred if sid not in gold) if split is None else [],
    }
    g_rec = [_true(selected[sid].get("is_recommendation")) for sid in ids]
    p_rec = [_true(pred[sid].get("is_recommendation")) for sid in ids]
    result["is_recommendation"] = binary_scores(g_rec, p_rec)

    def codes(row: Mapping[str, str]) -> set[str]:
        return set().union(*(_split(row.get(column)) for column in CODE_COLUMNS))

    labels = sorted(set().union(*(codes(selected[sid]) | codes(pred[sid]) for sid in ids))) if ids else []
    result["codes_all"] = multilabel_scores([codes(selected[sid]) for sid in ids], [codes(pred[sid]) for sid in ids], labels)
    rec_ids = [sid for sid, rec in zip(ids, g_rec) if rec]
    result["codes_on_recommendations"] = multilabel_scores(
        [codes(selected[sid]) for sid in rec_ids], [codes(pred[sid]) for sid in rec_ids], labels)

    g_phase = [selected[sid].get("phase", "") or "" for sid in ids]
    p_phase = [pred[sid].get("phase", "") or "" for sid in ids]
    phases = sorted({p for p in g_phase + p_phase if p})
    result["phase"] = multilabel_scores([{p} - {""} for p in g_phase], [{p} - {""} for p in p_phase], phases)
    result["phase"]["kappa"] = _kappa(g_phase, p_phase)

    # The same, counting only phases the text itself cues: a need's default phase is a codebook
    # convention that a human coder marking "the phase the text names" would not write.
    p_cued = [(pred[sid].get("phase", "") or "") if pred[sid].get("phase_source") != "need_default" else "" for sid in ids]
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
        lines.append(f"   gold ids without a prediction ({len(result['gold_only'])}): {', '.join(result['gold_only'][:10])}"
                     + (" ..." if len(result["gold_only"]) > 10 else ""))
    if result["pred_only"]:
        lines.append(f"   predicted ids not in the gold ({len(result['pred_only'])}): {', '.join(result['pred_only'][:10])}"
                     + (" ..." if len(result["pred_only"]) > 10 else ""))
    rec = result["is_recommendation"]
    lines.append(f"is_recommendation  P {_fmt(rec['precision'])}  R {_fmt(rec['recall'])}  F1 {_fmt(rec['f1'])}  "
                 f"kappa {_fmt(rec['kappa'])}  (gold {rec['support']}, predicted {rec['predicted']})")
    for facet in ("codes_on_recommendations", "codes_all", "phase", "phase_cued", "polarity"):
        scores = result[facet]
        micro, macro = scores["micro"], scores["macro"]
        lines.append(f"{facet} ({scores['n_segments']} segments)  micro P {_fmt(micro['precision'])} R {_fmt(micro['recall'])} "
                     f"F1 {_fmt(micro['f1'])}  macro F1 {_fmt(macro['f1'])}"
                     + (f"  kappa {_fmt(scores.get('kappa'))}" if "kappa" in scores else ""))
        for label, s in scores["per_label"].items():
            lines.append(f"    {label:26s} n={s['support']:3d} pred={s['predicted']:3d}  P {_fmt(s['precision'])} "
                         f"R {_fmt(s['recall'])} F1 {_fmt(s['f1'])} kappa {_fmt(s['kappa'])}")
    if "citations" in result:
        micro = result["citations"]["micro"]
        lines.append(f"citations (first author + year)  P {_fmt(micro['precision'])} R {_fmt(micro['recall'])} "
                     f"F1 {_fmt(micro['f1'])}")
    return "\n".join(lines)


def cli_evaluate(args: argparse.Namespace) -> int:
    """`python -m reviewflow evaluate --gold GOLD.csv --pred PRED.csv`: prints the report for all
    matched segments and for each gold split."""
    gold, pred = read_rows(args.gold), read_rows(args.pred)
    splits = sorted({row.get("split") for row in gold.values() if row.get("split")})
    reports = [evaluate(gold, pred)] + [evaluate(gold, pred, split) for split in splits]
    print("\n\n".join(format_report(r) for r in reports))
    if not reports[0]["n_matched"]:
        print(f"error: no segment_id of {args.pred} is in {args.gold}: were they coded from the same text and doc_id?",
              file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------------------- sentence gold
def _row_codes(row: Mapping[str, Any]) -> set[str]:
    codes: set[str] = set()
    for column in CODE_COLUMNS:
        value = row.get(column) or ""
        codes |= set(value) if isinstance(value, (list, tuple, set, frozenset)) else _split(str(value))
    return codes


def _row_is_recommendation(row: Mapping[str, Any]) -> bool:
    value = row.get("is_recommendation")
    return value if isinstance(value, bool) else _true(str(value))


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def counts_scores(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def score_sentence_gold(gold: Sequence[GoldRow], pred: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Recommendation P/R and code micro-P/R/F1 of coded rows against a sentence gold.

    Scoring follows the gold's README: explicit and described rows are recommendations, none rows are
    not, skip and heading rows are left out of that measure; codes are scored on every row but
    headings, with true positives predicted ∩ required, false negatives required − predicted and false
    positives predicted − (required ∪ optional). A row covered by several segments takes the union of
    their codes and is a recommendation when any of them is; a row no segment covers is predicted
    empty.
    """
    alignment = align(gold, [str(row.get("sentence") or "") for row in pred])
    rec = {"tp": 0, "fp": 0, "fn": 0}
    codes = {"tp": 0, "fp": 0, "fn": 0}
    per_code: dict[str, dict[str, int]] = {}
    misses: list[dict[str, Any]] = []
    for row, covering in zip(gold, alignment.segments_of_row, strict=True):
        predicted_rec = any(_row_is_recommendation(pred[i]) for i in covering)
        predicted_codes = set().union(*(_row_codes(pred[i]) for i in covering)) if covering else set()
        if row.kind in SCORED_KINDS:
            if row.is_recommendation and predicted_rec:
                rec["tp"] += 1
            elif row.is_recommendation:
                rec["fn"] += 1
                misses.append({"idx": row.idx, "error": "missed_recommendation", "sentence": row.sentence})
            elif predicted_rec:
                rec["fp"] += 1
                misses.append({"idx": row.idx, "error": "false_recommendation", "sentence": row.sentence})
        if row.kind == "heading":
            continue
        outcomes = (("tp", predicted_codes & row.required), ("fn", row.required - predicted_codes),
                    ("fp", predicted_codes - row.required - row.optional))
        for outcome, found in outcomes:
            codes[outcome] += len(found)
            for code in found:
                per_code.setdefault(code, {"tp": 0, "fp": 0, "fn": 0})[outcome] += 1
    return {
        "n_rows": len(gold), "n_segments": len(pred), "unplaced_segments": len(alignment.unplaced_segments),
        "uncovered_rows": sum(1 for c in alignment.segments_of_row if not c),
        "recommendation": counts_scores(**rec), "codes": counts_scores(**codes),
        "per_code": {code: counts_scores(**c) for code, c in sorted(per_code.items())},
        "errors": misses,
    }


def pool_scores(results: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Pooled (micro) figures over several texts' ``score_sentence_gold`` results."""
    results = list(results)
    pooled: dict[str, Any] = {}
    for facet in ("recommendation", "codes"):
        pooled[facet] = counts_scores(*(sum(r[facet][k] for r in results) for k in ("tp", "fp", "fn")))
    return pooled


def format_sentence_report(name: str, result: Mapping[str, Any]) -> str:
    rec, codes = result["recommendation"], result["codes"]
    lines = [f"== {name}: {result.get('n_rows', '-')} gold rows, {result.get('n_segments', '-')} segments"
             + (f", {result['uncovered_rows']} row(s) no segment covers" if result.get("uncovered_rows") else ""),
             f"recommendation  P {_fmt(rec['precision'])}  R {_fmt(rec['recall'])}  F1 {_fmt(rec['f1'])}  "
             f"(tp {rec['tp']}, fp {rec['fp']}, fn {rec['fn']})",
             f"codes (areas + practices, micro)  P {_fmt(codes['precision'])}  R {_fmt(codes['recall'])}  "
             f"F1 {_fmt(codes['f1'])}  (tp {codes['tp']}, fp {codes['fp']}, fn {codes['fn']})"]
    for code, s in (result.get("per_code") or {}).items():
        lines.append(f"    {code:26s} tp {s['tp']:3d} fp {s['fp']:3d} fn {s['fn']:3d}  P {_fmt(s['precision'])} "
                     f"R {_fmt(s['recall'])} F1 {_fmt(s['f1'])}")
    return "\n".join(lines)
