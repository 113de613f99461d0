"""Work done beside the caller in a forked child: the same answers and errors as done in-process.

`repository.Aside` runs the cross-file rules of a big repository (`start_validation`) and half of
a big team check (`advancement.summarize_team`) in a child process on Linux. Small inputs never
fork; a child that fails leaves the work to the parent, so errors are raised as before.
"""

from __future__ import annotations

import dataclasses
import os
import signal
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from conftest import MINI_REPO, write_tree
from ladderctl import advancement, repository
from ladderctl.advancement import check_team, summarize_team
from ladderctl.department import Department, UnknownLadder
from ladderctl.repository import (
    Aside,
    InvalidRepository,
    can_fork,
    load_valid_repository,
    start_validation,
    validate_repository,
)

DAY = date(2026, 11, 21)
ANN = MINI_REPO["staff/ann.yaml"]

needs_fork = pytest.mark.skipif(not can_fork(), reason="forks only on Linux, single-threaded")


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LADDERCTL_CACHE_DIR", "off")


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The process ids of the children `Aside` forked (the loader's own workers are not counted)."""
    children: list[int] = []
    real_fork = Aside._fork

    def counting_fork(self: Aside[object]) -> tuple[int, int] | None:
        child = real_fork(self)
        if child is not None:
            children.append(child[0])
        return child

    monkeypatch.setattr(Aside, "_fork", counting_fork)
    yield children


def big_repo(root: Path, people: int = repository.PARALLEL_THRESHOLD, **changes: str) -> Path:
    """The mini repo and `people` copies of ann; `changes` replace files (see `mini_repo`)."""
    files = dict(MINI_REPO)
    for n in range(people):
        files[f"staff/p{n:04d}.yaml"] = ANN.replace("id: ann", f"id: p{n:04d}")
    for name, text in changes.items():
        files[name.replace("__", "/") + ".yaml"] = text
    return write_tree(root, files)


# --- Aside -------------------------------------------------------------------------------------


def _square(n: int) -> int:
    return n * n


def _fails(message: str) -> int:
    raise ValueError(message)


def _pid() -> int:
    return os.getpid()


@needs_fork
def test_a_forked_result_is_the_in_process_result(forks: list[int]) -> None:
    with Aside(_square, 12) as forked:
        assert forked.result() == 144
    assert len(forks) == 1
    assert Aside(_square, 12, fork=False).result() == 144
    assert len(forks) == 1


@needs_fork
def test_the_work_really_happens_in_another_process(forks: list[int]) -> None:
    with Aside(_pid) as other:
        assert other.result() == forks[0] != os.getpid()


@needs_fork
def test_an_exception_in_the_child_is_raised_in_the_parent(forks: list[int]) -> None:
    aside = Aside(_fails, "no such thing")
    assert len(forks) == 1
    with pytest.raises(ValueError, match="no such thing"):
        aside.result()


def test_without_fork_the_work_is_done_at_once(
    forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "can_fork", lambda: False)
    assert Aside(_square, 3).result() == 9
    with pytest.raises(ValueError, match="at once"):
        Aside(_fails, "at once")  # raised where the work is done: here and now
    assert forks == []


@needs_fork
def test_a_child_that_dies_leaves_the_work_to_the_parent(forks: list[int]) -> None:
    aside = Aside(_square, 5)
    os.kill(forks[0], signal.SIGKILL)
    assert aside.result() == 25


@needs_fork
def test_cancel_stops_and_reaps_the_child(forks: list[int]) -> None:
    with Aside(_square, 5):
        pass
    with pytest.raises(ChildProcessError):
        os.waitpid(forks[0], os.WNOHANG)  # already reaped


# --- the cross-file rules beside the caller ----------------------------------------------------


def _messages(report: repository.ValidationReport) -> list[str]:
    return [str(d) for d in report.diagnostics]


@needs_fork
def test_a_big_repo_is_checked_in_a_child_with_the_same_problems(
    tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = ANN.replace("id: ann", "id: p0007").replace("manager: boss", "manager: zed")
    root = big_repo(tmp_path / "big", staff__p0007=broken)
    expected = _messages(validate_repository(root, as_of=DAY))
    assert any("unknown-person" in m and "p0007.yaml" in m for m in expected)

    with start_validation(root, as_of=DAY) as pending:
        assert len(forks) == 1
        with pytest.raises(InvalidRepository) as invalid:
            pending.valid()
    assert _messages(invalid.value.report) == expected

    monkeypatch.setattr(repository, "can_fork", lambda: False)
    with start_validation(root, as_of=DAY) as in_process:
        assert _messages(in_process.report()) == expected
    assert len(forks) == 1


@needs_fork
def test_a_valid_big_repo_gives_what_load_valid_repository_gives(
    tmp_path: Path, forks: list[int]
) -> None:
    root = big_repo(tmp_path / "big")
    expected = load_valid_repository(root, as_of=DAY)
    with start_validation(root, as_of=DAY) as pending:
        report = pending.valid()
    assert len(forks) == 1
    assert _messages(report) == _messages(expected)
    assert [d.data for d in pending.documents] == [d.data for d in expected.documents]
    assert report.files == expected.files


def test_a_small_repo_is_checked_in_process(
    tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = big_repo(tmp_path / "small", people=repository.PARALLEL_THRESHOLD - 10)
    checked: list[int] = []
    real = repository._check_references

    def spy(*args: object) -> object:
        checked.append(os.getpid())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "_check_references", spy)
    with start_validation(root, as_of=DAY) as pending:
        assert checked == [os.getpid()]  # done before start_validation returned
        pending.valid()
    assert forks == []


# --- half a team in a child --------------------------------------------------------------------


def _department(root: Path) -> Department:
    return Department.from_documents(load_valid_repository(root, as_of=DAY).documents)


@pytest.fixture
def team_threshold(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    return lambda n: monkeypatch.setattr(advancement, "PARALLEL_THRESHOLD", n)


@needs_fork
def test_a_big_team_is_split_with_the_same_summaries(
    tmp_path: Path, forks: list[int], team_threshold: Callable[[int], None]
) -> None:
    tech2 = ANN.replace("level: tech-1\n", "level: tech-2\n", 1).replace(
        "- level: tech-1", "- level: tech-2"
    )
    root = big_repo(
        tmp_path / "big",
        people=40,
        staff__p0003=ANN.replace("id: ann", "id: p0003").replace("2024-02-01", "2026-01-01"),
        staff__p0005=tech2.replace("id: ann", "id: p0005"),
    )
    department = _department(root)
    full = check_team(None, department, as_of=DAY)
    team_threshold(10)
    split = summarize_team(None, department, as_of=DAY)
    assert len(forks) == 1
    assert split.people == tuple(r.summary() for r in full.reports)
    assert split.counts == full.counts
    assert split.to_dict() == full.to_dict()
    assert len({p.verdict for p in split.people}) > 1


def test_a_small_team_is_not_split(
    tmp_path: Path, forks: list[int], team_threshold: Callable[[int], None]
) -> None:
    department = _department(big_repo(tmp_path / "big", people=40))
    team_threshold(1000)
    summary = summarize_team(None, department, as_of=DAY)
    assert forks == []
    assert summary.people == tuple(
        r.summary() for r in check_team(None, department, as_of=DAY).reports
    )


@needs_fork
def test_an_error_in_the_childs_part_is_raised_as_check_team_raises_it(
    tmp_path: Path, forks: list[int], team_threshold: Callable[[int], None]
) -> None:
    department = _department(big_repo(tmp_path / "big", people=40))
    # The last person's ladder is unknown: the child meets it, the parent raises it.
    last = max(department.staff)
    staff = dict(department.staff)
    staff[last] = dataclasses.replace(staff[last], ladder="nowhere")
    broken = Department(department.catalog, department.ladders, staff)
    with pytest.raises(UnknownLadder) as serial:
        check_team(None, broken, as_of=DAY)
    team_threshold(10)
    with pytest.raises(UnknownLadder) as split:
        summarize_team(None, broken, as_of=DAY)
    assert len(forks) == 1
    assert str(split.value) == str(serial.value)


@needs_fork
def test_a_big_comparison_is_split_with_the_same_impact(
    tmp_path: Path, forks: list[int], team_threshold: Callable[[int], None]
) -> None:
    precepted = (
        ANN
        + "accomplishments:\n  - title: Precepted\n    date: 2024-08-01\n    tags: [precepting]\n"
    )
    # Hired in 2024 (two years by DAY: unchanged) or in 2025 (loses, or a later date).
    people = {
        f"staff__p{n:04d}": precepted.replace("id: ann", f"id: p{n:04d}").replace(
            "2024-02-01", f"{2024 + (n % 3 > 0)}-{1 + n % 12:02d}-01"
        )
        for n in range(40)
    }
    new = _department(big_repo(tmp_path / "new", people=0, **people))
    stricter = MINI_REPO["ladders/tech.yaml"].replace("years: 1\n", "years: 2\n", 1)
    old = _department(big_repo(tmp_path / "old", people=0, ladders__tech=stricter, **people))
    serial = advancement.compare_departments(old, new, None, as_of=DAY)
    assert forks == []
    team_threshold(10)
    split = advancement.compare_departments(old, new, None, as_of=DAY)
    assert len(forks) == 1
    assert split.to_dict() == serial.to_dict()
    assert serial.entries and serial.unchanged  # both kinds of people, in both halves
    assert max(e.person for e in serial.entries) > sorted(new.staff)[len(new.staff) // 2]
