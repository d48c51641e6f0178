"""Decision sheets: a reviewer's filled sheet (xlsx or csv) read back from the decisions folder, checked.

``load_decision_sheet`` checks the header against ``reviewflow/data/schemas/decisions.schema.yaml``
and every row against the codebook. A sheet with a wrong header is refused as a whole with one
message; a bad row is refused alone. Nothing here writes to ``corpus/decisions/``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema

from reviewflow.errors import ReviewflowError, did_you_mean
from reviewflow.review.sheets import (
    ADJUDICATION_STEM,
    CODE_KINDS,
    REPORT_COLUMNS,
    Decision,
    Formula,
    columns_problem,
    decisions_schema,
    delimiter_problem,
    formula_message,
    formulas_by_row,
    normalized_name,
    read_table,
    split_ids,
)

if TYPE_CHECKING:
    from reviewflow.form import Codebook

OVERRIDE_COLUMNS: tuple[str, ...] = ("codes_override", "phase_override", "polarity_override")


@functools.lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(decisions_schema())


def header_problem(path: Path, header: Sequence[str]) -> str | None:
    """The problem of a decisions sheet's header, or None when it is usable."""
    delimited = delimiter_problem(str(path), header)
    if delimited:
        return delimited
    schema = decisions_schema()
    return columns_problem(
        str(path),
        header,
        list(schema["properties"]),
        list(schema["required"]),
        "results/review/review_sheet.xlsx (`python -m reviewflow review export`). This sheet is not used until then",
    )


# The cells a decision is made of hold an id, a word, a few code ids or a name: every code of a
# codebook in one codes_override is under 2,000 characters. A cell far longer is no decision (a paste
# gone wrong, columns that slid), and splitting and checking it would take seconds a row for nothing.
DECISION_CELL_LIMIT = 5_000
DECISION_CELLS = ("segment_id", "decision", "codes_override", "phase_override", "polarity_override", "reviewer")


def _oversized_cells(record: Mapping[str, str]) -> list[str]:
    """The problems of a row's decision cells that are too long to be read as decisions."""
    return [
        f"column '{column}' holds {len(record[column]):,} characters (its values are ids, a word or a name, "
        f"under {DECISION_CELL_LIMIT:,}; the cell begins {record[column][:40]!r})"
        for column in DECISION_CELLS
        if len(record.get(column, "")) > DECISION_CELL_LIMIT
    ]


def _row_problems(record: Mapping[str, str], codebook: Codebook) -> list[str]:
    problems = []
    for error in sorted(_validator().iter_errors(dict(record)), key=lambda e: (list(map(str, e.path)), e.message)):
        column = str(error.path[0]) if error.path else "?"
        problems.append(
            f"column '{column}': {record.get(column, '')!r} is not valid "
            f"({decisions_schema()['properties'].get(column, {}).get('description', error.message).strip()})"
        )
    if problems:
        return problems
    decision = record["decision"]
    codes = split_ids(record.get("codes_override", ""))
    phase = record.get("phase_override", "")
    polarity = record.get("polarity_override", "")
    if decision != "edit" and (codes or phase or polarity):
        problems.append(
            f"codes_override/phase_override/polarity_override are filled but decision is '{decision or 'empty'}'; "
            "write 'edit' in decision, or clear the override"
        )
    if decision == "edit" and not codes and not phase and not polarity:
        problems.append(
            "decision is 'edit' but codes_override, phase_override and polarity_override are all empty; "
            "write the codes, the phase or the polarity, or use accept/reject"
        )
    code_ids = [c for kind in CODE_KINDS for c in codebook.ids(kind)]
    unknown = [c for c in codes if c not in code_ids]
    if unknown:
        problems.append(
            f"codes_override has unknown id(s) {', '.join(unknown)}{did_you_mean(unknown[0], code_ids)}; "
            "use service area, practice or need ids of the codebook (see the 'instructions' sheet)"
        )
    if phase and codebook.normalize_phase(phase) is None:
        problems.append(
            f"phase_override '{phase}' is not a phase{did_you_mean(phase, codebook.ids('phases'))}; "
            f"use one of {', '.join(codebook.ids('phases'))}"
        )
    return problems


def _polarity_word(value: str) -> str:
    """A polarity as reviewers write it ("do not", "Do-Not", "don't") as the id it means; anything
    else is kept as written, for the schema check to report."""
    word = normalized_name(value).replace("\u2019", "'")
    return {"dont": "do_not", "don't": "do_not", "donot": "do_not"}.get(word, word)


def load_decision_sheet(path: str | Path, codebook: Codebook) -> tuple[list[Decision], list[dict[str, Any]]]:
    """The valid decisions of one sheet and report rows for everything refused.

    A sheet whose header does not match the schema, or of more than MAX_SHEET_ROWS rows (the row after
    the limit is the last one read), gives no decisions and one ``sheet_error`` row.
    A row with an empty decision (a segment the reviewer did not look at) is skipped silently.
    """
    path = Path(path)
    stem_reviewer = path.stem
    adjudicated = path.stem.lower() == ADJUDICATION_STEM
    formulas: list[Formula] = []
    try:
        header, table, formulas = read_table(path, lambda header: header_problem(path, header))
        problem = None
    except ReviewflowError as error:
        problem = str(error)
    if problem:
        return [], [
            {**dict.fromkeys(REPORT_COLUMNS, ""), "source": str(path), "status": "sheet_error", "message": problem}
        ]
    decisions: list[Decision] = []
    report: list[dict[str, Any]] = []
    known = set(decisions_schema()["properties"])
    formulas_in_row = formulas_by_row(formulas, known)
    for index, values in enumerate(table, start=2):
        if not values:  # a blank line
            continue
        cells = dict(zip(header, values))
        record = {column: cells.get(column, "") for column in known if column in cells}
        record["decision"] = record.get("decision", "").lower()
        record["segment_id"] = record.get("segment_id", "").lower()
        record["phase_override"] = record.get("phase_override", "").lower()
        if "polarity_override" in record:
            record["polarity_override"] = _polarity_word(record["polarity_override"])
        if "codes_override" in record:
            record["codes_override"] = record["codes_override"].lower()
        if not record["decision"] and not any(record.get(c) for c in OVERRIDE_COLUMNS):
            continue
        oversized = _oversized_cells(record)
        phase = codebook.normalize_phase(record["phase_override"]) if record["phase_override"] and not oversized else ""
        decision = Decision(
            segment_id=record["segment_id"],
            decision=record["decision"],
            codes_override=split_ids(record.get("codes_override", "")) if not oversized else (),
            phase_override=phase or record["phase_override"],
            reviewer=record.get("reviewer", "") or stem_reviewer,
            note=record.get("note", ""),
            source=str(path),
            row=index,
            doc_id=cells.get("doc_id", ""),
            adjudicated=adjudicated,
            decided_at=record.get("decided_at", ""),
            polarity_override=record.get("polarity_override", ""),
        )
        if formulas_in_row.get(index):
            report.append(decision.report_row("invalid", formula_message(str(path), index, formulas_in_row[index])))
            continue
        problems = oversized or _row_problems(record, codebook)
        if problems:
            report.append(
                decision.report_row(
                    "invalid",
                    f"{path}: row {index}: "
                    + "; ".join(problems)
                    + ". Fix: correct the row; it is not applied until then.",
                )
            )
            continue
        decisions.append(decision)
    return decisions, report


def load_decisions(paths: Iterable[str | Path], codebook: Codebook) -> tuple[list[Decision], list[dict[str, Any]]]:
    decisions: list[Decision] = []
    report: list[dict[str, Any]] = []
    for path in sorted(Path(p) for p in paths):
        found, problems = load_decision_sheet(path, codebook)
        decisions.extend(found)
        report.extend(problems)
    return decisions, report
