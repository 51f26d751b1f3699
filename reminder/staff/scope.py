"""Which patients a staff account sees: an admin every one; a nurse those whose escalation chain
holds a contact with her linked contact's phone or email.

A nurse who looks after many patients is a contact of each, with one Contact row per patient; the
rows are matched on address, as an ``OK`` by SMS is (reminder/conversation.py ``_acknowledge``).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reminder.models import Contact, StaffAccount, StaffRole


def her_contacts(session: Session, account: StaffAccount) -> list[Contact]:
    """Every Contact row with the address of the account's linked contact, one per patient."""
    if account.contact_id is None:
        return []
    linked = session.get(Contact, account.contact_id)
    if linked is None:
        return []
    matches = [
        column == value
        for column, value in ((Contact.phone, linked.phone), (Contact.email, linked.email))
        if value
    ]
    if not matches:
        return []
    return list(session.exec(select(Contact).where(sa.or_(*matches)).order_by(col(Contact.id))))


def visible_patients(session: Session, account: StaffAccount) -> set[int] | None:
    """The ids of the patients the account may see; None means every patient."""
    if account.role == StaffRole.ADMIN:
        return None
    return {c.patient_id for c in her_contacts(session, account)}


def may_see(session: Session, account: StaffAccount, patient_id: int) -> bool:
    visible = visible_patients(session, account)
    return visible is None or patient_id in visible


def contact_row_for(session: Session, account: StaffAccount, patient_id: int) -> Contact | None:
    """The account's own Contact row in this patient's chain, if she is in it."""
    return next((c for c in her_contacts(session, account) if c.patient_id == patient_id), None)


def restrict(statement: sa.Select, column: object, visible: set[int] | None) -> sa.Select:  # type: ignore[type-arg]
    """``statement`` limited to rows of visible patients (``column`` is their patient id)."""
    if visible is None:
        return statement
    return statement.where(col(column).in_(visible))  # type: ignore[arg-type]
