"""Shared test fixtures. Tests that read ../shared skip cleanly where it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow_fixtures import finished_default_run  # noqa: F401  (a session fixture for the workflow tests)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repository; skips the test where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (real texts and PDFs are not in the repository)")
    return SHARED


@pytest.fixture(scope="session")
def shared_pdfs(shared_dir: Path) -> dict[str, Path]:
    pdfs = {p.name: p for p in sorted((shared_dir / "pdfs").glob("*.pdf"))}
    if not pdfs:
        pytest.skip("../shared/pdfs holds no PDFs")
    return pdfs
