"""The review's synthesis as tidy data: which documents support which need, service area and practice in
which phase (Table 1 and the tables around it).

Everything here is computed from `results/coding.csv`, the per-document forms, the ingest report, the
manifest and the codebook; rendering lives in `reviewflow.synthesis.tables`, drawing in `reviewflow.synthesis.figures`.

Rules, in one place:
- A segment counts when its decision is not `reject`, its document's ingestion did not fail, and it is a
  recommendation (or any coded segment when `include_mentions` is on).
- A segment coded with a need supports that need and the need's service area or practice in the
  segment's phase, or in the need's default phase when the segment has none. A segment coded with an
  area or practice but none of its needs supports that code in the segment's phase, which may be empty:
  such support counts only in the "any phase" column.
- `do_not` recommendations are cautions, reported beside the support, never mixed into it.
- A document rests on primary data when its form's evidence-basis value says so: a listed method that
  codebook.evidence_basis marks `basis: primary`, or the word "primary" (see `rests_on_primary_data`).
  The fields are found by their role (`source: evidence_basis` / `source: evidence_category` in the
  extraction form), not by their id, so a form may call them what it likes (see `EvidenceFields`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from reviewflow.corpus.manifest import Document
from reviewflow.errors import ReviewflowError
from reviewflow.fileio import read_csv_rows, read_json
from reviewflow.safety import restore_formula_text

if TYPE_CHECKING:
    from reviewflow.form import Code, Codebook, Form

ANY_PHASE = "any_phase"
ANY_PHASE_LABEL = "Any phase"
ROLE_SUPPORT = "support"
ROLE_CAUTION = "caution"
ROLES = (ROLE_SUPPORT, ROLE_CAUTION)
POLARITY_DO, POLARITY_DO_NOT, POLARITY_MENTION = "do", "do_not", "mention"

BASIS_PRIMARY, BASIS_OTHER, BASIS_UNKNOWN = "primary", "other", "unknown"

CODING_COLUMNS = (
    "doc_id",
    "segment_id",
    "page",
    "is_recommendation",
    "polarity",
    "service_areas",
    "practices",
    "needs",
    "phase",
    "decision",
    "sentence",
    "phase_source",
    "decided_by",
    "confidence",
    "evidence",
    "reviewer",
    "codes_source",
)
# What decided a segment, carried from coding.csv into support.csv: the coder's rules and scorer
# (decided_by, confidence, evidence) and the reviewer decision combine applied (decision, reviewer,
# codes_source).
DECISION_COLUMNS = ("decided_by", "confidence", "evidence", "decision", "reviewer", "codes_source")
# The columns of a coded segment that its support rows carry.
SEGMENT_COLUMNS = ("segment_id", "page", "sentence", "phase_source", *DECISION_COLUMNS)
# support.csv, in this order (docs/data-contracts.md): one row per cell key and segment.
SUPPORT_COLUMNS = (
    "doc_id",
    "citation",
    "code",
    "code_kind",
    "code_label",
    "phase",
    "phase_label",
    "need",
    "need_label",
    "polarity",
    "role",
    "segment_id",
    "page",
    "quote",
    "phase_source",
    *DECISION_COLUMNS,
)
PHASE_NEED_DEFAULT = "need_default"  # phase_source of a segment counted in its need's default phase
EXCLUDED_COLUMNS = ("doc_id", "citation", "status", "message")
CELL_COLUMNS = (
    "code",
    "code_label",
    "code_kind",
    "phase",
    "phase_label",
    "role",
    "n_documents",
    "n_primary",
    "citations",
    "doc_ids",
)
NEED_COLUMNS = (
    "phase",
    "phase_label",
    "need",
    "need_label",
    "code",
    "default_phase",
    "role",
    "n_documents",
    "n_primary",
    "citations",
    "doc_ids",
)
EVIDENCE_COLUMNS = (
    "level",
    "id",
    "label",
    "code",
    "n_documents",
    "n_primary",
    "n_unknown",
    "share_primary",
    "primary_doc_ids",
    "doc_ids",
)


def item_label(codebook: Codebook, item_id: str) -> str:
    """The label of a phase, area, practice or need id (the id itself when unknown); the synthesis'
    own ANY_PHASE column, which no codebook id may take, reads ANY_PHASE_LABEL."""
    if item_id == ANY_PHASE and codebook.kind_of(item_id) is None:
        return ANY_PHASE_LABEL
    return codebook.label(item_id)


# --- inputs -----------------------------------------------------------------------------------------


def read_csv_strings(path: str | Path, required: Sequence[str], what: str) -> pd.DataFrame:
    """A CSV with every cell as a string (empty, never NaN); names the missing columns if any."""
    path = Path(path)
    if not path.is_file():
        raise ReviewflowError(f"{path}: {what} not found. Fix: run the stage that writes it first.")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in frame.columns:  # undo the formula neutralization of our own CSV results
        quoted = frame[column].str.startswith("'")
        if quoted.any():
            frame.loc[quoted, column] = frame.loc[quoted, column].map(restore_formula_text)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ReviewflowError(
            f"{path}: {what} lacks the column(s) {', '.join(missing)}. Fix: regenerate it with "
            "the current pipeline (see docs/data-contracts.md)."
        )
    return frame


def string_rows(frame: pd.DataFrame) -> Iterator[Any]:
    """The frame's rows as named tuples of its columns (of str, from read_csv_strings); pandas does not
    type a named tuple's fields."""
    return frame.itertuples(index=False)


def read_coding(path: str | Path) -> pd.DataFrame:
    return read_csv_strings(path, CODING_COLUMNS, "the combined coding table")


def read_ingest_report(path: str | Path) -> pd.DataFrame:
    return read_csv_strings(path, ("doc_id", "status", "message"), "the ingest report")


def excluded_documents(ingest_report: pd.DataFrame, citations: Mapping[str, str]) -> pd.DataFrame:
    """Documents whose ingestion failed, with their citation and the ingest message, by doc_id."""
    failed = ingest_report[ingest_report["status"].str.strip().str.casefold() == "error"]
    rows = [
        {
            "doc_id": r.doc_id,
            "citation": citations.get(r.doc_id, r.doc_id),
            "status": r.status.strip(),
            "message": r.message,
        }
        for r in string_rows(failed.sort_values("doc_id"))
    ]
    return pd.DataFrame(rows, columns=list(EXCLUDED_COLUMNS))


# excluded_documents.csv's status of a document a reviewer took out (an ingestion failure keeps its own).
STATUS_EXCLUDED_BY_REVIEWER = "excluded_by_reviewer"
ROLE_INCLUSION = "inclusion"  # the form field role whose false leaves a document out (form.schema.yaml)


def inclusion_fields(form: Form) -> tuple[str, ...]:
    """The ids of the form's manual fields with ``role: inclusion``."""
    return tuple(f.id for f in form.fields if f.role == ROLE_INCLUSION)


def reviewer_exclusions(
    forms_rows: Iterable[Mapping[str, str]], field_ids: Iterable[str], citations: Mapping[str, str]
) -> pd.DataFrame:
    """Documents a reviewer took out of the synthesis: an inclusion field of results/forms.csv filled
    false (a conflict there leaves the field empty, so the document stays until it is settled), with
    the reviewer and their note as the reason, by doc_id."""
    ids = set(field_ids)
    rows: dict[str, dict[str, str]] = {}
    for row in forms_rows:
        if row.get("field") in ids and row.get("status") == "filled" and row.get("value") == "false":
            note = (row.get("note") or "").strip()
            reason = f": {note}" if note else " (no reason given: write it in the note column)"
            rows.setdefault(
                row["doc_id"],
                {
                    "doc_id": row["doc_id"],
                    "citation": citations.get(row["doc_id"], row["doc_id"]),
                    "status": STATUS_EXCLUDED_BY_REVIEWER,
                    "message": f"{row.get('reviewer') or 'a reviewer'} set {row['field']} to false{reason}",
                },
            )
    return pd.DataFrame([rows[d] for d in sorted(rows)], columns=list(EXCLUDED_COLUMNS))


_PRIMARY = re.compile(r"\bprimary\b")
_NEGATED_PRIMARY = re.compile(r"\b(no|not|non)\s+primary\b")


def rests_on_primary_data(
    value: Any, primary_methods: Iterable[str] = (), secondary_methods: Iterable[str] = ()
) -> bool | None:
    """Whether a form's `evidence_basis` value says the document rests on primary data.

    The rule: the value, or for a list of methods any one of its items, says primary. An item says
    primary when it is a method id that codebook.evidence_basis marks `basis: primary`
    (`interviews_survivors`), or when it contains the word "primary" (case-insensitive, `_`/`-` read as
    spaces, not negated as "no/not/non primary"). Items that are secondary method ids or other words say
    "not primary". An empty or missing value is unknown (None).
    """
    primary_methods, secondary_methods = set(primary_methods), set(secondary_methods)
    if value is None:
        return None
    if isinstance(value, str):
        if value.strip() in primary_methods:
            return True
        if value.strip() in secondary_methods:
            return False
        text = re.sub(r"[_\-]+", " ", value).casefold().strip()
        if not text:
            return None
        return bool(_PRIMARY.search(text)) and not _NEGATED_PRIMARY.search(text)
    if isinstance(value, (list, tuple)):
        verdicts = [rests_on_primary_data(item, primary_methods, secondary_methods) for item in value]
        known = [v for v in verdicts if v is not None]
        return any(known) if known else None
    return None


# The roles (a form field's `source:`) that carry a document's evidence basis. The filled forms
# (`results/forms/{doc}.json`) key their fields by id, which each review names as it likes.
SOURCE_EVIDENCE_BASIS, SOURCE_EVIDENCE_CATEGORY = "evidence_basis", "evidence_category"


@dataclass(frozen=True)
class EvidenceFields:
    """Ids of the form fields that decide the evidence basis, by role, in the form's order.

    ``basis``: fields with ``source: evidence_basis`` (the methods named; they decide first);
    ``category``: fields with ``source: evidence_category`` (primary / secondary; they decide when
    every basis field is empty). The default is the shipped form's field ids.
    """

    basis: tuple[str, ...] = ("evidence_basis",)
    category: tuple[str, ...] = ("evidence_category",)

    @property
    def ids(self) -> tuple[str, ...]:
        return self.basis + self.category


DEFAULT_EVIDENCE_FIELDS = EvidenceFields()


def evidence_fields(form: Form) -> EvidenceFields:
    """The evidence fields of a loaded extraction form, found by their `source` role."""
    return EvidenceFields(
        basis=tuple(f.id for f in form.fields if f.source == SOURCE_EVIDENCE_BASIS),
        category=tuple(f.id for f in form.fields if f.source == SOURCE_EVIDENCE_CATEGORY),
    )


def _field_value(fields: Any, field_id: str) -> Any:
    entry = fields.get(field_id) if isinstance(fields, dict) else None
    return entry.get("value") if isinstance(entry, dict) else None


def _verdict(
    fields: Any, ids: Sequence[str], primary: Iterable[str] = (), secondary: Iterable[str] = ()
) -> bool | None:
    """Primary when any of the fields says primary; None when every one is empty or missing."""
    verdicts = [rests_on_primary_data(_field_value(fields, field_id), primary, secondary) for field_id in ids]
    known = [v for v in verdicts if v is not None]
    return any(known) if known else None


def evidence_basis(
    form_json_paths: Iterable[str | Path],
    codebook: Codebook | None = None,
    fields: EvidenceFields = DEFAULT_EVIDENCE_FIELDS,
    *,
    form_path: str | Path = "the extraction form",
) -> tuple[dict[str, str], list[str]]:
    """doc_id -> primary / other / unknown, from each `results/forms/{doc}.json`; plus problems found.

    The ``fields.basis`` fields decide (see `rests_on_primary_data`); when they are empty, the
    ``fields.category`` fields (primary / secondary), where present, do. A form without either role
    leaves every document unknown, with one problem saying so (`form_path` names the form in it).
    """
    primary = codebook.method_ids("primary") if codebook else frozenset()
    secondary = codebook.method_ids("secondary") if codebook else frozenset()
    basis: dict[str, str] = {}
    problems: list[str] = []
    if not fields.ids:
        problems.append(
            f"{form_path}: no form field has source: evidence_basis or source: evidence_category, so every "
            "document's evidence basis is unknown (none counts as resting on primary data). Fix: add a "
            "field with `source: evidence_basis` (choices_from: evidence_basis) or `source: "
            "evidence_category` (choices: [primary, secondary]) to form.fields and rerun the code stage."
        )
    stale: list[str] = []
    paths = sorted(Path(p) for p in form_json_paths)
    for path in paths:
        try:
            data = read_json(path)
        except (OSError, ValueError) as error:
            problems.append(
                f"{path}: unreadable ({error}); its evidence basis counts as unknown. "
                "Fix: rerun the code stage for this document."
            )
            basis[path.stem] = BASIS_UNKNOWN
            continue
        doc_id = str(data.get("doc_id") or path.stem) if isinstance(data, dict) else path.stem
        values = data.get("fields", {}) if isinstance(data, dict) else {}
        if fields.ids and not (isinstance(values, dict) and any(f in values for f in fields.ids)):
            stale.append(doc_id)
        verdict = _verdict(values, fields.basis, primary, secondary)
        if verdict is None:
            verdict = _verdict(values, fields.category)
        basis[doc_id] = BASIS_UNKNOWN if verdict is None else (BASIS_PRIMARY if verdict else BASIS_OTHER)
    if stale:
        # Forms filled with an older version of the form, whose evidence fields had other ids.
        shown = ", ".join(stale[:10]) + (", ..." if len(stale) > 10 else "")
        problems.append(
            f"{paths[0].parent}: {len(stale)} filled form(s) ({shown}) have none of the evidence fields "
            f"{', '.join(fields.ids)} that {form_path} declares; their evidence basis counts as unknown. "
            "Fix: rerun the code stage so the filled forms follow the current extraction form."
        )
    return basis, problems


def citation_map(documents: Iterable[Document]) -> dict[str, str]:
    return {d.doc_id: d.citation for d in documents}


def citation_sort_key(citation: str, doc_id: str = "") -> tuple[str, str]:
    """Alphabetical order of APA in-text citations: the citation string casefolded, doc_id breaking ties."""
    return (citation.casefold(), doc_id)


def format_citations(doc_ids: Iterable[str], citations: Mapping[str, str]) -> str:
    """`(Aron et al., 2006; Caliber, 2007)` for the given documents; empty when there are none."""
    names = sort_doc_ids(doc_ids, citations)
    return f"({'; '.join(citations.get(d, d) for d in names)})" if names else ""


def sort_doc_ids(doc_ids: Iterable[str], citations: Mapping[str, str]) -> list[str]:
    return sorted(set(doc_ids), key=lambda d: citation_sort_key(citations.get(d, d), d))


# --- support: the audit trail -----------------------------------------------------------------------


def _split(cell: str) -> list[str]:
    return [part.strip() for part in str(cell).split(";") if part.strip()]


@dataclass
class Problems:
    """Counted problems so a thousand rows with the same unknown id give one line."""

    counts: Counter = field(default_factory=Counter)

    def add(self, message: str) -> None:
        self.counts[message] += 1

    def lines(self, source: str) -> list[str]:
        return [
            f"{source}: {message} ({n} segment{'s' if n != 1 else ''})" for message, n in sorted(self.counts.items())
        ]


def derive_support(
    coding: pd.DataFrame,
    codebook: Codebook,
    *,
    include_mentions: bool = False,
    excluded: Iterable[str] = (),
    source: str = "results/coding.csv",
    citations: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """One row per (doc_id, code, phase, need, polarity) and segment behind it (see module doc), with the
    segment's sentence, the labels of its ids, the document's citation and what decided the segment.

    `phase` is empty for area/practice support without a phase; `need` is empty for support of an area or
    practice without one of its needs; `polarity` is `do`, `do_not` or `mention`. `phase_source` is the
    coded one, or `need_default` when the segment named no phase and counts in its need's default phase.
    Rows are in codebook order per document, the segments of one cell in text order.
    """
    excluded = set(excluded)
    citations = citations or {}
    problems = Problems()
    phase_ids = set(codebook.ids("phases"))
    code_ids = {c.id for c in codebook.code_items}
    needs_by_id = {n.id: n for n in codebook.need_items}
    # A coded phase that is no phase id is looked up among the aliases caseless.
    aliases = {alias.casefold(): phase for alias, phase in codebook.phase_aliases.items()}
    found: dict[tuple[str, str, str, str, str, str], tuple[int, str]] = {}
    segments: list[dict[str, str]] = []

    def add(doc_id: str, code: str, phase: str, need: str, polarity: str, phase_source: str) -> None:
        key = (doc_id, code, phase, need, polarity, segments[-1]["segment_id"])
        found.setdefault(key, (len(segments) - 1, phase_source))

    # Filter column-wise first: most segments of a large corpus are neither recommendations nor kept.
    recommendation = coding["is_recommendation"].astype(str).str.strip().str.casefold().isin({"true", "1", "yes"})
    keep = (coding["decision"].astype(str).str.strip().str.casefold() != "reject") & ~coding["doc_id"].isin(excluded)
    if not include_mentions:
        keep &= recommendation
    kept = coding[keep]
    read = ("doc_id", "polarity", "service_areas", "practices", "needs", "phase", *SEGMENT_COLUMNS)
    columns = [kept[c].astype(str).tolist() for c in read]
    for is_recommendation, doc_id, polarity, areas, practices, needs, phase, *audit in zip(
        recommendation[keep].tolist(), *columns
    ):
        segments.append(dict(zip(SEGMENT_COLUMNS, audit)))
        if is_recommendation:
            polarity = polarity.strip() or POLARITY_DO
            if polarity not in (POLARITY_DO, POLARITY_DO_NOT):
                problems.add(f"unknown polarity '{polarity}' read as 'do'. Fix: use do or do_not")
                polarity = POLARITY_DO
        else:
            polarity = POLARITY_MENTION
        phase = phase.strip()
        phase = aliases.get(phase.casefold(), phase) if phase not in phase_ids else phase
        if phase and phase not in phase_ids:
            problems.add(f"unknown phase '{phase}' ignored. Fix: recode with the current form's codebook")
            phase = ""
        coded_source = segments[-1]["phase_source"] if phase else ""
        covered: set[str] = set()
        for need_id in _split(needs):
            need = needs_by_id.get(need_id)
            if need is None:
                problems.add(f"unknown need '{need_id}' ignored. Fix: recode with the current form's codebook")
                continue
            add(doc_id, need.code, phase or need.phase, need.id, polarity, coded_source or PHASE_NEED_DEFAULT)
            covered.add(need.code)
        for code in [*_split(areas), *_split(practices)]:
            if code not in code_ids:
                problems.add(
                    f"unknown service area or practice '{code}' ignored. Fix: recode with the current form's codebook"
                )
            elif code not in covered:
                add(doc_id, code, phase, "", polarity, coded_source)

    order = _rank(codebook)
    rows = [
        _support_row(key, segments[position], phase_source, codebook, citations)
        for key, (position, phase_source) in sorted(
            found.items(),
            key=lambda kv: (kv[0][0], order(kv[0][1]), order(kv[0][2]), order(kv[0][3]), kv[0][4], kv[1][0]),
        )
    ]
    return pd.DataFrame(rows, columns=list(SUPPORT_COLUMNS)), problems.lines(source)


def _support_row(
    key: tuple[str, str, str, str, str, str],
    segment: Mapping[str, str],
    phase_source: str,
    codebook: Codebook,
    citations: Mapping[str, str],
) -> dict[str, str]:
    """One row of support.csv: the cell's ids with their labels, then the segment and how it was decided."""
    doc_id, code, phase, need, polarity, segment_id = key
    return {
        "doc_id": doc_id,
        "citation": citations.get(doc_id, doc_id),
        "code": code,
        "code_kind": codebook.code_kind(code) or "",
        "code_label": item_label(codebook, code),
        "phase": phase,
        "phase_label": item_label(codebook, phase) if phase else "",
        "need": need,
        "need_label": item_label(codebook, need) if need else "",
        "polarity": polarity,
        "role": ROLE_CAUTION if polarity == POLARITY_DO_NOT else ROLE_SUPPORT,
        "segment_id": segment_id,
        "page": segment["page"].strip(),
        "quote": segment["sentence"],
        "phase_source": phase_source,
        **{column: segment[column] for column in DECISION_COLUMNS},
    }


def _rank(codebook: Codebook):
    """Sort key putting codebook ids in codebook order (empty first, unknown ids last by name)."""
    ids = [item_id for kind in ("phases", "service_areas", "practices", "needs") for item_id in codebook.ids(kind)]
    positions = {item_id: i for i, item_id in enumerate(ids)}

    def key(item_id: str) -> tuple[int, str]:
        if not item_id:
            return (-1, "")
        return (positions.get(item_id, len(positions)), item_id)

    return key


# --- tables as tidy data ----------------------------------------------------------------------------


class SupportIndex:
    """The support rows behind each (role, need or code, phase) combination, built in one pass over the
    support table so that filling a few hundred cells does not rescan it for each cell."""

    KEYS = (("need", "phase"), ("need",), ("code", "phase"), ("code",))

    def __init__(self, support: pd.DataFrame):
        self._rows: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[int]] = {}
        self._doc_ids: list[str] = support["doc_id"].tolist()
        columns = {c: support[c].tolist() for c in ("role", "need", "code", "phase")}
        for i in range(len(self._doc_ids)):
            for key in self.KEYS:
                values = tuple(columns[k][i] for k in key)
                self._rows.setdefault((columns["role"][i], key, values), []).append(i)

    def rows(self, role: str, **match: str) -> list[int]:
        """Positions of the support rows of a cell (in the support table's order)."""
        key = tuple(sorted(match))
        if key not in self.KEYS:
            raise ValueError(f"no index by {key}")
        return list(self._rows.get((role, key, tuple(match[k] for k in key)), ()))

    def documents(self, role: str, **match: str) -> set[str]:
        return {self._doc_ids[i] for i in self.rows(role, **match)}


def _cell(doc_ids: set[str], citations: Mapping[str, str], basis: Mapping[str, str]) -> dict[str, Any]:
    ordered = sort_doc_ids(doc_ids, citations)
    return {
        "n_documents": len(ordered),
        "n_primary": sum(basis.get(d) == BASIS_PRIMARY for d in ordered),
        "citations": format_citations(ordered, citations),
        "doc_ids": ";".join(ordered),
    }


def needs_table(
    support: pd.DataFrame,
    codebook: Codebook,
    citations: Mapping[str, str],
    basis: Mapping[str, str],
    index: SupportIndex | None = None,
) -> pd.DataFrame:
    """Table 1, long: one row per (phase, need, role). Every need appears in its default phase, even with
    no document, so gaps show; it appears in another phase only when some document places it there."""
    index = index or SupportIndex(support)
    rows = []
    for phase in codebook.phase_items:
        for need in codebook.need_items:
            cells = {role: index.documents(role, need=need.id, phase=phase.id) for role in ROLES}
            if need.phase != phase.id and not any(cells.values()):
                continue
            for role in ROLES:
                rows.append(
                    {
                        "phase": phase.id,
                        "phase_label": phase.label,
                        "need": need.id,
                        "need_label": need.label,
                        "code": need.code,
                        "default_phase": need.phase == phase.id,
                        "role": role,
                        **_cell(cells[role], citations, basis),
                    }
                )
    return pd.DataFrame(rows, columns=list(NEED_COLUMNS))


def code_phase_table(
    support: pd.DataFrame,
    codes: Sequence[Code],
    codebook: Codebook,
    citations: Mapping[str, str],
    basis: Mapping[str, str],
    index: SupportIndex | None = None,
) -> pd.DataFrame:
    """Service areas or practices, long: one row per (code, phase or any phase, role)."""
    index = index or SupportIndex(support)
    rows = []
    for code in codes:
        for phase_id in [*codebook.ids("phases"), ANY_PHASE]:
            for role in ROLES:
                match = {"code": code.id} if phase_id == ANY_PHASE else {"code": code.id, "phase": phase_id}
                rows.append(
                    {
                        "code": code.id,
                        "code_label": code.label,
                        "code_kind": code.kind,
                        "phase": phase_id,
                        "phase_label": item_label(codebook, phase_id),
                        "role": role,
                        **_cell(index.documents(role, **match), citations, basis),
                    }
                )
    return pd.DataFrame(rows, columns=list(CELL_COLUMNS))


def evidence_basis_table(
    support: pd.DataFrame,
    codebook: Codebook,
    citations: Mapping[str, str],
    basis: Mapping[str, str],
    index: SupportIndex | None = None,
) -> pd.DataFrame:
    """Per need, service area and practice (any phase): supporting documents and how many rest on primary
    data; unknown counts documents whose form gives no evidence basis."""
    targets = [("need", n.id, n.label, n.code, {"need": n.id}) for n in codebook.need_items]
    targets += [(c.kind, c.id, c.label, c.id, {"code": c.id}) for c in codebook.code_items]
    index = index or SupportIndex(support)
    rows = []
    for level, item_id, label, code, match in targets:
        ordered = sort_doc_ids(index.documents(ROLE_SUPPORT, **match), citations)
        primary = [d for d in ordered if basis.get(d) == BASIS_PRIMARY]
        unknown = [d for d in ordered if basis.get(d, BASIS_UNKNOWN) == BASIS_UNKNOWN]
        rows.append(
            {
                "level": level,
                "id": item_id,
                "label": label,
                "code": code,
                "n_documents": len(ordered),
                "n_primary": len(primary),
                "n_unknown": len(unknown),
                "share_primary": round(len(primary) / len(ordered), 4) if ordered else "",
                "primary_doc_ids": ";".join(primary),
                "doc_ids": ";".join(ordered),
            }
        )
    return pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS))


# --- the whole synthesis ----------------------------------------------------------------------------


@dataclass
class Synthesis:
    codebook: Codebook
    include_mentions: bool
    citations: dict[str, str]
    basis: dict[str, str]
    support: pd.DataFrame
    excluded: pd.DataFrame
    needs: pd.DataFrame
    service_areas: pd.DataFrame
    practices: pd.DataFrame
    evidence: pd.DataFrame
    problems: list[str]
    # The support rows behind each cell (the report's evidence for a cell lists them).
    index: SupportIndex
    # The form fields the evidence basis was read from (the evidence table's note names them).
    evidence_fields: EvidenceFields = field(default_factory=EvidenceFields)


def synthesize(
    coding: pd.DataFrame,
    ingest_report: pd.DataFrame,
    codebook: Codebook,
    documents: Sequence[Document],
    basis: Mapping[str, str],
    *,
    include_mentions: bool = False,
    coding_source: str = "results/coding.csv",
    reviewer_excluded: pd.DataFrame | None = None,
) -> Synthesis:
    """``reviewer_excluded``: documents reviewers took out (``reviewer_exclusions``), left out like
    those whose ingestion failed (a document both keeps its ingestion failure as the reason)."""
    citations = citation_map(documents)
    excluded = excluded_documents(ingest_report, citations)
    if reviewer_excluded is not None and not reviewer_excluded.empty:
        taken_out = reviewer_excluded[~reviewer_excluded["doc_id"].isin(excluded["doc_id"])]
        excluded = pd.concat([excluded, taken_out], ignore_index=True).sort_values("doc_id", ignore_index=True)
    support, problems = derive_support(
        coding,
        codebook,
        include_mentions=include_mentions,
        excluded=set(excluded["doc_id"]),
        source=coding_source,
        citations=citations,
    )
    unknown_docs = sorted(set(support["doc_id"]) - set(citations))
    if unknown_docs:
        problems.append(
            f"{coding_source}: document(s) {', '.join(unknown_docs)} are not in the manifest and are "
            "cited by their doc_id. Fix: add them to corpus/manifest.csv or rerun the pipeline."
        )
    basis = dict(basis)
    index = SupportIndex(support)
    return Synthesis(
        index=index,
        codebook=codebook,
        include_mentions=include_mentions,
        citations=citations,
        basis=basis,
        support=support,
        excluded=excluded,
        needs=needs_table(support, codebook, citations, basis, index),
        service_areas=code_phase_table(support, codebook.service_area_items, codebook, citations, basis, index),
        practices=code_phase_table(support, codebook.practice_items, codebook, citations, basis, index),
        evidence=evidence_basis_table(support, codebook, citations, basis, index),
        problems=problems,
    )


def synthesize_files(
    *,
    coding_csv: str | Path,
    ingest_report_csv: str | Path,
    form_json_paths: Iterable[str | Path],
    form_path: str | Path,
    manifest_path: str | Path,
    corpus_dir: str | Path | None = None,
    include_mentions: bool = False,
    forms_table_csv: str | Path | None = None,
) -> Synthesis:
    """The synthesis of the files a run produced (the rule's inputs); ``forms_table_csv``
    (results/forms.csv) carries the reviewers' inclusion decisions."""
    from reviewflow.corpus.manifest import ManifestError, load_manifest

    try:
        documents = load_manifest(manifest_path, corpus_dir)
    except ManifestError as error:
        raise ReviewflowError(str(error)) from error
    from reviewflow.form import load_form

    form = load_form(form_path)
    codebook = form.codebook
    fields = evidence_fields(form)
    basis, basis_problems = evidence_basis(form_json_paths, codebook, fields, form_path=form_path)
    forms_rows = read_csv_rows(forms_table_csv) if forms_table_csv else []
    result = synthesize(
        read_coding(coding_csv),
        read_ingest_report(ingest_report_csv),
        codebook,
        documents,
        basis,
        include_mentions=include_mentions,
        coding_source=str(coding_csv),
        reviewer_excluded=reviewer_exclusions(forms_rows, inclusion_fields(form), citation_map(documents)),
    )
    result.problems = basis_problems + result.problems
    result.evidence_fields = fields
    return result


# --- checking the synthesis against the review ------------------------------------------------------

# How attributions.csv words a prohibition: "never coerce ...", "... (a do-not recommendation)".
_PROHIBITION = re.compile(r"\bnever\b|\bdo-not recommendation\b", re.IGNORECASE)


def attribution_agreement(
    support_df: pd.DataFrame, attributions_csv: str | Path, cautions_only: bool = False
) -> dict[str, Any]:
    """Agreement of (document, service area or practice) pairs between the support table and the review's
    attributions (`document,category,phase,recommendation`; rows without a category are skipped).

    Every support row counts, whatever its role, because the review attributes cautions to areas too.
    With ``cautions_only``, only the attributions the review states as prohibitions (their wording says
    "never" or "a do-not recommendation") are compared with the caution rows.
    """
    attributions = read_csv_strings(
        attributions_csv, ("document", "category", "recommendation"), "the attributions table"
    )
    expected = {
        (r.document.strip(), r.category.strip())
        for r in string_rows(attributions)
        if r.category.strip() and (not cautions_only or _PROHIBITION.search(r.recommendation))
    }
    rows = support_df[support_df["role"] == ROLE_CAUTION] if cautions_only else support_df
    found = {(str(d), str(c)) for d, c in zip(rows["doc_id"], rows["code"]) if c}
    hits = expected & found
    return {
        "precision": len(hits) / len(found) if found else 0.0,
        "recall": len(hits) / len(expected) if expected else 0.0,
        "missing": sorted(expected - found),
        "extra": sorted(found - expected),
    }
