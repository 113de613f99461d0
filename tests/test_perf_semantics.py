"""What the speed-ups of the record pipeline must not change.

Staff record items keep a lazy `Source` instead of an eagerly located `Location`, and frozen
records are built by `fast_constructor`: the locations shown and the objects built must be exactly
those of the straightforward code.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from conftest import AS_OF, EXAMPLES
from ladderctl.advancement import Evidence, check_eligibility, check_team
from ladderctl.department import Department
from ladderctl.loading import Document, JsonPath, Location
from ladderctl.repository import find_files, load_documents
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
