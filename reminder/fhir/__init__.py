"""The FHIR R4 export: one patient's doses, check-ins and alerts as a Bundle a clinic's systems read.

    from reminder import fhir
    bundle = fhir.export(session, patient, window, settings, now)   # a fhir.resources R4B Bundle
    text = fhir.to_json(bundle)                                       # FHIR JSON (str)

Every resource is built through its fhir.resources R4B model (R4-compatible) and checked against
our own code tables (codes.py); a resource that would not be valid raises ``ExportError`` naming
the field. fullUrls are urn:uuids derived from our row ids under the deployment's identifier
system (ids.py), so exporting twice gives the same Bundle.
"""

from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle

from reminder.fhir.bundle import check_references, export
from reminder.fhir.errors import ExportError
from reminder.fhir.ids import Deployment, deployment

MEDIA_TYPE = "application/fhir+json"

__all__ = [
    "MEDIA_TYPE",
    "Deployment",
    "ExportError",
    "check_references",
    "deployment",
    "export",
    "to_json",
]


def to_json(bundle: Bundle) -> str:
    """The Bundle as FHIR JSON, indented, without empty fields."""
    return bundle.model_dump_json(indent=2, exclude_none=True) + "\n"
