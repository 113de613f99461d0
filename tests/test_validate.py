"""`ladderctl validate`: schema problems in plain words, cross-file rules, formats, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import AS_OF, MINI_REPO, Result, write_tree

Run = Callable[..., Result]
Repo = Callable[..., Path]

ANN = MINI_REPO["staff/ann.yaml"]


def problems(run: Run, repo: Path, *extra: str) -> list[dict[str, object]]:
    result = run("validate", repo, "--as-of", AS_OF, "--format", "json", *extra)
    assert result.exit_code in (0, 1), str(result)
    found: list[dict[str, object]] = json.loads(result.stdout)["problems"]
    return found


def rules(run: Run, repo: Path) -> list[tuple[str, str, int]]:
    return [(str(p["rule"]), str(p["path"]), int(str(p["line"]))) for p in problems(run, repo)]


def test_the_mini_repo_is_clean(run: Run, mini_repo: Repo) -> None:
    result = run("validate", mini_repo(), "--as-of", AS_OF, expect=0)
    assert "checked 4 files: no problems" in result.stdout


def test_every_example_is_valid(run: Run) -> None:
    result = run(
        "validate", "examples" if Path("examples").is_dir() else _examples(), "--as-of", AS_OF
    )
    assert result.exit_code == 0, str(result)
    assert "0 errors" in result.stdout or "no problems" in result.stdout


def _examples() -> Path:
    return Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    ("change", "rule", "line", "words"),
    [
        # missing required field
        (("name: Ann Lee\n", ""), "missing-field", 1, "missing the required field 'name'"),
        # wrong type
        (("hireDate: 2024-02-01", "hireDate: [2024]"), "wrong-type", 8, "should be text"),
        # unknown field, with a suggestion
        (("status: active", "status: active\nmanagr: boss"), "unknown-field", 10, "'managr'"),
        # impossible date
        (("earned: 2024-03-01", "earned: 2024-02-30"), "invalid-date", 15, "not a real date"),
        # enum with a suggestion
        (("status: active", "status: actve"), "invalid-value", 9, "'actve' is not allowed"),
        # a number where text was meant
        (("name: Ann Lee", "name: 1.10"), "wrong-type", 4, "should be text"),
    ],
)
def test_schema_problems_are_located_and_plain(
    run: Run, mini_repo: Repo, change: tuple[str, str], rule: str, line: int, words: str
) -> None:
    repo = mini_repo(staff__ann=ANN.replace(*change))
    found = [p for p in problems(run, repo) if p["path"].endswith("ann.yaml")]  # type: ignore[union-attr]
    assert found, "the broken file must be reported"
    first = found[0]
    assert (first["rule"], first["line"]) == (rule, line), found
    assert words in str(first["message"])
    assert first["hint"]


def test_unknown_field_suggests_the_right_name(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(staff__ann=ANN.replace("status: active", "status: active\nmanagr: boss"))
    (found,) = [p for p in problems(run, repo) if p["rule"] == "unknown-field"]
    assert found["hint"] == "did you mean 'manager'?"


def test_a_criterion_typo_gives_one_precise_error(run: Run, mini_repo: Repo) -> None:
    ladder = MINI_REPO["ladders/tech.yaml"].replace("years: 1", "years: 1\n            yeers: 2")
    found = problems(run, mini_repo(ladders__tech=ladder))
    assert [(p["rule"], p["line"]) for p in found] == [("unknown-field", 23)], found
    assert "did you mean 'years'" in str(found[0]["hint"])


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("- just\n- a list\n", "not-a-mapping"),
        ("apiVersion: ladderctl/v1\nid: x\n", "missing-kind"),
        ("apiVersion: ladderctl/v1\nkind: StaffRecrod\n", "unknown-kind"),
        (
            "apiVersion: ladderctl/v2\nkind: Catalog\nid: c\ntitle: C\ncredentials: []\n",
            "api-version",
        ),
    ],
)
def test_record_headers(run: Run, mini_repo: Repo, text: str, rule: str) -> None:
    repo = mini_repo(**{"odd.yaml": text})
    assert (rule, "odd.yaml") in {(r, Path(p).name) for r, p, _ in rules(run, repo)}


def test_unknown_kind_suggests_the_nearest(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(**{"odd.yaml": "apiVersion: ladderctl/v1\nkind: StaffRecrod\n"})
    (found,) = problems(run, repo)
    assert "did you mean 'StaffRecord'" in str(found["hint"])


DANGLING = [
    ("staff__ann", ANN.replace("manager: boss", "manager: nobody"), "unknown-person", 7),
    (
        "staff__ann",
        ANN.replace("level: tech-1\nmanager", "level: tech-9\nmanager"),
        "unknown-level",
        6,
    ),
    ("staff__ann", ANN.replace("ladder: tech", "ladder: clinical"), "unknown-ladder", 5),
    ("staff__ann", ANN.replace("- id: cpht", "- id: cphtt"), "unknown-credential", 14),
    ("staff__ann", ANN.replace("- id: level-1", "- id: level-9"), "unknown-assessment", 18),
    (
        "staff__ann",
        ANN.replace("criterion: tech1-judgement", "criterion: judgement"),
        "unknown-criterion",
        22,
    ),
    ("staff__ann", ANN.replace("by: boss", "by: ghost"), "unknown-person", 23),
    (
        "ladders__tech",
        MINI_REPO["ladders/tech.yaml"].replace("credentials: [cpht]", "credentials: [cpht2]"),
        "unknown-credential",
        18,
    ),
    (
        "ladders__tech",
        MINI_REPO["ladders/tech.yaml"].replace("tags: [precepting]", "tags: [teaching]"),
        "unknown-tag",
        30,
    ),
]


@pytest.mark.parametrize(("name", "text", "rule", "line"), DANGLING)
def test_dangling_references(
    run: Run, mini_repo: Repo, name: str, text: str, rule: str, line: int
) -> None:
    found = rules(run, mini_repo(**{name: text}))
    assert (rule, line) in {(r, n) for r, _, n in found}, found


def test_a_typo_in_one_file_does_not_make_references_to_it_dangle(
    run: Run, mini_repo: Repo
) -> None:
    boss = MINI_REPO["staff/boss.yaml"].replace("status: active", "status: actve")
    found = rules(run, mini_repo(staff__boss=boss))
    assert [r for r, _, _ in found] == ["invalid-value"], found


def test_duplicate_ids_point_at_the_first(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(staff__ann2=ANN)
    dupes = [p for p in problems(run, repo) if p["rule"] == "duplicate-id"]
    assert len(dupes) == 1
    assert "ann.yaml:1:5" in str(dupes[0]["message"]) or "ann.yaml:3:5" in str(dupes[0]["message"])


def test_dates_must_be_coherent(run: Run, mini_repo: Repo) -> None:
    text = ANN.replace("expires: 2028-03-01", "expires: 2023-03-01").replace(
        "effective: 2024-02-01", "effective: 2023-12-01"
    )
    found = {r for r, _, _ in rules(run, mini_repo(staff__ann=text))}
    assert found == {"date-order"}


def test_last_level_history_entry_must_be_the_current_level(run: Run, mini_repo: Repo) -> None:
    text = ANN.replace("  - level: tech-1\n", "  - level: tech-2\n")
    assert "level-history" in {r for r, _, _ in rules(run, mini_repo(staff__ann=text))}


def test_management_cycle(run: Run, mini_repo: Repo) -> None:
    boss = MINI_REPO["staff/boss.yaml"].replace("status: active", "status: active\nmanager: ann")
    found = problems(run, mini_repo(staff__boss=boss))
    assert [p["rule"] for p in found] == ["manager-cycle"]
    assert "ann -> boss -> ann" in str(found[0]["message"]) or "boss -> ann -> boss" in str(
        found[0]["message"]
    )


def test_expiring_certification_is_a_warning_that_fails_only_with_strict(
    run: Run, mini_repo: Repo
) -> None:
    repo = mini_repo(staff__ann=ANN.replace("expires: 2028-03-01", "expires: 2027-01-15"))
    result = run("validate", repo, "--as-of", AS_OF, expect=0)
    assert "warning [expiring-soon]" in result.stdout
    assert "1 warning" in result.stdout
    run("validate", repo, "--as-of", AS_OF, "--strict", expect=1)


def test_missing_expiry_for_a_renewable_credential(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(staff__ann=ANN.replace("    expires: 2028-03-01\n", ""))
    assert "missing-expiry" in {r for r, _, _ in rules(run, repo)}


def test_all_problems_in_one_run_sorted(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(
        staff__ann=ANN.replace("manager: boss", "manager: nobody").replace("a: ", "a: "),
        **{"bad.yaml": "a: [1\n", "worse.yaml": "a: 1\na: 2\n"},
    )
    result = run("validate", repo, "--as-of", AS_OF, expect=1)
    lines = [line for line in result.stdout.splitlines() if ": error [" in line]
    assert len(lines) == 3
    assert lines == sorted(lines)
    assert result.stdout.strip().endswith("checked 6 files: 3 errors, 0 warnings")


def test_text_format_is_one_line_per_problem(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(staff__ann=ANN.replace("manager: boss", "manager: nobody"))
    result = run("validate", repo, "--as-of", AS_OF, expect=1)
    line = result.stdout.splitlines()[0]
    assert line.endswith(
        "staff/ann.yaml:7:10: error [unknown-person] manager 'nobody' does not exist "
        "(hint: known: ann, boss)"
    ), line


def test_github_annotations(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(staff__ann=ANN.replace("manager: boss", "manager: nobody"))
    result = run("validate", repo, "--as-of", AS_OF, "--format", "github", expect=1)
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=")
    assert "staff/ann.yaml,line=7,col=10,title=unknown-person::manager 'nobody'" in first


def test_json_format(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(staff__ann=ANN.replace("manager: boss", "manager: nobody"))
    result = run("validate", repo, "--as-of", AS_OF, "--format", "json", expect=1)
    report = json.loads(result.stdout)
    assert (report["files"], report["errors"], report["warnings"]) == (4, 1, 0)
    assert set(report["problems"][0]) == {
        "path",
        "line",
        "column",
        "severity",
        "rule",
        "message",
        "hint",
    }


def test_ignore_list_in_config(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(
        **{"drafts/broken.yaml": "a: [1\n", "ladderctl.yaml": "ignore: ['drafts/*']\n"}
    )
    run("validate", repo, "--as-of", AS_OF, expect=0)


def test_config_with_unknown_setting(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(**{"ladderctl.yaml": "ignroe: []\n"})
    assert ("config", "ladderctl.yaml") in {(r, Path(p).name) for r, p, _ in rules(run, repo)}


def test_hidden_folders_are_skipped(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(**{".git/config.yaml": "a: [1\n", ".venv/x.yaml": "a: [\n"})
    run("validate", repo, "--as-of", AS_OF, expect=0)


def test_naming_one_file_reports_only_its_problems(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(
        staff__ann=ANN.replace("manager: boss", "manager: nobody"), **{"bad.yaml": "a: [\n"}
    )
    result = run("validate", repo / "staff" / "ann.yaml", "--repo", repo, "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "unknown-person" in result.stdout
    assert "bad.yaml" not in result.stdout


def test_missing_path_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    result = run("validate", tmp_path / "nope", expect=2)
    assert "no such file or folder" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_bad_date_is_a_usage_error(run: Run, mini_repo: Repo) -> None:
    result = run("validate", mini_repo(), "--as-of", "2026-13-01", expect=2)
    assert "--as-of '2026-13-01' is not a date" in result.stderr


def test_many_files_are_checked_in_parallel_with_the_same_answer(run: Run, tmp_path: Path) -> None:
    files = dict(MINI_REPO)
    for index in range(450):
        files[f"staff/p{index:03}.yaml"] = ANN.replace("id: ann", f"id: p{index:03}")
    files["staff/p007.yaml"] = files["staff/p007.yaml"].replace("manager: boss", "manager: zed")
    repo = write_tree(tmp_path / "big", files)
    found = problems(run, repo)
    assert [(p["rule"], Path(str(p["path"])).name) for p in found] == [
        ("unknown-person", "p007.yaml")
    ]


def test_hostile_files_do_not_stop_the_others(run: Run, mini_repo: Repo) -> None:
    repo = mini_repo(
        **{
            "bomb.yaml": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n"
                for p, n in zip("abcdefg", "bcdefgh", strict=True)
            ),
            "deep.yaml": "[" * 5000 + "]" * 5000,
            "evil.yaml": "a: !!python/object/apply:os.system ['echo hi']\n",
        }
    )
    (repo / "bin.yaml").write_bytes(b"\x00\x01\x02")
    found = {(r, Path(p).name) for r, p, _ in rules(run, repo)}
    assert found == {
        ("too-large", "bomb.yaml"),
        ("too-deep", "deep.yaml"),
        ("yaml-tag", "evil.yaml"),
        ("not-text", "bin.yaml"),
    }


def test_proposals_files_are_not_records(run: Run, mini_repo: Repo) -> None:
    from ladderctl.mentorship import PROPOSALS_SUFFIX
    from ladderctl.repository import PROPOSALS_SUFFIX as SKIPPED

    assert SKIPPED == PROPOSALS_SUFFIX
    repo = mini_repo(**{"mentorship/cycle.proposals.yaml": "pairs: []\n"})
    run("validate", repo, "--as-of", AS_OF, expect=0)


def test_compiled_validators_are_cached_and_a_broken_cache_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fastjsonschema

    from ladderctl import schemas

    monkeypatch.setenv("LADDERCTL_CACHE_DIR", str(tmp_path))
    good = {
        "apiVersion": "ladderctl/v1",
        "kind": "Catalog",
        "id": "c",
        "title": "C",
        "credentials": [],
    }
    bad = {**good, "id": "Not An Id"}
    for attempt in ("fresh", "cached", "corrupt"):
        schemas.fast_validator.cache_clear()
        if attempt == "corrupt":
            for file in tmp_path.iterdir():
                file.write_bytes(b"not marshal data")
        validate = schemas.fast_validator("Catalog")
        assert validate(good) == good
        with pytest.raises(fastjsonschema.JsonSchemaException):
            validate(bad)
        assert len(list(tmp_path.glob("validator-Catalog-*.marshal"))) == 1, attempt
    schemas.fast_validator.cache_clear()


def test_files_are_found_in_the_order_of_sorted_paths(tmp_path: Path) -> None:
    # By folder and name, as Paths sort: 'a/z.yaml' before 'a-b/c.yaml', though '/' > '-'.
    from ladderctl.repository import find_files

    names = ["a/z.yaml", "a-b/c.yaml", "a.b/x.yaml", "a/b/c.yaml", "a/b-c.yaml", "ab.yaml"]
    names += ["a.yaml", "a b/d.yaml", "A/e.yaml", "a_/f.yaml", "é/g.yaml", "a/b.c/h.yaml"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x: 1\n", encoding="utf-8")
    found = find_files([tmp_path], root=tmp_path)
    assert found == sorted(tmp_path / name for name in names)
    assert found.index(tmp_path / "a/z.yaml") < found.index(tmp_path / "a-b/c.yaml")
