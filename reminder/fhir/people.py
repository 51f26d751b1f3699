"""The patient and the contacts alerts go to: Patient, and RelatedPerson (caregiver) or Practitioner
(nurse, doctor)."""

from __future__ import annotations

from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.relatedperson import RelatedPerson
from fhir.resources.R4B.resource import Resource

from reminder import models
from reminder.fhir import codes
from reminder.fhir.ids import Deployment
from reminder.fhir.make import make
from reminder.report.values import Header


def patient(deployment: Deployment, row: models.Patient, header: Header) -> FhirPatient:
    # From the row: the report's header has no phone, email or language.
    return make(
        FhirPatient,
        id=deployment.resource_id("Patient", row.id),
        identifier=[{"use": "usual", "system": deployment.identifier_system, "value": str(row.id)}],
        active=True,
        name=[{"text": header.name}],
        telecom=_telecom(row),
        communication=[
            {
                "language": {"coding": [{"system": codes.BCP47, "code": row.language}]},
                "preferred": True,
            }
        ],
    )


def contact(deployment: Deployment, row: models.Contact) -> Resource:
    """A caregiver is a RelatedPerson of the patient; a nurse or doctor is a Practitioner."""
    common = {"name": [{"text": row.name}], "telecom": _telecom(row)}
    if row.role == models.ContactRole.CAREGIVER:
        return make(
            RelatedPerson,
            id=deployment.resource_id("Contact", row.id),
            patient=deployment.reference("Patient", row.patient_id),
            relationship=[{"text": "caregiver"}],
            **common,
        )
    return make(
        Practitioner,
        id=deployment.resource_id("Contact", row.id),
        qualification=[{"code": {"text": str(row.role)}}],
        **common,
    )


def _telecom(row: models.Reachable) -> list[dict[str, str]]:
    found = []
    if row.phone:
        found.append({"system": "phone", "value": row.phone, "use": "mobile"})
    if row.email:
        found.append({"system": "email", "value": row.email})
    return found
