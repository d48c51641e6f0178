"""Agreement between the automatic coding and reviewers, and between reviewers (Cohen's kappa)."""

from __future__ import annotations

import pytest

from review_fixtures import default_form, segment, write_coded
from reviewflow.fileio import csv_text
from reviewflow.review.agreement import (
    AGREEMENT_COLUMNS,
    CONFLICT_COLUMNS,
    NO_DECISIONS,
    agreement,
    agreement_files,
    pair_agreement,
)
from test_review import write_decisions_csv


@pytest.fixture(scope="module")
def codebook():
    return default_form().codebook


def ten_recommendations(results):
    rows = [
        segment(
            "hodge2008", f"Programs should offer counseling, point {i}.", areas="mental_health", phase="stabilization"
        )
        for i in range(10)
    ]
    write_coded(results, "hodge2008", rows)
    return [row["segment_id"] for row in rows]


# Hand-computed: ana and ben decide 10 segments (accept = recommendation, reject = not):
#             ben accept  ben reject
# ana accept      4           2        ana accepts 6, ben accepts 5
# ana reject      1           3
# observed agreement p_o = 7/10 = 0.7; chance p_e = 0.6*0.5 + 0.4*0.5 = 0.5; kappa = (0.7-0.5)/(1-0.5) = 0.4
ANA = ["accept"] * 6 + ["reject"] * 4
BEN = ["accept"] * 4 + ["reject"] * 2 + ["accept"] + ["reject"] * 3


def ana_and_ben(results, ids):
    """ana's and ben's sheets deciding the ten segments (ANA, BEN)."""
    return [
        write_decisions_csv(
            results / "decisions" / f"{name}.csv",
            [{"segment_id": sid, "decision": d} for sid, d in zip(ids, decisions)],
        )
        for name, decisions in (("ana", ANA), ("ben", BEN))
    ]


def test_two_reviewers_kappa_matches_hand_computation(tmp_path, codebook):
    ids = ten_recommendations(tmp_path)
    sheets = ana_and_ben(tmp_path, ids)
    result = agreement(sorted((tmp_path / "coded").glob("*.csv")), sheets, codebook)
    rows = {(r["rater_a"], r["rater_b"], r["code"]): r for r in result.agreement}
    pair = rows[("ana", "ben", "is_recommendation")]
    assert (pair["n_segments"], pair["n_agree"], pair["percent_agreement"], pair["kappa"]) == (10, 7, "70.0", "0.400")
    # a rejected segment loses its codes and phase, so the area and the phase agree exactly like is_recommendation
    assert rows[("ana", "ben", "area:mental_health")]["kappa"] == "0.400"
    assert rows[("ana", "ben", "phase")]["kappa"] == "0.400"
    # the automatic coder said "recommendation" every time: agreement 60 %, kappa 0 (no better than chance)
    auto = rows[("auto", "ana", "is_recommendation")]
    assert (auto["percent_agreement"], auto["kappa"]) == ("60.0", "0.000")
    never = rows[("ana", "ben", "area:substance_abuse")]
    assert (never["percent_agreement"], never["kappa"]) == ("100.0", "") and "undefined" in never["note"]
    assert [c["segment_id"] for c in result.conflicts] == sorted([ids[4], ids[5], ids[6]])
    assert result.conflicts[0]["differs_in"] == "area:mental_health;is_recommendation;phase;polarity"
    assert result.conflicts[0]["status"].startswith("unresolved")


def test_pair_agreement_against_sklearn_free_computation():
    a = ["immediate", "immediate", "none", "stabilization", "none", "immediate"]
    b = ["immediate", "stabilization", "none", "stabilization", "immediate", "immediate"]
    # p_o = 4/6; marginals a: imm 3, none 2, stab 1; b: imm 3, none 1, stab 2
    p_o = 4 / 6
    p_e = (3 * 3 + 2 * 1 + 1 * 2) / 36
    agree, percent, kappa = pair_agreement(a, b)
    assert agree == 4 and percent == pytest.approx(100 * p_o)
    assert kappa == pytest.approx((p_o - p_e) / (1 - p_e))


def test_adjudicated_conflict_is_settled(tmp_path, codebook):
    ids = ten_recommendations(tmp_path)
    sheets = [
        write_decisions_csv(tmp_path / "decisions" / "ana.csv", [{"segment_id": ids[0], "decision": "accept"}]),
        write_decisions_csv(
            tmp_path / "decisions" / "ben.csv",
            [{"segment_id": ids[0], "decision": "edit", "phase_override": "immediate"}],
        ),
        write_decisions_csv(tmp_path / "decisions" / "adjudicated.csv", [{"segment_id": ids[0], "decision": "accept"}]),
    ]
    result = agreement(sorted((tmp_path / "coded").glob("*.csv")), sheets, codebook)
    (conflict,) = result.conflicts
    assert conflict["differs_in"] == "phase" and conflict["status"] == "settled by adjudication (accept)"
    assert conflict["decisions"] == "ana: accept | ben: edit phase=immediate"


def test_no_decisions_gives_header_only_files_and_a_log_line(tmp_path, codebook):
    ten_recommendations(tmp_path)
    out = tmp_path / "review"
    result = agreement_files(
        coded=sorted((tmp_path / "coded").glob("*.csv")),
        decisions=[],
        form=default_form().path,
        agreement_out=out / "agreement.csv",
        conflicts_out=out / "conflicts.csv",
    )
    assert (out / "agreement.csv").read_text() == csv_text([], AGREEMENT_COLUMNS)
    assert (out / "conflicts.csv").read_text() == csv_text([], CONFLICT_COLUMNS)
    assert NO_DECISIONS in result.log


# Hand-computed, per need (Table 1 rows): 8 segments, each automatically coded ongoing_mental_health.
# "drop" = edit with codes_override mental_health only (the need removed), "keep+" = edit that keeps the
# need and adds transitional_housing.
#   segment:  0    1    2    3     4     5      6     7
#   ana:      acc  acc  acc  acc   acc   drop   drop  drop    → need yes on 5, no on 3
#   ben:      acc  acc  acc  drop  drop  keep+  drop  drop    → need yes on 4, no on 4
# ongoing_mental_health, ana vs ben: both yes 3, ana only 2, ben only 1, both no 2:
#   p_o = 5/8 = 0.625; p_e = (5/8)(4/8) + (3/8)(4/8) = 0.5; kappa = (0.625 - 0.5) / 0.5 = 0.25
# auto (yes everywhere) vs ana: p_o = 5/8, p_e = 1 * 5/8, kappa = 0; vs ben: p_o = 4/8, kappa = 0
# transitional_housing, ana vs ben: only ben on segment 5: p_o = 7/8, p_e = 1 * 7/8, kappa = 0
DROP = {"decision": "edit", "codes_override": "mental_health"}
KEEP_PLUS = {"decision": "edit", "codes_override": "mental_health;ongoing_mental_health;transitional_housing"}
ACCEPT = {"decision": "accept"}
ANA_NEEDS = [ACCEPT] * 5 + [DROP] * 3
BEN_NEEDS = [ACCEPT] * 3 + [DROP, DROP, KEEP_PLUS, DROP, DROP]


def test_per_need_agreement_matches_hand_computation(tmp_path, codebook):
    rows = [
        segment(
            "hodge2008",
            f"Programs should offer counseling, point {i}.",
            areas="mental_health",
            needs="ongoing_mental_health",
            phase="stabilization",
        )
        for i in range(8)
    ]
    write_coded(tmp_path, "hodge2008", rows)
    ids = [row["segment_id"] for row in rows]
    sheets = [
        write_decisions_csv(
            tmp_path / "decisions" / f"{name}.csv", [{"segment_id": sid, **d} for sid, d in zip(ids, decisions)]
        )
        for name, decisions in (("ana", ANA_NEEDS), ("ben", BEN_NEEDS))
    ]
    result = agreement(sorted((tmp_path / "coded").glob("*.csv")), sheets, codebook)
    rows_by = {(r["rater_a"], r["rater_b"], r["code"]): r for r in result.agreement}
    need = rows_by[("ana", "ben", "need:ongoing_mental_health")]
    assert (need["n_segments"], need["n_agree"], need["percent_agreement"], need["kappa"]) == (8, 5, "62.5", "0.250")
    assert (
        rows_by[("auto", "ana", "need:ongoing_mental_health")]["percent_agreement"],
        rows_by[("auto", "ana", "need:ongoing_mental_health")]["kappa"],
    ) == ("62.5", "0.000")
    assert rows_by[("auto", "ben", "need:ongoing_mental_health")]["percent_agreement"] == "50.0"
    housing = rows_by[("ana", "ben", "need:transitional_housing")]
    assert (housing["n_agree"], housing["percent_agreement"], housing["kappa"]) == (7, "87.5", "0.000")
    # every need of the codebook has a row per pair, in codebook order after the practices
    codes = [r["code"] for r in result.agreement if (r["rater_a"], r["rater_b"]) == ("ana", "ben")]
    assert [c for c in codes if c.startswith("need:")] == [f"need:{n}" for n in codebook.ids("needs")]
    assert codes.index("need:" + codebook.ids("needs")[0]) > max(
        i for i, c in enumerate(codes) if c.startswith("practice:")
    )
    # the conflicts name the need that differs
    differs = {c["segment_id"]: c["differs_in"] for c in result.conflicts}
    assert differs[ids[3]] == "need:ongoing_mental_health"
    assert differs[ids[5]] == "need:ongoing_mental_health;need:transitional_housing"


def test_the_adjudicator_is_not_a_rater(tmp_path, codebook):
    ids = ten_recommendations(tmp_path)
    sheets = ana_and_ben(tmp_path, ids)
    # The chair settles the three conflicts, and also writes her own name in the reviewer column.
    chair = [{"segment_id": sid, "decision": "reject", "reviewer": "Chair"} for sid in (ids[4], ids[5], ids[6])]
    sheets.append(write_decisions_csv(tmp_path / "decisions" / "adjudicated.csv", chair))
    result = agreement(sorted((tmp_path / "coded").glob("*.csv")), sheets, codebook)
    pairs = {(r["rater_a"], r["rater_b"]) for r in result.agreement}
    assert pairs == {("auto", "ana"), ("auto", "ben"), ("ana", "ben")}
    kappa = next(
        r for r in result.agreement if (r["rater_a"], r["rater_b"], r["code"]) == ("ana", "ben", "is_recommendation")
    )
    assert kappa["kappa"] == "0.400"  # as without the adjudication
    assert [c["status"] for c in result.conflicts] == ["settled by adjudication (reject)"] * 3
    assert "0 conflict(s) to resolve, 3 settled by adjudication; 3 adjudicated decision(s)" in result.log[0]
