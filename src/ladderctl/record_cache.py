"""Remember each valid record between runs, so an unchanged file is not parsed and checked again.

A department repo changes a few files at a time, while every command reads all of them: on
10,000 staff, parsing YAML with positions and checking each record against its schema is most of
a command's time. The cache keeps, per file, the data and the compact positions of a record that
loaded and passed its schema, with two ways to know the file is unchanged:

* its stat key: size, modification and change times and inode (what `git status` trusts). Only a
  file that has not changed for a few seconds gets one, so an edit within the same timestamp
  tick can never be mistaken for the cached content;
* a digest of its bytes, checked when the stat key is missing or differs: a fresh checkout of the
  same commit (in CI, with the cache folder restored) reads every file but parses none.

A file with any problem is loaded afresh every time. The whole cache is thrown away when
ladderctl, its loader and schema checks, the schemas or Python change: its header carries a
fingerprint of all of them. One cache file per repository lives in the user's cache folder
(`~/.cache/ladderctl`, or `$LADDERCTL_CACHE_DIR`; `LADDERCTL_CACHE_DIR=off` disables it),
readable by its owner only. It is written atomically; a damaged or foreign file is ignored and
replaced.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import sys
import time
from pathlib import Path
from typing import Any

from ladderctl.resources import cache_dir

# Bump when what an entry holds changes.
FORMAT = 2
# A file modified this recently may still be changing within the file system's timestamp
# granularity (a second on some, two on FAT): it is not cached, so an edit made in the same
# tick is never mistaken for the cached content.
SETTLE_NS = 2_000_000_000

StatKey = tuple[int, int, int, int]
# (stat key, or None to check the digest; digest of the bytes; record data; packed positions)
Entry = tuple[StatKey | None, bytes, Any, bytes]


def stat_key(result: os.stat_result) -> StatKey:
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino)


def digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


def settled(key: StatKey, now_ns: int | None = None) -> bool:
    """Whether a file's last change is old enough for its content to be cached."""
    now = time.time_ns() if now_ns is None else now_ns
    return now - max(key[1], key[2]) > SETTLE_NS


def _fingerprint() -> str:
    from ladderctl import __version__, loading, schemas, validation
    from ladderctl.resources import data_dir

    digest = hashlib.sha256(f"{FORMAT} {__version__} {sys.version}".encode())
    for module in (loading, schemas, validation):
        if module.__file__:
            with contextlib.suppress(OSError):
                digest.update(Path(module.__file__).read_bytes())
    folder = data_dir("schemas")
    for name in sorted(schemas.SCHEMA_FILE_BY_KIND.values()):
        with contextlib.suppress(OSError):
            digest.update((folder / name).read_bytes())
    return digest.hexdigest()


class RecordCache:
    """The cached records of one repository: `lookup` before loading, `store`, then `save`."""

    def __init__(self, file: Path, fingerprint: str, entries: dict[str, Entry]) -> None:
        self.file = file
        self.fingerprint = fingerprint
        self.entries = entries
        self.changed = False

    @classmethod
    def open(cls, root: Path) -> RecordCache | None:
        """The cache of the repository at `root`, or None when caching is turned off."""
        folder = cache_dir()
        if folder is None:
            return None
        top = os.path.realpath(root)
        name = hashlib.sha256(top.encode("utf-8", "surrogateescape")).hexdigest()[:20]
        file = folder / f"records-{name}.marshal"
        fingerprint = _fingerprint()
        entries: dict[str, Entry] = {}
        was_enabled = gc.isenabled()
        gc.disable()  # a million small containers, no cycles: do not let the collector walk them
        try:
            stored = marshal.loads(file.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            stored = None
        finally:
            if was_enabled:
                gc.enable()
        if (
            isinstance(stored, tuple)
            and len(stored) == 3
            and stored[0] == fingerprint
            and stored[1] == top
            and isinstance(stored[2], dict)
        ):
            entries = stored[2]
        return cls(file, fingerprint, entries)

    def lookup(self, path: str, key: StatKey) -> tuple[Any, bytes] | None:
        """The cached record of a file whose stat key has not changed."""
        entry = self.entries.get(path)
        if not isinstance(entry, tuple) or len(entry) != 4 or entry[0] is None:
            return None
        return (entry[2], entry[3]) if entry[0] == key else None

    def has(self, path: str) -> bool:
        return path in self.entries

    def lookup_content(self, path: str, key: StatKey, raw: bytes) -> tuple[Any, bytes] | None:
        """The cached record of a file whose bytes have not changed (its stat key may have)."""
        entry = self.entries.get(path)
        if not isinstance(entry, tuple) or len(entry) != 4 or entry[1] != digest(raw):
            return None
        self.store(path, key, entry[1], entry[2], entry[3])
        return entry[2], entry[3]

    def store(self, path: str, key: StatKey | None, content: bytes, data: Any, flat: bytes) -> None:
        """Keep a valid record; its stat key is trusted only once the file has settled."""
        trusted = key if key is not None and settled(key) else None
        entry = self.entries.get(path)
        if entry is None or entry[0] != trusted or entry[1] != content:
            self.entries[path] = (trusted, content, data, flat)
            self.changed = True

    def forget_except(self, kept: set[str]) -> None:
        """Drop the entries of files that were not seen (deleted, renamed or now ignored)."""
        gone = [path for path in self.entries if path not in kept]
        for path in gone:
            del self.entries[path]
        self.changed = self.changed or bool(gone)

    def save(self, root: Path) -> None:
        """Write the cache if anything changed; a cache that cannot be written is no error."""
        if not self.changed:
            return
        from ladderctl.writing import write_atomic

        blob = marshal.dumps((self.fingerprint, os.path.realpath(root), self.entries))
        with contextlib.suppress(OSError, ValueError):
            write_atomic(self.file, blob, private=True)
        self.changed = False
