"""Agreement between the automatic coding and each reviewer, and between reviewers.

For every pair of coders (``auto`` and each reviewer; each two reviewers) and every code, on the
segments both coded: the number of segments, percent agreement and Cohen's kappa
(``sklearn.metrics.cohen_kappa_score``). The codes compared are ``is_recommendation``, each service
area, practice and need as a yes/no code (``area:<id>``, ``practice:<id>``, ``need:<id>``; the needs
are the rows of Table 1, so a reviewer's effect on each row is visible), and ``phase`` and
``polarity`` (do / do_not) as one category each (empty is its own category, ``none``).

A reviewer's coding of a segment follows from their decision (``reviewflow.review.sheets.Decision.coding``):
accept = the automatic coding; reject = not a recommendation, no codes; edit = a recommendation
with the override codes. Kappa is left empty where it is undefined: when both coders used one and the
same category on every segment (e.g. neither ever coded ``substance_abuse``); percent agreement is
then 100 and the ``note`` says so.

``conflicts.csv`` lists every segment where reviewers reached different codings, with what differs and
whether an adjudicated sheet settled it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewflow.review.decisions import load_decisions
from reviewflow.review.resolution import describe_decision, resolve_decisions
from reviewflow.review.sheets import Coding, Decision, adjudication_sheet, read_segments

if TYPE_CHECKING:
    from reviewflow.form import Codebook

AUTO = "auto"
AGREEMENT_COLUMNS: tuple[str, ...] = (
    "rater_a",
    "rater_b",
    "code",
    "n_segments",
    "n_agree",
    "percent_agreement",
    "kappa",
    "note",
)
CONFLICT_COLUMNS: tuple[str, ...] = (
    "segment_id",
    "doc_id",
    "page",
    "sentence",
    "reviewers",
    "decisions",
    "differs_in",
    "status",
)
# conflicts.csv's status of a conflict an adjudicated sheet decided (the report counts them apart)
SETTLED = "settled by adjudication"
NO_DECISIONS = "no reviewer decisions yet: agreement.csv and conflicts.csv hold only their header"


@dataclass(frozen=True)
class CodeSpec:
    name: str
    value: Callable[[Coding], Any]


def _has(code: str, codes: Callable[[Coding], Collection[str]]) -> Callable[[Coding], bool]:
    """Whether a coding's ``codes`` hold ``code`` (bound now, not when the loop that builds it has moved on)."""
    return lambda c: code in codes(c)


def code_specs(codebook: Codebook) -> list[CodeSpec]:
    specs = [CodeSpec("is_recommendation", lambda c: c.is_recommendation)]
    for area in codebook.ids("service_areas"):
        specs.append(CodeSpec(f"area:{area}", _has(area, lambda c: c.service_areas)))
    for practice in codebook.ids("practices"):
        specs.append(CodeSpec(f"practice:{practice}", _has(practice, lambda c: c.practices)))
    for need in codebook.ids("needs"):
        specs.append(CodeSpec(f"need:{need}", _has(need, lambda c: c.needs)))
    specs.append(CodeSpec("phase", lambda c: c.phase or "none"))
    specs.append(CodeSpec("polarity", lambda c: c.polarity or "none"))
    return specs


def pair_agreement(labels_a: Sequence[Any], labels_b: Sequence[Any]) -> tuple[int, float, float | None]:
    """(agreeing segments, percent agreement, Cohen's kappa or None where undefined)."""
    from sklearn.metrics import cohen_kappa_score

    agree = sum(a == b for a, b in zip(labels_a, labels_b))
    percent = 100.0 * agree / len(labels_a)
    if len(set(labels_a) | set(labels_b)) < 2:
        return agree, percent, None
    as_text = [str(v) for v in labels_a], [str(v) for v in labels_b]
    return agree, percent, float(cohen_kappa_score(*as_text))


def rater_codings(
    segments: Mapping[str, Mapping[str, str]], decisions: Sequence[Decision], codebook: Codebook
) -> dict[str, dict[str, Coding]]:
    """segment_id → coding, for ``auto`` (every segment) and each reviewer (the segments they decided)."""
    raters: dict[str, dict[str, Coding]] = {AUTO: {sid: Coding.from_row(row) for sid, row in segments.items()}}
    for decision in decisions:
        raters.setdefault(decision.reviewer, {})[decision.segment_id] = decision.coding(
            raters[AUTO][decision.segment_id], codebook
        )
    return raters


def agreement_rows(raters: Mapping[str, Mapping[str, Coding]], codebook: Codebook) -> list[dict[str, Any]]:
    reviewers = sorted(name for name in raters if name != AUTO)
    pairs = [(AUTO, name) for name in reviewers] + list(combinations(reviewers, 2))
    specs = code_specs(codebook)
    rows = []
    for rater_a, rater_b in pairs:
        shared = sorted(set(raters[rater_a]) & set(raters[rater_b]))
        if not shared:
            continue
        for spec in specs:
            labels_a = [spec.value(raters[rater_a][sid]) for sid in shared]
            labels_b = [spec.value(raters[rater_b][sid]) for sid in shared]
            agree, percent, kappa = pair_agreement(labels_a, labels_b)
            rows.append(
                {
                    "rater_a": rater_a,
                    "rater_b": rater_b,
                    "code": spec.name,
                    "n_segments": len(shared),
                    "n_agree": agree,
                    "percent_agreement": f"{percent:.1f}",
                    "kappa": "" if kappa is None else f"{kappa:.3f}",
                    "note": "kappa undefined: both coders gave every segment the same value" if kappa is None else "",
                }
            )
    return rows


def _differences(a: Coding, b: Coding, specs: Sequence[CodeSpec]) -> list[str]:
    return [spec.name for spec in specs if spec.value(a) != spec.value(b)]


def conflict_rows(
    segments: Mapping[str, Mapping[str, str]],
    decisions: Sequence[Decision],
    codebook: Codebook,
    applied: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """Segments where reviewers (not counting adjudication) reached different codings."""
    by_segment: dict[str, list[Decision]] = defaultdict(list)
    for decision in decisions:
        if not decision.adjudicated:
            by_segment[decision.segment_id].append(decision)
    specs = code_specs(codebook)
    rows = []
    for segment_id, group in sorted(by_segment.items()):
        auto = Coding.from_row(segments[segment_id])
        codings = [d.coding(auto, codebook) for d in group]
        if len(set(codings)) < 2:
            continue
        differs = sorted({name for a, b in combinations(codings, 2) for name in _differences(a, b, specs)})
        adjudicated = applied.get(segment_id)
        settled = adjudicated is not None and any(
            d.adjudicated for d in decisions if d.segment_id == segment_id and d.reviewer in adjudicated.reviewers
        )
        row = segments[segment_id]
        rows.append(
            {
                "segment_id": segment_id,
                "doc_id": row.get("doc_id", ""),
                "page": row.get("page", ""),
                "sentence": row.get("sentence", ""),
                "reviewers": ";".join(d.reviewer for d in group),
                "decisions": " | ".join(describe_decision(d) for d in group),
                "differs_in": ";".join(differs),
                "status": (
                    f"{SETTLED} ({adjudicated.decision})"
                    if settled and adjudicated
                    else f"unresolved: automatic codes kept; decide it in {adjudication_sheet(group[0].source)}"
                ),
            }
        )
    return rows


@dataclass
class Agreement:
    agreement: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    log: list[str]


def agreement(coded_paths: Sequence[str | Path], decision_paths: Sequence[str | Path], codebook: Codebook) -> Agreement:
    segments_list = read_segments(coded_paths)
    segments = {row["segment_id"]: row for row in segments_list}
    decisions, problems = load_decisions(decision_paths, codebook)
    resolution = resolve_decisions(decisions, segments, codebook)
    decided = resolution.latest  # each reviewer's last word on segments that still exist
    log = [f"{row['status']}: {row['message']}" for row in problems]
    log += [f"unmatched: {row['message']}" for row in resolution.report if row["status"] == "unmatched"]
    if not decided:
        return Agreement([], [], [*log, NO_DECISIONS])
    # The adjudicator (an adjudicated.* sheet) decides after the raters and knows their answers: not a
    # rater, so it is left out of the agreement (a reviewer who also adjudicates is rated on their own sheet).
    rated = [d for d in decided if not d.adjudicated]
    raters = rater_codings(segments, rated, codebook)
    rows = agreement_rows(raters, codebook)
    conflicts = conflict_rows(segments, decided, codebook, resolution.applied)
    reviewers = sorted(name for name in raters if name != AUTO)
    settled = sum(1 for row in conflicts if row["status"].startswith(SETTLED))
    adjudicated = len(decided) - len(rated)
    log.insert(
        0,
        f"{len(rated)} decisions by {len(reviewers)} reviewer(s) ({', '.join(reviewers) or 'none'}) "
        f"on {len({d.segment_id for d in rated})} of {len(segments)} segments; {len(conflicts) - settled} "
        f"conflict(s) to resolve, {settled} settled by adjudication; {adjudicated} adjudicated decision(s), "
        "not counted as a rater",
    )
    return Agreement(rows, conflicts, log)


def summary_lines(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per pair for the terminal: n segments, mean percent agreement, kappa on is_recommendation."""
    lines = []
    for (rater_a, rater_b), group in _by_pair(rows).items():
        mean = sum(float(r["percent_agreement"]) for r in group) / len(group)
        rec = next((r for r in group if r["code"] == "is_recommendation"), None)
        kappa = rec["kappa"] if rec and rec["kappa"] else "undefined"
        lines.append(
            f"{rater_a} vs {rater_b}: {group[0]['n_segments']} segments, mean agreement over "
            f"{len(group)} codes {mean:.1f}%, kappa(is_recommendation) {kappa}"
        )
    return lines


def _by_pair(rows: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
    grouped: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in rows:
        grouped.setdefault((row["rater_a"], row["rater_b"]), []).append(row)
    return grouped


def agreement_files(
    *,
    coded: Sequence[str | Path],
    decisions: Sequence[str | Path],
    form: str | Path,
    agreement_out: str | Path,
    conflicts_out: str | Path,
) -> Agreement:
    from reviewflow.fileio import write_csv
    from reviewflow.form import load_form

    result = agreement(coded, decisions, load_form(form).codebook)
    write_csv(agreement_out, result.agreement, AGREEMENT_COLUMNS)
    write_csv(conflicts_out, result.conflicts, CONFLICT_COLUMNS)
    return result


def review_agreement(
    config_path: str | Path | None, results_dir: str | Path | None = None, decisions_dir: str | Path | None = None
) -> tuple[Agreement, Path]:
    """Agreement of a review's finished run (`review agreement`): the config's form, decisions and
    results folders unless ``results_dir``/``decisions_dir`` say otherwise; writes agreement.csv and
    conflicts.csv in RESULTS/review/ and returns the result and that folder."""
    from reviewflow.config import check_results_owner, load_config
    from reviewflow.errors import ReviewflowError
    from reviewflow.review.sheets import decision_files

    config = load_config(config_path)
    results = Path(results_dir) if results_dir else config.results_dir
    decisions = Path(decisions_dir) if decisions_dir else config.decisions_dir
    coded = sorted((results / "coded").glob("*.csv"))
    if not coded:
        raise ReviewflowError(
            f"{results / 'coded'}: no coded documents. Fix: run the workflow first, "
            "or point --results at a finished run."
        )
    # A mistyped folder must not rewrite agreement.csv with "no decisions yet".
    if not decisions.is_dir():
        raise ReviewflowError(
            f"{decisions}: no such folder of reviewer sheets; nothing was written. Fix: give the "
            f"folder that holds the sheets (this review's is {config.values['decisions_dir']})."
        )
    check_results_owner(results, config.values["manifest"])
    out = results / "review"
    result = agreement_files(
        coded=coded,
        decisions=decision_files(decisions),
        form=config.form,
        agreement_out=out / "agreement.csv",
        conflicts_out=out / "conflicts.csv",
    )
    return result, out
