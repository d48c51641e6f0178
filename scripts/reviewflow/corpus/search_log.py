"""The search log (corpus/search_log.yaml): read, validate and check its PRISMA 2020 arithmetic.

Kept apart from the diagram (reviewflow.living.prisma, which imports matplotlib) so that the workflow checks
the log before any job starts, where it checks the manifest, and `corpus validate` does too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from reviewflow.errors import ReviewflowError
from reviewflow.fileio import read_yaml
from reviewflow.paths import schema_path

SOURCE_GROUPS = ("databases_and_registers", "other_methods")

# PRISMA 2020's subtractions, as (column, whole, part, rest): whole - part = rest, for the counts of
# screening/<column>. Identification minus records removed = screened is checked on its own (its
# terms are sums over the sources and the removal reasons).
FLOW: tuple[tuple[str, str, str, str], ...] = (
    ("databases_and_registers", "screened", "excluded", "sought"),
    ("databases_and_registers", "sought", "not_retrieved", "assessed"),
    ("other_methods", "sought", "not_retrieved", "assessed"),
)


def load_search_log(path: str | Path) -> dict[str, Any]:
    """Read and validate the search log; raise ReviewflowError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise ReviewflowError(
            f"{path}: search log not found. Fix: create it (see corpus/search_log.yaml of the default corpus)."
        )
    try:
        log = read_yaml(path)
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise ReviewflowError(
            f"{path}: the search log is not readable YAML ({error}). Fix: correct it (UTF-8 text, "
            "indentation as in the default corpus's corpus/search_log.yaml)."
        ) from None
    validator = jsonschema.Draft202012Validator(read_yaml(schema_path("search_log")))
    problems = [
        f"{path}: field '{'/'.join(str(p) for p in error.absolute_path) or '(top level)'}': {error.message}. "
        f"Fix: see {schema_path('search_log')}."
        for error in sorted(validator.iter_errors(log), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if not problems:
        problems = [f"{path}: {problem}" for problem in count_problems(log)]
    if problems:
        raise ReviewflowError("\n".join(problems))
    return log


def sum_known(*values: int | None) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _subtraction_problem(
    field: str, whole: tuple[str, int | None], part: tuple[str, int | None], rest: int | None
) -> str:
    """The problem with whole - part = rest (unknown counts are never checked), or ""."""
    (whole_name, whole_n), (part_name, part_n) = whole, part
    if whole_n is None or part_n is None:
        return ""
    if part_n > whole_n:
        return (
            f"field '{field}': {part_name} ({part_n}) is more than {whole_name} ({whole_n}). Fix: correct one of them."
        )
    if rest is not None and whole_n - part_n != rest:
        return (
            f"field '{field}': {rest} is not {whole_name} ({whole_n}) - {part_name} ({part_n}) = "
            f"{whole_n - part_n}. Fix: correct one of them (PRISMA 2020: each box is the one above it "
            "minus the records or reports it sets aside)."
        )
    return ""


def flow_problems(log: Mapping[str, Any]) -> list[str]:
    """PRISMA 2020 arithmetic of a schema-valid log: identified - removed = screened, screened -
    excluded = sought, sought - not retrieved = assessed, and no more reports excluded than assessed."""
    screening = log["screening"]
    databases = screening["databases_and_registers"]
    removed = log["removed_before_screening"]
    identified = sum_known(*(s["identified"] for s in log["identification"]["databases_and_registers"]))
    removed_n = sum_known(*(removed.get(key) for key in ("duplicates", "automation", "other")))
    problems = [
        _subtraction_problem(
            "screening/databases_and_registers/screened",
            ("records identified from databases and registers", identified),
            ("records removed before screening", removed_n),
            databases.get("screened"),
        )
    ]
    for column, whole, part, rest in FLOW:
        counts = screening[column]
        problems.append(
            _subtraction_problem(
                f"screening/{column}/{rest}", (whole, counts.get(whole)), (part, counts.get(part)), counts.get(rest)
            )
        )
    for column in SOURCE_GROUPS:
        counts = screening[column]
        reasons = counts.get("excluded_with_reasons") or []
        problems.append(
            _subtraction_problem(
                f"screening/{column}/excluded_with_reasons",
                ("assessed", counts.get("assessed")),
                ("the reports excluded with reasons", sum_known(*(r["n"] for r in reasons)) if reasons else None),
                None,
            )
        )
    return [problem for problem in problems if problem]


def count_problems(log: dict[str, Any]) -> list[str]:
    """Counts of a schema-valid log that contradict each other (unknown counts are never checked)."""
    problems = flow_problems(log)
    ids = set(source_ids(log))
    included = log["included"]
    for source_id in included["by_source"]:
        if source_id not in ids:
            problems.append(
                f"field 'included/by_source/{source_id}': no identification source has this id. "
                f"Fix: use one of {sorted(ids)}."
            )
    counts = list(included["by_source"].values())
    total = included["total"]
    if total is not None and None not in counts and sum(counts) != total:
        problems.append(
            f"field 'included/total': {total} is not the sum of by_source ({sum(counts)}). Fix: correct one of them."
        )
    missing, in_review = included.get("not_in_corpus") or 0, grand_total(log)
    if in_review is not None and missing > in_review:
        problems.append(
            f"field 'included/not_in_corpus': {missing} is more than the {in_review} documents the review "
            "included. Fix: correct one of them."
        )
    previous = log.get("previous_review")
    # every included study is described by at least one report
    pairs = [("included/reports", included.get("reports"), "included/total", total)]
    if previous:
        pairs.append(
            (
                "previous_review/reports_included",
                previous.get("reports_included"),
                "previous_review/studies_included",
                previous["studies_included"],
            )
        )
    for reports_field, reports, studies_field, studies in pairs:
        if reports is not None and studies is not None and reports < studies:
            problems.append(
                f"field '{reports_field}': {reports} reports for {studies} studies ('{studies_field}'); "
                "every included study has at least one report. Fix: correct one of them."
            )
    stated = included.get("total_with_previous")
    if stated is not None and not previous:
        problems.append(
            "field 'included/total_with_previous' is for an updated review, but 'previous_review' is null. "
            "Fix: fill previous_review (studies_included, reports_included) or remove total_with_previous."
        )
    elif stated is not None and previous:
        computed = grand_total(log)
        if computed is not None and computed != stated:
            problems.append(
                f"field 'included/total_with_previous': {stated} is not previous_review/studies_included "
                f"({previous['studies_included']}) + included/total ({total}) = {computed}. Fix: correct one of "
                "them; in an updated review included/total and by_source count only the studies new in this update."
            )
    return problems


def sources(log: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The identification sources of a log, databases and registers first, in the log's order."""
    identification = log.get("identification") or {}
    return [s for group in SOURCE_GROUPS for s in identification.get(group) or [] if isinstance(s, Mapping)]


def source_ids(log: Mapping[str, Any]) -> list[str]:
    """The ids of the log's identification sources (what the manifest's search_strategy may name)."""
    return [str(s["id"]) for s in sources(log) if s.get("id")]


def source_labels(log: Mapping[str, Any]) -> dict[str, str]:
    """id -> the short label where the diagram lists included documents by source (the id when unlabelled).

    The sources are the review's own (trial registers, resource libraries, ...), so their names come
    from the log, not from a list in the code."""
    return {str(s["id"]): str(s.get("label") or s["id"]) for s in sources(log) if s.get("id")}


def grand_total(log: Mapping[str, Any]) -> int | None:
    """Studies in the review in all: previous version's + this search's (None: not reported)."""
    previous = log.get("previous_review")
    total = log["included"]["total"]
    return sum_known(previous["studies_included"], total) if previous else total


def added_after_search(log: Mapping[str, Any], documents: Sequence[Mapping[str, str]]) -> list[Mapping[str, str]]:
    """Manifest rows beyond what the search log counts: documents added after the search it records.

    The log counts the review's included documents (``grand_total``), of which ``included/not_in_corpus``
    are not in the corpus (an unknown 20th document): a corpus holding more than the difference has
    gained documents since, and ``corpus add`` appends them, so they are the manifest's last rows. Without
    this, a new paper would be taken for the review's missing document. Unknown totals: none."""
    total = grand_total(log)
    if total is None:
        return []
    expected = total - (log["included"].get("not_in_corpus") or 0)
    extra = len(documents) - expected
    return list(documents[-extra:]) if extra > 0 else []
