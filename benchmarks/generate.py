#!/usr/bin/env python3
"""Write a synthetic, realistic and VALID pharmacy department repo for benchmarks.

    python benchmarks/generate.py --staff 10000 --out /tmp/dept

Layout (like a real department repo):

    catalog.yaml
    ladders/<ladder>.yaml                      4-6 ladders, every criterion type
    staff/<id>.yaml                            N StaffRecords (manager tree, sites, shifts)
    mentorship/program-<id>.yaml               one MentorshipProgram
    mentorship/profiles/<person>.yaml          ~20% of staff
    plans/<id>.yaml                            ~10% of staff (DevelopmentPlan / IDP)
    agreements/<id>.yaml                       ~3% of staff (MentorshipAgreement)
    bench-meta.json                            as-of date, seed and counts (not a record)

The output is deterministic for a given (--staff, --seed, --as-of). Every date is computed from
--as-of (default 2026-07-01), so `ladderctl validate --as-of <that date>` gives the same warnings
on any day; the data is built to give 0 errors and a handful of realistic warnings
(credentials expiring within 90 days, overdue IDP reviews).

Only the standard library is used, and YAML is written as text directly (no YAML library): dates
are plain unquoted YYYY-MM-DD, strings are plain when that is unambiguous and double-quoted
otherwise.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

SCHEMA_COMMENT = "# yaml-language-server: $schema={rel}schemas/{schema}\n"
DEFAULT_AS_OF = "2026-07-01"
PROGRAM_ID = "mentorship-2026"

# --------------------------------------------------------------------------------------------
# A minimal block-style YAML writer (strings, numbers, booleans, lists, mappings).
# --------------------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# Plain (unquoted) only when no YAML reader could take it for anything but this text.
_PLAIN_OK = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f .,()/'+&@-]*\Z")
_RESERVED = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false", "null", "nan", "inf"})
_SCALAR_CACHE: dict[str, str] = {}


def scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    cached = _SCALAR_CACHE.get(text)
    if cached is not None:
        return cached
    if _DATE_TEXT.match(text):
        out = text  # dates stay unquoted, as people write them
    elif (
        _PLAIN_OK.match(text)
        and text.lower() not in _RESERVED
        and not text.endswith(" ")
        and "  " not in text
    ):
        out = text
    else:
        out = json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one
    if len(_SCALAR_CACHE) < 200_000:
        _SCALAR_CACHE[text] = out
    return out


def _emit(node: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(node, dict):
        for key, value in node.items():
            _emit_entry(f"{pad}{key}:", value, indent, out)
    else:
        for item in node:
            if isinstance(item, dict) and item:
                first = True
                for key, value in item.items():
                    head = f"{pad}- {key}:" if first else f"{pad}  {key}:"
                    _emit_entry(head, value, indent + 2, out)
                    first = False
            elif isinstance(item, list) and item:
                out.append(f"{pad}-")
                _emit(item, indent + 2, out)
            else:
                out.append(f"{pad}- {_inline(item)}")


def _emit_entry(head: str, value: Any, indent: int, out: list[str]) -> None:
    if isinstance(value, dict) and value:
        out.append(head)
        _emit(value, indent + 2, out)
    elif isinstance(value, list) and value:
        out.append(head)
        _emit(value, indent, out)  # lists under a key: "- " at the key's indent
    else:
        out.append(f"{head} {_inline(value)}")


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)


def to_yaml(record: dict[str, Any], schema: str, depth: int, comment: str = "") -> str:
    lines: list[str] = []
    _emit(record, 0, lines)
    head = SCHEMA_COMMENT.format(rel="../" * depth, schema=schema)
    if comment:
        head += "".join(f"# {line}\n" for line in comment.splitlines())
    return head + "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Reference data: catalog, sites, names.
# --------------------------------------------------------------------------------------------

SITES = [
    "Main Hospital",
    "Cancer Center",
    "Specialty Pharmacy",
    "North Clinic",
    "Children's Pavilion",
    "Outpatient Infusion Center",
]
SHIFTS = ["day", "day", "day", "evening", "night", "rotating", "weekend"]
RATINGS = ["unsatisfactory", "needs-improvement", "meets", "exceeds", "outstanding"]
RATING_WEIGHTS = [1, 6, 55, 30, 8]

FIRST = [
    "Aaliyah",
    "Aaron",
    "Abigail",
    "Adrian",
    "Aisha",
    "Alejandro",
    "Amara",
    "Amir",
    "Ana",
    "Andre",
    "Anika",
    "Arjun",
    "Beatriz",
    "Benjamin",
    "Bianca",
    "Brandon",
    "Camila",
    "Carlos",
    "Chen",
    "Chloe",
    "Daniel",
    "Deepa",
    "Diego",
    "Dmitri",
    "Elena",
    "Elijah",
    "Emeka",
    "Emily",
    "Esther",
    "Fatima",
    "Felipe",
    "Grace",
    "Hana",
    "Hassan",
    "Isabel",
    "Ivan",
    "Jamal",
    "Jasmine",
    "Javier",
    "Jennifer",
    "Jia",
    "José",
    "Julia",
    "Kamala",
    "Keisha",
    "Kenji",
    "Laila",
    "Liam",
    "Lucía",
    "Malik",
    "Maria",
    "Mateo",
    "Mei",
    "Michael",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Nikhil",
    "Olivia",
    "Omar",
    "Priya",
    "Rafael",
    "Rania",
    "Rosa",
    "Samuel",
    "Sara",
    "Siddharth",
    "Sofia",
    "Tamika",
    "Thomas",
    "Tomás",
    "Uchenna",
    "Valentina",
    "Wei",
    "Yasmin",
    "Yusuf",
    "Zoë",
]
LAST = [
    "Abbott",
    "Adeyemi",
    "Alvarez",
    "Anderson",
    "Bakshi",
    "Banerjee",
    "Bennett",
    "Brooks",
    "Castillo",
    "Chang",
    "Chowdhury",
    "Cohen",
    "Delgado",
    "Diaz",
    "Dubois",
    "Edwards",
    "Estrada",
    "Fernández",
    "Fischer",
    "Flores",
    "Garcia",
    "Goldberg",
    "Gonzalez",
    "Gupta",
    "Haddad",
    "Hall",
    "Hernandez",
    "Hoang",
    "Ibrahim",
    "Jackson",
    "Jensen",
    "Johnson",
    "Kaur",
    "Khan",
    "Kim",
    "Kowalski",
    "Kumar",
    "Larsen",
    "Lee",
    "Lopez",
    "Martin",
    "Mendoza",
    "Mensah",
    "Miller",
    "Moreno",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Novak",
    "O'Brien",
    "Okafor",
    "Okonkwo",
    "Olsen",
    "Ortiz",
    "Patel",
    "Perez",
    "Petrov",
    "Quinn",
    "Ramirez",
    "Reddy",
    "Reyes",
    "Robinson",
    "Rossi",
    "Sanchez",
    "Santos",
    "Schmidt",
    "Shah",
    "Silva",
    "Singh",
    "Smith",
    "Sullivan",
    "Tanaka",
    "Thompson",
    "Torres",
    "Tran",
    "Vargas",
    "Walker",
    "Wang",
    "Williams",
    "Wójcik",
    "Yamamoto",
    "Young",
    "Zhang",
]

_ASCII = str.maketrans("áéíóúñüëöçłšžćą", "aeiounueoclszca")


def slug(text: str) -> str:
    text = text.lower().translate(_ASCII)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "x"


CREDENTIALS = [
    # id, title, issuer, type, expires, renewalMonths, description
    (
        "state-tech-registration",
        "State Pharmacy Technician Registration",
        "State Board of Pharmacy",
        "license",
        True,
        24,
        "State registration required to work as a pharmacy technician.",
    ),
    (
        "cpht",
        "Certified Pharmacy Technician (CPhT)",
        "Pharmacy Technician Certification Board (PTCB)",
        "certification",
        True,
        24,
        "National technician certification; required to advance from Technician I.",
    ),
    (
        "cspt",
        "Compounded Sterile Preparation Technician (CSPT)",
        "Pharmacy Technician Certification Board (PTCB)",
        "certification",
        True,
        24,
        "Advanced certification in IV sterile compounding.",
    ),
    (
        "hazardous-drug-handling",
        "Hazardous Drug Handling Certification (USP <800>)",
        "Pharmacy Technician Certification Board (PTCB)",
        "certification",
        True,
        24,
        "Advanced certification in hazardous drug handling and compounding.",
    ),
    (
        "specialty-tech-certificate",
        "Specialty Pharmacy Technician Certificate",
        "Accredited specialty pharmacy technician training program",
        "certificate",
        False,
        None,
        "Course certificate in specialty pharmacy operations. Never expires.",
    ),
    (
        "certified-professional-biller",
        "Certified Professional Biller (CPB)",
        "AAPC",
        "certification",
        True,
        24,
        "Billing certification required for Billing Analyst III.",
    ),
    (
        "pharmacist-license",
        "Registered Pharmacist License",
        "State Board of Pharmacy",
        "license",
        True,
        24,
        "License to practise as a pharmacist in the state.",
    ),
    (
        "bcps",
        "Board Certified Pharmacotherapy Specialist (BCPS)",
        "Board of Pharmacy Specialties (BPS)",
        "certification",
        True,
        84,
        None,
    ),
    (
        "bcop",
        "Board Certified Oncology Pharmacist (BCOP)",
        "Board of Pharmacy Specialties (BPS)",
        "certification",
        True,
        84,
        None,
    ),
    (
        "bccp",
        "Board Certified Critical Care Pharmacist (BCCP)",
        "Board of Pharmacy Specialties (BPS)",
        "certification",
        True,
        84,
        None,
    ),
    (
        "bcidp",
        "Board Certified Infectious Diseases Pharmacist (BCIDP)",
        "Board of Pharmacy Specialties (BPS)",
        "certification",
        True,
        84,
        None,
    ),
    (
        "bls",
        "Basic Life Support (BLS)",
        "American Heart Association",
        "certification",
        True,
        24,
        "CPR and basic life support for healthcare providers.",
    ),
    (
        "immunization-certificate",
        "Pharmacist Immunization Delivery Certificate",
        "American Pharmacists Association (APhA)",
        "certificate",
        False,
        None,
        "Certificate training program in immunization delivery.",
    ),
    (
        "lean-six-sigma-green-belt",
        "Lean Six Sigma Green Belt",
        "Health system quality office",
        "certificate",
        False,
        None,
        "Process improvement training.",
    ),
]
CRED = {c[0]: c for c in CREDENTIALS}

ASSESSMENTS = [
    ("tech-1-competency", "Technician I formal competency assessment", None),
    ("sterile-compounding-competency", "Sterile compounding competency (USP <797>)", 6),
    ("hazardous-drug-competency", "Hazardous drug competency (USP <800>)", 12),
    ("spt-core-competency", "Specialty pharmacy technician core competency", 12),
    (
        "benefits-investigation-competency",
        "Benefits investigation and patient assistance competency",
        12,
    ),
    ("part-b-billing-competency", "Medicare Part B billing competency", 12),
    (
        "clinical-verification-competency",
        "Order verification and clinical screening competency",
        24,
    ),
    ("anticoagulation-competency", "Anticoagulation management competency", 24),
    ("leadership-360", "Leadership 360-degree assessment", 36),
]

ACTIVITY_TAGS = [
    ("train-the-trainer", "Train-the-trainer course"),
    ("precepting", "Precepting students, residents or new technicians"),
    ("project", "Department project (participant)"),
    ("project-lead", "Department project (lead)"),
    ("mue", "Medication use evaluation"),
    ("in-service", "In-service presentation to staff"),
    ("presentation-regional", "Regional or national presentation"),
    ("publication", "Peer-reviewed publication"),
    ("leadership-training", "Leadership development course"),
    ("committee", "Committee membership (P&T, safety, quality)"),
    ("mentoring", "Mentoring a colleague"),
    ("quality-improvement", "Quality improvement initiative"),
    ("policy-writing", "Policy or procedure written or revised"),
] + [(f"cpom-m{i:02d}", f"CPOM curriculum module {i}") for i in range(1, 21)]
TAG_IDS = [t[0] for t in ACTIVITY_TAGS]

ACCOMPLISHMENT_TITLES = {
    "train-the-trainer": [
        "Completed the train-the-trainer course",
        "Certified as a department trainer",
    ],
    "precepting": [
        "Precepted an APPE student",
        "Precepted a PGY1 resident on rotation",
        "Oriented two new technicians",
        "Precepted a technician extern",
    ],
    "project": [
        "Automated dispensing cabinet par-level review",
        "Carousel go-live support",
        "Barcode scanning compliance project",
        "Drug shortage workgroup",
    ],
    "project-lead": [
        "Led the cycle-count accuracy project",
        "Led the IV workflow redesign",
        "Led the cold-chain shipping audit",
    ],
    "mue": [
        "MUE: IV acetaminophen use",
        "MUE: vancomycin dosing by AUC",
        "Medication use evaluation of DOAC dosing",
    ],
    "in-service": [
        "In-service: look-alike sound-alike drugs",
        "In-service: hazardous drug spill kits",
        "Staff in-service on heparin protocols",
    ],
    "presentation-regional": [
        "Poster at the state society meeting",
        "Regional meeting talk on stewardship",
    ],
    "publication": [
        "Case report published in a hospital pharmacy journal",
        "Co-authored a review article on anticoagulation",
    ],
    "leadership-training": [
        "Completed the emerging leaders programme",
        "Supervisor essentials course",
    ],
    "committee": [
        "Member of the medication safety committee",
        "P&T committee secretary",
        "Served on the sterile compounding quality committee",
    ],
    "mentoring": ["Mentored a new hire for six months", "Peer mentor in the onboarding cohort"],
    "quality-improvement": [
        "Reduced first-dose turnaround time",
        "Improved controlled substance reconciliation",
    ],
    "policy-writing": ["Rewrote the cleanroom cleaning procedure", "Updated the code cart policy"],
}

EXPERTISE = [
    "inventory",
    "procurement",
    "sterile-compounding",
    "hazardous-drugs",
    "oncology",
    "anticoagulation",
    "critical-care",
    "infectious-diseases",
    "informatics",
    "billing",
    "prior-authorization",
    "precepting",
    "leadership",
    "quality-improvement",
    "pediatrics",
    "specialty-pharmacy",
    "automation",
    "controlled-substances",
]
EMPLOYERS = [
    "CVS Pharmacy",
    "Walgreens",
    "Kroger Pharmacy",
    "St. Mary's Hospital",
    "Community Health Network",
    "US Army Medical Command",
    "Mercy Medical Center",
    "Valley Compounding",
    "Optum Specialty Pharmacy",
]


def catalog() -> dict[str, Any]:
    creds = []
    for cid, title, issuer, ctype, expires, renewal, description in CREDENTIALS:
        entry: dict[str, Any] = {
            "id": cid,
            "title": title,
            "issuer": issuer,
            "type": ctype,
            "expires": expires,
        }
        if renewal:
            entry["renewalMonths"] = renewal
        if description:
            entry["description"] = description
        creds.append(entry)
    assessments = []
    for aid, title, recurrence in ASSESSMENTS:
        entry = {
            "id": aid,
            "title": title,
            "description": f"{title}; observed and scored by a qualified assessor.",
        }
        if recurrence:
            entry["recurrenceMonths"] = recurrence
        assessments.append(entry)
    return {
        "apiVersion": "ladderctl/v1",
        "kind": "Catalog",
        "id": "riverside-health-pharmacy",
        "title": "Riverside Health Pharmacy: credentials, assessments and activity tags",
        "description": "Department-wide registry for Riverside Health Pharmacy. Ladders, staff "
        "records and plans refer to these ids.",
        "credentials": creds,
        "assessments": assessments,
        "activityTags": [{"id": t, "title": title} for t, title in ACTIVITY_TAGS],
    }


# --------------------------------------------------------------------------------------------
# Ladders: criterion builders covering every criterion type.
# --------------------------------------------------------------------------------------------


def c_all(cid: str, description: str, *criteria: dict[str, Any]) -> dict[str, Any]:
    return {"id": cid, "type": "all-of", "description": description, "criteria": list(criteria)}


def c_any(cid: str, description: str, *criteria: dict[str, Any]) -> dict[str, Any]:
    return {"id": cid, "type": "any-of", "description": description, "criteria": list(criteria)}


def c_least(cid: str, count: int, description: str, *criteria: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": cid,
        "type": "at-least",
        "description": description,
        "count": count,
        "criteria": list(criteria),
    }


def c_exp(
    cid: str, years: float, typical: float | None = None, within: float | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": cid,
        "type": "experience",
        "description": f"At least {years:g} year{'s' if years != 1 else ''} of pharmacy experience",
        "years": years,
    }
    if typical is not None:
        out["typicalYears"] = typical
    if within is not None:
        out["withinYears"] = within
        out["description"] += f" within the last {within:g} years"
    out["advice"] = "Prior experience at other employers counts; record it under priorExperience."
    return out


def c_til(cid: str, months: int) -> dict[str, Any]:
    return {
        "id": cid,
        "type": "time-in-level",
        "months": months,
        "description": f"At least {months} months at the current level",
    }


def c_cred(cid: str, description: str, *creds: str) -> dict[str, Any]:
    return {
        "id": cid,
        "type": "credential",
        "description": description,
        "credentials": list(creds),
        "advice": "Upload the certificate and record its expiry date.",
    }


def c_rating(cid: str, at_least: str, consecutive: int) -> dict[str, Any]:
    return {
        "id": cid,
        "type": "rating",
        "atLeast": at_least,
        "consecutive": consecutive,
        "description": f"The last {consecutive} annual review(s) rated '{at_least}' or better",
    }


def c_assess(cid: str, assessment: str, valid: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": cid,
        "type": "assessment",
        "assessment": assessment,
        "description": f"A current pass of the {assessment} assessment",
    }
    if valid:
        out["validForMonths"] = valid
    return out


def c_act(
    cid: str, description: str, tags: list[str], count: int, within: float | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": cid,
        "type": "activity",
        "description": description,
        "tags": tags,
        "count": count,
    }
    if within is not None:
        out["withinYears"] = within
    return out


def c_att(cid: str, by: str, description: str, valid: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": cid,
        "type": "attestation",
        "by": by,
        "description": description,
        "advice": "Ask your manager to record the attestation after a check-in.",
    }
    if valid:
        out["validForMonths"] = valid
    return out


def level(
    lid: str,
    title: str,
    common: list[str],
    focus: str,
    roles: list[str] | None = None,
    advancement: dict[str, Any] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": lid,
        "title": title,
        "commonTitles": common,
        "focus": focus,
        "responsibilities": [
            f"Performs the duties of a {title} safely and accurately",
            "Follows department policies, USP standards and state regulations",
            "Communicates clearly with nurses, prescribers and patients",
        ],
        "competencies": [
            "Accuracy and attention to detail",
            "Pharmacy calculations",
            "Regulatory compliance",
            "Teamwork",
        ],
    }
    if roles:
        out["roles"] = roles
    if advancement:
        out["advancement"] = {
            "description": f"Requirements to advance from {title}.",
            "criteria": advancement,
        }
    return out


def ladders() -> list[dict[str, Any]]:
    def ladder(
        lid: str,
        title: str,
        track: str,
        levels: list[dict[str, Any]],
        transitions: list[dict[str, Any]],
    ) -> dict[str, Any]:
        return {
            "apiVersion": "ladderctl/v1",
            "kind": "Ladder",
            "id": lid,
            "title": title,
            "track": track,
            "description": f"{title} at Riverside Health Pharmacy, lowest level first.",
            "source": "Riverside Health Pharmacy career ladder policy PH-HR-012, revised 2025.",
            "levels": levels,
            "transitions": transitions,
        }

    tech = ladder(
        "pharmacy-technician",
        "Pharmacy Technician Career Ladder",
        "technical",
        [
            level(
                "tech-1",
                "Pharmacy Technician I",
                ["Pharmacy Technician", "Technician Trainee"],
                "Learning core distribution and dispensing tasks",
                advancement=c_all(
                    "tech-1-adv",
                    "Everything below is needed to become Technician II",
                    c_exp("tech-1-exp", 1),
                    c_til("tech-1-til", 6),
                    c_cred("tech-1-cpht", "Hold a current CPhT", "cpht"),
                    c_assess("tech-1-competency-pass", "tech-1-competency"),
                    c_rating("tech-1-rating", "meets", 1),
                ),
            ),
            level(
                "tech-2",
                "Pharmacy Technician II",
                ["Senior Pharmacy Technician", "IV Technician"],
                "Independent practice in one or more specialised areas",
                advancement=c_all(
                    "tech-2-adv",
                    "Everything below is needed to become Technician III",
                    c_exp("tech-2-exp", 2, typical=3),
                    c_til("tech-2-til", 12),
                    c_any(
                        "tech-2-advanced",
                        "An advanced certification or competency",
                        c_cred(
                            "tech-2-adv-cert",
                            "CSPT or hazardous drug certification",
                            "cspt",
                            "hazardous-drug-handling",
                        ),
                        c_assess("tech-2-sterile", "sterile-compounding-competency"),
                    ),
                    c_least(
                        "tech-2-contrib",
                        2,
                        "Two of these contributions",
                        c_act(
                            "tech-2-precept",
                            "Precepted two learners",
                            ["precepting", "mentoring"],
                            2,
                        ),
                        c_act(
                            "tech-2-project",
                            "Took part in a department project",
                            ["project", "project-lead", "quality-improvement"],
                            1,
                        ),
                        c_act(
                            "tech-2-inservice",
                            "Gave an in-service in the last two years",
                            ["in-service"],
                            1,
                            within=2,
                        ),
                    ),
                    c_att(
                        "tech-2-independent",
                        "manager",
                        "Demonstrates ability to independently solve complex issues",
                        valid=12,
                    ),
                ),
            ),
            level(
                "tech-3",
                "Pharmacy Technician III",
                ["Lead Technician", "Technician Specialist"],
                "Technical lead for a work area",
                roles=[
                    "Inventory/Procurement Specialist",
                    "Sterile Compounding Lead",
                    "Automation Coordinator",
                ],
                advancement=c_all(
                    "tech-3-adv",
                    "Everything below is needed to become Technician IV",
                    c_exp("tech-3-exp", 5, within=7),
                    c_rating("tech-3-rating", "exceeds", 2),
                    c_act(
                        "tech-3-leadership",
                        "Completed leadership training",
                        ["leadership-training", "train-the-trainer"],
                        1,
                    ),
                    c_att(
                        "tech-3-committee",
                        "committee",
                        "Committee confirms readiness to lead the technician team",
                        valid=12,
                    ),
                ),
            ),
            level(
                "tech-4",
                "Pharmacy Technician IV",
                ["Technician Supervisor", "Senior Lead Technician"],
                "Leads technicians across shifts and sites",
                roles=["Technician Supervisor", "Training Coordinator"],
            ),
        ],
        [
            {
                "id": "tech-to-specialty",
                "from": "tech-2",
                "to": {"ladder": "specialty-pharmacy", "level": "spt-1"},
                "description": "Move to the specialty pharmacy technician ladder.",
                "requirements": c_all(
                    "tech-to-spt-req",
                    "Specialty readiness",
                    c_cred(
                        "tech-to-spt-cert", "Specialty certificate", "specialty-tech-certificate"
                    ),
                    c_assess("tech-to-spt-assess", "spt-core-competency"),
                ),
            },
            {
                "id": "tech-to-leadership",
                "from": "tech-4",
                "to": {"ladder": "pharmacy-leadership", "level": "lead-1"},
                "description": "Technician supervisors may enter the leadership ladder.",
            },
        ],
    )

    rph = ladder(
        "pharmacist-clinical",
        "Clinical Pharmacist Career Ladder",
        "clinical",
        [
            level(
                "ph-1",
                "Staff Pharmacist",
                ["Pharmacist", "Staff Pharmacist"],
                "Order verification and distribution oversight",
                advancement=c_all(
                    "ph-1-adv",
                    "Everything below is needed to become Clinical Pharmacist",
                    c_exp("ph-1-exp", 2, typical=3),
                    c_cred(
                        "ph-1-license", "Hold a current pharmacist license", "pharmacist-license"
                    ),
                    c_assess("ph-1-verification", "clinical-verification-competency"),
                    c_rating("ph-1-rating", "meets", 2),
                    c_act("ph-1-inservice", "Gave an in-service", ["in-service"], 1, within=3),
                ),
            ),
            level(
                "ph-2",
                "Clinical Pharmacist",
                ["Clinical Pharmacist", "Decentralised Pharmacist"],
                "Unit-based clinical services",
                advancement=c_all(
                    "ph-2-adv",
                    "Everything below is needed to become Specialist",
                    c_exp("ph-2-exp", 4, typical=5),
                    c_til("ph-2-til", 24),
                    c_cred("ph-2-board", "Board certification", "bcps", "bcop", "bccp", "bcidp"),
                    c_least(
                        "ph-2-scholarship",
                        2,
                        "Two of these scholarly activities",
                        c_act("ph-2-mue", "Completed a MUE", ["mue"], 1),
                        c_act("ph-2-present", "Presented regionally", ["presentation-regional"], 1),
                        c_act("ph-2-publication", "Published", ["publication"], 1),
                        c_act(
                            "ph-2-precept", "Precepted three learners", ["precepting"], 3, within=3
                        ),
                    ),
                    c_att(
                        "ph-2-clinical-judgement",
                        "manager",
                        "Exercises sound independent clinical judgement",
                    ),
                ),
            ),
            level(
                "ph-3",
                "Clinical Pharmacist Specialist",
                ["Clinical Specialist"],
                "Service-line expertise and teaching",
                roles=[
                    "Oncology Specialist",
                    "Critical Care Specialist",
                    "Antimicrobial Stewardship",
                ],
                advancement=c_all(
                    "ph-3-adv",
                    "Everything below is needed to become Coordinator",
                    c_exp("ph-3-exp", 8, within=10),
                    c_rating("ph-3-rating", "exceeds", 2),
                    c_act("ph-3-lead", "Led a department project", ["project-lead"], 1),
                    c_att(
                        "ph-3-committee",
                        "committee",
                        "Committee confirms readiness for a coordinator role",
                    ),
                ),
            ),
            level(
                "ph-4",
                "Clinical Coordinator",
                ["Clinical Coordinator", "Clinical Manager"],
                "Coordinates clinical services across sites",
            ),
        ],
        [
            {
                "id": "ph-to-leadership",
                "from": "ph-2",
                "to": {"ladder": "pharmacy-leadership", "level": "lead-1"},
                "description": "Clinical pharmacists may move into supervision.",
                "requirements": c_all(
                    "ph-to-lead-req",
                    "Leadership readiness",
                    c_act("ph-to-lead-training", "Leadership course", ["leadership-training"], 1),
                    c_assess("ph-to-lead-360", "leadership-360", valid=24),
                    c_att(
                        "ph-to-lead-committee",
                        "committee",
                        "Committee endorses the move to leadership",
                    ),
                ),
            },
        ],
    )

    lead = ladder(
        "pharmacy-leadership",
        "Pharmacy Leadership Ladder",
        "leadership",
        [
            level(
                "lead-1",
                "Pharmacy Supervisor",
                ["Operations Supervisor", "Shift Supervisor"],
                "Runs a shift or an area",
                advancement=c_all(
                    "lead-1-adv",
                    "Everything below is needed to become Manager",
                    c_exp("lead-1-exp", 6),
                    c_til("lead-1-til", 24),
                    c_assess("lead-1-360", "leadership-360"),
                    c_any(
                        "lead-1-quality",
                        "Quality or policy work",
                        c_act(
                            "lead-1-qi",
                            "Led quality improvement",
                            ["quality-improvement", "project-lead"],
                            2,
                        ),
                        c_act("lead-1-policy", "Wrote policies", ["policy-writing"], 2),
                    ),
                    c_att(
                        "lead-1-director",
                        "manager",
                        "Director confirms readiness to manage managers",
                    ),
                ),
            ),
            level(
                "lead-2",
                "Pharmacy Manager",
                ["Pharmacy Manager", "Operations Manager"],
                "Manages supervisors and a budget",
                advancement=c_all(
                    "lead-2-adv",
                    "Everything below is needed to become Director",
                    c_exp("lead-2-exp", 10),
                    c_rating("lead-2-rating", "exceeds", 3),
                    c_att("lead-2-committee", "committee", "Executive committee approval"),
                ),
            ),
            level(
                "lead-3", "Director of Pharmacy", ["Director of Pharmacy"], "Leads the department"
            ),
        ],
        [],
    )

    spt = ladder(
        "specialty-pharmacy",
        "Specialty Pharmacy Technician Ladder",
        "specialty",
        [
            level(
                "spt-1",
                "Specialty Pharmacy Technician I",
                ["Specialty Technician"],
                "Intake and refill coordination",
                advancement=c_all(
                    "spt-1-adv",
                    "Everything below is needed to become SPT II",
                    c_exp("spt-1-exp", 1, typical=2),
                    c_cred("spt-1-cpht", "Hold a current CPhT", "cpht"),
                    c_assess("spt-1-core", "spt-core-competency"),
                    c_rating("spt-1-rating", "meets", 1),
                ),
            ),
            level(
                "spt-2",
                "Specialty Pharmacy Technician II",
                ["Benefits Investigation Technician"],
                "Benefits investigation and prior authorisation",
                roles=["Prior Authorization Specialist", "Patient Assistance Coordinator"],
                advancement=c_all(
                    "spt-2-adv",
                    "Everything below is needed to become SPT III",
                    c_exp("spt-2-exp", 3),
                    c_til("spt-2-til", 12),
                    c_assess("spt-2-benefits", "benefits-investigation-competency"),
                    c_least(
                        "spt-2-contrib",
                        1,
                        "One contribution",
                        c_act("spt-2-precept", "Precepted", ["precepting"], 1),
                        c_act("spt-2-project", "Project", ["project"], 1),
                    ),
                    c_att(
                        "spt-2-independent",
                        "manager",
                        "Resolves complex payer issues independently",
                    ),
                ),
            ),
            level(
                "spt-3",
                "Specialty Pharmacy Technician III",
                ["Specialty Lead Technician"],
                "Leads specialty operations",
            ),
        ],
        [
            {
                "id": "spt-to-billing",
                "from": "spt-2",
                "to": {"ladder": "pharmacy-billing", "level": "bill-2"},
                "description": "Specialty technicians with payer experience may move to billing.",
                "requirements": c_cred(
                    "spt-to-bill-cpb",
                    "Certified Professional Biller",
                    "certified-professional-biller",
                ),
            },
        ],
    )

    bill = ladder(
        "pharmacy-billing",
        "Pharmacy Revenue Cycle Ladder",
        "technical",
        [
            level(
                "bill-1",
                "Billing Analyst I",
                ["Pharmacy Billing Analyst"],
                "Claims and charge capture",
                advancement=c_all(
                    "bill-1-adv",
                    "Everything below is needed to become Analyst II",
                    c_exp("bill-1-exp", 1),
                    c_assess("bill-1-partb", "part-b-billing-competency", valid=12),
                    c_rating("bill-1-rating", "meets", 1),
                ),
            ),
            level(
                "bill-2",
                "Billing Analyst II",
                ["Senior Billing Analyst"],
                "Denials and audits",
                advancement=c_all(
                    "bill-2-adv",
                    "Everything below is needed to become Analyst III",
                    c_exp("bill-2-exp", 3, typical=4),
                    c_cred(
                        "bill-2-cpb",
                        "Certified Professional Biller",
                        "certified-professional-biller",
                    ),
                    c_att("bill-2-audit", "manager", "Leads payer audits independently"),
                ),
            ),
            level(
                "bill-3",
                "Billing Analyst Med B III",
                ["Lead Billing Analyst"],
                "Part B revenue integrity",
            ),
        ],
        [],
    )
    return [tech, rph, lead, spt, bill]


LADDER_INFO: dict[str, dict[str, Any]] = {}


def index_ladders(all_ladders: list[dict[str, Any]]) -> None:
    """Per ladder: level ids, attestation criterion ids and all criterion ids per level."""

    def walk(node: dict[str, Any], found: list[dict[str, Any]]) -> None:
        found.append(node)
        for child in node.get("criteria", []):
            walk(child, found)

    for lad in all_ladders:
        per_level: list[list[dict[str, Any]]] = []
        for lv in lad["levels"]:
            found: list[dict[str, Any]] = []
            if "advancement" in lv:
                walk(lv["advancement"]["criteria"], found)
            per_level.append(found)
        LADDER_INFO[lad["id"]] = {
            "levels": [lv["id"] for lv in lad["levels"]],
            "titles": [lv["title"] for lv in lad["levels"]],
            "roles": [lv.get("roles", []) for lv in lad["levels"]],
            "criteria": per_level,
            "attest": [
                [c["id"] for c in found if c["type"] == "attestation"] for found in per_level
            ],
        }


LADDER_CREDS = {
    "pharmacy-technician": (
        ["state-tech-registration", "cpht"],
        ["cspt", "hazardous-drug-handling", "bls", "specialty-tech-certificate"],
    ),
    "pharmacist-clinical": (
        ["pharmacist-license", "bls"],
        ["bcps", "bcop", "bccp", "bcidp", "immunization-certificate"],
    ),
    "pharmacy-leadership": (
        ["pharmacist-license", "bls"],
        ["bcps", "lean-six-sigma-green-belt", "immunization-certificate"],
    ),
    "specialty-pharmacy": (
        ["state-tech-registration", "cpht"],
        ["specialty-tech-certificate", "bls", "certified-professional-biller"],
    ),
    "pharmacy-billing": (
        ["certified-professional-biller", "state-tech-registration"],
        ["cpht", "lean-six-sigma-green-belt"],
    ),
}
LADDER_ASSESS = {
    "pharmacy-technician": [
        "tech-1-competency",
        "sterile-compounding-competency",
        "hazardous-drug-competency",
    ],
    "pharmacist-clinical": [
        "clinical-verification-competency",
        "anticoagulation-competency",
        "sterile-compounding-competency",
    ],
    "pharmacy-leadership": ["leadership-360", "clinical-verification-competency"],
    "specialty-pharmacy": ["spt-core-competency", "benefits-investigation-competency"],
    "pharmacy-billing": ["part-b-billing-competency", "benefits-investigation-competency"],
}
LADDER_POSITION = {
    "pharmacy-technician": "Pharmacy Technician",
    "pharmacist-clinical": "Pharmacist",
    "pharmacy-leadership": "Pharmacy Leader",
    "specialty-pharmacy": "Specialty Pharmacy Technician",
    "pharmacy-billing": "Pharmacy Billing Analyst",
}


# --------------------------------------------------------------------------------------------
# Staff.
# --------------------------------------------------------------------------------------------


class Gen:
    def __init__(self, n: int, seed: int, as_of: date) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.today = as_of.toordinal()

    def d(self, ordinal: int) -> str:
        return date.fromordinal(min(ordinal, self.today + 3650)).isoformat()

    # -- organisation ------------------------------------------------------------------------
    def organisation(self) -> list[dict[str, Any]]:
        rng, n = self.rng, self.n
        people: list[dict[str, Any]] = []
        managers_n = min(max(1, n // 1000), max(n - 1, 0))
        supervisors_n = min(max(2, n // 40), max(n - 1 - managers_n, 0))
        used: set[str] = set()
        for i in range(n):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            pid = f"{slug(first)[0]}{slug(last)}-{i + 1:05d}"
            used.add(pid)
            if i == 0:
                role, ladder, lvl, mgr = "director", "pharmacy-leadership", 2, None
            elif i <= managers_n:
                role, ladder, lvl, mgr = "manager", "pharmacy-leadership", 1, 0
            elif i <= managers_n + supervisors_n:
                role, ladder, lvl = "supervisor", "pharmacy-leadership", 0
                mgr = rng.randint(1, managers_n) if managers_n else 0
                if rng.random() < 0.25:  # technician supervisors stay on the technician ladder
                    ladder, lvl = "pharmacy-technician", 3
            else:
                role = "staff"
                ladder = rng.choices(
                    [
                        "pharmacy-technician",
                        "pharmacist-clinical",
                        "specialty-pharmacy",
                        "pharmacy-billing",
                    ],
                    weights=[48, 32, 12, 8],
                )[0]
                count = len(LADDER_INFO[ladder]["levels"])
                weights = (
                    [50, 30, 14, 6][:count] if ladder != "pharmacy-technician" else [45, 35, 17, 3]
                )
                lvl = rng.choices(range(count), weights=weights[:count])[0]
                first_sup = managers_n + 1
                last_sup = managers_n + supervisors_n
                mgr = rng.randint(first_sup, last_sup) if last_sup >= first_sup else 0
            people.append(
                {
                    "i": i,
                    "id": pid,
                    "first": first,
                    "last": last,
                    "role": role,
                    "ladder": ladder,
                    "lvl": lvl,
                    "mgr": mgr,
                }
            )
        for p in people:
            p["manager_id"] = people[p["mgr"]]["id"] if p["mgr"] is not None else None
        return people

    # -- one staff record ----------------------------------------------------------------------
    def staff(self, p: dict[str, Any], people: list[dict[str, Any]]) -> dict[str, Any]:
        rng, today = self.rng, self.today
        ladder, lvl = p["ladder"], p["lvl"]
        info = LADDER_INFO[ladder]
        seniority = {"director": 20, "manager": 14, "supervisor": 9}.get(p["role"], 2 + lvl * 3)
        years = max(0.6, rng.gauss(seniority, 3))
        hired = today - int(years * 365.25)
        status = rng.choices(["active", "leave", "terminated", "retired"], weights=[90, 4, 5, 1])[0]
        if p["role"] != "staff":
            status = "active"
        rec: dict[str, Any] = {
            "apiVersion": "ladderctl/v1",
            "kind": "StaffRecord",
            "id": p["id"],
            "name": f"{p['first']} {p['last']}",
            "email": f"{slug(p['first'])}.{slug(p['last'])}{p['i'] + 1}@riverside-health.example",
            "ladder": ladder,
            "level": info["levels"][lvl],
            "position": self.position(p),
            "hireDate": self.d(hired),
            "status": status,
        }
        if status in ("terminated", "retired"):
            rec["endDate"] = self.d(rng.randint(hired + 30, today - 1))
            rec["endReason"] = (
                rng.choice(
                    [
                        "Relocated",
                        "Accepted a position elsewhere",
                        "Retired after long service",
                        "Returned to school",
                    ]
                )
                if status == "terminated"
                else "Retired"
            )
        if p["manager_id"]:
            rec["manager"] = p["manager_id"]
        rec["site"] = rng.choice(SITES)
        rec["shift"] = rng.choice(SHIFTS)
        if rng.random() < 0.4:
            prior = []
            end = hired - rng.randint(10, 200)
            for _ in range(rng.randint(1, 2)):
                start = end - rng.randint(300, 2000)
                prior.append(
                    {
                        "employer": rng.choice(EMPLOYERS),
                        "role": rng.choice(
                            [
                                "Pharmacy Technician",
                                "Pharmacist",
                                "Pharmacy Clerk",
                                "Billing Specialist",
                            ]
                        ),
                        "from": self.d(start),
                        "to": self.d(end),
                    }
                )
                end = start - rng.randint(10, 400)
            rec["priorExperience"] = prior[::-1]
        rec["levelHistory"] = self.history(p, hired)
        rec["certifications"] = self.certifications(ladder, hired)
        rec["reviews"] = self.reviews(p, hired, people)
        rec["assessments"] = self.assessments(p, ladder, hired, people)
        rec["accomplishments"] = self.accomplishments(hired)
        attest = self.attestations(p, hired)
        if attest:
            rec["attestations"] = attest
        if rng.random() < 0.02 and info["criteria"][lvl] and p["manager_id"]:
            crit = rng.choice(info["criteria"][lvl])
            rec["waivers"] = [
                {
                    "criterion": crit["id"],
                    "approver": p["manager_id"],
                    "reason": "Equivalent experience at a previous employer",
                    "date": self.d(today - rng.randint(30, 400)),
                    "expires": self.d(today + rng.randint(100, 700)),
                }
            ]
        if rng.random() < 0.6:
            year = self.as_of.year
            rec["engagement"] = [
                {"year": year - k, "score": round(rng.uniform(55, 98), 1)}
                for k in range(rng.randint(1, 3))
            ][::-1]
        return rec

    def position(self, p: dict[str, Any]) -> str:
        info = LADDER_INFO[p["ladder"]]
        roles = info["roles"][p["lvl"]]
        if roles and self.rng.random() < 0.5:
            return self.rng.choice(roles)
        return info["titles"][p["lvl"]]

    def history(self, p: dict[str, Any], hired: int) -> list[dict[str, Any]]:
        rng, today = self.rng, self.today
        ladder, lvl = p["ladder"], p["lvl"]
        levels = LADDER_INFO[ladder]["levels"]
        steps: list[tuple[str | None, str, str]] = []
        if ladder == "pharmacy-leadership":
            # Leaders came up through the pharmacist ladder.
            steps.append(("pharmacist-clinical", "ph-1", "Hired"))
            if rng.random() < 0.6:
                steps.append(("pharmacist-clinical", "ph-2", "Promotion"))
            steps.extend(
                (ladder, levels[k], "Promotion to leadership" if k == 0 else "Promotion")
                for k in range(lvl + 1)
            )
        else:
            start = max(0, lvl - rng.randint(1, 3))
            steps.extend(
                (None, levels[k], "Hired" if k == start else "Promotion")
                for k in range(start, lvl + 1)
            )
            if len(steps) < 2:
                steps.append(
                    (
                        None,
                        levels[lvl],
                        rng.choice(
                            ["Transfer to another site", "Return from leave", "Reclassification"]
                        ),
                    )
                )
        steps = steps[-4:]
        span = max(len(steps), today - 60 - hired)
        cuts = sorted(rng.sample(range(1, span), min(len(steps) - 1, span - 1)))
        dates = [hired] + [hired + c for c in cuts]
        while len(dates) < len(steps):
            dates.append(dates[-1])
        out = []
        for (lad, lv, reason), when in zip(steps, dates):
            entry: dict[str, Any] = {}
            if lad is not None and (lad != ladder or rng.random() < 0.5):
                entry["ladder"] = lad
            entry["level"] = lv
            entry["effective"] = self.d(when)
            entry["reason"] = reason
            out.append(entry)
        return out

    def certifications(self, ladder: str, hired: int) -> list[dict[str, Any]]:
        rng, today = self.rng, self.today
        required, optional = LADDER_CREDS[ladder]
        chosen = list(required) + rng.sample(optional, rng.randint(0, min(2, len(optional))))
        out = []
        for cid in chosen[: rng.randint(2, 4)]:
            spec = CRED[cid]
            renewal = spec[5]
            if spec[4]:  # expires
                days = int(renewal * 30.44)
                if rng.random() < 0.008:  # a few are due soon: a realistic warning
                    expires = today + rng.randint(5, 85)
                else:
                    expires = today + rng.randint(95, max(96, days))
                earned = expires - days
                if rng.random() < 0.3 and earned - days > hired - 2000:
                    # The previous, renewed certificate is still on file.
                    out.append(
                        {
                            "id": cid,
                            "earned": self.d(earned - days),
                            "expires": self.d(earned),
                            "number": f"{cid[:4].upper()}-{rng.randint(100000, 999999)}",
                        }
                    )
                out.append(
                    {
                        "id": cid,
                        "earned": self.d(earned),
                        "expires": self.d(expires),
                        "number": f"{cid[:4].upper()}-{rng.randint(100000, 999999)}",
                    }
                )
            else:
                out.append({"id": cid, "earned": self.d(rng.randint(hired - 400, today - 30))})
        return out

    def reviews(
        self, p: dict[str, Any], hired: int, people: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        rng, today = self.rng, self.today
        count = rng.randint(3, 6)
        last = today - rng.randint(10, 200)
        step = max(30, min(365, (last - hired - 90) // count))
        out = []
        for k in range(count):
            when = last - (count - 1 - k) * step
            entry: dict[str, Any] = {
                "date": self.d(when),
                "period": f"FY{date.fromordinal(when).year}",
                "rating": rng.choices(RATINGS, weights=RATING_WEIGHTS)[0],
            }
            if p["manager_id"]:
                entry["reviewer"] = p["manager_id"]
            out.append(entry)
        return out

    def assessments(
        self, p: dict[str, Any], ladder: str, hired: int, people: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        rng, today = self.rng, self.today
        out = []
        when = hired + rng.randint(20, 120)
        for _ in range(rng.randint(1, 4)):
            when = min(today - 1, when + rng.randint(60, 400))
            entry: dict[str, Any] = {
                "id": rng.choice(LADDER_ASSESS[ladder]),
                "date": self.d(when),
                "result": "pass" if rng.random() < 0.9 else "fail",
            }
            if p["manager_id"]:
                entry["assessor"] = (
                    p["manager_id"]
                    if rng.random() < 0.5
                    else people[rng.randint(0, len(people) - 1)]["id"]
                )
            out.append(entry)
        return out

    def accomplishments(self, hired: int) -> list[dict[str, Any]]:
        rng, today = self.rng, self.today
        out = []
        for _ in range(rng.randint(2, 8)):
            tags = rng.sample(TAG_IDS[:13], 1) if rng.random() < 0.7 else rng.sample(TAG_IDS, 2)
            main = tags[0]
            title = rng.choice(ACCOMPLISHMENT_TITLES.get(main, [f"Completed {main.upper()}"]))
            if main.startswith("cpom"):
                title = f"Completed CPOM module {int(main[-2:])}"
            entry: dict[str, Any] = {
                "title": title,
                "date": self.d(rng.randint(hired, today - 1)),
                "tags": tags,
            }
            if rng.random() < 0.3:
                entry["description"] = rng.choice(
                    [
                        "Reviewed with the manager at the quarterly check-in.",
                        "Results shared at the department meeting: fewer errors and faster turnaround.",
                        "Documented in the learning management system.",
                    ]
                )
            out.append(entry)
        out.sort(key=lambda e: e["date"])
        return out

    def attestations(self, p: dict[str, Any], hired: int) -> list[dict[str, Any]]:
        rng, today = self.rng, self.today
        info = LADDER_INFO[p["ladder"]]
        candidates = [cid for lvl in info["attest"][: p["lvl"] + 1] for cid in lvl]
        if not candidates or rng.random() < 0.35:
            return []
        out = []
        for cid in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
            by = "committee" if "committee" in cid or not p["manager_id"] else p["manager_id"]
            out.append(
                {
                    "criterion": cid,
                    "by": by,
                    "date": self.d(rng.randint(max(hired, today - 700), today - 1)),
                    "note": "Observed during the quarterly check-in.",
                }
            )
        return out


# --------------------------------------------------------------------------------------------
# Mentorship, plans and agreements.
# --------------------------------------------------------------------------------------------


def program(g: Gen, people: list[dict[str, Any]]) -> dict[str, Any]:
    rng, today = g.rng, g.today
    leaders = [p["id"] for p in people if p["role"] in ("director", "manager", "supervisor")]
    committee = leaders[: min(5, len(leaders))] or [people[0]["id"]]
    staff_ids = [p["id"] for p in people]

    def pair() -> tuple[str, str]:
        a, b = rng.sample(staff_ids, 2) if len(staff_ids) > 1 else (staff_ids[0], staff_ids[0])
        return a, b

    rules: dict[str, Any] = {
        "excludeManager": True,
        "excludeManagementChain": False,
        "requireSeniority": True,
        "newPairsOnly": True,
        "minimumScore": 0.35,
    }
    if len(staff_ids) > 1:
        rules["locks"] = [dict(zip(("mentor", "mentee"), pair())) for _ in range(3)]
        rules["blocks"] = [
            {**dict(zip(("mentor", "mentee"), pair())), "reason": "Same reporting line"}
            for _ in range(3)
        ]
        rules["pastPairs"] = [
            {**dict(zip(("mentor", "mentee"), pair())), "cycle": "mentorship-2025"}
            for _ in range(20)
        ]
    return {
        "apiVersion": "ladderctl/v1",
        "kind": "MentorshipProgram",
        "id": PROGRAM_ID,
        "title": "Riverside Pharmacy Mentorship Program 2026",
        "description": "Pairs new and developing staff with experienced colleagues for a year.",
        "cycle": {"start": g.d(today - 180), "end": g.d(today + 185)},
        "goals": [
            {
                "id": "retain-new-hires",
                "description": "Keep more new hires past their first year",
                "metric": "new-hire-retention-1y",
                "population": "pharmacy-technician",
                "baseline": 72,
                "target": 85,
                "unit": "percent",
                "deadline": g.d(today + 185),
            },
            {
                "id": "promotions",
                "description": "More technicians promoted to Technician III",
                "metric": "promotions",
                "population": "pharmacy-technician",
                "baseline": 12,
                "target": 20,
                "unit": "count",
            },
            {
                "id": "engagement",
                "description": "Raise the engagement survey score",
                "metric": "engagement",
                "baseline": 71.5,
                "target": 78,
                "unit": "score",
            },
        ],
        "meetings": {"frequency": "monthly", "minutes": 60, "checkInMonths": 3},
        "committee": committee,
        "matching": {
            "weights": {
                "goalAlignment": 3,
                "developmentAreas": 2,
                "communication": 1,
                "availability": 1,
                "site": 0.5,
                "shift": 0.5,
                "experienceGap": 1,
            },
            "rules": rules,
        },
    }


def profile(g: Gen, p: dict[str, Any], role: str, people: list[dict[str, Any]]) -> dict[str, Any]:
    rng = g.rng
    rec: dict[str, Any] = {
        "apiVersion": "ladderctl/v1",
        "kind": "MentorshipProfile",
        "person": p["id"],
        "program": PROGRAM_ID,
        "role": role,
        "optedIn": rng.random() < 0.95,
    }
    info = LADDER_INFO[p["ladder"]]
    if role in ("mentee", "both"):
        goals = []
        if p["lvl"] + 1 < len(info["levels"]):
            goals.append(
                {
                    "ladder": p["ladder"],
                    "level": info["levels"][p["lvl"] + 1],
                    "description": "Ready for promotion within two years",
                }
            )
        if rng.random() < 0.5:
            goals.append(
                {
                    "role": rng.choice(
                        [
                            "Inventory/Procurement Specialist",
                            "Sterile Compounding Lead",
                            "Prior Authorization Specialist",
                            "Pharmacy Supervisor",
                        ]
                    ),
                    "description": "Explore a specialised role",
                }
            )
        if goals:
            rec["goals"] = goals
        rec["developmentAreas"] = rng.sample(EXPERTISE, rng.randint(1, 3))
    if role in ("mentor", "both"):
        rec["expertise"] = rng.sample(EXPERTISE, rng.randint(2, 4))
        rec["strengths"] = rng.sample(
            [
                "coaching",
                "listening",
                "organisation",
                "clinical-knowledge",
                "problem-solving",
                "teaching",
            ],
            2,
        )
        rec["capacity"] = rng.randint(1, 3)
    rec["communication"] = {
        "modes": rng.sample(["in-person", "video", "phone", "chat"], rng.randint(1, 3)),
        "frequency": rng.choice(["weekly", "biweekly", "monthly"]),
    }
    rec["availability"] = {
        "sites": rng.sample(SITES, rng.randint(1, 2)),
        "shifts": rng.sample(["day", "evening", "night", "rotating", "weekend"], rng.randint(1, 2)),
    }
    if rng.random() < 0.1 and len(people) > 1:
        other = people[rng.randint(0, len(people) - 1)]["id"]
        if other != p["id"]:
            rec["exclusions"] = [other]
    return rec


def plan(g: Gen, p: dict[str, Any], people: list[dict[str, Any]]) -> dict[str, Any]:
    rng, today = g.rng, g.today
    info = LADDER_INFO[p["ladder"]]
    start, end = today - rng.randint(60, 300), today + rng.randint(60, 300)
    manager = p["manager_id"] or (people[1]["id"] if len(people) > 1 else p["id"])
    criteria = info["criteria"][p["lvl"]]
    objectives = []
    picks = rng.sample(
        [
            "Earn the advanced certification",
            "Complete a department project",
            "Precept two new technicians",
            "Present an in-service",
            "Lead the monthly inventory review",
            "Complete two CPOM modules",
        ],
        rng.randint(2, 4),
    )
    for k, description in enumerate(picks):
        obj: dict[str, Any] = {
            "id": f"obj-{k + 1}",
            "description": description,
            "measure": "Evidence recorded in the staff record",
            "due": g.d(end - rng.randint(0, 60)),
            "status": rng.choice(["not-started", "in-progress", "in-progress", "done"]),
        }
        if criteria and rng.random() < 0.7:
            obj["criterion"] = rng.choice(criteria)["id"]
        objectives.append(obj)
    rec: dict[str, Any] = {
        "apiVersion": "ladderctl/v1",
        "kind": "DevelopmentPlan",
        "id": f"idp-{p['id']}-{g.as_of.year}",
        "person": p["id"],
        "manager": manager,
        "period": {"start": g.d(start), "end": g.d(end)},
    }
    if p["lvl"] + 1 < len(info["levels"]):
        rec["target"] = {"ladder": p["ladder"], "level": info["levels"][p["lvl"] + 1]}
    rec.update(
        {
            "aspirations": [
                "Advance to the next level of my ladder",
                "Take on more responsibility for training others",
            ],
            "strengths": ["Accurate and reliable", "Calm under pressure"],
            "developmentAreas": ["Public speaking", "Project management"],
            "objectives": objectives,
            "actions": {
                "employee": [
                    {
                        "step": "Register for the certification exam",
                        "due": g.d(start + 60),
                        "done": True,
                    },
                    {"step": "Draft the in-service slides", "due": g.d(start + 150), "done": False},
                ],
                "manager": [
                    {
                        "commitment": "Protect four hours a month for study",
                        "due": g.d(start + 30),
                        "done": True,
                    }
                ],
            },
        }
    )
    overdue = rng.random() < 0.05
    reviews = []
    when = start + 80
    last = today - (rng.randint(95, 200) if overdue else rng.randint(5, 80))
    while when < last:
        reviews.append(
            {
                "date": g.d(when),
                "by": manager,
                "progress": "On track",
                "notes": "Discussed progress on the objectives.",
            }
        )
        when += 90
    if not overdue and last >= start:
        reviews.append({"date": g.d(last), "by": manager, "progress": "On track"})
    if reviews:
        rec["reviews"] = reviews
    rec["signatures"] = [
        {"role": "employee", "person": p["id"], "date": g.d(start)},
        {"role": "manager", "person": manager, "date": g.d(start + 2)},
    ]
    return rec


def agreement(
    g: Gen, k: int, mentor: str, mentee: str, plan_rec: dict[str, Any] | None, committee: list[str]
) -> dict[str, Any]:
    rng, today = g.rng, g.today
    start = today - rng.randint(30, 170)
    goals: list[dict[str, Any]] = []
    if plan_rec is not None:
        for obj in plan_rec["objectives"][: rng.randint(1, 2)]:
            goals.append(
                {"description": obj["description"], "idpObjective": f"{plan_rec['id']}#{obj['id']}"}
            )
    goals.append({"description": "Build confidence in leading huddles"})
    rec: dict[str, Any] = {
        "apiVersion": "ladderctl/v1",
        "kind": "MentorshipAgreement",
        "id": f"agreement-{g.as_of.year}-{k:04d}",
        "program": PROGRAM_ID,
        "mentor": mentor,
        "mentee": mentee,
        "start": g.d(start),
        "end": g.d(start + 365),
        "confidentiality": {"agreed": True, "exceptions": ["patient-safety", "legal", "harm"]},
        "meetings": {
            "frequency": rng.choice(["biweekly", "monthly"]),
            "minutes": 45,
            "mode": rng.choice(["in-person", "video", "mixed"]),
        },
        "goals": goals,
        "terminationNoticeDays": 14,
        "checkIns": [
            {
                "date": g.d(start + 90 * (i + 1)),
                "by": committee[0],
                "notes": "Meeting monthly; goals on track.",
                "status": "on-track",
            }
            for i in range((today - start) // 90)
        ],
        "signatures": [
            {"role": "mentor", "person": mentor, "date": g.d(start)},
            {"role": "mentee", "person": mentee, "date": g.d(start)},
            {"role": "coordinator", "person": committee[0], "date": g.d(start + 1)},
        ],
    }
    if not rec["checkIns"]:
        del rec["checkIns"]
    return rec


# --------------------------------------------------------------------------------------------


def generate(n: int, out: Path, seed: int, as_of: date) -> dict[str, Any]:
    g = Gen(n, seed, as_of)
    all_ladders = ladders()
    index_ladders(all_ladders)
    for sub in ("ladders", "staff", "mentorship/profiles", "plans", "agreements"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    def write(rel: str, text: str) -> None:
        (out / rel).write_text(text, encoding="utf-8")
        kind = rel.split("/")[0]
        counts[kind] = counts.get(kind, 0) + 1

    write(
        "catalog.yaml",
        to_yaml(
            catalog(),
            "catalog.schema.json",
            0,
            "Synthetic benchmark data (benchmarks/generate.py).",
        ),
    )
    for lad in all_ladders:
        write(f"ladders/{lad['id']}.yaml", to_yaml(lad, "ladder.schema.json", 1))

    people = g.organisation()
    for p in people:
        write(f"staff/{p['id']}.yaml", to_yaml(g.staff(p, people), "staff-record.schema.json", 1))

    prog = program(g, people)
    write(
        f"mentorship/program-{PROGRAM_ID}.yaml", to_yaml(prog, "mentorship-program.schema.json", 1)
    )

    # ~20% of staff have a profile; agreements (~3%) pair a mentor with a mentee who has an IDP.
    rng = g.rng
    roles: dict[str, str] = {}
    for p in people:
        if rng.random() < 0.2:
            roles[p["id"]] = rng.choices(["mentor", "mentee", "both"], weights=[40, 45, 15])[0]
    by_id = {p["id"]: p for p in people}
    for pid, role in roles.items():
        write(
            f"mentorship/profiles/{pid}.yaml",
            to_yaml(profile(g, by_id[pid], role, people), "mentorship-profile.schema.json", 2),
        )

    mentors = [pid for pid, r in roles.items() if r in ("mentor", "both")]
    mentees = [pid for pid, r in roles.items() if r in ("mentee", "both")]
    n_agreements = min(round(n * 0.03), len(mentees)) if mentors else 0
    paired = rng.sample(mentees, n_agreements)
    plan_people = set(paired)
    others = [p["id"] for p in people if p["id"] not in plan_people]
    plan_people.update(
        rng.sample(others, max(0, min(len(others), round(n * 0.10) - len(plan_people))))
    )
    plans: dict[str, dict[str, Any]] = {}
    for p in people:
        if p["id"] in plan_people:
            rec = plan(g, p, people)
            plans[p["id"]] = rec
            write(f"plans/{rec['id']}.yaml", to_yaml(rec, "development-plan.schema.json", 1))
    for k, mentee in enumerate(paired, start=1):
        choices = [m for m in mentors if m != mentee]
        if not choices:
            continue
        rec = agreement(g, k, rng.choice(choices), mentee, plans.get(mentee), prog["committee"])
        write(f"agreements/{rec['id']}.yaml", to_yaml(rec, "mentorship-agreement.schema.json", 1))

    meta = {
        "asOf": as_of.isoformat(),
        "seed": seed,
        "staff": n,
        "files": counts,
        "totalFiles": sum(counts.values()),
    }
    (out / "bench-meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--staff", type=int, default=10_000, help="number of staff records")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("benchmarks/out/dept"),
        help="output folder (emptied first if it holds a generated department)",
    )
    parser.add_argument("--seed", type=int, default=20260701)
    parser.add_argument(
        "--as-of",
        default=DEFAULT_AS_OF,
        help="reference date all dates are computed from (YYYY-MM-DD)",
    )
    args = parser.parse_args(argv)
    if args.staff < 1:
        parser.error("--staff must be at least 1")
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not (out / "bench-meta.json").exists():
            parser.error(
                f"{out} is not empty and was not made by this generator; refusing to overwrite it"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    meta = generate(args.staff, out, args.seed, date.fromisoformat(args.as_of))
    took = time.perf_counter() - started
    print(
        f"wrote {meta['totalFiles']} files to {out} in {took:.1f} s "
        f"({', '.join(f'{k}: {v}' for k, v in meta['files'].items())}); as-of {meta['asOf']}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
