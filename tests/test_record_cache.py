"""The record cache: unchanged valid files are not parsed again, and nothing stale is ever used."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from conftest import MINI_REPO, write_tree
from ladderctl import record_cache, repository
from ladderctl.record_cache import RecordCache
from ladderctl.repository import validate_repository

DAY = date(2026, 11, 21)
LONG_AGO = time.time() - 3600


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("LADDERCTL_CACHE_DIR", str(folder))
    # Files written by a test changed a moment ago (their change time cannot be set back), so
    # they would not be cached for two seconds; the test of that rule sets its own delay.
    monkeypatch.setattr(record_cache, "SETTLE_NS", 0)
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write_tree(root, MINI_REPO)
    age(root)
    return root


def age(root: Path) -> None:
    """Make every file look an hour old: the cache keeps only files that have settled."""
    for file in root.rglob("*.yaml"):
        os.utime(file, (LONG_AGO, LONG_AGO))


def edit(file: Path, old: str, new: str) -> None:
    """Change a file the way an editor does, keeping its size so only the times tell."""
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def parsed_files(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The files the loader really parses (not taken from the cache)."""
    seen: list[str] = []
    real = repository.load_bytes

    def counting(raw: bytes, path: str) -> object:
        seen.append(Path(path).name)
        return real(raw, path)

    monkeypatch.setattr(repository, "load_bytes", counting)
    yield seen


def outcome(root: Path) -> tuple[list[str], list[object]]:
    report = validate_repository(root, as_of=DAY)
    return [str(d) for d in report.diagnostics], [d.data for d in report.documents]


def test_a_second_run_takes_unchanged_records_from_the_cache(
    repo: Path, cache_dir: Path, parsed_files: list[str]
) -> None:
    first = outcome(repo)
    assert len(parsed_files) == len(MINI_REPO)
    parsed_files.clear()
    assert outcome(repo) == first
    assert parsed_files == []
    (cache,) = cache_dir.glob("records-*")
    # The cache holds people's records: readable by its owner only.
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600


def test_a_changed_file_is_read_again(repo: Path, cache_dir: Path, parsed_files: list[str]) -> None:
    outcome(repo)
    person = repo / "staff" / "ann.yaml"
    edit(person, "level: tech-1", "level: tech-9")  # same size: only the times change
    # Even with its old modification time put back, the change time tells.
    os.utime(person, (LONG_AGO, LONG_AGO))
    parsed_files.clear()
    messages, _ = outcome(repo)
    assert parsed_files == [person.name]
    assert any("tech-9" in message for message in messages)


def test_a_file_changed_within_the_last_seconds_is_trusted_only_by_its_content(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its content may still change within the same timestamp tick, unseen by the stat key: such
    # an entry is checked against the digest of the bytes until the file has settled.
    monkeypatch.setattr(record_cache, "SETTLE_NS", 2_000_000_000)
    cache = RecordCache.open(tmp_path)
    assert cache is not None
    now = time.time_ns()
    just_now = (10, now, now, 1)
    cache.store("/r/a.yaml", just_now, record_cache.digest(b"a: 1\n"), {"a": 1}, b"")
    assert cache.lookup("/r/a.yaml", just_now) is None
    assert cache.lookup_content("/r/a.yaml", just_now, b"a: 2\n") is None
    assert cache.lookup_content("/r/a.yaml", just_now, b"a: 1\n") == ({"a": 1}, b"")
    settled_long_ago = (10, now - 5_000_000_000, now - 5_000_000_000, 1)
    cache.store("/r/b.yaml", settled_long_ago, record_cache.digest(b"b: 1\n"), {"b": 1}, b"")
    assert cache.lookup("/r/b.yaml", settled_long_ago) == ({"b": 1}, b"")


def test_a_fresh_checkout_of_the_same_files_reads_them_but_parses_none(
    repo: Path, cache_dir: Path, parsed_files: list[str]
) -> None:
    # What CI sees when it restores the cache folder: new inodes and times, same bytes.
    first = outcome(repo)
    for file in repo.rglob("*.yaml"):
        content = file.read_bytes()
        file.unlink()
        file.write_bytes(content)
    parsed_files.clear()
    assert outcome(repo) == first
    assert parsed_files == []


def test_a_file_with_a_problem_is_never_cached(
    repo: Path, cache_dir: Path, parsed_files: list[str]
) -> None:
    person = next((repo / "staff").glob("*.yaml"))
    person.write_text(person.read_text(encoding="utf-8") + "favourite: tea\n", encoding="utf-8")
    age(repo)
    first, _ = outcome(repo)
    assert any("[unknown-field]" in message for message in first)
    parsed_files.clear()
    again, _ = outcome(repo)
    assert again == first
    assert parsed_files == [person.name]


def test_errors_found_across_files_point_at_the_right_line_from_cached_records(
    repo: Path, cache_dir: Path
) -> None:
    # A dangling reference is found after loading, so its location comes from the cached marks.
    ladder = repo / "ladders" / "tech.yaml"
    edit(ladder, "id: tech\n", "id: tecx\n")
    age(repo)
    first, _ = outcome(repo)
    assert any("dangling" in message or "does not exist" in message for message in first)
    assert outcome(repo)[0] == first


def test_no_cache_is_written_when_caching_is_off(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed_files: list[str]
) -> None:
    monkeypatch.setenv("LADDERCTL_CACHE_DIR", "off")
    outcome(repo)
    outcome(repo)
    assert len(parsed_files) == 2 * len(MINI_REPO)
    assert not list(tmp_path.rglob("records-*"))


def test_a_damaged_cache_is_ignored_and_replaced(
    repo: Path, cache_dir: Path, parsed_files: list[str]
) -> None:
    first = outcome(repo)
    (cache,) = cache_dir.glob("records-*")
    cache.write_bytes(b"\x00not marshal at all")
    parsed_files.clear()
    assert outcome(repo) == first
    assert len(parsed_files) == len(MINI_REPO)
    parsed_files.clear()
    outcome(repo)
    assert parsed_files == []


def test_a_cache_from_another_version_of_the_schemas_is_not_used(
    repo: Path, cache_dir: Path, parsed_files: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome(repo)
    monkeypatch.setattr("ladderctl.record_cache._fingerprint", lambda: "another version")
    parsed_files.clear()
    outcome(repo)
    assert len(parsed_files) == len(MINI_REPO)


def test_deleted_files_leave_the_cache(repo: Path, cache_dir: Path) -> None:
    outcome(repo)
    person = next((repo / "staff").glob("*.yaml"))
    person.unlink()
    outcome(repo)
    cache = RecordCache.open(repo)
    assert cache is not None
    assert os.path.realpath(person) not in cache.entries
    assert len(cache.entries) == len(MINI_REPO) - 1


def test_the_same_records_load_with_or_without_the_cache_in_worker_processes(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Enough files for worker processes: records travel back compactly and must arrive whole,
    # with their positions.
    root = tmp_path / "big"
    write_tree(root, MINI_REPO)
    person = next((root / "staff").glob("*.yaml")).read_text(encoding="utf-8")
    person_id = next(line for line in person.splitlines() if line.startswith("id: "))[4:]
    for n in range(repository.PARALLEL_THRESHOLD):
        copy = person.replace(f"id: {person_id}", f"id: p{n:04d}")
        if n == 7:
            copy += "favourite: tea\n"  # one invalid record among them
        (root / "staff" / f"p{n:04d}.yaml").write_text(copy, encoding="utf-8")
    age(root)
    monkeypatch.setenv("LADDERCTL_CACHE_DIR", "off")
    uncached = outcome(root)
    monkeypatch.setenv("LADDERCTL_CACHE_DIR", str(cache_dir))
    assert outcome(root) == uncached  # cold: loaded in workers and stored
    assert outcome(root) == uncached  # warm: from the cache
    assert any("p0007.yaml" in message and "favourite" in message for message in uncached[0])
