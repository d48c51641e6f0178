"""Single-file commands name the option or config key that gave a missing file, never configuration
the user did not use."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewflow.cli import main


def test_ingest_of_a_missing_file_names_the_file_not_the_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.pdf"
    assert main(["ingest", str(missing), "--out", str(tmp_path / "out.json")]) == 2
    err = capsys.readouterr().err
    assert f"{missing}: file not found. Fix: give the path of a" in err and "manifest" not in err
    assert not (tmp_path / "out.json").exists()


def test_code_with_a_missing_form_names_the_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = tmp_path / "paper.txt"
    document.write_text("Shelters should offer a safe bed.\n", encoding="utf-8")
    form = tmp_path / "missing.yaml"
    assert main(["code", str(document), "--form", str(form), "--out", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert f"{form}: extraction form not found (given by --form). Fix: give --form the path of" in err
    assert "config/config.yaml" not in err


def test_code_with_a_missing_manifest_option_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = tmp_path / "paper.txt"
    document.write_text("Shelters should offer a safe bed.\n", encoding="utf-8")
    manifest = tmp_path / "nope.csv"
    assert main(["code", str(document), "--manifest", str(manifest), "--out", str(tmp_path / "out.csv")]) == 2
    assert f"{manifest}: manifest not found (given by --manifest)" in capsys.readouterr().err


def test_a_missing_file_from_the_config_names_its_key_and_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "review.yaml"
    config.write_text((Path(__file__).resolve().parents[1] / "config" / "config.yaml").read_text(encoding="utf-8"))
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("form: extraction_forms/macy_johns_2011.yaml", f"form: {tmp_path / 'gone.yaml'}"), encoding="utf-8"
    )
    assert f"form: {tmp_path / 'gone.yaml'}" in config.read_text(encoding="utf-8")
    document = tmp_path / "paper.txt"
    document.write_text("Shelters should offer a safe bed.\n", encoding="utf-8")
    assert main(["code", str(document), "--config", str(config), "--out", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err
    assert f"(given by `form` in {config})" in err and "Fix: set `form` in" in err
