"""Read a department's records as they were at a git revision, with git itself."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Collection
from pathlib import Path

from ladderctl.diagnostics import Diagnostic
from ladderctl.loading import Document, parse_text
from ladderctl.repository import CONFIG_FILE, YAML_SUFFIXES, is_ignored, read_config
from ladderctl.validation import check_schema


class RevisionError(Exception):
    """Raised when git is missing, the repo is not a git checkout, or git does not know REV."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InvalidRevision(Exception):
    """Raised when the records at the revision do not pass their schemas."""

    def __init__(self, revision: str, problems: list[Diagnostic]) -> None:
        super().__init__(f"the records at {revision} have {len(problems)} problem(s)")
        self.revision = revision
        self.problems = problems


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False
    )


def documents_at(root: Path, revision: str, *, kinds: Collection[str]) -> list[Document]:
    """The records of the given kinds under `root` as committed at `revision`.

    Paths in messages read `REV:path`, so a problem in the old version is never confused with
    the working tree.
    """
    if shutil.which("git") is None:
        raise RevisionError("git is not installed", "install git to compare with a revision")
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        raise RevisionError(
            f"'{root}' is not inside a git checkout, so there is no revision to compare with",
            "run it in a clone of the department repo, or drop --compare",
        )
    if revision.startswith("-"):
        raise RevisionError(f"'{revision}' is not a revision", "e.g. --compare origin/main")
    known = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if known.returncode != 0:
        raise RevisionError(
            f"git does not know the revision '{revision}'",
            "use a branch, tag or commit that exists here (run 'git fetch' for origin/...)",
        )
    commit = known.stdout.decode().strip()
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode().strip()
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", ".")
    if listing.returncode != 0:
        raise RevisionError(f"git could not list the files of '{revision}'")
    config, _ = read_config(root)
    names = []
    blobs = []
    for entry in listing.stdout.decode("utf-8", "replace").split("\0"):
        # "<mode> <type> <object id>\t<path>"
        header, _, full = entry.partition("\t")
        kind_and_id = header.split()
        if len(kind_and_id) != 3 or kind_and_id[1] != "blob":
            continue
        if not full.startswith(prefix) or not full.endswith(YAML_SUFFIXES):
            continue
        relative = full[len(prefix) :]
        hidden = any(part.startswith(".") for part in relative.split("/"))
        if hidden or relative == CONFIG_FILE or is_ignored(relative, config.ignore):
            continue
        names.append(full)
        blobs.append(kind_and_id[2])
    texts = _read_blobs(root, blobs)
    documents: list[Document] = []
    problems: list[Diagnostic] = []
    wanted = {kind.encode() for kind in kinds}
    for full, raw in zip(names, texts, strict=True):
        if _kind_line(raw) - wanted:
            continue  # plainly another kind: 10,000 staff records need not be parsed for this
        shown = f"{revision}:{full}"
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue  # not a record then either; the working tree check reports such files
        parsed = parse_text(text, shown)
        if isinstance(parsed, Diagnostic) or parsed.kind not in kinds:
            continue
        found = check_schema(parsed)
        if found:
            problems.extend(found)
        else:
            documents.append(parsed)
    if problems:
        raise InvalidRevision(revision, problems)
    return documents


# A top-level `kind: X` line, as nearly every record writes it. A key at column 0 is a top-level
# key: block scalars and continuation lines are always indented.
_KIND_LINE = re.compile(rb"""^kind:[ \t]*(["']?)([A-Za-z]+)\1[ \t]*(?:#.*)?\r?$""", re.MULTILINE)


def _kind_line(raw: bytes) -> set[bytes]:
    """The kind a file's single top-level `kind:` line names, or nothing if that is not clear."""
    found = _KIND_LINE.findall(raw)
    return {found[0][1]} if len(found) == 1 else set()


def _read_blobs(root: Path, blobs: list[str]) -> list[bytes]:
    """Every blob's content in one `git cat-file --batch` call.

    By object id: asking for `commit:path` makes git walk the tree for every file, a linear
    search of a 10,000-entry folder each time (25 s for a health system's staff folder).
    """
    if not blobs:
        return []
    requests = "".join(f"{blob}\n" for blob in blobs).encode("ascii")
    done = _git(root, "cat-file", "--batch", stdin=requests)
    if done.returncode != 0:
        raise RevisionError("git could not read the files of the revision")
    out = done.stdout
    contents: list[bytes] = []
    position = 0
    for _ in blobs:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        if len(header) < 3 or header[1] != b"blob":
            contents.append(b"")
            position = end + 1
            continue
        size = int(header[2])
        contents.append(out[end + 1 : end + 1 + size])
        position = end + 1 + size + 1
    return contents
