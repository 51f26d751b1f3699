"""Build one resource through its fhir.resources R4B model and our code tables, or refuse it."""

from __future__ import annotations

from typing import Any, TypeVar

from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from reminder.fhir import codes
from reminder.fhir.errors import ExportError

R = TypeVar("R", bound=Resource)


def make(model: type[R], **fields: Any) -> R:
    """``model(**fields)``, validated by the model and then by codes.check; an ExportError names
    the resource and the first field at fault."""
    try:
        resource = model(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(resource)"
        raise ExportError(f"{model.__name__}.{field}: {first['msg']}") from None
    codes.check(json_of(resource))
    return resource


def json_of(resource: Resource) -> dict[str, Any]:
    """The resource as FHIR JSON (a dict), without the fields left empty."""
    return resource.model_dump(mode="json", exclude_none=True)
