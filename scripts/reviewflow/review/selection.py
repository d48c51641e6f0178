"""Which coded segments `review export` puts in the review sheet, and how many each filter left out.

The filters run in this order, each on what the one before kept:

1. ``--doc``: only the named documents (an unknown doc id is refused before anything is written);
2. headings, unless ``--all-segments``: a heading is a label, not a claim a reviewer decides. A heading
   that the coder or an applied decision calls a recommendation ("Start with assessment") counts in
   the synthesis, so it stays in the sheet to be checked. ``results/coded/{doc}.csv`` holds body
   segments only (front matter and the reference list are never coded), so there is no other section
   to leave out;
3. ``--recommendations-only``: only segments the coder calls a recommendation or an applied decision
   makes one (an edit). A segment the coder calls a recommendation stays even when another reviewer
   rejected it, so that a second reviewer decides it independently;
4. ``--undecided``: only segments the reviewer has not decided yet.

Leaving a segment out of a sheet changes nothing about the decisions already made on it: they live in
the decisions folder, which export never writes. Pure functions; the sheet is ``reviewflow.review.export``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from reviewflow.errors import ReviewflowError, did_you_mean


@dataclass(frozen=True)
class Selection:
    """The export's filters: what a reviewer asked for on the command line."""

    doc_ids: tuple[str, ...] = ()  # empty: every document
    recommendations_only: bool = False
    all_segments: bool = False  # headings too
    undecided_only: bool = False  # needs the reviewer's decisions


# No filter asked for: every document, headings left out (the default of `review export`).
EVERY_SEGMENT = Selection()


@dataclass(frozen=True)
class LeftOut:
    """The segments one filter left out of the sheet, and what they are called in the export's summary."""

    one: str  # "heading (--all-segments puts it back)"
    many: str  # "headings (--all-segments puts them back)"
    segment_ids: tuple[str, ...]

    def summary(self) -> str:
        count = len(self.segment_ids)
        return f"{count} {self.one if count == 1 else self.many}"


def parse_doc_ids(values: Iterable[str]) -> tuple[str, ...]:
    """``--doc a --doc b,c`` → ``("a", "b", "c")``: comma-separated or repeated, case folded, each once."""
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            doc_id = part.strip().lower()
            if doc_id and doc_id not in found:
                found.append(doc_id)
    return tuple(found)


def unknown_doc_problem(wanted: Sequence[str], known: Sequence[str], where: str) -> str | None:
    """One message naming every requested doc id that has no coded document, with the closest known id
    (or None when all are known)."""
    unknown = [doc_id for doc_id in wanted if doc_id not in set(known)]
    if not unknown:
        return None
    named = [f"'{doc_id}'" + did_you_mean(doc_id, known) for doc_id in unknown]
    return (
        f"--doc: no coded document {', '.join(named)} in {where}. Fix: use the doc_id of a document of the "
        "manifest that the workflow has coded (the file names there). Nothing was written."
    )


def check_doc_ids(wanted: Sequence[str], known: Sequence[str], where: str) -> None:
    """Refuse requested doc ids that have no coded document (see ``unknown_doc_problem``)."""
    problem = unknown_doc_problem(wanted, known, where)
    if problem:
        raise ReviewflowError(problem)


def is_recommendation(segment: Mapping[str, str], applied: Mapping[str, bool]) -> bool:
    """The coder calls the segment a recommendation, or an applied decision makes it one."""
    return segment.get("is_recommendation", "") == "true" or applied.get(segment.get("segment_id", ""), False)


def select_segments(
    segments: Sequence[Mapping[str, str]],
    selection: Selection,
    applied: Mapping[str, bool] | None = None,
    decided: Collection[str] = (),
    reviewer: str = "",
) -> tuple[list[Mapping[str, str]], list[LeftOut]]:
    """The segments the sheet keeps (order unchanged) and, for each filter in use, what it left out.

    ``applied`` maps segment_id → whether the decision applied to it makes it a recommendation;
    ``decided`` is the segment ids ``reviewer`` has decided (for ``undecided_only``).
    """
    applied = applied or {}
    who = reviewer or "the reviewer"
    filters: list[tuple[str, str, Callable[[Mapping[str, str]], bool]]] = []
    if selection.doc_ids:
        wanted = set(selection.doc_ids)
        filters.append(
            (
                "segment of other documents (--doc)",
                "segments of other documents (--doc)",
                lambda s: s.get("doc_id", "") in wanted,
            )
        )
    if not selection.all_segments:
        filters.append(
            (
                "heading (--all-segments puts it back)",
                "headings (--all-segments puts them back)",
                lambda s: s.get("segment_kind", "") != "heading" or is_recommendation(s, applied),
            )
        )
    if selection.recommendations_only:
        filters.append(
            (
                "segment that is not a recommendation (--recommendations-only)",
                "segments that are not recommendations (--recommendations-only)",
                lambda s: is_recommendation(s, applied),
            )
        )
    if selection.undecided_only:
        filters.append(
            (
                f"segment {who} decided already (--undecided)",
                f"segments {who} decided already (--undecided)",
                lambda s: s.get("segment_id", "") not in decided,
            )
        )
    kept = list(segments)
    left_out = []
    for one, many, keep in filters:
        left_out.append(LeftOut(one, many, tuple(s.get("segment_id", "") for s in kept if not keep(s))))
        kept = [s for s in kept if keep(s)]
    return kept, left_out


def left_out_summary(left_out: Sequence[LeftOut]) -> str:
    """``Left out: 3 segments of other documents (--doc), 12 headings (...).`` ("" with no filter)."""
    if not left_out:
        return ""
    return "Left out: " + ", ".join(item.summary() for item in left_out) + "."
