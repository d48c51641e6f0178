"""Synthesis figures: heatmap of areas × phases and the evidence gap map, deterministic PNG and SVG."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from PIL import Image

from reviewflow.form import load_form
from reviewflow.paths import DEFAULT_FORM
from reviewflow.synthesis import figures
from reviewflow.synthesis.evidence import synthesize_files
from synthesis_fixtures import write_corpus


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return synthesize_files(**write_corpus(tmp_path_factory.mktemp("figures_corpus")))


@pytest.fixture(scope="module")
def drawn(result, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("figures")
    figures.write_figures(result, out)
    return out


def test_heatmap_matrix_counts_documents_per_area_and_phase(result):
    rows, columns, values = figures._support_matrix(result.service_areas, "n_documents")
    assert rows[:2] == ["Basic necessities", "Shelter and housing"]
    assert columns == ["Immediate (crisis)", "Trauma recovery & stabilization", "Reintegration", "Any phase"]
    assert values[1].tolist() == [5, 0, 1, 5]  # shelter: emergency shelter ×5, once in reintegration
    assert values[3].tolist() == [0, 1, 0, 2]  # mental health: one phase-less recommendation


def test_figures_are_png_at_300_dpi_and_svg(drawn):
    assert sorted(p.name for p in drawn.iterdir()) == sorted(figures.output_files())
    for stem in (figures.HEATMAP, figures.GAP_MAP):
        with Image.open(drawn / f"{stem}.png") as image:
            assert image.info["dpi"] == pytest.approx((300, 300), abs=0.1)
            assert image.width > 1500 and image.height > 900
        svg = (drawn / f"{stem}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
        assert "<dc:date>" not in svg


def test_figures_show_the_labels_and_legends(drawn):
    # Text drawn as paths keeps its string as a comment in matplotlib's SVG.
    heatmap = (drawn / f"{figures.HEATMAP}.svg").read_text(encoding="utf-8")
    for label in ("Shelter and housing", "Legal and immigration advocacy", "Reintegration", "Documents"):
        assert f"<!-- {label} -->" in heatmap, label
    gap_map = (drawn / f"{figures.GAP_MAP}.svg").read_text(encoding="utf-8")
    for label in ("Trauma-informed care", "Share resting on primary data", "Any phase"):
        assert f"<!-- {label} -->" in gap_map, label
    assert re.search(r"<!-- Documents -->", gap_map)  # the size legend's title


def test_gap_map_draws_with_no_support_at_all(tmp_path):
    empty = synthesize_files(**write_corpus(tmp_path / "corpus", segments=[]))
    figures.write_figures(empty, tmp_path / "out")
    assert (tmp_path / "out" / f"{figures.GAP_MAP}.png").stat().st_size > 0


def test_byte_identical_across_runs(result, tmp_path, monkeypatch):
    figures.write_figures(result, tmp_path / "first")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 86400 * 400)
    figures.write_figures(result, tmp_path / "second")
    for name in figures.output_files():
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes(), name


def _titles(folder: Path) -> tuple[str, str]:
    return (
        (folder / f"{figures.HEATMAP}.svg").read_text(encoding="utf-8"),
        (folder / f"{figures.GAP_MAP}.svg").read_text(encoding="utf-8"),
    )


def test_the_default_form_keeps_the_review_s_figure_titles(result, tmp_path):
    figures.write_figures(result, tmp_path, load_form(DEFAULT_FORM).wording)
    heatmap, gap_map = _titles(tmp_path)
    assert "<!-- Documents recommending each service area, by phase -->" in heatmap
    assert "<!-- Evidence gap map: service areas (top) and delivery practices (bottom) -->" in gap_map


def test_another_review_s_figures_carry_its_titles(tmp_path):
    kwargs = write_corpus(tmp_path / "corpus", other_review=True)
    figures.write_figures(synthesize_files(**kwargs), tmp_path / "out", load_form(kwargs["form_path"]).wording)
    heatmap, gap_map = _titles(tmp_path / "out")
    assert "<!-- Documents recommending services, by phase -->" in heatmap  # the generic title, in its names
    assert "<!-- Gaps: services and approaches -->" in gap_map  # its own title
    assert "<!-- Rescue -->" in heatmap
    for svg in (heatmap, gap_map):
        assert "service area" not in svg and "delivery practices" not in svg
