"""The extraction form loads, and every kind of mistake a researcher can make is reported clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewflow.errors import ReviewflowError
from reviewflow.form import FormError, load_form
from reviewflow.paths import DEFAULT_FORM, schema_path

ARCHITECTURE_AREAS = [
    "basic_necessities",
    "shelter_housing",
    "physical_health",
    "mental_health",
    "legal_immigration",
    "life_skills_job_training",
    "substance_abuse",
]
ARCHITECTURE_PRACTICES = [
    "needs_assessment",
    "safety_confidentiality",
    "trauma_informed_care",
    "case_management",
    "language_interpretation",
    "cultural_appropriateness",
    "specialized_shelter",
]


def _data() -> dict:
    return yaml.safe_load(DEFAULT_FORM.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "form.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_default_form_has_the_fixed_codebook_ids_in_order():
    form = load_form(DEFAULT_FORM)
    assert form.codebook.ids("phases") == ["immediate", "stabilization", "reintegration"]
    assert form.codebook.ids("service_areas") == ARCHITECTURE_AREAS
    assert form.codebook.ids("practices") == ARCHITECTURE_PRACTICES
    assert form.codebook["phases"][0]["id"] == "immediate"  # item access, as the data contract reads it


def test_needs_follow_table_1_order_and_phases():
    needs = load_form(DEFAULT_FORM).codebook.needs
    by_phase = [
        [n["label"] for n in needs if n["phase"] == phase] for phase in ("immediate", "stabilization", "reintegration")
    ]
    assert by_phase[0] == [
        "Immediate safety",
        "Emergency shelter",
        "Basic necessities",
        "Language interpretation",
        "Emergency medical care",
        "Crisis legal advocacy",
    ]
    assert len(by_phase[1]) == 8 and by_phase[1][0] == "Physical health"
    assert by_phase[2][0] == "Life skills" and by_phase[2][-1] == "Repatriation"
    assert [n["phase"] for n in needs] == sorted(
        [n["phase"] for n in needs], key=["immediate", "stabilization", "reintegration"].index
    )


def test_form_has_auto_and_manual_fields():
    form = load_form(DEFAULT_FORM)
    assert {
        "document_type",
        "evidence_basis",
        "population_origin",
        "population_age",
        "survivors_needs",
        "recommended_services",
        "recommended_practices",
    } <= {f.id for f in form.iter_fields("auto")}
    assert [f.id for f in form.iter_fields("manual")]
    assert form.field("recommended_services").choices == tuple(ARCHITECTURE_AREAS)


def test_phase_aliases_map_other_schemes():
    book = load_form(DEFAULT_FORM).codebook
    assert [book.normalize_phase(n) for n in ("Rescue", "recovery", "reintegration", "immediate", "nonsense")] == [
        "immediate",
        "stabilization",
        "reintegration",
        "immediate",
        None,
    ]


def test_missing_file_names_the_fix(tmp_path):
    with pytest.raises(FormError, match=r"not found\. Fix"):
        load_form(tmp_path / "nope.yaml")


def test_yaml_syntax_error_is_a_form_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("form: [unclosed\n", encoding="utf-8")
    with pytest.raises(ReviewflowError, match="not valid YAML"):
        load_form(path)


def test_schema_problems_name_the_field_path(tmp_path):
    data = _data()
    data["form"]["fields"][0]["type"] = "dropdown"
    del data["codebook"]["service_areas"][2]["label"]
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    message = str(info.value)
    assert "form.fields[0].type" in message and "dropdown" in message
    assert "codebook.service_areas[2]" in message and "'label' is a required property" in message
    assert len(info.value.problems) == 2
    assert str(tmp_path / "form.yaml") in message


def test_cross_checks_unknown_code_duplicate_id_bad_pattern(tmp_path):
    data = _data()
    data["codebook"]["needs"][0]["code"] = "housing_first"
    data["codebook"]["needs"][1]["phase"] = "later"
    data["codebook"]["practices"][0]["id"] = "mental_health"
    data["codebook"]["service_areas"][0]["patterns"].append({"id": "broken", "pattern": [{"LOWERCASE": "food"}]})
    data["codebook"]["phase_aliases"]["rescue"] = "rescued"
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    problems = info.value.problems
    assert any("codebook.needs[0].code: unknown code 'housing_first'" in p for p in problems)
    assert any("codebook.needs[1].phase: unknown phase 'later'" in p for p in problems)
    assert any("duplicate id 'mental_health'" in p for p in problems)
    assert any("codebook.service_areas[0].patterns[" in p and "invalid token pattern" in p for p in problems)
    assert any("phase_aliases.rescue" in p for p in problems)
    assert all("Fix:" in p for p in problems)


def test_auto_field_needs_a_source(tmp_path):
    data = _data()
    del data["form"]["fields"][1]["source"]
    with pytest.raises(FormError, match=r"form.fields\[1\].*'source' is a required property"):
        load_form(_write(tmp_path, data))


def test_a_malformed_pattern_gets_the_pattern_syntax_as_fix(tmp_path):
    data = _data()
    data["codebook"]["service_areas"][1]["patterns"].append({"pattern": [{"LOWER": "hostel"}]})  # no id
    data["codebook"]["practices"][2]["colour"] = "red"
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    problems = info.value.problems
    assert any("codebook.service_areas[1].patterns[" in p and "a token pattern needs an id" in p for p in problems)
    assert any(
        "codebook.practices[2]" in p and "'colour' was unexpected" in p and "check its spelling" in p for p in problems
    )


def test_a_lexicon_in_a_token_pattern_is_expanded_and_an_unknown_one_named(tmp_path):
    from reviewflow.form import expand_lexicons

    expanded = expand_lexicons([{"LEMMA": {"IN_LEXICON": "verb", "NOT_IN": ["be"]}}])
    assert "explore" in expanded[0]["LEMMA"]["IN"] and expanded[0]["LEMMA"]["NOT_IN"] == ["be"]
    data = _data()
    data["codebook"]["service_areas"][0]["patterns"].append(
        {"id": "acts", "pattern": [{"LEMMA": {"IN_LEXICON": "verbs"}}]}
    )
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    assert any("unknown lexicon 'verbs'" in p and "Fix: use one of verb" in p for p in info.value.problems)


def test_code_exclusions_are_validated_like_patterns(tmp_path):
    data = _data()
    data["codebook"]["service_areas"][0]["exclude"] = [{"id": "broken", "pattern": [{"LOWERCASE": "food"}]}]
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    assert any(
        "codebook.service_areas[0].exclude[0]" in p and "invalid token pattern" in p for p in info.value.problems
    )


# --- wording --------------------------------------------------------------------------------------


def test_default_form_words_its_outputs_as_the_review_does():
    wording = load_form(DEFAULT_FORM).wording
    assert {name: (t.title, t.heading) for name, t in wording.tables.items()} == {
        "table1_needs": (
            "Survivors' needs across the continuum of care, with the documents that recommend services for them",
            "Survivors' needs across the continuum of care",
        ),
        "service_areas": ("Core service areas by phase: documents recommending them", "Core service areas by phase"),
        "practices": ("Service-delivery practices: documents recommending them", "Service-delivery practices"),
        "evidence_basis": ("Evidence basis: supporting documents resting on primary data", "Evidence basis"),
    }
    assert {name: (f.title, f.caption) for name, f in wording.figures.items()} == {
        "heatmap_areas_phases": (
            "Documents recommending each service area, by phase",
            "Documents recommending each service area, by phase",
        ),
        "evidence_gap_map": (
            "Evidence gap map: service areas (top) and delivery practices (bottom)",
            "Evidence gap map: documents (size) and share resting on primary data (colour)",
        ),
    }
    assert (wording.labels.service_area, wording.labels.practice, wording.labels.need, wording.labels.phase) == (
        "Service area",
        "Practice",
        "Need",
        "Phase",
    )
    assert (wording.recommended_by, wording.cautioned_by) == ("Recommended by", "Cautioned by")
    assert wording.primary_data_examples == "interviews, focus groups, surveys"


def test_another_review_s_names_make_its_default_titles(tmp_path):
    data = _data()
    data["form"]["wording"] = {
        "labels": {"service_area": "Service", "practice": "Approach"},
        "plural": {"service_area": "services", "practice": "approaches"},
        "figures": {"heatmap_areas_phases": {"title": "Services in each phase"}},
    }
    wording = load_form(_write(tmp_path, data)).wording
    assert wording.labels.service_area == "Service" and wording.labels.need == "Need"  # the rest: generic
    assert wording.tables["service_areas"].title == "Services by phase: documents recommending them"
    assert wording.tables["service_areas"].heading == "Services by phase"
    assert wording.tables["practices"].title == "Approaches: documents recommending them"
    assert wording.tables["table1_needs"].title == "Needs by phase, with the documents that recommend services for them"
    # a title given without a caption is the caption too
    assert wording.figures["heatmap_areas_phases"].caption == "Services in each phase"
    assert wording.figures["evidence_gap_map"].title == "Evidence gap map: services (top) and approaches (bottom)"


def test_a_form_without_wording_gets_generic_words_and_its_own_methods(tmp_path):
    data = _data()
    del data["form"]["wording"]
    wording = load_form(_write(tmp_path, data)).wording
    texts = [
        wording.recommended_by,
        wording.cautioned_by,
        *wording.labels.by_list().values(),
        *wording.plural.by_list().values(),
        *(t.title for t in wording.tables.values()),
        *(t.heading for t in wording.tables.values()),
        *(f.title for f in wording.figures.values()),
        *(f.caption for f in wording.figures.values()),
    ]
    for macy in (
        "Survivors",
        "continuum",
        "Core service",
        "Service-delivery",
        "each service area",
        "delivery practices",
    ):
        assert not any(macy in text for text in texts), macy
    # the evidence note's examples are the codebook's primary-data methods, by label
    assert wording.primary_data_examples == (
        "Interviews with survivors; Interviews or focus groups with providers, advocates or law enforcement; Survey"
    )


def test_the_schema_words_exactly_the_registry_s_tables_and_figures():
    from reviewflow.synthesis.outputs import synthesis_figure_names, synthesis_table_names

    schema = yaml.safe_load(schema_path("form").read_text(encoding="utf-8"))
    wording = schema["$defs"]["wording"]["properties"]
    assert list(wording["tables"]["properties"]) == synthesis_table_names()
    assert list(wording["figures"]["properties"]) == synthesis_figure_names()


def test_wording_of_an_unknown_table_is_refused(tmp_path):
    data = _data()
    data["form"]["wording"]["tables"]["table2"] = {"title": "Table two"}
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    (problem,) = info.value.problems
    assert "form.wording.tables" in problem and "'table2' was unexpected" in problem and "Fix:" in problem


# --- empty lists and cross-references -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["phases", "service_areas", "practices", "needs"])
def test_an_empty_codebook_list_is_refused(tmp_path, kind):
    data = _data()
    data["codebook"][kind] = []
    path = _write(tmp_path, data)
    with pytest.raises(FormError) as info:
        load_form(path)
    (problem,) = info.value.problems
    assert problem.startswith(f"{path}: codebook.{kind}: [] should be non-empty.")
    assert "Fix: list at least one entry" in problem


def test_a_phase_may_not_take_the_synthesis_any_phase_id(tmp_path):
    data = _data()
    data["codebook"]["phases"][2]["id"] = "any_phase"
    for need in data["codebook"]["needs"]:
        if need["phase"] == "reintegration":
            need["phase"] = "any_phase"
    data["codebook"]["phase_aliases"] = {
        k: v for k, v in data["codebook"]["phase_aliases"].items() if v != "reintegration"
    }
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    (problem,) = info.value.problems
    assert "codebook.phases[2].id: 'any_phase'" in problem and "Fix: give the phase another id" in problem


def test_a_phase_alias_that_could_never_match_is_named(tmp_path):
    data = _data()
    data["codebook"]["phase_aliases"]["Rescue phase"] = "immediate"
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    (problem,) = info.value.problems
    assert "codebook.phase_aliases.Rescue phase" in problem and "Fix: write it as 'rescue phase'" in problem


def test_an_auto_field_must_choose_from_the_list_it_is_filled_from(tmp_path):
    data = _data()
    fields = {spec["id"]: index for index, spec in enumerate(data["form"]["fields"])}
    data["form"]["fields"][fields["recommended_services"]]["choices_from"] = "practices"
    origin = data["form"]["fields"][fields["population_origin"]]
    origin["choices"] = ["international", "adults"]  # adults is of the age dimension
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    problems = info.value.problems
    assert len(problems) == 2
    assert any(
        f"form.fields[{fields['recommended_services']}].choices_from: a field with source coded_service_areas "
        "is filled from codebook.service_areas, not codebook.practices. Fix: write choices_from: service_areas." in p
        for p in problems
    )
    assert any(
        f"form.fields[{fields['population_origin']}].choices: 'adults' not among the codebook.population ids" in p
        and "['international', 'domestic']" in p
        for p in problems
    )


def test_report_headings_and_column_labels_must_differ(tmp_path):
    data = _data()
    wording = data["form"]["wording"]
    wording["tables"]["practices"]["heading"] = "Core service areas by phase"
    wording["figures"]["evidence_gap_map"]["caption"] = wording["figures"]["heatmap_areas_phases"]["caption"]
    wording["cautioned_by"] = "Recommended by"
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    problems = info.value.problems
    assert len(problems) == 3
    assert any(
        "form.wording.tables.practices.heading: 'Core service areas by phase' is also the report's heading "
        "of service_areas" in p
        for p in problems
    )
    assert any("form.wording.figures.evidence_gap_map.caption" in p for p in problems)
    assert any("form.wording: the column label(s) ['Recommended by'] would head two columns" in p for p in problems)
    assert all("Fix:" in p for p in problems)


def test_a_word_the_tokenizer_splits_is_named_with_the_pattern_that_would_match_it(tmp_path):
    data = _data()
    patterns = data["codebook"]["service_areas"][0]["patterns"]
    patterns.append({"id": "child_safety", "pattern": [{"LOWER": {"IN": ["child's", "a"]}}, {"LOWER": "safety"}]})
    patterns.append({"id": "they_have", "pattern": [{"LOWER": "they"}, {"LOWER": "'ve"}]})  # a clitic: one token
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    (problem,) = info.value.problems
    assert "codebook.service_areas[0].patterns[" in problem and "'child's' is never one token" in problem
    assert '[{LOWER: child}, {LOWER: "\'s"}]' in problem


def test_the_inclusion_role_is_for_manual_yes_no_fields(tmp_path: Path) -> None:
    from reviewflow.synthesis.evidence import inclusion_fields

    assert inclusion_fields(load_form(DEFAULT_FORM)) == ("include_in_synthesis",)
    data = _data()
    field = next(f for f in data["form"]["fields"] if f["id"] == "quality_appraisal_notes")
    field["role"] = "inclusion"  # a text field
    with pytest.raises(FormError, match=r"form\.fields\[\d+\]\.type: .boolean. was expected"):
        load_form(_write(tmp_path, data))
