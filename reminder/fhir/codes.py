"""Our own tables of the codes the fhir.resources models do not check: status values, LOINC,
SNOMED CT and UCUM; and the check of a built resource against them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from reminder.fhir.errors import ExportError

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
BCP47 = "urn:ietf:bcp:47"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

# The values of the required code bindings we use (FHIR R4 value sets); the models accept any code.
FIELD_CODES: Mapping[tuple[str, str], frozenset[str]] = {
    ("Bundle", "type"): frozenset({"collection"}),
    ("MedicationAdministration", "status"): frozenset(
        {
            "in-progress",
            "not-done",
            "on-hold",
            "completed",
            "entered-in-error",
            "stopped",
            "unknown",
        }
    ),
    ("MedicationStatement", "status"): frozenset(
        {"active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown"}
        | {"not-taken"}
    ),
    ("Questionnaire", "status"): frozenset({"draft", "active", "retired", "unknown"}),
    ("QuestionnaireResponse", "status"): frozenset(
        {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
    ),
    ("Observation", "status"): frozenset(
        {"registered", "preliminary", "final", "amended", "corrected", "cancelled"}
        | {"entered-in-error", "unknown"}
    ),
    ("Flag", "status"): frozenset({"active", "inactive", "entered-in-error"}),
    ("Communication", "status"): frozenset(
        {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed"}
        | {"entered-in-error", "unknown"}
    ),
}

# The LOINC codes the export uses, with their display names as LOINC gives them.
LOINC_DISPLAYS: Mapping[str, str] = {
    "8310-5": "Body temperature",
    # The PHQ-2: its panel, its two items, its total score, and the answers of both items.
    "55757-9": "Patient Health Questionnaire 2 item (PHQ-2) [Reported]",
    "44250-9": "Little interest or pleasure in doing things in last 2 weeks",
    "44255-8": "Feeling down, depressed, or hopeless in last 2 weeks",
    "55758-7": "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]",
    "LA6568-5": "Not at all",
    "LA6569-3": "Several days",
    "LA6570-1": "More than half the days",
    "LA6571-9": "Nearly every day",
}

# The answer list of 44250-9 and 44255-8 (LOINC LL358-3), in the order of their scores 0 to 3.
PHQ_FREQUENCIES = ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9")

# The SNOMED CT concepts the export uses.
SNOMED_DISPLAYS: Mapping[str, str] = {
    "34206005": "Subcutaneous route",
}

# The UCUM units the export uses: code -> the human-readable unit written beside it.
UCUM_UNITS: Mapping[str, str] = {
    "Cel": "°C",
    "[degF]": "°F",
    "ug": "µg",
    "mL": "mL",
    "{score}": "score",
}

OBSERVATION_CATEGORIES: Mapping[str, str] = {"survey": "Survey"}

_DISPLAYS: Mapping[str, tuple[str, Mapping[str, str]]] = {
    LOINC: ("LOINC code", LOINC_DISPLAYS),
    SNOMED: ("SNOMED CT concept", SNOMED_DISPLAYS),
    OBSERVATION_CATEGORY: ("observation category", OBSERVATION_CATEGORIES),
}


def coding(system: str, code: str) -> dict[str, str]:
    """A Coding of one of our tables' systems, with the table's display."""
    _, table = _DISPLAYS[system]
    return {"system": system, "code": code, "display": table[code]}


def quantity(value: float, unit_code: str) -> dict[str, Any]:
    """A UCUM Quantity."""
    return {"value": value, "unit": UCUM_UNITS[unit_code], "system": UCUM, "code": unit_code}


def check(resource: Mapping[str, Any]) -> None:
    """Refuse a resource (its JSON form) whose status, LOINC, SNOMED or UCUM code is not ours."""
    kind = str(resource.get("resourceType"))
    for (owner, field), allowed in FIELD_CODES.items():
        if owner == kind and field in resource and resource[field] not in allowed:
            raise ExportError(
                f"{kind}.{field}: {resource[field]!r} is not one of {', '.join(sorted(allowed))}"
            )
    for path, node in _walk(resource, kind):
        system = node.get("system")
        if system == UCUM and "code" in node:
            if node["code"] not in UCUM_UNITS:
                raise ExportError(f"{path}.code: {node['code']!r} is not a UCUM unit of ours")
            if "unit" in node and node["unit"] != UCUM_UNITS[node["code"]]:
                raise ExportError(f"{path}.unit: {node['unit']!r} is not how {node['code']} reads")
        elif system in _DISPLAYS and "code" in node:
            name, table = _DISPLAYS[system]
            if node["code"] not in table:
                raise ExportError(f"{path}.code: {node['code']!r} is not a {name} of ours")
            if "display" in node and node["display"] != table[node["code"]]:
                raise ExportError(
                    f"{path}.display: {node['display']!r} is not the display of "
                    f"{node['code']}: {table[node['code']]!r}"
                )


def _walk(node: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(node, Mapping):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")
