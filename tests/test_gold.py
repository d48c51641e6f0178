"""Sentence gold: reading it (with messages that say where and how to fix), and aligning it to the coder's
segments by the text's letters whatever the segmentation, punctuation or case."""

from __future__ import annotations

import pytest

from reviewflow.coding.gold import (
    GoldRow,
    align,
    gold_labels_for_segments,
    is_sentence_gold,
    letters,
    read_sentence_gold,
    rows_from_segment_gold,
)
from reviewflow.errors import ReviewflowError

HEADER = "idx,kind,required,optional,sentence\n"


def row(idx: int, sentence: str, kind: str = "none", required: str = "", optional: str = "") -> GoldRow:
    def split(cell: str) -> frozenset[str]:
        return frozenset(c for c in cell.split(";") if c)

    return GoldRow(idx, kind, split(required), split(optional), sentence)


GOLD = [
    row(0, "Safe Housing", "heading"),
    row(1, "Shelters should offer a safe bed.", "explicit", "shelter_housing"),
    row(2, "Many survivors lack housing.", "none", "", "shelter_housing"),
    row(3, "Case managers connect clients to legal aid.", "described", "case_management;legal_immigration"),
]


def test_letters_drop_case_punctuation_digits_and_space():
    assert letters("  Safety-Planning, 24/7!\n") == "safetyplanning"


def test_one_segment_per_row_aligns_row_by_row():
    alignment = align(GOLD, [r.sentence for r in GOLD])
    assert alignment.segments_of_row == [[0], [1], [2], [3]]
    assert alignment.row_of_segment == [0, 1, 2, 3]
    assert alignment.unplaced_segments == []


def test_punctuation_case_and_whitespace_do_not_matter():
    segments = [
        "SAFE HOUSING:",
        "shelters — should offer a safe-bed",
        "Many  survivors\nlack housing!!",
        "Case managers connect clients to legal aid",
    ]
    assert align(GOLD, segments).row_of_segment == [0, 1, 2, 3]


def test_a_merged_segment_covers_every_row_it_holds():
    segments = ["Safe Housing", "Shelters should offer a safe bed. Many survivors lack housing.", GOLD[3].sentence]
    alignment = align(GOLD, segments)
    assert alignment.segments_of_row == [[0], [1], [1], [2]]
    # The segment is labelled by the row it overlaps most ("Many survivors lack housing" is shorter).
    assert alignment.row_of_segment == [0, 1, 3]


def test_split_segments_all_cover_their_row():
    segments = ["Safe Housing", GOLD[1].sentence, GOLD[2].sentence, "Case managers connect clients", "to legal aid."]
    alignment = align(GOLD, segments)
    assert alignment.segments_of_row[3] == [3, 4]
    assert alignment.row_of_segment == [0, 1, 2, 3, 3]


def test_a_boundary_a_few_letters_off_does_not_cover_the_next_row():
    # The coder keeps "Many" with the sentence before: it overlaps row 2 by 4 of 24 letters only.
    segments = ["Safe Housing", "Shelters should offer a safe bed. Many", "survivors lack housing.", GOLD[3].sentence]
    alignment = align(GOLD, segments)
    assert alignment.segments_of_row == [[0], [1], [2], [3]]


def test_front_matter_outside_the_gold_is_unplaced_and_the_rest_still_aligns():
    segments = ["Issue Brief No. 4 (2008)", "Prepared for the Office of the Secretary", *[r.sentence for r in GOLD]]
    alignment = align(GOLD, segments)
    assert alignment.unplaced_segments == [0, 1]
    assert alignment.row_of_segment == [None, None, 0, 1, 2, 3]
    labels = gold_labels_for_segments(GOLD, segments)
    assert labels[:2] == [None, None] and labels[3] == GOLD[1]


def test_a_segment_without_letters_is_neither_placed_nor_reported():
    alignment = align(GOLD, ["Safe Housing", "•", "2.", GOLD[1].sentence])
    assert alignment.row_of_segment == [0, None, None, 1]
    assert alignment.unplaced_segments == []


def test_a_row_no_segment_reaches_stays_uncovered():
    alignment = align(GOLD, [GOLD[1].sentence, GOLD[3].sentence])
    assert alignment.segments_of_row == [[], [0], [], [1]]


def test_repeated_sentences_align_in_order():
    gold = [row(0, "Yes."), row(1, "Listen first.", "explicit"), row(2, "Yes."), row(3, "Listen first.", "explicit")]
    assert align(gold, ["Yes.", "Listen first.", "Yes.", "Listen first."]).row_of_segment == [0, 1, 2, 3]


def test_segment_gold_rows_keep_order_kind_codes_and_phase():
    text = "Housing\nShelters should act within 48 hours. Survivors arrive at night."
    assert text[8:44] == "Shelters should act within 48 hours." and text[45:71] == "Survivors arrive at night."
    gold = {
        "b": {
            "char_start": "8",
            "char_end": "44",
            "segment_kind": "sentence",
            "recommendation_kind": "explicit",
            "service_areas": "shelter_housing",
            "practices": "",
            "phase": "immediate",
        },
        "a": {
            "char_start": "0",
            "char_end": "7",
            "segment_kind": "heading",
            "recommendation_kind": "none",
            "service_areas": "shelter_housing",
            "practices": "",
            "phase": "",
        },
        "c": {
            "char_start": "45",
            "char_end": "71",
            "segment_kind": "sentence",
            "recommendation_kind": "none",
            "service_areas": "",
            "practices": "",
            "phase": "",
        },
    }
    rows = rows_from_segment_gold(gold, text)
    assert [(r.idx, r.kind, r.sentence) for r in rows] == [
        (0, "heading", "Housing"),
        (1, "explicit", "Shelters should act within 48 hours."),
        (2, "none", "Survivors arrive at night."),
    ]
    assert rows[0].required == frozenset()  # headings carry no codes
    assert rows[1].required == {"shelter_housing"} and rows[1].phase == "immediate"


# --------------------------------------------------------------------------------------- reading
def test_reads_rows_codes_and_an_optional_phase_column(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text(
        "\ufeffidx,kind,required,optional,sentence,phase\n"
        "0,heading,,,Safe Housing,\n"
        '1,explicit, shelter_housing ; case_management ,mental_health,"Shelters should, at once, help.",immediate\n',
        encoding="utf-8",
    )
    assert is_sentence_gold(path)
    rows = read_sentence_gold(path)
    assert rows[1] == GoldRow(
        1,
        "explicit",
        frozenset({"shelter_housing", "case_management"}),
        frozenset({"mental_health"}),
        "Shelters should, at once, help.",
        "immediate",
    )
    assert rows[0].phase == "" and not rows[0].is_recommendation and rows[1].is_recommendation


def test_old_five_field_rows_still_construct():
    assert row(0, "x").phase == ""


def test_segment_keyed_gold_and_missing_files_are_not_sentence_gold(tmp_path):
    keyed = tmp_path / "keyed.csv"
    keyed.write_text("segment_id,is_recommendation\ns1,true\n", encoding="utf-8")
    assert not is_sentence_gold(keyed)
    assert not is_sentence_gold(tmp_path / "absent.csv")


def test_a_missing_file_names_the_path_and_the_fix(tmp_path):
    with pytest.raises(ReviewflowError, match=r"absent\.csv: file not found\. Fix: "):
        read_sentence_gold(tmp_path / "absent.csv")


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text("idx,kind,sentence\n0,none,Text.\n", encoding="utf-8")
    with pytest.raises(
        ReviewflowError, match=r"gold\.csv: missing column\(s\) required, optional\. Fix: .*idx,kind,required"
    ):
        read_sentence_gold(path)


def test_an_unknown_kind_names_file_line_and_fix(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text(HEADER + "0,none,,,Fine.\n1,recommendation,,,Bad kind.\n", encoding="utf-8")
    with pytest.raises(ReviewflowError, match=r"gold\.csv, line 3: kind 'recommendation' is not one of .*Fix: "):
        read_sentence_gold(path)


def test_a_non_numeric_idx_names_file_line_and_fix(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text(HEADER + "zero,none,,,Text.\n", encoding="utf-8")
    with pytest.raises(ReviewflowError, match=r"gold\.csv, line 2: idx 'zero' is not a number\. Fix: "):
        read_sentence_gold(path)
