"""Evaluation against a gold standard: per-code scores, averages, kappa, unmatched ids, the CLI."""

from __future__ import annotations

import argparse
import json

import pytest

from reviewflow.errors import ReviewflowError
from reviewflow.evaluation import binary_scores, citation_key, cli_evaluate, evaluate, multilabel_scores, read_rows

HEADER = "segment_id,split,is_recommendation,polarity,service_areas,practices,phase,phase_source,citations,citations_json\n"


def _write(path, lines):
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_binary_scores_and_kappa():
    scores = binary_scores([True, True, False, False], [True, False, True, False])
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 1, 1)
    assert scores["precision"] == scores["recall"] == scores["f1"] == pytest.approx(0.5)
    assert scores["kappa"] == pytest.approx(0.0)
    assert binary_scores([True, False], [True, False])["kappa"] == pytest.approx(1.0)


def test_multilabel_micro_and_macro():
    gold = [{"a"}, {"a", "b"}, set()]
    pred = [{"a"}, {"a"}, {"b"}]
    scores = multilabel_scores(gold, pred)
    assert scores["per_label"]["a"]["f1"] == pytest.approx(1.0)
    assert scores["per_label"]["b"]["f1"] == pytest.approx(0.0)
    assert scores["micro"]["precision"] == pytest.approx(2 / 3) and scores["micro"]["recall"] == pytest.approx(2 / 3)
    assert scores["macro"]["f1"] == pytest.approx(0.5)


def test_citation_keys_ignore_how_the_name_is_written():
    assert citation_key("Salvation Army 2006") == citation_key("salvation army, 2006") == "salvation2006"
    assert citation_key("The Paul & Lisa Program 2006") == "paul2006"
    assert citation_key("Clawson 2008a") == "clawson2008a"


def test_evaluate_joins_on_segment_id_and_reports_unmatched(tmp_path):
    cite = json.dumps([{"raw": "Aron et al., 2006", "authors": ["Aron"], "year": "2006", "suffix": ""}]).replace('"', '""')
    gold = _write(tmp_path / "gold.csv", [
        "s1,dev,true,do,mental_health,,stabilization,,Aron 2006,",
        "s2,dev,true,do_not,,language_interpretation,,,,",
        "s3,held_out,false,,physical_health,,,,,",
        "s4,held_out,true,do,,,,,,",
    ])
    pred = _write(tmp_path / "pred.csv", [
        f's1,,true,do,mental_health,,stabilization,cue,,"{cite}"',
        "s2,,true,do,,language_interpretation,immediate,need_default,,",
        "s3,,true,do,physical_health,,,,,",
        "s9,,false,,,,,,,",
    ])
    result = evaluate(read_rows(gold), read_rows(pred))
    assert (result["n_gold"], result["n_matched"], result["gold_only"], result["pred_only"]) == (4, 3, ["s4"], ["s9"])
    assert result["is_recommendation"]["precision"] == pytest.approx(2 / 3)
    assert result["codes_on_recommendations"]["micro"]["f1"] == pytest.approx(1.0)
    assert result["polarity"]["per_label"]["do_not"]["recall"] == 0.0
    assert result["phase"]["micro"]["precision"] == pytest.approx(0.5)
    assert result["phase_cued"]["micro"]["precision"] == pytest.approx(1.0)
    assert result["citations"]["micro"]["f1"] == pytest.approx(1.0)
    held_out = evaluate(read_rows(gold), read_rows(pred), "held_out")
    assert held_out["n_gold"] == 2 and held_out["gold_only"] == ["s4"]


def test_cli_prints_every_split(tmp_path, capsys):
    gold = _write(tmp_path / "gold.csv", ["s1,dev,true,do,mental_health,,,,,", "s2,held_out,false,,,,,,,"])
    pred = _write(tmp_path / "pred.csv", ["s1,,true,do,mental_health,,,,,", "s2,,false,,,,,,,"])
    assert cli_evaluate(argparse.Namespace(gold=str(gold), pred=str(pred))) == 0
    out = capsys.readouterr().out
    assert "split: all" in out and "split: dev" in out and "split: held_out" in out
    assert "mental_health" in out


def test_no_overlap_and_missing_files_are_clear(tmp_path, capsys):
    gold = _write(tmp_path / "gold.csv", ["s1,dev,true,do,,,,,,"])
    pred = _write(tmp_path / "pred.csv", ["x1,,true,do,,,,,,"])
    assert cli_evaluate(argparse.Namespace(gold=str(gold), pred=str(pred))) == 1
    assert "no segment_id" in capsys.readouterr().err
    with pytest.raises(ReviewflowError, match="not found"):
        read_rows(tmp_path / "nope.csv")
