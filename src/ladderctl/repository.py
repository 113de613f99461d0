"""Find a department's YAML files, load them (on every core for big repos) and check each one."""

from __future__ import annotations

import contextlib
import fnmatch
import gc
import marshal
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

from ladderctl.diagnostics import Diagnostic
from ladderctl.loading import Document, Location, load_bytes, load_file, read_bytes
from ladderctl.record_cache import RecordCache, StatKey, digest, stat_key
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


def shown_path(file: Path | str, cwd: str | None = None) -> str:
    """A file as messages name it: relative to the current directory when inside it."""
    here = cwd if cwd is not None else os.path.realpath(os.getcwd())
    return _relative_or_given(os.path.realpath(file), here, file)


def _relative_or_given(absolute: str, here: str, given: Path | str) -> str:
    if absolute.startswith(here + os.sep):
        return absolute[len(here) + 1 :].replace(os.sep, "/")
    return Path(given).as_posix()


class _ShownPaths:
    """`shown_path` for many files: the work on a folder is done for its first file only.

    What is shown before a file's name (the folder, relative to the current one or as given)
    depends on the folder alone, so it is kept per folder and the next files of the folder are
    shown as that and their name (worked out in full, with `realpath` and `Path`, it costs some
    50 microseconds a file).
    """

    def __init__(self) -> None:
        self.cwd = os.path.realpath(os.getcwd())
        # A folder as given, with its trailing separator: what is shown before a name in it.
        self.folders: dict[str, str] = {}

    def __call__(self, file: str, *, is_link: bool | None = None) -> str:
        """`shown_path(file)`; `is_link` says whether `file` is a symlink, if already known."""
        if os.path.islink(file) if is_link is None else is_link:
            return shown_path(file, self.cwd)
        folder, separator, name = file.rpartition(os.sep)
        if os.altsep is not None or name in ("", "."):  # Windows, or a name that Path drops
            return self._in_full(file)
        prefix = self.folders.get(folder + separator)
        if prefix is None:
            shown = self._in_full(file)
            if shown.endswith(name):
                self.folders[folder + separator] = shown[: len(shown) - len(name)]
            return shown
        return prefix + name

    def _in_full(self, file: str) -> str:
        """How a file that is not a symlink is shown: its folder's real path, then its name."""
        folder, name = os.path.split(file)
        return _relative_or_given(os.path.join(os.path.realpath(folder), name), self.cwd, file)


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


def _walk_yaml(start: str) -> Iterator[str]:
    """YAML files under a folder, not entering hidden, tool or symlinked folders."""
    pending = [start]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if name not in SKIPPED_DIRS:
                    pending.append(entry.path)
            elif name.endswith(YAML_SUFFIXES) and not entry.is_dir():
                yield entry.path


def find_files(paths: Sequence[Path], *, root: Path, ignore: Sequence[str] = ()) -> list[Path]:
    """YAML files under `paths`, sorted.

    Skipped: hidden folders, the config file, `*.proposals.yaml` review files and ignored patterns.
    """
    return [Path(file) for file in _find(paths, root=root, ignore=ignore)]


def _find(paths: Sequence[Path], *, root: Path, ignore: Sequence[str] = ()) -> list[str]:
    """find_files as strings (13,000 Path objects cost a tenth of a second to make and sort)."""
    top = os.path.realpath(root)
    kept: set[str] = set()
    for start in paths:
        if start.is_file():
            candidates: Iterable[str] = [os.path.realpath(start)]
        else:
            candidates = _walk_yaml(os.path.realpath(start))
        for candidate in candidates:
            inside = candidate.startswith(top + os.sep)
            relative = candidate[len(top) + 1 :].replace(os.sep, "/") if inside else candidate
            if (
                relative == CONFIG_FILE
                or relative.endswith(PROPOSALS_SUFFIX)
                or (ignore and is_ignored(relative, ignore))
            ):
                continue
            kept.add(candidate)
    # The order of sorted Paths: by parts, so 'a/z.yaml' comes before 'a-b/c.yaml'. Comparing the
    # texts with each separator made a NUL, which sorts before anything a name can hold, gives
    # that order without building a list of parts per file.
    return sorted(kept, key=lambda file: file.replace(os.sep, "\0"))


# What a loading batch gives back. Records that loaded and passed their schema travel compactly:
# (index, stat key or None, digest of the bytes, data, packed positions), marshalled into one
# bytes object when they come from a worker process. The others: (index, the record if it parsed,
# its problems).
Clean = tuple[int, StatKey | None, bytes, Any, bytes]
Troubled = tuple[int, Document | None, list[Diagnostic]]


def _check_batch(batch: Sequence[tuple[int, str, str]]) -> tuple[list[Clean], list[Troubled]]:
    """Load and schema-check files; runs in a worker process for big repos."""
    clean: list[Clean] = []
    troubled: list[Troubled] = []
    for index, file, path in batch:
        try:
            key: StatKey | None = stat_key(os.stat(file))  # before reading: see record_cache
        except OSError:
            key = None
        raw = read_bytes(file, path)
        loaded = raw if isinstance(raw, Diagnostic) else load_bytes(raw, path)
        if isinstance(loaded, Diagnostic):
            troubled.append((index, None, [loaded]))
            continue
        problems = check_schema(loaded)
        if problems:
            troubled.append((index, loaded, problems))
        else:
            assert isinstance(raw, bytes)
            clean.append((index, key, digest(raw), loaded.data, loaded.flat_marks()))
    return clean, troubled


def _check_batch_in_worker(batch: Sequence[tuple[int, str, str]]) -> tuple[bytes, list[Troubled]]:
    # marshal is several times faster than pickle for plain data, on both sides.
    clean, troubled = _check_batch(batch)
    return marshal.dumps(clean), troubled


def _batches(items: Sequence[tuple[int, str, str]]) -> Iterator[Sequence[tuple[int, str, str]]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _workers(count: int) -> int:
    if count < PARALLEL_THRESHOLD or sys.platform != "linux":
        return 1  # fork is cheap only on Linux; elsewhere starting workers costs seconds
    return min(os.cpu_count() or 1, 8)


def load_documents(
    files: Sequence[Path | str],
    *,
    progress: Progress | None = None,
    cache: RecordCache | None = None,
) -> LoadResult:
    """Load and schema-check every file; all problems are collected, none stops the others.

    With a `cache`, files unchanged since a run in which they were valid are taken from it,
    and the valid records loaded now are added to it (the caller saves it).
    """
    shown = _ShownPaths()
    items: list[tuple[int, str, str]] = []
    # One lstat per file tells whether it is a symlink (for the path shown) and, when it is not,
    # is also its stat (for the record cache): a system call less for each of 13,000 files.
    infos: list[os.stat_result | None] = []
    for index, given in enumerate(files):
        file = os.fspath(given)
        try:
            info: os.stat_result | None = os.lstat(file)
        except OSError:
            info = None
        is_link = info is not None and stat.S_ISLNK(info.st_mode)
        items.append((index, file, shown(file, is_link=is_link)))
        infos.append(None if is_link else info)
    found: list[Document | None] = [None] * len(items)
    troubles: list[Troubled] = []
    # Thousands of small containers stay alive while loading: the cyclic garbage collector
    # would walk them again and again for nothing (they hold no cycles).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        missing = _from_cache(items, cache, found, infos) if cache is not None else items
        if progress is not None and len(missing) < len(items):
            progress(len(items) - len(missing), len(items) - len(missing))
        done = len(items) - len(missing)

        def collect(clean: list[Clean], troubled: list[Troubled], size: int) -> None:
            nonlocal done
            for index, key, content, data, flat in clean:
                file, path = items[index][1], items[index][2]
                found[index] = Document(path, data, flat=flat)
                if cache is not None:
                    cache.store(file, key, content, data, flat)
            troubles.extend(troubled)
            done += size
            if progress is not None:
                progress(done, size)

        workers = _workers(len(missing))
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from ladderctl.schemas import KINDS, fast_validator

            # Compile (or fetch from the cache) every validator once, before forking, so the
            # workers inherit them instead of each building its own.
            for kind in KINDS:
                fast_validator(kind)
            context = multiprocessing.get_context("fork")
            batches = list(_batches(missing))
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                for batch, (packed, troubled) in zip(
                    batches, pool.map(_check_batch_in_worker, batches), strict=True
                ):
                    collect(marshal.loads(packed), troubled, len(batch))
        else:
            for batch in _batches(missing):
                clean, troubled = _check_batch(batch)
                collect(clean, troubled, len(batch))
    finally:
        if was_enabled:
            gc.enable()
    troubles.sort(key=lambda trouble: trouble[0])
    return LoadResult(
        documents=[document for document in found if document is not None],
        diagnostics=[problem for _, _, problems in troubles for problem in problems],
        files=len(items),
        rejected=[document for _, document, _ in troubles if document is not None],
    )


def _from_cache(
    items: Sequence[tuple[int, str, str]],
    cache: RecordCache,
    found: list[Document | None],
    infos: Sequence[os.stat_result | None] = (),
) -> list[tuple[int, str, str]]:
    """Fill `found` with the cached records of unchanged files; return the other items.

    `infos` may hold each file's stat, by index, when already known (None: stat it here).
    """
    missing: list[tuple[int, str, str]] = []
    for item in items:
        index, file, path = item
        info = infos[index] if infos else None
        try:
            key = stat_key(info if info is not None else os.stat(file))
        except OSError:
            missing.append(item)
            continue
        hit = cache.lookup(file, key)
        if hit is None and cache.has(file):
            raw = read_bytes(file, path)
            hit = None if isinstance(raw, Diagnostic) else cache.lookup_content(file, key, raw)
        if hit is None:
            missing.append(item)
        else:
            found[index] = Document(path, hit[0], flat=hit[1])
    return missing


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

    loaded, diagnostics = _load_repository(root, paths, progress, on_files)
    diagnostics.extend(check_references(loaded.documents, as_of=as_of, rejected=loaded.rejected))
    return _report(loaded, diagnostics)


def _load_repository(
    root: Path,
    paths: Sequence[Path],
    progress: Progress | None,
    on_files: Callable[[int], None] | None = None,
    *,
    freeze: bool = False,
) -> tuple[LoadResult, list[Diagnostic]]:
    """Config, files and records, through the record cache: everything but the cross-file rules.

    With `freeze`, the records are moved out of the garbage collector's sight once loaded (see
    `load_valid_repository`), before it has walked them even once: the first collection after
    loading would otherwise visit the million containers the record cache has just made.
    """
    was_enabled = gc.isenabled()
    if freeze:
        gc.disable()
    try:
        config, diagnostics = read_config(root)
        files = _find(paths or [root], root=root, ignore=config.ignore)
        if on_files is not None:
            on_files(len(files))
        cache = RecordCache.open(root)
        loaded = load_documents(files, progress=progress, cache=cache)
        if cache is not None:
            if not paths:  # the whole repo was read: forget files that are gone
                cache.forget_except(set(files))
            cache.save(root)
        diagnostics.extend(loaded.diagnostics)
        if freeze:
            gc.freeze()
    finally:
        if freeze and was_enabled:
            gc.enable()
    return loaded, diagnostics


def _report(loaded: LoadResult, diagnostics: list[Diagnostic]) -> ValidationReport:
    diagnostics.sort(key=Diagnostic.sort_key)
    return ValidationReport(loaded.files, diagnostics, loaded.documents)


def load_valid_repository(
    root: Path, *, as_of: date, progress: Progress | None = None, for_process: bool = False
) -> ValidationReport:
    """Like validate_repository, but raise InvalidRepository when there is any error.

    `for_process=True` is for command-line use, where the records live until the process ends:
    they are moved out of the cyclic garbage collector's sight as soon as they are loaded
    (`gc.freeze`). The collector would otherwise walk the tens of thousands of containers again
    at every collection (half the run time of `check-advancement --all` on 10,000 staff).
    """
    from ladderctl.references import check_references

    loaded, diagnostics = _load_repository(root, (), progress, freeze=for_process)
    diagnostics.extend(check_references(loaded.documents, as_of=as_of, rejected=loaded.rejected))
    report = _report(loaded, diagnostics)
    if report.errors:
        raise InvalidRepository(report)
    return report


# --- work beside the caller ---------------------------------------------------------------------

_T = TypeVar("_T")


def can_fork() -> bool:
    """Whether a child process can be forked cheaply and safely here.

    Only on Linux (elsewhere fork is unavailable, or unsafe next to system frameworks), and
    only while this is the process's only thread: a fork copies no other thread, so a lock one
    of them held would stay locked in the child forever.
    """
    return sys.platform == "linux" and threading.active_count() == 1


class Aside(Generic[_T]):
    """`function(*args)`, computed in a forked child process while the caller goes on.

    With `fork=False`, or where `can_fork()` says no, it is computed here and now instead. Either
    way `result()` gives the same value, or raises the same exception: a child that fails for
    any reason (an exception, a signal, a result that cannot be pickled) sends nothing back, and
    the function is then run again in this process, so what it raises is raised here. The
    function must be pure (its effects in the child are lost) and its result small: it comes
    back pickled through a pipe.

    Use it as a context manager, or call `result()` or `cancel()`: a child that is neither
    waited for nor cancelled is only reaped when this process ends.
    """

    def __init__(self, function: Callable[..., _T], *args: Any, fork: bool = True) -> None:
        self._function = function
        self._args = args
        self._child: tuple[int, int] | None = None  # (process id, read end of its pipe)
        self._value: tuple[_T] | None = None
        if fork and can_fork():
            self._child = self._fork()
        if self._child is None:
            self._value = (function(*args),)

    def _fork(self) -> tuple[int, int] | None:
        import pickle

        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: work here instead
            os.close(read)
            os.close(write)
            return None
        if pid == 0:  # the child: compute, send the pickled result, and leave at once
            status = 1  # unless the whole result was sent
            try:
                # The collector would write to the header of every container it walks, copying
                # the pages the parent shares with this short-lived process.
                gc.disable()
                os.close(read)
                try:
                    payload = pickle.dumps((self._function(*self._args),), pickle.HIGHEST_PROTOCOL)
                except BaseException:
                    payload = b""  # the parent runs the function again and meets the problem
                view = memoryview(payload)
                while view:
                    view = view[os.write(write, view) :]
                status = 0
            finally:
                # Not sys.exit: no atexit handlers, no flushing of buffers the parent owns.
                os._exit(status)
        os.close(write)
        return pid, read

    def result(self) -> _T:
        """The function's result, waiting for the child if it is still at work."""
        if self._value is None:
            value: tuple[_T] | None = None
            if self._child is not None:
                import pickle

                payload, ok = self._collect()
                if ok and payload:
                    try:
                        value = pickle.loads(payload)
                    except Exception:
                        value = None
            if value is None:  # no child, or it failed: work here (and raise what it raises)
                value = (self._function(*self._args),)
            self._value = value
        return self._value[0]

    def _collect(self) -> tuple[bytes, bool]:
        """What the child sent, and whether it sent all of it; the child is then reaped."""
        assert self._child is not None
        pid, read = self._child
        chunks = []
        try:
            while chunk := os.read(read, 1 << 20):
                chunks.append(chunk)
        except BaseException:  # interrupted while waiting: do not leave the child running
            self.cancel()
            raise
        self._child = None
        os.close(read)
        _, status = os.waitpid(pid, 0)
        return b"".join(chunks), os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0

    def cancel(self) -> None:
        """Stop the child, if any, without waiting for its result."""
        if self._child is not None:
            pid, read = self._child
            self._child = None
            os.close(read)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)

    def __enter__(self) -> Aside[_T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.cancel()


class PendingValidation:
    """A repository whose records are loaded while its cross-file rules are still being checked.

    Made by `start_validation`. `documents` are usable at once; `valid()` waits for the check and
    returns what `load_valid_repository` would have, or raises InvalidRepository. A command that
    works on `documents` meanwhile must call `valid()` before it shows anything (and also when
    its work failed: an invalid repository is then the answer to give). Use it as a context
    manager, so that a check still running is stopped when the command fails.
    """

    def __init__(
        self, loaded: LoadResult, diagnostics: list[Diagnostic], check: Aside[list[Diagnostic]]
    ) -> None:
        self.documents = loaded.documents
        self._loaded = loaded
        self._diagnostics = diagnostics
        self._check = check
        self._report: ValidationReport | None = None

    def report(self) -> ValidationReport:
        """Every problem, as `validate_repository` reports them (waits for the check)."""
        if self._report is None:
            self._report = _report(self._loaded, [*self._diagnostics, *self._check.result()])
        return self._report

    def valid(self) -> ValidationReport:
        """The report; raises InvalidRepository when it has errors."""
        report = self.report()
        if report.errors:
            raise InvalidRepository(report)
        return report

    def __enter__(self) -> PendingValidation:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._check.cancel()


def start_validation(
    root: Path, *, as_of: date, progress: Progress | None = None, for_process: bool = False
) -> PendingValidation:
    """`load_valid_repository`, with the cross-file rules checked beside the caller's own work.

    For a big repository on Linux those rules run in a forked child process, on another core,
    while the caller builds and evaluates; only their diagnostics come back. For a small one, or
    where forking is not possible, they are checked here before this returns. `for_process` is
    as for `load_valid_repository` (the records are frozen before the fork: see `Aside`).
    """
    loaded, diagnostics = _load_repository(root, (), progress, freeze=for_process)
    check = Aside(
        _check_references,
        loaded.documents,
        as_of,
        loaded.rejected,
        fork=loaded.files >= PARALLEL_THRESHOLD,
    )
    return PendingValidation(loaded, diagnostics, check)


def work_on_valid_repository(
    root: Path,
    work: Callable[[list[Document]], _T],
    *,
    as_of: date,
    for_process: bool = False,
) -> _T:
    """`work(documents)` of a repository whose cross-file rules are checked meanwhile.

    The result is given only once the whole repository is valid. When it is not, the problems
    are the answer (InvalidRepository), also when `work` failed because of them: records that
    break a cross-file rule may well break the work too. See `start_validation`.
    """
    with start_validation(root, as_of=as_of, for_process=for_process) as validation:
        try:
            result = work(validation.documents)
        except Exception:
            validation.valid()
            raise
        validation.valid()
    return result


def _check_references(
    documents: Sequence[Document], as_of: date, rejected: Sequence[Document]
) -> list[Diagnostic]:
    from ladderctl.references import check_references

    return check_references(documents, as_of=as_of, rejected=rejected)
