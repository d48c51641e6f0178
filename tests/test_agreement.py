"""Agreement between the automatic coding and reviewers, and between reviewers (Cohen's kappa)."""

from __future__ import annotations

import pytest
from review_fixtures import default_form, segment, write_coded
from test_review import write_decisions_csv

from reviewflow.agreement import AGREEMENT_COLUMNS, CONFLICT_COLUMNS, NO_DECISIONS, agreement, agreement_files, pair_agreement
from reviewflow.fileio import csv_text


@pytest.fixture(scope="module")
def codebook():
    return default_form().codebook


def ten_recommendations(results):
    rows = [segment("hodge2008", f"Programs should offer counseling, point {i}.", areas="mental_health",
                    phase="stabilization") for i in range(10)]
    write_coded(results, "hodge2008", rows)
    return [row["segment_id"] for row in rows]


# Hand-computed: ana and ben decide 10 segments (accept = recommendation, reject = not):
#             ben accept  ben reject
# ana accept      4           2        ana accepts 6, ben accepts 5
# ana reject      1           3
# observed agreement p_o = 7/10 = 0.7; chance p_e = 0.6*0.5 + 0.4*0.5 = 0.5; kappa = (0.7-0.5)/(1-0.5) = 0.4
ANA = ["accept"] * 6 + ["reject"] * 4
BEN = ["accept"] * 4 + ["reject"] * 2 + ["accept"] + ["reject"] * 3


def test_two_reviewers_kappa_matches_hand_computation(tmp_path, codebook):
    ids = ten_recommendations(tmp_path)
    sheets = [write_decisions_csv(tmp_path / "decisions" / f"{name}.csv",
                                  [{"segment_id": sid, "decision": d} for sid, d in zip(ids, decisions)])
              for name, decisions in (("ana", ANA), ("ben", BEN))]
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
    assert result.conflicts[0]["differs_in"] == "area:mental_health;is_recommendation;phase"
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
        write_decisions_csv(tmp_path / "decisions" / "ben.csv", [{"segment_id": ids[0], "decision": "edit",
                                                                   "phase_override": "immediate"}]),
        write_decisions_csv(tmp_path / "decisions" / "adjudicated.csv", [{"segment_id": ids[0], "decision": "accept"}]),
    ]
    result = agreement(sorted((tmp_path / "coded").glob("*.csv")), sheets, codebook)
    (conflict,) = result.conflicts
    assert conflict["differs_in"] == "phase" and conflict["status"] == "settled by adjudication (accept)"
    assert conflict["decisions"] == "ana: accept | ben: edit phase=immediate"


def test_no_decisions_gives_header_only_files_and_a_log_line(tmp_path, codebook):
    ten_recommendations(tmp_path)
    out = tmp_path / "review"
    result = agreement_files(coded=sorted((tmp_path / "coded").glob("*.csv")), decisions=[],
                             form=default_form().path, agreement_out=out / "agreement.csv",
                             conflicts_out=out / "conflicts.csv")
    assert (out / "agreement.csv").read_text() == csv_text([], AGREEMENT_COLUMNS)
    assert (out / "conflicts.csv").read_text() == csv_text([], CONFLICT_COLUMNS)
    assert NO_DECISIONS in result.log
