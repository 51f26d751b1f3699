"""The one error of the FHIR export: a resource that would not be valid, naming its field."""

from __future__ import annotations


class ExportError(ValueError):
    """A resource refused on the way out; the message starts with the resource and field, e.g.
    ``Observation.valueQuantity.code: 'degC' is not a UCUM unit of ours``."""
