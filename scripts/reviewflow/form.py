"""The standardized extraction form and its codebook, loaded from YAML and validated.

The form is data a researcher edits (`extraction_forms/*.yaml`). ``load_form`` checks it against
``reviewflow/data/schemas/form.schema.yaml`` and then checks what a JSON Schema cannot express: ids unique
across the codebook, every need pointing at an existing code and phase, phase aliases pointing at an
existing phase, token patterns that spaCy's Matcher accepts, fields drawing their choices from the
list the coding fills them from. Every problem becomes one line of the ``FormError`` message, naming
the file, the field path and the fix.

``form.wording`` holds the review's own words for the outputs (column labels, titles); every key is
optional, and what a form leaves out gets the generic default of ``reviewflow.synthesis.outputs``, so another
review is another form, never new code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from reviewflow.errors import ReviewflowError
from reviewflow.fileio import read_yaml
from reviewflow.paths import schema_path
from reviewflow.synthesis.outputs import REPORT_FIGURES, SYNTHESIS_TABLES, fill, table_heading

CODE_LISTS: tuple[str, ...] = ("phases", "service_areas", "practices", "needs")
# The synthesis' own column for support that names no phase (reviewflow.synthesis.evidence.ANY_PHASE); not
# imported, to keep pandas out of loading a form.
RESERVED_PHASE = "any_phase"
# The codebook list an auto field's values come from, by the field's source.
SOURCE_LISTS: dict[str, str] = {
    "coded_needs": "needs",
    "coded_service_areas": "service_areas",
    "coded_practices": "practices",
    "evidence_basis": "evidence_basis",
    "population": "population",
}
PATTERN_LISTS: tuple[str, ...] = ("phases", "service_areas", "practices", "needs", "evidence_basis", "population")


class FormError(ReviewflowError):
    """Raised with every problem of an extraction form, one per line."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    type: str
    mode: str
    source: str = ""
    choices: tuple[str, ...] = ()
    spec: Mapping[str, Any] = field(default_factory=dict)
    role: str = ""  # a manual field's use ("inclusion": false takes the document out of the synthesis)


@dataclass(frozen=True)
class Code:
    """A phase, service area or practice, as the outputs show it."""

    id: str
    label: str
    kind: str  # phase, service_area or practice (support.csv's code_kind, the evidence table's level)


@dataclass(frozen=True)
class Need:
    """A need, the service area or practice it belongs to, and its default phase."""

    id: str
    label: str
    code: str
    phase: str


# The kind of a code list's entries (Code.kind), by the list's name.
_ITEM_KIND: dict[str, str] = {"phases": "phase", "service_areas": "service_area", "practices": "practice"}


@dataclass(frozen=True)
class Codebook:
    """Ordered code lists as plain dicts (``{id, label, ...}``), as docs/data-contracts.md describes.

    Attribute (``codebook.phases``) and item (``codebook["phases"]``) access both work. The
    ``*_items`` properties are the same entries typed (``Code``, ``Need``), for readers of ids and
    labels (the synthesis); the coder reads the entries themselves, their patterns included.
    """

    phases: tuple[dict[str, Any], ...]
    service_areas: tuple[dict[str, Any], ...]
    practices: tuple[dict[str, Any], ...]
    needs: tuple[dict[str, Any], ...]
    phase_aliases: Mapping[str, str]
    cues: Mapping[str, list[Any]]
    evidence_basis: tuple[dict[str, Any], ...]
    population: tuple[dict[str, Any], ...]

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def ids(self, kind: str) -> list[str]:
        return [entry["id"] for entry in getattr(self, kind)]

    def label(self, code_id: str) -> str:
        """Label of any phase, area, practice or need id (the id itself when unknown)."""
        for kind in CODE_LISTS:
            for entry in getattr(self, kind):
                if entry["id"] == code_id:
                    return str(entry["label"])
        return code_id

    def kind_of(self, code_id: str) -> str | None:
        """``phases``, ``service_areas``, ``practices`` or ``needs`` for a known id, else None."""
        for kind in CODE_LISTS:
            if code_id in self.ids(kind):
                return kind
        return None

    def normalize_phase(self, name: str) -> str | None:
        """A phase id from an id or another scheme's name (``rescue`` → ``immediate``)."""
        key = name.strip().lower()
        if key in self.ids("phases"):
            return key
        return self.phase_aliases.get(key)

    def _code_items(self, kind: str) -> tuple[Code, ...]:
        return tuple(Code(str(entry["id"]), str(entry["label"]), _ITEM_KIND[kind]) for entry in getattr(self, kind))

    # cached_property writes the instance's __dict__ directly, so it works on this frozen dataclass:
    # each view is built once per loaded form.
    @cached_property
    def phase_items(self) -> tuple[Code, ...]:
        return self._code_items("phases")

    @cached_property
    def service_area_items(self) -> tuple[Code, ...]:
        return self._code_items("service_areas")

    @cached_property
    def practice_items(self) -> tuple[Code, ...]:
        return self._code_items("practices")

    @property
    def code_items(self) -> tuple[Code, ...]:
        """The service areas, then the practices."""
        return self.service_area_items + self.practice_items

    @cached_property
    def need_items(self) -> tuple[Need, ...]:
        return tuple(
            Need(str(need["id"]), str(need["label"]), str(need["code"]), str(need["phase"])) for need in self.needs
        )

    def code_kind(self, code_id: str) -> str | None:
        """``service_area`` or ``practice`` for the id of one, else None."""
        return next((code.kind for code in self.code_items if code.id == code_id), None)

    def method_ids(self, basis: str) -> frozenset[str]:
        """The ids of the codebook.evidence_basis methods marked ``basis`` (primary or secondary)."""
        return frozenset(str(method["id"]) for method in self.evidence_basis if method["basis"] == basis)


@dataclass(frozen=True)
class Names:
    """One word per codebook list: a phase, a service area, a practice, a need."""

    phase: str
    service_area: str
    practice: str
    need: str

    def by_list(self) -> dict[str, str]:
        """Keyed by the codebook list's name (``service_areas``), as the title templates read them."""
        return {
            "phases": self.phase,
            "service_areas": self.service_area,
            "practices": self.practice,
            "needs": self.need,
        }


@dataclass(frozen=True)
class TableWording:
    title: str  # printed above the table
    heading: str  # its short name: report heading, changes.md section


@dataclass(frozen=True)
class FigureWording:
    title: str  # drawn on the figure
    caption: str  # under it in the report


DEFAULT_LABELS = Names(phase="Phase", service_area="Service area", practice="Practice", need="Need")
DEFAULT_PLURAL = Names(phase="phases", service_area="service areas", practice="practices", need="needs")


@dataclass(frozen=True)
class Wording:
    """The review's words in its outputs, every default filled (``make_wording``)."""

    labels: Names  # column labels, singular ("Service area")
    plural: Names  # running text, plural ("service areas")
    recommended_by: str  # column of the citations supporting a row
    cautioned_by: str  # column of the citations cautioning against it
    primary_data_examples: str  # the primary-data methods named in the evidence note; "" names none
    tables: Mapping[str, TableWording]  # every reviewflow.synthesis.outputs.SYNTHESIS_TABLES name
    figures: Mapping[str, FigureWording]  # every synthesis figure of reviewflow.synthesis.outputs.REPORT_FIGURES


def make_wording(spec: Mapping[str, Any] | None = None, primary_methods: Sequence[str] = ()) -> Wording:
    """The wording of a form's ``form.wording`` (already schema-valid), defaults filled in.

    ``primary_methods`` are the labels of the codebook's primary-data methods: the evidence note names
    them unless the form words them itself.
    """
    spec = spec or {}

    def names(key: str, default: Names) -> Names:
        given = spec.get(key) or {}
        return Names(
            **{
                name: str(given.get(name) or getattr(default, name))
                for name in ("phase", "service_area", "practice", "need")
            }
        )

    plural = names("plural", DEFAULT_PLURAL)
    table_spec, figure_spec = spec.get("tables") or {}, spec.get("figures") or {}
    tables = {}
    for table in SYNTHESIS_TABLES:
        given = table_spec.get(table.name) or {}
        title = str(given.get("title") or fill(table.default_title, plural.by_list()))
        # A form that retitles a table but gives no heading gets its title as the heading.
        heading = str(
            given.get("heading") or (title if given.get("title") else fill(table.default_heading, plural.by_list()))
        )
        tables[table.name] = TableWording(title, heading)
    figures = {}
    for figure in REPORT_FIGURES:
        if not figure.synthesis:
            continue
        given = figure_spec.get(figure.name) or {}
        title = str(given.get("title") or fill(figure.default_title, plural.by_list()))
        caption = str(
            given.get("caption") or (title if given.get("title") else fill(figure.default_caption, plural.by_list()))
        )
        figures[figure.name] = FigureWording(title, caption)
    examples = spec.get("primary_data_examples")
    return Wording(
        labels=names("labels", DEFAULT_LABELS),
        plural=plural,
        recommended_by=str(spec.get("recommended_by") or "Recommended by"),
        cautioned_by=str(spec.get("cautioned_by") or "Cautioned by"),
        primary_data_examples=str(examples) if examples is not None else "; ".join(primary_methods),
        tables=tables,
        figures=figures,
    )


@dataclass(frozen=True)
class Form:
    path: Path
    id: str
    version: str
    title: str
    fields: tuple[Field, ...]
    codebook: Codebook
    data: Mapping[str, Any]
    wording: Wording = field(default_factory=make_wording)

    def field(self, field_id: str) -> Field:
        for item in self.fields:
            if item.id == field_id:
                return item
        raise KeyError(field_id)

    def iter_fields(self, mode: str | None = None) -> Iterator[Field]:
        return (f for f in self.fields if mode is None or f.mode == mode)


def _path_text(parts: Sequence[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


_PATTERN_HELP = (
    "write a phrase string, {phrase: ..., attr: LOWER or LEMMA}, or {id: a_name, pattern: [token dicts]} "
    "(a token pattern needs an id)"
)


def _fix_for(error: jsonschema.ValidationError) -> str:
    """The fix for one schema error, in the researcher's terms."""
    if error.validator == "oneOf" and "patterns" in map(str, error.absolute_path):
        return _PATTERN_HELP
    if error.validator == "enum":
        return "use one of the listed values"
    if error.validator == "required":
        return "add it"
    if error.validator == "additionalProperties":
        return "remove or rename the key (check its spelling)"
    if error.validator == "pattern":
        return "use lower-case letters, digits and underscores, starting with a letter"
    if error.validator == "type":
        return f"write a {error.validator_value}"
    if error.validator == "minItems":
        return "list at least one entry (the coding and the synthesis need every codebook list)"
    if error.validator == "minLength":
        return "write some text, or leave the key out"
    return f"correct it as described in {schema_path('form').name}"


def _schema_problems(data: Any, path: Path) -> list[str]:
    validator = jsonschema.Draft202012Validator(read_yaml(schema_path("form")))
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        where = _path_text(list(error.absolute_path))
        message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
        problems.append(f"{path}: {where}: {message}. Fix: {_fix_for(error)}.")
    return problems


def _iter_patterns(codebook: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for kind in PATTERN_LISTS:
        for index, entry in enumerate(codebook.get(kind) or []):
            for p_index, pattern in enumerate(entry.get("patterns") or []):
                yield f"codebook.{kind}[{index}].patterns[{p_index}]", pattern
            for p_index, pattern in enumerate(entry.get("exclude") or []):
                yield f"codebook.{kind}[{index}].exclude[{p_index}]", pattern
    for cue, patterns in (codebook.get("cues") or {}).items():
        for p_index, pattern in enumerate(patterns or []):
            yield f"codebook.cues.{cue}[{p_index}]", pattern


def _cross_problems(data: Mapping[str, Any], path: Path) -> list[str]:
    problems: list[str] = []
    codebook = data["codebook"]
    seen: dict[str, str] = {}
    for kind in CODE_LISTS:
        for index, entry in enumerate(codebook.get(kind) or []):
            where = f"codebook.{kind}[{index}].id"
            if entry["id"] in seen:
                problems.append(
                    f"{path}: {where}: duplicate id '{entry['id']}' (already used at {seen[entry['id']]}). "
                    "Fix: give every phase, area, practice and need its own id."
                )
            else:
                seen[entry["id"]] = where
    phases = {p["id"] for p in codebook["phases"]}
    codes = {c["id"] for c in codebook["service_areas"]} | {c["id"] for c in codebook.get("practices") or []}
    for index, need in enumerate(codebook.get("needs") or []):
        if need["code"] not in codes:
            problems.append(
                f"{path}: codebook.needs[{index}].code: unknown code '{need['code']}' for need '{need['id']}'. "
                "Fix: use a service area or practice id defined in the codebook."
            )
        if need["phase"] not in phases:
            problems.append(
                f"{path}: codebook.needs[{index}].phase: unknown phase '{need['phase']}' for need '{need['id']}'. "
                f"Fix: use one of {sorted(phases)}."
            )
    if RESERVED_PHASE in phases:
        index = [p["id"] for p in codebook["phases"]].index(RESERVED_PHASE)
        problems.append(
            f"{path}: codebook.phases[{index}].id: '{RESERVED_PHASE}' is the synthesis' own column for "
            "support that names no phase. Fix: give the phase another id."
        )
    for alias, target in (codebook.get("phase_aliases") or {}).items():
        if target not in phases:
            problems.append(
                f"{path}: codebook.phase_aliases.{alias}: unknown phase '{target}'. Fix: use one of {sorted(phases)}."
            )
        if alias != alias.strip().lower():
            # Phase names are looked up lower-cased, so this alias would never match.
            problems.append(
                f"{path}: codebook.phase_aliases.{alias}: an alias is matched in lower case and never "
                f"as written. Fix: write it as '{alias.strip().lower()}'."
            )
    for key in ("evidence_basis", "population"):
        ids: set[str] = set()
        for index, entry in enumerate(codebook.get(key) or []):
            if entry["id"] in ids:
                problems.append(
                    f"{path}: codebook.{key}[{index}].id: duplicate id '{entry['id']}'. Fix: give each entry its own id."
                )
            ids.add(entry["id"])
    field_ids: set[str] = set()
    dimensions = {entry["dimension"] for entry in codebook.get("population") or []}
    for index, spec in enumerate(data["form"]["fields"]):
        if spec["id"] in field_ids:
            problems.append(
                f"{path}: form.fields[{index}].id: duplicate field id '{spec['id']}'. Fix: give each field its own id."
            )
        field_ids.add(spec["id"])
        source = spec.get("choices_from")
        if source and not codebook.get(source):
            problems.append(
                f"{path}: form.fields[{index}].choices_from: codebook.{source} is empty or missing. "
                "Fix: define it in the codebook or list the choices."
            )
        if spec.get("source") == "population" and spec.get("dimension") not in dimensions:
            problems.append(
                f"{path}: form.fields[{index}].dimension: no codebook.population entry has dimension "
                f"'{spec.get('dimension')}'. Fix: use one of {sorted(dimensions)}."
            )
        problems.extend(_choice_problems(spec, index, codebook, path))
    problems.extend(_wording_problems(data["form"].get("wording") or {}, path))
    problems.extend(_pattern_problems(codebook, path))
    return problems


def _choice_problems(spec: Mapping[str, Any], index: int, codebook: Mapping[str, Any], path: Path) -> list[str]:
    """An auto field filled from a codebook list keeps only the choices that list holds: a choice from
    another list would never be filled."""
    expected = SOURCE_LISTS.get(str(spec.get("source") or ""))
    if expected is None or spec.get("mode") != "auto" or spec.get("type") not in ("single_choice", "multiple_choice"):
        return []
    where = f"{path}: form.fields[{index}]"
    if spec.get("choices_from"):
        if spec["choices_from"] != expected:
            return [
                f"{where}.choices_from: a field with source {spec['source']} is filled from codebook.{expected}, "
                f"not codebook.{spec['choices_from']}. Fix: write choices_from: {expected}."
            ]
        return []
    entries = codebook.get(expected) or []
    if expected == "population":
        entries = [e for e in entries if e.get("dimension") == spec.get("dimension")]
    known = [e["id"] for e in entries]
    unknown = [choice for choice in spec.get("choices") or [] if choice not in known]
    if not unknown:
        return []
    return [
        f"{where}.choices: {', '.join(repr(c) for c in unknown)} not among the codebook.{expected} ids this "
        f"field is filled from, so never chosen. Fix: use ids of {known} or write choices_from: {expected}."
    ]


def _wording_problems(spec: Mapping[str, Any], path: Path) -> list[str]:
    """The report lists tables and figures by heading: two alike would show only one of them."""
    wording = make_wording(spec)
    problems = []
    for kind, headings in (
        ("tables", [(t.name, table_heading(t, wording)) for t in SYNTHESIS_TABLES if t.in_report]),
        (
            "figures",
            [(f.name, wording.figures[f.name].caption if f.synthesis else f.default_caption) for f in REPORT_FIGURES],
        ),
    ):
        seen: dict[str, str] = {}
        for name, heading in headings:
            if heading in seen:
                key = "heading" if kind == "tables" else "caption"
                problems.append(
                    f"{path}: form.wording.{kind}.{name}.{key}: '{heading}' is also the report's "
                    f"{key} of {seen[heading]}, which the report would then leave out. "
                    f"Fix: give each its own {key}."
                )
            seen.setdefault(heading, name)
    # A table's columns are keyed by their labels: two alike would merge two columns.
    labels = wording.labels
    repeated = sorted(
        {
            column
            for columns in (
                (labels.phase, labels.need, "Documents", wording.recommended_by, "Cautions", wording.cautioned_by),
                (labels.practice, "Documents", wording.recommended_by, "Cautions", wording.cautioned_by),
            )
            for column in columns
            if columns.count(column) > 1
        }
    )
    if repeated:
        problems.append(
            f"{path}: form.wording: the column label(s) {repeated} would head two columns of one "
            "table. Fix: give labels, recommended_by and cautioned_by distinct values (Documents and "
            "Cautions are taken)."
        )
    return problems


LEXICONS: dict[str, str] = {"verb": "verb", "noun": "noun", "adjective": "adj", "adverb": "adv"}


@cache
def lexicon(name: str) -> tuple[str, ...]:
    """The base forms spaCy's English lemmatizer data knows for a part of speech (WordNet's lists):
    ``{LEMMA: {IN_LEXICON: verb}}`` in a token pattern matches any word that can be a verb."""
    from spacy.lookups import load_lookups

    table = load_lookups("en", ["lemma_index"]).get_table("lemma_index")
    return tuple(sorted(set(table[LEXICONS[name]])))


def expand_lexicons(pattern: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A token pattern with every ``{IN_LEXICON: name}`` value replaced by ``{IN: [the lexicon's words]}``
    (its ``NOT_IN``, if any, kept), as spaCy's Matcher reads it."""
    expanded: list[dict[str, Any]] = []
    for token in pattern:
        spec: dict[str, Any] = {}
        for attr, value in token.items():
            if isinstance(value, Mapping) and "IN_LEXICON" in value:
                value = {
                    **{k: v for k, v in value.items() if k != "IN_LEXICON"},
                    "IN": list(lexicon(value["IN_LEXICON"])),
                }
            spec[attr] = value
        expanded.append(spec)
    return expanded


def _lexicon_problems(pattern: Sequence[Mapping[str, Any]], where: str, path: Path) -> list[str]:
    names = [
        value["IN_LEXICON"]
        for token in pattern
        for value in token.values()
        if isinstance(value, Mapping) and "IN_LEXICON" in value
    ]
    return [
        f"{path}: {where}: unknown lexicon '{name}'. Fix: use one of {', '.join(LEXICONS)}."
        for name in names
        if name not in LEXICONS
    ]


def _pattern_problems(codebook: Mapping[str, Any], path: Path) -> list[str]:
    """Token patterns must be valid for spaCy's Matcher (checked with its own validator)."""
    token_patterns = [(where, p) for where, p in _iter_patterns(codebook) if isinstance(p, dict) and "pattern" in p]
    if not token_patterns:
        return []
    import spacy
    from spacy.matcher import Matcher

    blank = spacy.blank("en")
    vocab, tokenizer = blank.vocab, blank.tokenizer
    problems = []
    for where, pattern in token_patterns:
        matcher = Matcher(vocab, validate=True)
        try:
            lexicon_problems = _lexicon_problems(pattern["pattern"], where, path)
            if lexicon_problems:
                problems.extend(lexicon_problems)
                continue
            matcher.add("check", [expand_lexicons(pattern["pattern"])])
            problems.extend(_split_word_problems(pattern["pattern"], where, path, tokenizer))
        except Exception as error:  # spaCy raises MatchPatternError/ValueError with details
            detail = " ".join(str(error).split())
            problems.append(
                f"{path}: {where}: invalid token pattern ({detail[:300]}). "
                "Fix: write it as in spaCy's Matcher documentation, e.g. [{LOWER: case}, {LEMMA: manager}]."
            )
    return problems


_WORD_ATTRS = ("ORTH", "TEXT", "LOWER", "NORM", "LEMMA")


def _split_word_problems(pattern: Sequence[Mapping[str, Any]], where: str, path: Path, tokenizer: Any) -> list[str]:
    """A token pattern's word that the tokenizer splits ("child's" is "child" + "'s") never matches."""
    problems = []
    for token in pattern:
        for attr in _WORD_ATTRS:
            value = token.get(attr)
            words = (
                [value] if isinstance(value, str) else list(value.get("IN") or []) if isinstance(value, Mapping) else []
            )
            for word in words:
                pieces = [t.text for t in tokenizer(str(word))]
                # A clitic ("'ve", "n't") is split off its host, so it is one token after a word.
                if len(pieces) > 1 and [t.text for t in tokenizer("they" + str(word))][1:] != [str(word)]:
                    problems.append(
                        f"{path}: {where}: '{word}' is never one token (the tokenizer reads "
                        f"{' + '.join(repr(p) for p in pieces)}), so this pattern never matches it. "
                        f'Fix: give each piece its own token, e.g. [{{{attr}: {pieces[0]}}}, {{{attr}: "{pieces[1]}"}}].'
                    )
    return problems


def load_form(path: str | Path) -> Form:
    """Read, validate and return the extraction form; raise FormError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise FormError(
            [
                f"{path}: extraction form not found. Fix: set `form:` in the review's config (config/config.yaml "
                "unless another is given) to an existing file under extraction_forms/."
            ]
        )
    try:
        data = read_yaml(path)
    except yaml.YAMLError as error:
        raise FormError(
            [f"{path}: not valid YAML ({' '.join(str(error).split())}). Fix: correct the YAML syntax."]
        ) from None
    problems = _schema_problems(data, path)
    if problems:
        raise FormError(problems)
    problems = _cross_problems(data, path)
    if problems:
        raise FormError(problems)
    codebook = data["codebook"]
    for index, need in enumerate(codebook.get("needs") or []):
        need.setdefault("order", index)
    fields = tuple(
        Field(
            id=spec["id"],
            label=spec["label"],
            type=spec["type"],
            mode=spec["mode"],
            source=spec.get("source", ""),
            role=spec.get("role", ""),
            choices=tuple(
                spec.get("choices")
                or [entry["id"] for entry in codebook.get(spec.get("choices_from") or "", None) or []]
            ),
            spec=spec,
        )
        for spec in data["form"]["fields"]
    )
    book = Codebook(
        phases=tuple(codebook["phases"]),
        service_areas=tuple(codebook["service_areas"]),
        practices=tuple(codebook.get("practices") or ()),
        needs=tuple(codebook.get("needs") or ()),
        phase_aliases=dict(codebook.get("phase_aliases") or {}),
        cues=dict(codebook["cues"]),
        evidence_basis=tuple(codebook.get("evidence_basis") or ()),
        population=tuple(codebook.get("population") or ()),
    )
    wording = make_wording(
        data["form"].get("wording"), [str(e["label"]) for e in book.evidence_basis if e.get("basis") == "primary"]
    )
    return Form(
        path=path,
        id=data["form"]["id"],
        version=str(data["form"]["version"]),
        title=data["form"]["title"],
        fields=fields,
        codebook=book,
        data=data,
        wording=wording,
    )
