"""Write output files atomically, and never replace a file whose content differs without force."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class OutputError(Exception):
    """Raised when an output file cannot be written (unwritable folder, a folder in the way...)."""


@dataclass
class WriteSummary:
    """What happened to each output: written, already up to date, or kept because it differs."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        return 1 if self.skipped else 0

    def describe(self) -> str:
        parts = [f"{len(self.written)} written", f"{len(self.unchanged)} unchanged"]
        text = ", ".join(parts)
        if self.skipped:
            names = ", ".join(p.as_posix() for p in self.skipped[:5])
            more = f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
            text += (
                f", {len(self.skipped)} skipped because they differ from what would be written "
                f"({names}{more}): use --force to replace them"
            )
        return text


def write_atomic(path: Path, content: bytes, *, private: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename it over: never half a file.

    `private=True` keeps the file readable by its owner only (caches of personal data).
    """
    path.parent.mkdir(mode=0o700 if private else 0o777, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if not private:
            # mkstemp makes the file private (0600); an output is an ordinary file (0666 - umask).
            umask = os.umask(0)
            os.umask(umask)
            Path(temporary).chmod(0o666 & ~umask)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_outputs(files: Mapping[Path, str | bytes], *, force: bool = False) -> WriteSummary:
    """Write each file unless it already has this content, or differs and `force` is off."""
    summary = WriteSummary()
    for path, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        try:
            if path.is_dir():
                raise OutputError(f"'{path}' is a folder, not a file")
            if path.exists():
                if path.read_bytes() == data:
                    summary.unchanged.append(path)
                    continue
                if not force:
                    summary.skipped.append(path)
                    continue
            write_atomic(path, data)
        except OSError as error:
            raise OutputError(f"cannot write '{path}': {error.strerror or error}") from error
        summary.written.append(path)
    return summary
