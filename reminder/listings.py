"""What the operator looks up: patients, contacts, alerts and messages, filtered, as the rows of views.py."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from reminder import views
from reminder.config import Settings
from reminder.models import Alert, AlertStatus, Contact, Message, MessageStatus, Patient


def patients(session: Session, settings: Settings) -> list[dict[str, Any]]:
    """Every patient with their next dose, by id."""
    found = session.exec(select(Patient).order_by(col(Patient.id)))
    return [views.patient_row(session, patient, settings) for patient in found]


def contacts(session: Session, patient_id: int | None = None) -> list[dict[str, Any]]:
    """Contacts by patient, each patient's in escalation order; only one patient's if given."""
    query = select(Contact).order_by(col(Contact.patient_id), col(Contact.position))
    if patient_id is not None:
        query = query.where(Contact.patient_id == patient_id)
    return [views.contact_row(contact) for contact in session.exec(query)]


def alerts(
    session: Session, *, only_open: bool = False, patient_id: int | None = None
) -> list[dict[str, Any]]:
    """Alerts by id, with who they went to; only open ones, or one patient's, if asked."""
    query = select(Alert).order_by(col(Alert.id))
    if only_open:
        query = query.where(Alert.status == AlertStatus.OPEN)
    if patient_id is not None:
        query = query.where(Alert.patient_id == patient_id)
    return [views.alert_row(session, alert) for alert in session.exec(query)]


def messages(
    session: Session,
    *,
    limit: int,
    patient_id: int | None = None,
    status: MessageStatus | None = None,
) -> list[dict[str, Any]]:
    """The newest `limit` messages, oldest of them first; one patient's or one status's if given."""
    query = select(Message).order_by(col(Message.id).desc()).limit(limit)
    if patient_id is not None:
        query = query.where(Message.patient_id == patient_id)
    if status is not None:
        query = query.where(Message.status == status)
    return [views.message_row(message) for message in reversed(list(session.exec(query)))]


def message(session: Session, message_id: int) -> dict[str, Any] | None:
    """One message as `messages list --json` shows it, or None if there is no such row."""
    found = session.get(Message, message_id)
    return views.message_row(found) if found is not None else None


def contact(session: Session, contact_id: int) -> Contact | None:
    """A contact by id, to change."""
    return session.get(Contact, contact_id)


def alert(session: Session, alert_id: int) -> Alert | None:
    """An alert by id, to acknowledge."""
    return session.get(Alert, alert_id)
