"""What the speed-ups of the record pipeline must not change.

Staff record items keep a lazy `Source` instead of an eagerly located `Location`, and frozen
records are built by `fast_constructor`: the locations shown and the objects built must be exactly
those of the straightforward code.
"""

from __future__ import annotations

import dataclasses
import pickle
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import AS_OF, EXAMPLES, MINI_REPO
from ladderctl import repository, staff
from ladderctl.advancement import Evidence, check_eligibility, check_team
from ladderctl.department import Department
from ladderctl.loading import Document, JsonPath, Location
from ladderctl.repository import find_files, load_documents, shown_path
from ladderctl.staff import (
    Certification,
    PhaseCompletion,
    Source,
    StaffRecord,
    fast_constructor,
)

SECTIONS = {
    "priorExperience": "prior_experience",
    "levelHistory": "level_history",
    "certifications": "certifications",
    "reviews": "reviews",
    "assessments": "assessments",
    "accomplishments": "accomplishments",
    "attestations": "attestations",
    "waivers": "waivers",
    "engagement": "engagement",
    "training": "training",
}


def _staff_documents() -> list[Document]:
    loaded = load_documents(find_files([EXAMPLES], root=EXAMPLES))
    docs = [d for d in loaded.documents if d.kind == "StaffRecord"]
    assert len(docs) > 40
    return docs


def _items_with_paths(doc: Document, person: StaffRecord) -> list[tuple[Any, JsonPath]]:
    found: list[tuple[Any, JsonPath]] = []
    for key, attribute in SECTIONS.items():
        for i, item in enumerate(getattr(person, attribute)):
            found.append((item, (key, i)))
    for i, enrolment in enumerate(person.training):
        for j, phase in enumerate(enrolment.completed):
            found.append((phase, ("training", i, "completed", j)))
    return found


def test_every_item_resolves_to_the_location_it_was_read_from() -> None:
    checked = 0
    for doc in _staff_documents():
        person = StaffRecord.from_document(doc)
        assert person.location == doc.locate(())
        assert person.hire_date_location == doc.locate(("hireDate",))
        for item, path in _items_with_paths(doc, person):
            assert isinstance(item.source, Source)
            assert item.location == doc.locate(path), (doc.path, path)
            checked += 1
    assert checked > 500


def test_building_and_checking_a_department_locates_no_evidence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = _staff_documents()
    others = [
        d
        for d in load_documents(find_files([EXAMPLES], root=EXAMPLES)).documents
        if d.kind != "StaffRecord"
    ]
    located: list[str] = []
    original = Document.locate

    def counting(self: Document, json_path: JsonPath, *, key: bool = False) -> Location:
        located.append(self.path)
        return original(self, json_path, key=key)

    monkeypatch.setattr(Document, "locate", counting)
    department = Department.from_documents([*others, *docs])
    team = check_team(None, department, as_of=date.fromisoformat(AS_OF))
    staff_paths = {d.path for d in docs}
    assert not staff_paths & set(located), "staff evidence was located before being shown"
    assert team.reports

    # Shown, the evidence points where the eager code pointed.
    report = check_eligibility("isabella-cruz", department, as_of=date.fromisoformat(AS_OF))
    shown = [e.location for row in report.criteria for e in row.evidence if e.source is not None]
    assert shown
    assert all(loc is not None and loc.path.endswith("isabella-cruz.yaml") for loc in shown)
    assert "examples/staff/isabella-cruz.yaml:20:5" in str(report.to_dict())


def test_sources_compare_and_hash_by_location() -> None:
    first = {d.path: StaffRecord.from_document(d) for d in _staff_documents()}
    again = {d.path: StaffRecord.from_document(d) for d in _staff_documents()}
    for path, person in first.items():
        other = again[path]
        assert person.source is not other.source
        assert person.source == other.source
        assert person == other
        assert hash(person) == hash(other)
    kayla = next(p for p in first.values() if p.id == "kayla-morrison")
    one, two = kayla.certifications[:2]
    assert one.source != two.source
    assert one.source != one.location  # a Source is not a Location


def test_evidence_location_comes_from_its_source() -> None:
    doc = _staff_documents()[0]
    source = Source(doc, ("hireDate",))
    assert Evidence("text", source).location == doc.locate(("hireDate",))
    assert Evidence("text").location is None


def test_fast_constructor_builds_the_same_frozen_objects() -> None:
    doc = _staff_documents()[0]
    source = Source(doc, ())
    new_certification = fast_constructor(Certification)
    built = new_certification("cpht", date(2024, 1, 2), None, "N-1", source)
    expected = Certification("cpht", date(2024, 1, 2), None, "N-1", source)
    assert type(built) is Certification
    assert built == expected
    assert hash(built) == hash(expected)
    assert repr(built) == repr(expected)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.id = "other"  # type: ignore[misc]
    assert dataclasses.replace(built, id="x").id == "x"

    new_phase = fast_constructor(PhaseCompletion)
    phase = new_phase(phase="week-1", date=date(2026, 1, 5), source=source)
    assert phase == PhaseCompletion(phase="week-1", date=date(2026, 1, 5), source=source)
    assert (phase.signed_off_by, phase.note) == (None, None)


def test_fast_constructor_refuses_what_it_cannot_copy() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        a: list[int] = dataclasses.field(default_factory=list)

    for cls in (NoSlots, NotFrozen, Factory):
        with pytest.raises(TypeError):
            fast_constructor(cls)


def _unbuilt(person: StaffRecord) -> set[str]:
    """The sections of `person` not built yet (read through the slots, which builds nothing)."""
    return {
        name
        for name, section in vars(StaffRecord).items()
        if isinstance(section, staff._LazySection)
        and section.slot.__get__(person) is staff._UNBUILT
    }


def _eager(doc: Document) -> StaffRecord:
    """The record built the straightforward way, every section at once."""
    person = StaffRecord.from_document(doc)
    return StaffRecord(**{f.name: getattr(person, f.name) for f in dataclasses.fields(person)})


def test_sections_are_built_when_first_read() -> None:
    doc = next(d for d in _staff_documents() if d.data.get("certifications"))
    person = StaffRecord.from_document(doc)
    assert _unbuilt(person) == set(staff._SECTIONS)
    certifications = person.certifications
    assert _unbuilt(person) == set(staff._SECTIONS) - {"certifications"}
    assert person.certifications is certifications  # kept, not built again
    assert [c.id for c in certifications] == [c["id"] for c in doc.data["certifications"]]
    assert _unbuilt(_eager(doc)) == set()


def test_a_record_with_unbuilt_sections_is_the_same_record() -> None:
    for doc in _staff_documents():
        eager = _eager(doc)
        for person in (StaffRecord.from_document(doc), StaffRecord.from_document(doc)):
            assert repr(person) == repr(eager)
        person = StaffRecord.from_document(doc)
        assert person == eager and hash(person) == hash(eager)
        person = StaffRecord.from_document(doc)
        assert pickle.loads(pickle.dumps(person)) == eager
        person = StaffRecord.from_document(doc)
        assert dataclasses.replace(person, level="x") == dataclasses.replace(eager, level="x")
        person = StaffRecord.from_document(doc)
        assert dataclasses.astuple(person) == dataclasses.astuple(eager)


def test_a_department_builds_only_the_sections_its_users_read() -> None:
    department = Department.from_documents(
        load_documents(find_files([EXAMPLES], root=EXAMPLES)).documents
    )
    assert all(_unbuilt(p) == set(staff._SECTIONS) for p in department.staff.values())
    check_eligibility("isabella-cruz", department, as_of=date.fromisoformat(AS_OF))
    others = [p for p in department.staff.values() if p.id != "isabella-cruz"]
    assert all(_unbuilt(p) == set(staff._SECTIONS) for p in others)
    assert "engagement" in _unbuilt(department.staff["isabella-cruz"])


def test_sections_cannot_be_assigned_on_a_frozen_record() -> None:
    person = StaffRecord.from_document(_staff_documents()[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        person.reviews = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    "spelling",
    [
        "{abs}",
        "{rel}",
        "./{rel}",
        "{rel_dir}//{name}",
        "{rel_dir}/./{name}",
        "{abs_dir}/../{last_dir}/{name}",
        "{outside}",
        "{outside_dir}//./{name}",
        "{link}",
        "{outside_link}",
    ],
)
def test_paths_are_shown_as_shown_path_shows_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    # load_documents names each file as `shown_path` would, with less work per file.
    inside = tmp_path / "cwd" / "repo" / "staff"
    outside = tmp_path / "elsewhere"
    for folder in (inside, outside):
        folder.mkdir(parents=True)
        (folder / "a.yaml").write_text(MINI_REPO["staff/ann.yaml"], encoding="utf-8")
    (inside / "link.yaml").symlink_to(outside / "a.yaml")
    (outside / "link.yaml").symlink_to(inside / "a.yaml")
    monkeypatch.chdir(tmp_path / "cwd")
    file = spelling.format(
        abs=inside / "a.yaml",
        rel="repo/staff/a.yaml",
        rel_dir="repo/staff",
        name="a.yaml",
        abs_dir=inside,
        last_dir="staff",
        outside=outside / "a.yaml",
        outside_dir=outside,
        link=inside / "link.yaml",
        outside_link=outside / "link.yaml",
    )
    loaded = load_documents([file])
    (shown,) = {d.path for d in loaded.documents} | {d.location.path for d in loaded.diagnostics}
    assert shown == shown_path(file)
    assert repository._ShownPaths()(file) == shown_path(file)


_SPELLINGS = st.lists(st.sampled_from(["", ".", "..", "a", "b.yaml", "c d", "é"]), max_size=5)


@given(st.lists(st.tuples(st.booleans(), _SPELLINGS, _SPELLINGS), min_size=1, max_size=8))
def test_the_files_of_a_folder_are_shown_as_the_first_one(
    files: list[tuple[bool, list[str], list[str]]],
) -> None:
    # _ShownPaths works a folder out for its first file only: the next ones must be shown as if
    # each had been worked out in full. Relative spellings are inside the current folder,
    # absolute ones outside it.
    spelled = [
        ("/" if absolute else "") + "/".join(folder + name)
        for absolute, folder, name in files
        if folder + name
    ]
    shown, full = repository._ShownPaths(), repository._ShownPaths()
    for file in spelled + spelled:
        assert shown(file, is_link=False) == full._in_full(file), file
