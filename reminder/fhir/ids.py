"""The deployment's URIs ([fhir] in the config) and the stable urn:uuid of every exported resource."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from reminder.config import Settings
from reminder.fhir.errors import ExportError


@dataclass(frozen=True)
class Deployment:
    """Where this deployment's records live: the patient identifier system and the canonical base."""

    identifier_system: str
    canonical_base: str  # no trailing slash

    @property
    def namespace(self) -> uuid.UUID:
        # Per deployment: patient 12 of one deployment and patient 12 of another get other uuids.
        return uuid.uuid5(uuid.NAMESPACE_URL, self.identifier_system)

    def resource_id(self, kind: str, key: object) -> str:
        """The resource's id: a uuid derived from our row's id, so a second export is identical."""
        return str(uuid.uuid5(self.namespace, f"{kind}/{key}"))

    def full_url(self, kind: str, key: object) -> str:
        return f"urn:uuid:{self.resource_id(kind, key)}"

    def reference(self, kind: str, key: object) -> dict[str, str]:
        return {"reference": self.full_url(kind, key)}

    def canonical(self, path: str) -> str:
        return f"{self.canonical_base}/{path}"


def deployment(settings: Settings) -> Deployment:
    """The [fhir] URIs, derived from public_base_url where they are not set."""
    given = settings.file.fhir
    public = settings.file.public_base_url.rstrip("/")
    where = settings.path or "the configuration"
    base = given.canonical_base.rstrip("/") or (f"{public}/fhir" if public else "")
    if not base:
        raise ExportError(
            f"{where}: fhir.canonical_base: not set, and no public_base_url to derive it from"
        )
    system = given.identifier_system or (f"{public}/fhir/sid/patient" if public else "")
    if not system:
        raise ExportError(
            f"{where}: fhir.identifier_system: not set, and no public_base_url to derive it from"
        )
    return Deployment(identifier_system=system, canonical_base=base)
