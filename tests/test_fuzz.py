"""A fast seeded subset of bench/fuzz.py: every input kind, no crash and no hang.

The full harness (`make fuzz`, or `python bench/fuzz.py --cases 10000`) runs the same mutators on many
more cases; a failure here names the kind, the signature and the saved input to replay.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = 20240614
CASES = {"pdf": 16, "text": 30, "html": 20, "bibtex": 30, "ris": 60, "manifest": 60, "decisions": 60}


def _load_fuzz():
    spec = importlib.util.spec_from_file_location("reviewflow_bench_fuzz", ROOT / "bench" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fuzz = _load_fuzz()


@pytest.fixture(scope="module")
def seeds() -> dict[str, list[bytes]]:
    return fuzz.load_seeds()


@pytest.fixture(scope="module")
def pool():
    workers = fuzz.start_pool(2)
    yield workers
    fuzz.stop_pool(workers)


def test_every_kind_has_seeds_from_the_project(seeds: dict[str, list[bytes]]) -> None:
    assert set(seeds) == set(fuzz.KINDS)
    assert all(seeds[kind] for kind in fuzz.KINDS)


@pytest.mark.parametrize("kind", fuzz.KINDS)
def test_cases_are_the_same_for_the_same_seed(kind: str, seeds: dict[str, list[bytes]]) -> None:
    if kind == "decisions":  # an .xlsx carries its save time; its CSV cases and the choice of format do not
        first = [fuzz.make_case(kind, SEED, i, seeds) for i in range(10)]
        again = [fuzz.make_case(kind, SEED, i, seeds) for i in range(10)]
        assert [(n, d if n.endswith(".csv") else n) for n, d, _ in first] == [
            (n, d if n.endswith(".csv") else n) for n, d, _ in again
        ]
        return
    assert [fuzz.make_case(kind, SEED, i, seeds) for i in range(10)] == [
        fuzz.make_case(kind, SEED, i, seeds) for i in range(10)
    ]
    assert fuzz.make_case(kind, SEED, 0, seeds) != fuzz.make_case(kind, SEED + 1, 0, seeds)


@pytest.mark.parametrize("kind", fuzz.KINDS)
def test_seeded_fuzz_subset_has_no_crash_and_no_hang(
    kind: str, seeds: dict[str, list[bytes]], pool, tmp_path: Path
) -> None:
    stats = fuzz.run_cases(kind, CASES[kind], SEED, timeout=20.0, jobs=2, seeds=seeds, out_dir=tmp_path, pool=pool)
    assert stats["cases"] == CASES[kind]
    assert (stats["crashes"], stats["hangs"]) == (0, 0), fuzz.format_stats(stats)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from Linux's /proc")
def test_peak_memory_is_read_from_the_process_and_reset_between_kinds() -> None:
    import os

    pid = os.getpid()
    fuzz.reset_peak_rss(pid)
    before = fuzz.peak_rss_mb(pid)
    block = bytearray(200 * 2**20)  # written (zero-filled), so resident
    grown = fuzz.peak_rss_mb(pid)
    del block
    fuzz.reset_peak_rss(pid)  # a kept worker's next kind starts from what it holds now, not its old peak
    after = fuzz.peak_rss_mb(pid)
    assert before > 0 and grown - before > 150
    assert after < grown - 150
    assert fuzz.peak_rss_mb(2**22 + 12345) == 0.0  # no such process: nothing, not an error
