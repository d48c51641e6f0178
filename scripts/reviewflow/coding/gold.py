"""Sentence-level gold (the format of `../shared/texts/gold/README.md`) and its alignment to segments.

A gold file has one row per sentence, heading, list item or attribution line of a text, in order:
``idx,kind,required,optional,sentence`` (an optional ``phase`` column is read where present). The
coder segments the text its own way, so rows and segments are aligned by position in the text's
letters only (a–z, lower-cased): whitespace, punctuation and the coder's segmentation never break the
alignment.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewflow.errors import ReviewflowError

GOLD_COLUMNS: tuple[str, ...] = ("idx", "kind", "required", "optional", "sentence")
RECOMMENDATION_KINDS = frozenset({"explicit", "described"})
SCORED_KINDS = frozenset({"explicit", "described", "none"})  # skip and heading rows are not scored
GOLD_KINDS = frozenset({*SCORED_KINDS, "skip", "heading"})
_NOT_LETTER = re.compile(r"[^a-z]+")


def letters(text: str) -> str:
    return _NOT_LETTER.sub("", text.lower())


@dataclass(frozen=True)
class GoldRow:
    idx: int
    kind: str
    required: frozenset[str]
    optional: frozenset[str]
    sentence: str
    phase: str = ""  # only where the gold codes the phase the text names (the HHS segment gold); "" = not coded

    @property
    def is_recommendation(self) -> bool:
        return self.kind in RECOMMENDATION_KINDS


def _codes(cell: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (cell or "").split(";") if part.strip())


def is_sentence_gold(path: str | Path) -> bool:
    """True when the file's header is the sentence-gold header (not a segment_id-keyed gold).

    A missing file is not one, so the caller's reader reports it with its own message and fix.
    """
    if not Path(path).is_file():
        return False
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    return tuple(h.strip() for h in header[: len(GOLD_COLUMNS)]) == GOLD_COLUMNS


def read_sentence_gold(path: str | Path) -> list[GoldRow]:
    path = Path(path)
    if not path.is_file():
        raise ReviewflowError(
            f"{path}: file not found. Fix: give the path of a sentence-gold CSV ({','.join(GOLD_COLUMNS)})."
        )
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in GOLD_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ReviewflowError(
                f"{path}: missing column(s) {', '.join(missing)}. "
                f"Fix: a sentence gold has the header {','.join(GOLD_COLUMNS)}."
            )
        rows: list[GoldRow] = []
        for line, raw in enumerate(reader, start=2):
            kind = (raw.get("kind") or "").strip()
            if kind not in GOLD_KINDS:
                raise ReviewflowError(
                    f"{path}, line {line}: kind '{kind}' is not one of {', '.join(sorted(GOLD_KINDS))}. "
                    "Fix: correct the kind column."
                )
            try:
                idx = int(raw.get("idx") or line - 2)
            except ValueError:
                raise ReviewflowError(
                    f"{path}, line {line}: idx '{raw.get('idx')}' is not a number. Fix: number the rows 0, 1, 2, ..."
                ) from None
            rows.append(
                GoldRow(
                    idx,
                    kind,
                    _codes(raw.get("required")),
                    _codes(raw.get("optional")),
                    raw.get("sentence") or "",
                    (raw.get("phase") or "").strip(),
                )
            )
    return rows


@dataclass(frozen=True)
class Alignment:
    """For each gold row, the indices of the segments that cover it; segments found nowhere."""

    segments_of_row: list[list[int]]
    row_of_segment: list[int | None]
    unplaced_segments: list[int]


def align(gold: Sequence[GoldRow], segment_texts: Sequence[str]) -> Alignment:
    """Place segments (in text order) in the gold's letter stream and match them to rows by overlap.

    A segment covers a row when they share at least half of the shorter one's letters. A segment
    whose letters are not in the gold (text outside the gold's span, such as front matter) is
    unplaced; the search goes on from where the last placed segment ended.
    """
    stream = "".join(letters(row.sentence) for row in gold)
    row_starts: list[int] = []
    position = 0
    for row in gold:
        row_starts.append(position)
        position += len(letters(row.sentence))
    row_ends = [*row_starts[1:], position]
    segments_of_row: list[list[int]] = [[] for _ in gold]
    row_of_segment: list[int | None] = []
    unplaced: list[int] = []
    cursor = 0
    for index, text in enumerate(segment_texts):
        key = letters(text)
        found = stream.find(key, cursor) if key else -1
        if found < 0:
            row_of_segment.append(None)
            if key:
                unplaced.append(index)
            continue
        start, end = found, found + len(key)
        cursor = end
        best, best_overlap = None, 0
        first = max(bisect.bisect_right(row_starts, start) - 1, 0)
        for number in range(first, len(gold)):
            if row_starts[number] >= end:
                break
            overlap = min(end, row_ends[number]) - max(start, row_starts[number])
            shorter = min(end - start, row_ends[number] - row_starts[number])
            if overlap > 0 and 2 * overlap >= shorter:
                segments_of_row[number].append(index)
            if overlap > best_overlap:
                best, best_overlap = number, overlap
        row_of_segment.append(best)
    return Alignment(segments_of_row, row_of_segment, unplaced)


def gold_labels_for_segments(gold: Sequence[GoldRow], segment_texts: Sequence[str]) -> list[GoldRow | None]:
    """The gold row each segment overlaps most (None where it lies outside the gold)."""
    alignment = align(gold, segment_texts)
    return [gold[row] if row is not None else None for row in alignment.row_of_segment]


def rows_from_segment_gold(gold: Mapping[str, Mapping[str, str]], text: str) -> list[GoldRow]:
    """A segment_id-keyed gold (tests/gold/) as sentence-gold rows, cut from the ingested text."""
    ordered = sorted(gold.values(), key=lambda row: int(row["char_start"]))
    rows: list[GoldRow] = []
    for idx, row in enumerate(ordered):
        if row.get("segment_kind") == "heading":
            kind = "heading"
        else:
            kind = {"explicit": "explicit", "described_practice": "described", "skip": "skip"}.get(
                row.get("recommendation_kind", ""), "none"
            )
        codes = _codes(row.get("service_areas")) | _codes(row.get("practices"))
        rows.append(
            GoldRow(
                idx,
                kind,
                codes if kind != "heading" else frozenset(),
                frozenset(),
                text[int(row["char_start"]) : int(row["char_end"])],
                (row.get("phase") or "").strip(),
            )
        )
    return rows
