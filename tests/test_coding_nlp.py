"""The spaCy side of coding (reviewflow.coding.nlp): the blank pipeline's sentence repair and lower-case
lemmas, the codebook's matchers (exclusions, competing codes, anchored token patterns) and the
per-process cache of form, pipeline and matchers."""

from __future__ import annotations

import pytest

from reviewflow.coding import nlp as coding_nlp
from reviewflow.coding.nlp import build_nlp, resources
from reviewflow.errors import ReviewflowError
from reviewflow.paths import DEFAULT_FORM


def _sentences(text: str) -> list[str]:
    return [sentence.text for sentence in build_nlp()(text).sents]


def _hits(text: str) -> list[str]:
    _, nlp, matcher = resources(DEFAULT_FORM)
    return [hit.evidence for hit in matcher.hits(nlp(text))]


# ---- sentence repair: spaCy's rule-based sentencizer alone splits each of these wrongly -----------
def test_a_citation_in_brackets_stays_in_its_sentence():
    text = "Staff were trained (Clawson et al., 2009; Macy & Johns, 2011). Most programs had no interpreter."
    assert _sentences(text) == [
        "Staff were trained (Clawson et al., 2009; Macy & Johns, 2011).",
        "Most programs had no interpreter.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Programs offered food, clothing, etc. and referrals to lawyers.",
        "Survivors waited approx. six weeks for a T visa.",
        "Staff need training, e.g. in trauma-informed care.",
    ],
)
def test_a_sentence_never_starts_at_a_lower_case_word(text):
    assert _sentences(text) == [text]


def test_a_footnote_marker_after_a_full_stop_ends_the_sentence():
    text = "Providers reported gaps in staff.[5] As a measure, programs hired interpreters. Survivors said so.[12] Then"
    assert _sentences(text) == [
        "Providers reported gaps in staff.[5]",
        "As a measure, programs hired interpreters.",
        "Survivors said so.[12]",
        "Then",
    ]


def test_lemmas_are_lower_case_for_capitalized_words_too():
    # LEMMA patterns are written in lower case: "Shelters" opening a sentence must still be "shelter"
    doc = build_nlp()("Shelters and Interviews helped Survivors.")
    assert [token.lemma_ for token in doc] == ["shelter", "and", "interview", "help", "survivor", "."]


def test_unknown_spacy_pipeline_is_a_clear_error():
    with pytest.raises(ReviewflowError, match=r"coding\.spacy_pipeline"):
        build_nlp("en_no_such_pipeline_xyz")


# ---- matchers from the codebook -----------------------------------------------------------------
def test_a_hit_names_its_group_code_and_pattern_and_its_tokens():
    _, nlp, matcher = resources(DEFAULT_FORM)
    (hit,) = matcher.hits(nlp("Survivors need shelter."))
    assert (hit.evidence, hit.start, hit.end) == ("area:shelter_housing:shelter", 2, 3)


def test_an_exclusion_drops_the_other_word_sense():
    assert "area:shelter_housing:shelter" in _hits("Survivors need shelter.")
    # "shelter staff" are people, not housing: the codebook's exclusion takes the code away
    assert not any(
        hit.startswith("area:shelter_housing") for hit in _hits("Shelter staff reported long waiting lists.")
    )


def test_the_longer_phrase_of_a_competing_code_wins():
    assert _hits("Survivors need health care.") == ["area:physical_health:health care"]
    inside = _hits("Survivors need mental health care.")
    assert "area:mental_health:mental health care" in inside
    assert not any(hit.startswith("area:physical_health") for hit in inside)


def test_a_method_cue_is_a_basis_hit():
    assert _hits("A literature review found few evaluations.") == ["basis:literature_review:literature review"]


def test_resources_are_rebuilt_only_when_the_form_file_changes(tmp_path, monkeypatch):
    # Building the real matchers takes seconds; what is cached, and when, does not depend on them.
    built: list[str] = []

    def load_form(path):
        built.append(path.read_text(encoding="utf-8"))
        return built[-1]

    monkeypatch.setattr(coding_nlp, "load_form", load_form)
    monkeypatch.setattr(coding_nlp, "CodebookMatcher", lambda form, nlp: object())
    monkeypatch.setattr(coding_nlp, "_CACHE", {})
    form_path = tmp_path / "form.yaml"
    form_path.write_text("form: one\n", encoding="utf-8")
    first = resources(form_path)
    assert resources(form_path) is first and built == ["form: one\n"]
    form_path.write_text("form: two\n", encoding="utf-8")
    second = resources(form_path)
    assert second is not first and second[0] == "form: two\n" and len(built) == 2


# ---- token patterns run only where their first word is (issue 14: a 1.25 MB run-on line) ---------
def _one_matcher_over_every_token_pattern(matcher):
    from spacy.matcher import Matcher

    strings = matcher.nlp.vocab.strings
    reference = Matcher(matcher.nlp.vocab)
    for part in (matcher.tokens, *(group.matcher for group in matcher.anchored.values())):
        for key in list(part._patterns):
            reference.add(strings[key], part.get(key)[1])
    return reference


def test_anchored_token_patterns_find_what_one_matcher_over_every_token_finds() -> None:
    import random

    _, nlp, matcher = resources(DEFAULT_FORM)
    reference = _one_matcher_over_every_token_pattern(matcher)
    rng = random.Random(14)
    anchors = sorted(matcher.anchors["LOWER"] | matcher.anchors["LEMMA"] | matcher.anchors["ORTH"])
    words = [*anchors, "the", "survivors", "their", "safe", "housing", ".", "(", ")", "Recommendation", ":", "2006"]
    words += ["SAFE", "NGO"]  # acronyms: a pattern anchored on the word after one
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 120))) for _ in range(60)]
    compared = 0
    for doc in nlp.pipe(texts):
        # every token pattern of the default form is anchored now, and an empty Matcher warns (W036)
        found = (set(matcher.tokens(doc)) if len(matcher.tokens) else set()) | matcher.anchored_matches(doc)
        expected = set(reference(doc))
        assert found == expected, doc.text[:200]
        compared += len(expected)
    assert compared > 100  # the soups hit many patterns


def test_a_run_on_line_of_plain_words_leaves_the_token_patterns_almost_nothing_to_try() -> None:
    _, nlp, matcher = resources(DEFAULT_FORM)
    doc = nlp("Recommendation: " * 5_000)
    # spaCy's Matcher tries each of its patterns at each token: only the few unanchored ones run on
    # all 10,000 tokens, the anchored ones (most of them) on no window at all
    assert matcher.anchored_windows(doc) == []
    assert len(matcher.tokens) <= 5 < sum(len(group.matcher) for group in matcher.anchored.values())


def test_a_pattern_is_anchored_on_its_first_required_word_wherever_it_stands() -> None:
    # "any word but not" opens the pattern: it runs only where "need" or "needs" is, one token after
    # the match's start; optional tokens before the anchor make that offset the furthest start
    need_to = [{"LOWER": {"NOT_IN": ["not", "never"]}}, {"LOWER": {"IN": ["need", "needs"]}}, {"LOWER": "to"}]
    assert coding_nlp._anchor(need_to) == ("LOWER", {"need", "needs"}, 1)
    acronym = [{"IS_UPPER": True}, {"ORTH": ")", "OP": "?"}, {"LOWER": "offers"}]
    assert coding_nlp._anchor(acronym) == ("LOWER", {"offers"}, 2)
    assert coding_nlp._anchor([{"LOWER": "of", "OP": "?"}, {"IS_PUNCT": True}]) is None
    assert coding_nlp._anchor([{"LOWER": "to"}, {"IS_ALPHA": True, "OP": "+"}]) is None


def test_a_match_that_starts_before_its_anchor_word_is_found_at_the_start_of_a_block() -> None:
    _, nlp, matcher = resources(DEFAULT_FORM)
    reference = _one_matcher_over_every_token_pattern(matcher)
    for text in ("SAFE) offers housing.", "SAFE offers housing.", "Staff need to listen.", "Providers do not judge."):
        doc = nlp(text)
        assert matcher.anchored_matches(doc) == set(reference(doc)) != set(), text


def test_windows_where_no_pattern_finds_the_words_it_needs_are_skipped_and_no_match_is_lost() -> None:
    import random

    _, nlp, matcher = resources(DEFAULT_FORM)
    reference = _one_matcher_over_every_token_pattern(matcher)
    strings = nlp.vocab.strings
    rng = random.Random(15)
    needed = {
        strings[word]
        for group in matcher.anchored.values()
        for needs in group.needs
        for need in needs
        if need.column != coding_nlp._SENT_START_COLUMN
        for word in rng.sample(sorted(need.words), min(len(need.words), 6))
    }
    anchors = matcher.anchors["LOWER"] | matcher.anchors["LEMMA"] | matcher.anchors["ORTH"]
    words = sorted(needed | anchors | {".", ",", "(", ")", "Providers", "Staff", "SAFE", "The", "housing"})
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 80))) for _ in range(300)]
    compared = 0
    for doc in nlp.pipe(texts):
        found = matcher.anchored_matches(doc)
        assert found == set(reference(doc)), doc.text[:200]
        compared += len(found)
    assert compared > 400
    # a plain sentence is full of anchor words ("the", "of", "at", ",", "program", "survivor"), and
    # the Matcher runs only where a pattern matches (the default corpus: ~15,000 windows became ~1,100)
    doc = nlp("The staff of the program met them at the office, and the rest of the day was quiet for the survivors.")
    columns = doc.to_array(coding_nlp.NEED_ATTR_IDS).T.tolist()
    assert sum(len(matcher._groups_of[attr].get(word, ())) for attr in range(3) for word in columns[attr]) > 30
    windows = matcher.anchored_windows(doc)
    assert 0 < len(windows) <= 2 and all(group.matcher(doc[first:last]) for group, first, last in windows)
