"""Shared test helpers: inline YAML trees and a CLI runner that explains its failures."""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ladderctl.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Compiled validators are cached per user; tests keep theirs out of the user's home.
os.environ.setdefault(
    "LADDERCTL_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"ladderctl-test-cache-{os.getuid()}")
)
AS_OF = "2026-11-21"

# A small department that passes every check; tests copy it and break one thing.
MINI_REPO: dict[str, str] = {
    "catalog.yaml": """
        apiVersion: ladderctl/v1
        kind: Catalog
        id: main
        title: Main catalog
        credentials:
          - id: cpht
            title: Certified Pharmacy Technician
            type: certification
            expires: true
          - id: train-cert
            title: Training certificate
            type: certificate
            expires: false
        assessments:
          - id: level-1
            title: Level I competency assessment
        activityTags:
          - id: precepting
            title: Precepting
    """,
    "ladders/tech.yaml": """
        apiVersion: ladderctl/v1
        kind: Ladder
        id: tech
        title: Technician ladder
        track: technical
        levels:
          - id: tech-1
            title: Technician I
            advancement:
              criteria:
                type: all-of
                id: tech1-all
                description: Everything for Technician II
                criteria:
                  - type: credential
                    id: tech1-cpht
                    description: Holds CPhT
                    credentials: [cpht]
                  - type: experience
                    id: tech1-exp
                    description: One year of experience
                    years: 1
                  - type: assessment
                    id: tech1-assessment
                    description: Passed the Level I assessment
                    assessment: level-1
                  - type: activity
                    id: tech1-precepting
                    description: Precepted once
                    tags: [precepting]
                    count: 1
                  - type: attestation
                    id: tech1-judgement
                    description: Solves problems alone
                    by: manager
          - id: tech-2
            title: Technician II
    """,
    "staff/boss.yaml": """
        apiVersion: ladderctl/v1
        kind: StaffRecord
        id: boss
        name: Bo Boss
        ladder: tech
        level: tech-2
        hireDate: 2015-01-05
        status: active
        levelHistory:
          - level: tech-2
            effective: 2015-01-05
    """,
    "staff/ann.yaml": """
        apiVersion: ladderctl/v1
        kind: StaffRecord
        id: ann
        name: Ann Lee
        ladder: tech
        level: tech-1
        manager: boss
        hireDate: 2024-02-01
        status: active
        levelHistory:
          - level: tech-1
            effective: 2024-02-01
        certifications:
          - id: cpht
            earned: 2024-03-01
            expires: 2028-03-01
        assessments:
          - id: level-1
            date: 2024-06-01
            result: pass
        attestations:
          - criterion: tech1-judgement
            by: boss
            date: 2025-01-10
    """,
}


MINI_REPO = {name: textwrap.dedent(text).lstrip("\n") for name, text in MINI_REPO.items()}


def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    """Write dedented YAML texts into `root` (paths relative to it) and return `root`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def mini_repo(tmp_path: Path) -> Callable[..., Path]:
    """Build the mini repo, with some files replaced (a None value deletes the file)."""

    def build(**changes: str | None) -> Path:
        files = dict(MINI_REPO)
        for name, text in changes.items():
            key = name.replace("__", "/") + ("" if name.endswith(".yaml") else ".yaml")
            if text is None:
                files.pop(key, None)
            else:
                files[key] = text
        return write_tree(tmp_path / "repo", files)

    return build


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Invoke the CLI in-process, plain text, fixed width; str(result) shows everything."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("TERM", "dumb")

    def invoke(*args: str | Path, expect: int | None = None) -> Result:
        runner = CliRunner()
        outcome = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        result = Result(outcome.exit_code, outcome.stdout, outcome.stderr)
        if expect is not None:
            assert result.exit_code == expect, str(result)
        return result

    return invoke
