"""Stable CASE identifiers: the same framework, cluster, item or link always gets the same UUID, so
two exports are byte-identical and an import can recognise the nodes jdgen wrote."""

from __future__ import annotations

import uuid

#: uuid5(NAMESPACE_URL, "https://jdgen.example/case"); never change it, or every identifier changes.
NAMESPACE = uuid.UUID("d889808d-8ec6-5f18-b85d-68f568e6cd39")

#: The lastChangeDateTime of every record jdgen writes: fixed, so exports do not depend on the clock.
CHANGED = "2026-01-01T00:00:00+00:00"

#: The key under which jdgen keeps what CASE has no field for, in each record's `extensions`.
EXTENSION = "jdgen"


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def document_id(framework: str) -> str:
    return _uuid("document", framework)


def node_id(framework: str, code: str) -> str:
    """A cluster (by its code), an item or sub-item, or a reference entry (by its id)."""
    return _uuid("node", framework, code)


def association_id(kind: str, origin: str, destination: str) -> str:
    return _uuid("association", kind, origin, destination)


def item_type_id(title: str) -> str:
    return _uuid("item-type", title)


def uri(identifier: str) -> str:
    """A URI for a record: jdgen serves no CASE API, so a URN that names the UUID and nothing else."""
    return f"urn:uuid:{identifier}"
