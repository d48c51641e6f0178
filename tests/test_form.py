"""The extraction form loads, and every kind of mistake a researcher can make is reported clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewflow.errors import ReviewflowError
from reviewflow.form import FormError, load_form
from reviewflow.paths import DEFAULT_FORM

ARCHITECTURE_AREAS = ["basic_necessities", "shelter_housing", "physical_health", "mental_health",
                      "legal_immigration", "life_skills_job_training", "substance_abuse"]
ARCHITECTURE_PRACTICES = ["needs_assessment", "safety_confidentiality", "trauma_informed_care", "case_management",
                          "language_interpretation", "cultural_appropriateness", "specialized_shelter"]


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
    by_phase = [[n["label"] for n in needs if n["phase"] == phase] for phase in ("immediate", "stabilization", "reintegration")]
    assert by_phase[0] == ["Immediate safety", "Emergency shelter", "Basic necessities", "Language interpretation",
                           "Emergency medical care", "Crisis legal advocacy"]
    assert len(by_phase[1]) == 8 and by_phase[1][0] == "Physical health"
    assert by_phase[2][0] == "Life skills" and by_phase[2][-1] == "Repatriation"
    assert [n["phase"] for n in needs] == sorted([n["phase"] for n in needs], key=["immediate", "stabilization", "reintegration"].index)


def test_form_has_auto_and_manual_fields():
    form = load_form(DEFAULT_FORM)
    assert {"document_type", "evidence_basis", "population_origin", "population_age", "survivors_needs",
            "recommended_services", "recommended_practices"} <= {f.id for f in form.iter_fields("auto")}
    assert [f.id for f in form.iter_fields("manual")]
    assert form.field("recommended_services").choices == tuple(ARCHITECTURE_AREAS)


def test_phase_aliases_map_other_schemes():
    book = load_form(DEFAULT_FORM).codebook
    assert [book.normalize_phase(n) for n in ("Rescue", "recovery", "reintegration", "immediate", "nonsense")] == [
        "immediate", "stabilization", "reintegration", "immediate", None]


def test_missing_file_names_the_fix(tmp_path):
    with pytest.raises(FormError, match="not found. Fix"):
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
    assert any("codebook.practices[2]" in p and "'colour' was unexpected" in p and "check its spelling" in p for p in problems)


def test_a_lexicon_in_a_token_pattern_is_expanded_and_an_unknown_one_named(tmp_path):
    from reviewflow.form import expand_lexicons

    expanded = expand_lexicons([{"LEMMA": {"IN_LEXICON": "verb", "NOT_IN": ["be"]}}])
    assert "explore" in expanded[0]["LEMMA"]["IN"] and expanded[0]["LEMMA"]["NOT_IN"] == ["be"]
    data = _data()
    data["codebook"]["service_areas"][0]["patterns"].append({"id": "acts", "pattern": [{"LEMMA": {"IN_LEXICON": "verbs"}}]})
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    assert any("unknown lexicon 'verbs'" in p and "Fix: use one of verb" in p for p in info.value.problems)


def test_code_exclusions_are_validated_like_patterns(tmp_path):
    data = _data()
    data["codebook"]["service_areas"][0]["exclude"] = [{"id": "broken", "pattern": [{"LOWERCASE": "food"}]}]
    with pytest.raises(FormError) as info:
        load_form(_write(tmp_path, data))
    assert any("codebook.service_areas[0].exclude[0]" in p and "invalid token pattern" in p for p in info.value.problems)
