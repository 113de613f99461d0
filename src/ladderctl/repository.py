"""Find a department's YAML files, load them (on every core for big repos) and check each one."""

from __future__ import annotations

import fnmatch
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ladderctl.diagnostics import Diagnostic
from ladderctl.loading import Document, Location, load_file
from ladderctl.validation import check_schema

CONFIG_FILE = "ladderctl.yaml"
# match-mentors writes the committee's review file next to the records; it is not a record.
PROPOSALS_SUFFIX = ".proposals.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})
# Below this many files a second process costs more than it saves.
PARALLEL_THRESHOLD = 400
BATCH_SIZE = 200

# Called after each batch with (files done so far, files in this batch).
Progress = Callable[[int, int], None]


@dataclass
class Config:
    """The optional `ladderctl.yaml` at the top of a department repo."""

    ignore: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    """What loading found: the records that passed their schema and every problem met."""

    documents: list[Document]
    diagnostics: list[Diagnostic]
    files: int
    # Parsed but schema-invalid records: their ids still count, so that a typo in one file does
    # not also make every reference to it "dangling".
    rejected: list[Document] = field(default_factory=list)


def shown_path(file: Path, cwd: str | None = None) -> str:
    """A file as messages name it: relative to the current directory when inside it."""
    here = cwd if cwd is not None else os.path.realpath(os.getcwd())
    absolute = os.path.realpath(file)
    if absolute.startswith(here + os.sep):
        return Path(absolute[len(here) + 1 :]).as_posix()
    return file.as_posix()


def read_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    """Read `ladderctl.yaml` if there is one; problems in it are reported, not fatal."""
    file = root / CONFIG_FILE
    if not file.is_file():
        return Config(), []
    path = shown_path(file)
    loaded = load_file(file, path)
    if isinstance(loaded, Diagnostic):
        return Config(), [loaded]
    data = loaded.data
    problems: list[Diagnostic] = []
    if not isinstance(data, dict):
        return Config(), [
            Diagnostic(loaded.locate(()), "config", "ladderctl.yaml must be a mapping of settings")
        ]
    for key in data:
        if key != "ignore":
            problems.append(
                Diagnostic(
                    loaded.locate([key], key=True),
                    "config",
                    f"unknown setting '{key}' in ladderctl.yaml",
                    hint="settings: ignore",
                )
            )
    ignore = data.get("ignore") or []
    if not isinstance(ignore, list) or not all(isinstance(item, str) for item in ignore):
        problems.append(
            Diagnostic(
                loaded.locate(["ignore"]),
                "config",
                "'ignore' must be a list of file patterns",
                hint="e.g. ignore: ['drafts/*', 'old/**']",
            )
        )
        ignore = []
    return Config(ignore=list(ignore)), problems


def is_ignored(relative: str, patterns: Sequence[str]) -> bool:
    return any(
        fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(relative, pattern + "/*")
        for pattern in patterns
    )


def find_files(paths: Sequence[Path], *, root: Path, ignore: Sequence[str] = ()) -> list[Path]:
    """YAML files under `paths`, sorted.

    Skipped: hidden folders, the config file, `*.proposals.yaml` review files and ignored patterns.
    """
    top = os.path.realpath(root)
    kept: set[Path] = set()
    for start in paths:
        if start.is_file():
            candidates = [os.path.realpath(start)]
        else:
            candidates = []
            for folder, dirs, files in os.walk(os.path.realpath(start)):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
                candidates.extend(
                    os.path.join(folder, name)
                    for name in files
                    if name.endswith(YAML_SUFFIXES) and not name.startswith(".")
                )
        for candidate in candidates:
            inside = candidate.startswith(top + os.sep)
            relative = candidate[len(top) + 1 :].replace(os.sep, "/") if inside else candidate
            if (
                relative == CONFIG_FILE
                or relative.endswith(PROPOSALS_SUFFIX)
                or is_ignored(relative, ignore)
            ):
                continue
            kept.add(Path(candidate))
    return sorted(kept)


def _check_batch(
    batch: Sequence[tuple[Path, str]],
) -> list[tuple[Document | None, list[Diagnostic]]]:
    """Load and schema-check files; runs in a worker process for big repos."""
    results: list[tuple[Document | None, list[Diagnostic]]] = []
    for file, path in batch:
        loaded = load_file(file, path)
        if isinstance(loaded, Diagnostic):
            results.append((None, [loaded]))
            continue
        problems = check_schema(loaded)
        results.append((loaded, problems))
    return results


def _batches(items: Sequence[tuple[Path, str]]) -> Iterator[Sequence[tuple[Path, str]]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _workers(count: int) -> int:
    if count < PARALLEL_THRESHOLD or sys.platform != "linux":
        return 1  # fork is cheap only on Linux; elsewhere starting workers costs seconds
    return min(os.cpu_count() or 1, 8)


def load_documents(files: Sequence[Path], *, progress: Progress | None = None) -> LoadResult:
    """Load and schema-check every file; all problems are collected, none stops the others."""
    cwd = os.path.realpath(os.getcwd())
    items = [(file, shown_path(file, cwd)) for file in files]
    documents: list[Document] = []
    rejected: list[Document] = []
    diagnostics: list[Diagnostic] = []
    done = 0
    # Thousands of small containers stay alive while loading: the cyclic garbage collector
    # would walk them again and again for nothing (they hold no cycles).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        workers = _workers(len(items))
        if workers > 1:
            import multiprocessing

            from ladderctl.schemas import KINDS, fast_validator

            # Compile (or fetch from the cache) every validator once, before forking, so the
            # workers inherit them instead of each building its own.
            for kind in KINDS:
                fast_validator(kind)
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                outcomes = pool.map(_check_batch, _batches(items))
                for batch in outcomes:
                    done = _collect(batch, (documents, rejected), diagnostics, done, progress)
        else:
            for batch_items in _batches(items):
                batch = _check_batch(batch_items)
                done = _collect(batch, (documents, rejected), diagnostics, done, progress)
    finally:
        if was_enabled:
            gc.enable()
    return LoadResult(documents, diagnostics, len(items), rejected)


def _collect(
    batch: list[tuple[Document | None, list[Diagnostic]]],
    into: tuple[list[Document], list[Document]],
    diagnostics: list[Diagnostic],
    done: int,
    progress: Progress | None,
) -> int:
    documents, rejected = into
    for document, problems in batch:
        if problems:
            diagnostics.extend(problems)
            if document is not None:
                rejected.append(document)
        elif document is not None:
            documents.append(document)
    done += len(batch)
    if progress is not None:
        progress(done, len(batch))
    return done


def missing_paths(paths: Sequence[Path]) -> list[Diagnostic]:
    """A path named on the command line that does not exist."""
    return [
        Diagnostic(
            Location(path.as_posix(), 1, 1),
            "no-such-path",
            "no such file or folder",
            hint="check the spelling, or run from the department repo",
        )
        for path in paths
        if not path.exists()
    ]


@dataclass
class ValidationReport:
    """The outcome of `ladderctl validate`: every problem, sorted, and the valid records."""

    files: int
    diagnostics: list[Diagnostic]
    documents: list[Document]

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")

    def to_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [d.to_dict() for d in self.diagnostics],
        }


class InvalidRepository(Exception):
    """Raised when a command needs valid data and the repository has errors."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(f"{report.errors} error(s) in the department data")
        self.report = report


def validate_repository(
    root: Path,
    *,
    as_of: date,
    paths: Sequence[Path] = (),
    progress: Progress | None = None,
    on_files: Callable[[int], None] | None = None,
) -> ValidationReport:
    """Load every record under `paths` (default: the whole repo) and run every check."""
    from ladderctl.references import check_references

    config, diagnostics = read_config(root)
    files = find_files(paths or [root], root=root, ignore=config.ignore)
    if on_files is not None:
        on_files(len(files))
    loaded = load_documents(files, progress=progress)
    diagnostics.extend(loaded.diagnostics)
    diagnostics.extend(check_references(loaded.documents, as_of=as_of, rejected=loaded.rejected))
    diagnostics.sort(key=Diagnostic.sort_key)
    return ValidationReport(loaded.files, diagnostics, loaded.documents)


def load_valid_repository(
    root: Path, *, as_of: date, progress: Progress | None = None, for_process: bool = False
) -> ValidationReport:
    """Like validate_repository, but raise InvalidRepository when there is any error.

    `for_process=True` is for command-line use, where the records live until the process ends:
    they are moved out of the cyclic garbage collector's sight (`gc.freeze`), which otherwise
    walks the tens of thousands of containers again at every collection (half the run time of
    `check-advancement --all` on 10,000 staff).
    """
    report = validate_repository(root, as_of=as_of, progress=progress)
    if report.errors:
        raise InvalidRepository(report)
    if for_process:
        gc.freeze()
    return report
