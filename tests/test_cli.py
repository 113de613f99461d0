"""The command line as a whole: help, version, schema export, init, the installed entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import AS_OF, Result
from ladderctl import __version__
from ladderctl.schemas import KINDS, SCHEMA_FILE_BY_KIND

Run = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [
    "validate",
    "check-advancement",
    "match-mentors",
    "render-idp",
    "render-agreement",
    "report",
    "due",
    "delegation",
    "training",
    "schema",
    "init",
]


def test_version(run: Run) -> None:
    assert run("--version", expect=0).stdout.strip() == f"ladderctl {__version__}"


def test_no_arguments_shows_help(run: Run) -> None:
    result = run()
    assert "Usage" in result.stdout + result.stderr
    for command in COMMANDS:
        assert command in result.stdout + result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(run: Run, command: str) -> None:
    result = run(command, "--help", expect=0)
    assert "Example" in result.stdout
    assert f"ladderctl {command}" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"ladderctl {command}" in readme


def test_readme_documents_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in ("0", "1", "2", "3", "130"):
        assert f"| {code} |" in readme


def test_schema_lists_kinds(run: Run) -> None:
    result = run("schema", expect=0)
    for kind in KINDS:
        assert kind in result.stdout


@pytest.mark.parametrize("name", ["StaffRecord", "staff-record", "staffrecord"])
def test_schema_prints_one_kind(run: Run, name: str) -> None:
    schema = json.loads(run("schema", name, expect=0).stdout)
    assert schema["$id"].endswith("staff-record.schema.json")


def test_schema_unknown_kind(run: Run) -> None:
    result = run("schema", "Staff", expect=2)
    assert "'Staff' is not a kind" in result.stderr


def test_schema_export_is_idempotent_and_never_clobbers(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    run("schema", "--out", out, expect=0)
    assert sorted(p.name for p in out.iterdir()) == sorted(SCHEMA_FILE_BY_KIND.values())
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    result = run("schema", "--out", out, expect=0)
    assert f"0 written, {len(SCHEMA_FILE_BY_KIND)} unchanged" in result.stderr
    assert first == {p.name: p.read_bytes() for p in out.iterdir()}
    edited = out / "catalog.schema.json"
    edited.write_text("{}", encoding="utf-8")
    result = run("schema", "--out", out, expect=1)
    assert "--force" in result.stderr
    assert edited.read_text(encoding="utf-8") == "{}"
    run("schema", "--out", out, "--force", expect=0)
    assert edited.read_bytes() == first["catalog.schema.json"]


def test_init_creates_a_repo_that_validates(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "dept"
    run("init", target, expect=0)
    assert (target / "catalog.yaml").is_file()
    assert (target / ".pre-commit-config.yaml").is_file()
    result = run("validate", target, "--as-of", AS_OF, expect=0)
    assert "no problems" in result.stdout


def test_init_refuses_a_non_empty_folder(run: Run, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = run("init", tmp_path, expect=2)
    assert "is not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_installed_entry_point_runs_from_another_directory(tmp_path: Path) -> None:
    exe = shutil.which("ladderctl", path=str(Path(sys.executable).parent))
    assert exe, "the ladderctl console script must be installed next to this Python"
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [exe, "validate", str(ROOT / "examples"), "--as-of", AS_OF, "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["errors"] == 0


def test_python_dash_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ladderctl", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ladderctl {__version__}"


def test_internal_errors_are_logged_not_shown(
    run: Run, monkeypatch: pytest.MonkeyPatch, mini_repo: Callable[..., Path]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret patient data")

    monkeypatch.setattr("ladderctl.repository.validate_repository", broken)
    result = run("validate", mini_repo(), expect=3)
    assert "internal error (RuntimeError)" in result.stderr
    assert "secret patient data" not in result.stdout + result.stderr
    log = Path(result.stderr.split("details are in ")[1].split(";")[0].strip())
    assert "secret patient data" in log.read_text(encoding="utf-8")
    log.unlink()


def test_written_files_get_ordinary_permissions(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    run("schema", "--out", out, expect=0)
    umask = os.umask(0)
    os.umask(umask)
    for file in out.iterdir():
        assert file.stat().st_mode & 0o777 == 0o666 & ~umask
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_the_command_collects_garbage_rarely() -> None:
    # The records of a big repo live until the process ends and hold no cycles: at Python's
    # default thresholds the collector walked them over and over (a third of a 10,000-staff run).
    code = (
        "import gc, sys\n"
        "from ladderctl.cli import main\n"
        "sys.argv = ['ladderctl', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    print(gc.get_threshold()[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(done.stdout.split()[-1]) >= 100_000
