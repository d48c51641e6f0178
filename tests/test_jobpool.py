"""reviewflow.jobpool: per-document jobs run in long-lived worker processes, and fail as jobs do."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reviewflow import jobpool
from reviewflow.errors import ReviewflowError


def write_pid(path: str) -> None:
    Path(path).write_text(str(os.getpid()), encoding="utf-8")


def fail(message: str) -> None:
    raise ValueError(message)


def die() -> None:
    os._exit(3)


def test_jobs_run_in_one_worker_that_stays_up_between_them(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    jobpool.run_job(write_pid, workers=1, path=str(first))
    jobpool.run_job(write_pid, workers=1, path=str(second))
    assert first.read_text() != str(os.getpid())
    assert first.read_text() == second.read_text()


def test_without_workers_the_job_runs_in_this_process(tmp_path: Path) -> None:
    jobpool.run_job(write_pid, workers=0, path=str(tmp_path / "here"))
    assert (tmp_path / "here").read_text() == str(os.getpid())


def test_an_error_in_a_job_is_raised_in_the_caller() -> None:
    with pytest.raises(ValueError, match="a bad document"):
        jobpool.run_job(fail, workers=1, message="a bad document")


def test_a_worker_that_dies_fails_its_job_with_the_fix_and_the_next_job_gets_a_new_worker(tmp_path: Path) -> None:
    jobpool.run_job(write_pid, workers=1, path=str(tmp_path / "before"))
    with pytest.raises(ReviewflowError, match=r"worker process running this job died.*Fix: rerun"):
        jobpool.run_job(die, workers=1)
    jobpool.run_job(write_pid, workers=1, path=str(tmp_path / "after"))
    assert (tmp_path / "after").read_text() != (tmp_path / "before").read_text()
