"""Evaluation against a gold standard: per-code scores, averages, kappa, unmatched ids, the CLI; and a sentence
gold (aligned by the text's letters): its scoring rules, error list, JSON and failure on another text's coding."""

from __future__ import annotations

import argparse
import csv
import json
import re

import pytest

from reviewflow.cli.evaluate import cli_evaluate
from reviewflow.coding.evaluation import (
    binary_scores,
    citation_key,
    evaluate,
    format_sentence_report,
    multilabel_scores,
    pool_scores,
    read_rows,
    score_sentence_gold,
)
from reviewflow.coding.gold import GoldRow
from reviewflow.errors import ReviewflowError

HEADER = (
    "segment_id,split,is_recommendation,polarity,service_areas,practices,phase,phase_source,citations,citations_json\n"
)


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
    cite = json.dumps([{"raw": "Aron et al., 2006", "authors": ["Aron"], "year": "2006", "suffix": ""}]).replace(
        '"', '""'
    )
    gold = _write(
        tmp_path / "gold.csv",
        [
            "s1,dev,true,do,mental_health,,stabilization,,Aron 2006,",
            "s2,dev,true,do_not,,language_interpretation,,,,",
            "s3,held_out,false,,physical_health,,,,,",
            "s4,held_out,true,do,,,,,,",
        ],
    )
    pred = _write(
        tmp_path / "pred.csv",
        [
            f's1,,true,do,mental_health,,stabilization,cue,,"{cite}"',
            "s2,,true,do,,language_interpretation,immediate,need_default,,",
            "s3,,true,do,physical_health,,,,,",
            "s9,,false,,,,,,,",
        ],
    )
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


def test_a_skip_segment_is_left_out_of_the_recommendation_measure(tmp_path):
    header = "segment_id,is_recommendation,recommendation_kind,service_areas\n"
    gold = tmp_path / "gold.csv"
    gold.write_text(header + "s1,true,explicit,\ns2,false,skip,\ns3,false,none,\n", encoding="utf-8")
    pred = tmp_path / "pred.csv"
    pred.write_text(header + "s1,true,explicit,\ns2,true,explicit,\ns3,false,none,\n", encoding="utf-8")
    result = evaluate(read_rows(gold), read_rows(pred))
    assert result["is_recommendation"]["precision"] == 1.0
    assert result["n_matched"] == 3  # codes are still scored on the skip segment


def test_attribution_pairs_are_cited_work_and_code_of_recommendations_and_skip_counts_neither_way():
    from reviewflow.coding.evaluation import attribution_scores

    def cited(author, year):
        return json.dumps([{"raw": f"{author}, {year}", "authors": [author], "year": year, "suffix": ""}])

    gold = {
        "s1": {
            "is_recommendation": "true",
            "recommendation_kind": "explicit",
            "service_areas": "mental_health",
            "citations": "Aron 2006",
        },
        "s2": {
            "is_recommendation": "false",
            "recommendation_kind": "skip",
            "service_areas": "shelter_housing",
            "citations": "Clawson 2009",
        },
        "s3": {
            "is_recommendation": "false",
            "recommendation_kind": "none",
            "service_areas": "physical_health",
            "citations": "Zimmerman 2003",
        },
    }
    coded = [
        {
            "segment_id": "s1",
            "is_recommendation": True,
            "service_areas": ["mental_health"],
            "practices": [],
            "citations_json": cited("Aron", "2006"),
        },
        {
            "segment_id": "s2",
            "is_recommendation": True,
            "service_areas": ["shelter_housing"],
            "practices": [],
            "citations_json": cited("Clawson", "2009"),
        },
        {
            "segment_id": "s3",
            "is_recommendation": True,
            "service_areas": ["physical_health"],
            "practices": [],
            "citations_json": cited("Zimmerman", "2003"),
        },
    ]
    result = attribution_scores(gold, coded)
    assert (result["tp"], result["fp"], result["fn"], result["n_gold"]) == (1, 1, 0, 1)


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


# --------------------------------------------------------------------------------------- sentence gold
SENTENCE_GOLD = [
    ("0", "heading", "", "", "Safe Housing"),
    (
        "1",
        "explicit",
        "shelter_housing",
        "",
        "Shelters should offer a safe bed to every survivor who arrives at night.",
    ),
    ("2", "none", "", "shelter_housing", "Many survivors lack housing."),
    (
        "3",
        "described",
        "case_management",
        "",
        "Case managers connect clients to legal aid, to medical care, to housing programs and to every other "
        "service that a survivor needs.",
    ),
    ("4", "skip", "", "", "Organizations have a protocol."),
    ("5", "none", "mental_health", "", "Survivors often report anxiety."),
]
PRED_COLUMNS = (
    "doc_id",
    "segment_id",
    "char_start",
    "segment_kind",
    "sentence",
    "is_recommendation",
    "service_areas",
    "practices",
    "phase",
)


def _pred_row(
    start: int,
    sentence: str,
    rec: bool,
    areas: str = "",
    practices: str = "",
    kind: str = "sentence",
    doc_id: str = "doc",
) -> dict[str, str]:
    return {
        "doc_id": doc_id,
        "segment_id": f"{doc_id}-{start}",
        "char_start": str(start),
        "segment_kind": kind,
        "sentence": sentence,
        "is_recommendation": "true" if rec else "false",
        "service_areas": areas,
        "practices": practices,
        "phase": "",
    }


# The coder, on the text of SENTENCE_GOLD: one false and one missed recommendation, a false and a missed code.
PRED = [
    _pred_row(0, "Safe Housing", False, "shelter_housing", kind="heading"),
    _pred_row(13, SENTENCE_GOLD[1][4], True, "shelter_housing"),
    _pred_row(88, "Many survivors lack housing.", True, "shelter_housing"),
    _pred_row(117, SENTENCE_GOLD[3][4], False, "legal_immigration", "case_management"),
    _pred_row(240, "Organizations have a protocol.", True),
    _pred_row(271, "Survivors often report anxiety.", False),
]


def _write_sentence_gold(path, rows=SENTENCE_GOLD):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["idx", "kind", "required", "optional", "sentence"])
        writer.writerows(rows)
    return path


def _write_pred(path, rows=PRED):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PRED_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _args(gold, pred, **options):
    return argparse.Namespace(
        gold=str(gold),
        pred=str(pred),
        errors=options.get("errors", False),
        json=options.get("json"),
        doc_id=options.get("doc_id"),
    )


def test_sentence_gold_is_scored_by_its_own_rules_with_per_code_lines(tmp_path, capsys):
    gold, pred = _write_sentence_gold(tmp_path / "gold.csv"), _write_pred(tmp_path / "pred.csv")
    assert cli_evaluate(_args(gold, pred)) == 0
    out = capsys.readouterr().out
    assert "== gold: 6 gold rows, 6 segments" in out
    assert "recommendation  P 0.50  R 0.50  F1 0.50  (tp 1, fp 1, fn 1)" in out  # the skip row is not scored
    assert "codes (areas + practices, micro)  P 0.67  R 0.67  F1 0.67  (tp 2, fp 1, fn 1)" in out
    assert re.search(r"legal_immigration +tp +0 fp +1 fn +0", out)
    assert re.search(r"mental_health +tp +0 fp +0 fn +1", out)
    assert re.search(r"shelter_housing +tp +1 fp +0 fn +0", out)  # optional on row 2, heading codes ignored
    assert "recommendation errors" not in out


def test_errors_lists_missed_and_false_recommendations_clipped(tmp_path, capsys):
    gold, pred = _write_sentence_gold(tmp_path / "gold.csv"), _write_pred(tmp_path / "pred.csv")
    assert cli_evaluate(_args(gold, pred, errors=True)) == 0
    out = capsys.readouterr().out
    false_line = next(line for line in out.splitlines() if "false recommendation" in line)
    missed_line = next(line for line in out.splitlines() if "missed recommendation" in line)
    assert false_line.split()[0] == "2" and false_line.endswith("Many survivors lack housing.")
    assert missed_line.split()[0] == "3"
    assert missed_line.endswith(SENTENCE_GOLD[3][4][:100] + "…")
    assert re.search(r"^ +3 false legal_immigration: Case managers", out, re.M)
    assert re.search(r"^ +5 missed mental_health: Survivors often", out, re.M)


def test_a_prediction_coded_from_another_text_fails_clearly(tmp_path, capsys):
    gold = _write_sentence_gold(tmp_path / "gold.csv")
    pred = _write_pred(
        tmp_path / "pred.csv",
        [
            _pred_row(0, "Safe Housing", False, kind="heading"),
            _pred_row(13, "Interpreters must be trained in trauma-informed practice.", True),
            _pred_row(70, "Funding for outreach was cut in 2005.", False),
        ],
    )
    assert cli_evaluate(_args(gold, pred)) == 1
    captured = capsys.readouterr()
    assert "only 1 of 6 rows" in captured.err and "align" in captured.err and "Fix:" in captured.err
    assert "recommendation  P" not in captured.out


def test_rows_are_aligned_in_text_order_whatever_the_file_order(tmp_path, capsys):
    gold = _write_sentence_gold(tmp_path / "gold.csv")
    pred = _write_pred(tmp_path / "pred.csv", list(reversed(PRED)))
    assert cli_evaluate(_args(gold, pred)) == 0
    assert "(tp 1, fp 1, fn 1)" in capsys.readouterr().out


def test_json_holds_the_full_result_deterministically(tmp_path, capsys):
    gold, pred = _write_sentence_gold(tmp_path / "gold.csv"), _write_pred(tmp_path / "pred.csv")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert cli_evaluate(_args(gold, pred, json=str(first))) == 0
    assert cli_evaluate(_args(gold, pred, json=str(second))) == 0
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text(encoding="utf-8"))
    assert first.read_text(encoding="utf-8") == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert data["recommendation"]["tp"] == 1 and data["codes"]["fp"] == 1
    assert data["per_code"]["legal_immigration"]["fp"] == 1
    assert [e["idx"] for e in data["errors"]] == [2, 3]
    assert data["gold"] == str(gold) and data["uncovered_rows"] == 0


def test_a_file_of_several_documents_needs_doc_id(tmp_path, capsys):
    gold = _write_sentence_gold(tmp_path / "gold.csv")
    other = [_pred_row(0, "Unrelated text.", True, doc_id="other")]
    pred = _write_pred(tmp_path / "pred.csv", [*other, *PRED])
    with pytest.raises(ReviewflowError, match=r"holds 2 documents .*Fix: pass --doc-id"):
        cli_evaluate(_args(gold, pred))
    with pytest.raises(ReviewflowError, match=r"no row has doc_id nope\. Fix: pass one of doc, other"):
        cli_evaluate(_args(gold, pred, doc_id="nope"))
    assert cli_evaluate(_args(gold, pred, doc_id="doc")) == 0
    assert "(tp 1, fp 1, fn 1)" in capsys.readouterr().out


def test_a_prediction_without_sentences_is_refused(tmp_path):
    gold = _write_sentence_gold(tmp_path / "gold.csv")
    pred = _write(tmp_path / "pred.csv", ["s1,,true,do,,,,,,"])
    with pytest.raises(ReviewflowError, match=r"has no sentence column\. Fix: "):
        cli_evaluate(_args(gold, pred))


def test_the_command_line_takes_errors_and_json(tmp_path, capsys):
    from reviewflow.cli import main

    gold, pred = _write_sentence_gold(tmp_path / "gold.csv"), _write_pred(tmp_path / "pred.csv")
    out = tmp_path / "result.json"
    assert main(["evaluate", "--gold", str(gold), "--pred", str(pred), "--errors", "--json", str(out)]) == 0
    assert "missed recommendation" in capsys.readouterr().out and out.is_file()
    assert main(["evaluate", "--gold", str(gold), "--pred", str(tmp_path / "absent.csv")]) == 2
    assert "absent.csv: file not found" in capsys.readouterr().err


def test_segment_keyed_gold_writes_json_too(tmp_path, capsys):
    gold = _write(tmp_path / "gold.csv", ["s1,dev,true,do,mental_health,,,,,"])
    pred = _write(tmp_path / "pred.csv", ["s1,,true,do,mental_health,,,,,"])
    out = tmp_path / "result.json"
    assert cli_evaluate(_args(gold, pred, json=str(out))) == 0
    reports = json.loads(out.read_text(encoding="utf-8"))["reports"]
    assert [r["split"] for r in reports] == ["all", "dev"] and reports[0]["is_recommendation"]["f1"] == 1.0


def test_phase_is_right_only_when_the_covering_segments_name_the_gold_phase_alone():
    gold = [
        GoldRow(0, "explicit", frozenset(), frozenset(), "Act within two days.", "immediate"),
        GoldRow(1, "explicit", frozenset(), frozenset(), "Plan for the long term.", "long_term"),
        GoldRow(2, "explicit", frozenset(), frozenset(), "Offer a bed tonight.", "immediate"),
        GoldRow(3, "none", frozenset(), frozenset(), "Survivors arrive at night."),
    ]
    pred = [
        {"sentence": "Act within two days.", "phase": "immediate"},
        {"sentence": "Plan for the long term.", "phase": "stabilization"},
        {"sentence": "Offer a bed", "phase": "immediate"},
        {"sentence": "tonight.", "phase": "long_term"},
        {"sentence": "Survivors arrive at night.", "phase": "immediate"},
    ]
    result = score_sentence_gold(gold, pred)
    assert result["phase"] == {"n": 3, "correct": 1, "accuracy": pytest.approx(1 / 3)}
    pooled = pool_scores([result, result])
    assert pooled["phase"]["n"] == 6 and pooled["phase"]["correct"] == 2
    assert "phase (rows the gold gives a phase)  accuracy 0.33  (1 of 3)" in format_sentence_report("x", result)


@pytest.mark.shared
def test_evaluate_aligns_a_real_text_coded_by_the_code_command(shared_dir, tmp_path, capsys):
    """`code TEXT --out X.csv` then `evaluate --gold gold/NAME.csv --pred X.csv`: every gold row finds a
    segment but the title, which the coder keeps as front matter."""
    from reviewflow.cli import main

    name = "aspe_hidden_wounds_2008"
    text, gold = shared_dir / "texts" / f"{name}.txt", shared_dir / "texts" / "gold" / f"{name}.csv"
    if not (text.is_file() and gold.is_file()):
        pytest.skip(f"../shared/texts has no {name} with its gold")
    pred, out = tmp_path / "pred.csv", tmp_path / "result.json"
    assert main(["code", str(text), "--out", str(pred)]) == 0
    assert main(["evaluate", "--gold", str(gold), "--pred", str(pred), "--json", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["n_rows"] == len(list(csv.DictReader(gold.open(encoding="utf-8"))))
    assert result["uncovered_rows"] <= 2
    assert result["unplaced_segments"] <= 2
    assert "recommendation  P" in capsys.readouterr().out


def test_no_overlap_prints_no_table_before_its_error(tmp_path, capsys):
    gold = _write(tmp_path / "gold.csv", ["s1,dev,true,do,,,,,,"])
    pred = _write(tmp_path / "pred.csv", ["x1,,true,do,,,,,,"])
    out = tmp_path / "result.json"
    assert cli_evaluate(argparse.Namespace(gold=str(gold), pred=str(pred), json=str(out))) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "no segment_id" in captured.err and "Fix:" in captured.err
    assert not out.exists()


def test_swapped_gold_and_prediction_are_refused(tmp_path, capsys):
    from reviewflow.cli import main

    gold = _write_sentence_gold(tmp_path / "gold.csv")
    pred = _write_pred(tmp_path / "pred.csv")
    assert main(["evaluate", "--gold", str(pred), "--pred", str(gold)]) == 2
    err = capsys.readouterr().err
    assert f"{gold} (given as --pred) is a sentence gold" in err and "were they swapped?" in err
    coded = tmp_path / "coded.csv"
    coded.write_text(
        HEADER.strip() + ",evidence,confidence,decided_by\ns1,,true,do,,,,,,,,0.9,both\n", encoding="utf-8"
    )
    segment_gold = _write(tmp_path / "segment_gold.csv", ["s1,dev,true,do,,,,,,"])
    assert main(["evaluate", "--gold", str(coded), "--pred", str(segment_gold)]) == 2
    assert f"{coded} (given as --gold) was written by `code`" in capsys.readouterr().err
    assert main(["evaluate", "--gold", str(segment_gold), "--pred", str(coded)]) == 0
