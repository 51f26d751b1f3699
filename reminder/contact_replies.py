"""Replies from a caregiver or nurse: OK acknowledges an alert, "I can't reach her" passes it on
at once, and carrier words (STOP, START, HELP) are honoured for them as for patients. Anything
else a contact writes is stored; while an alert sent to them is open, it is answered once with how
to acknowledge it ("looks sore to me" acknowledges nothing, and the alert would go on)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from reminder import escalation, lifecycle
from reminder.config import Settings
from reminder.models import Alert, Contact, InboundMessage, Message, MessageKind, Patient
from reminder.replies import Reading


class ContactReply:
    """One contact's reply, applied in the conversation's transaction."""

    def __init__(self, session: Session, settings: Settings, now: datetime) -> None:
        self.session = session
        self.settings = settings
        self.now = now

    def answer(
        self, contact: Contact, reading: Reading, inbound: InboundMessage
    ) -> tuple[str, dict[str, Any], Patient] | None:
        """The answer to a contact's reply (its name, context and the patient it is about), or
        None when the reply is only stored. Carrier words are honoured for them as for patients."""
        patient = self.session.get(Patient, contact.patient_id)
        assert patient is not None
        sender_name = {"sender_name": self.settings.messages.sender_name}
        inbound.parsed_as = reading.compliance or ("ok" if reading.ok else "unknown")
        if reading.compliance == "stop":
            lifecycle.opt_out_contact(self.session, contact, self.now)
            answer, context = "opted_out", sender_name
        elif reading.compliance == "start":
            lifecycle.opt_in_contact(self.session, contact)
            answer, context = "opted_in", sender_name
        elif reading.compliance == "help":
            answer, context = "help", {"question": None}
        elif reading.unreached and not reading.question:
            answer, context, patient = self._pass_on(contact, reading.ref, inbound)
        elif reading.ok and not reading.question:
            answer, context, patient = self._acknowledge(contact, reading.ref, inbound)
        else:
            return self._not_understood(contact, inbound)
        inbound.outcome = inbound.outcome or f"contact {contact.id}: {answer}"
        self.session.add(contact)
        return answer, context, patient

    def _named_alert(
        self, contact: Contact, ref: int | None, inbound: InboundMessage
    ) -> tuple[list[Contact], list[Alert], Alert | None, Patient]:
        """The open alert a contact's reply is about: the one numbered, or the newest sent to
        this person (a nurse may look after several patients); with the sender's contact rows,
        every open alert of theirs, and the alert's patient."""
        rows, open_alerts = self._sender_alerts(inbound)
        if ref is not None:
            alert = next((a for a in open_alerts if a.id == ref), None)
        else:
            alert = (_told(rows, open_alerts) or open_alerts or [None])[0]
        home = self.session.get(Patient, alert.patient_id if alert else contact.patient_id)
        assert home is not None
        return rows, open_alerts, alert, home

    def _sender_alerts(self, inbound: InboundMessage) -> tuple[list[Contact], list[Alert]]:
        """The sender's contact rows (one per patient they look after) and their open alerts."""
        rows = list(
            self.session.exec(
                select(Contact).where(
                    sa.or_(Contact.phone == inbound.sender, Contact.email == inbound.sender)
                )
            )
        )
        return rows, escalation.open_alerts_for(self.session, rows)

    def _not_understood(
        self, contact: Contact, inbound: InboundMessage
    ) -> tuple[str, dict[str, Any], Patient] | None:
        """Words that acknowledge nothing, stored. While an alert this person was told of is open,
        the first such reply about it is answered with how to acknowledge it: who writes "looks
        sore to me" may believe the alert done with, and it would go on to the next person. Only
        the first, so that an auto-reply ("I'm driving") and our answer never keep each other up."""
        inbound.outcome = f"from contact {contact.id} of patient {contact.patient_id}: stored"
        rows, open_alerts = self._sender_alerts(inbound)
        told = _told(rows, open_alerts)
        if not told or self._answered_about(rows, told[0]):
            return None
        alert = told[0]
        home = self.session.get(Patient, alert.patient_id)
        assert home is not None
        inbound.outcome += f"; asked for OK {alert.id}: alert {alert.id} is still open"
        context = {"alert_id": alert.id, "patient": home.name, "kind": str(alert.kind)}
        return "alert_still_open", context, home

    def _answered_about(self, rows: list[Contact], alert: Alert) -> bool:
        """Whether this person already had an answer about the alert (any: acknowledged, passed
        on, still open), from any of their contact rows."""
        answered = self.session.exec(
            select(Message.id)
            .where(
                Message.alert_id == alert.id,
                Message.kind == MessageKind.REPLY,
                sa.or_(*(Message.contact_id == row.id for row in rows)),
            )
            .limit(1)
        ).first()
        return answered is not None

    def _no_alert(
        self, ref: int | None, open_alerts: list[Alert], inbound: InboundMessage
    ) -> tuple[str, dict[str, Any]]:
        if ref is not None:
            inbound.outcome = f"OK {ref}: no such open alert for this contact"
            return "alert_not_found", {"ref": ref, "others": self._alert_list(open_alerts)}
        inbound.outcome = "OK: no open alert"
        return "no_open_alert", {}

    def _pass_on(
        self, contact: Contact, ref: int | None, inbound: InboundMessage
    ) -> tuple[str, dict[str, Any], Patient]:
        """ "I can't reach her": no acknowledgement; the alert goes on to the next person now
        rather than when its wait is up."""
        _rows, open_alerts, alert, home = self._named_alert(contact, ref, inbound)
        if alert is None:
            answer, context = self._no_alert(ref, open_alerts, inbound)
            return answer, context, home
        passed = escalation.pass_on(self.session, self.settings, alert, self.now)
        inbound.outcome = f"contact {contact.id} could not reach the patient: alert {alert.id} " + (
            "passed on at once" if passed else "stays open, nobody else to tell"
        )
        context = {
            "alert_id": alert.id,
            "patient": home.name,
            "kind": str(alert.kind),
            "passed": passed,
        }
        return "alert_passed_on", context, home

    def _acknowledge(
        self, contact: Contact, ref: int | None, inbound: InboundMessage
    ) -> tuple[str, dict[str, Any], Patient]:
        """OK acknowledges the newest open alert sent to this person; OK 12 names one, for a nurse
        who looks after several patients."""
        rows, open_alerts, alert, home = self._named_alert(contact, ref, inbound)
        if alert is None:
            answer, context = self._no_alert(ref, open_alerts, inbound)
            return answer, context, home
        by = next(row for row in rows if row.patient_id == alert.patient_id)
        if escalation.acknowledge(self.session, self.settings, alert, self.now, by):
            inbound.outcome = f"alert {alert.id} acknowledged by contact {by.id}"
        else:
            inbound.outcome = (
                f"alert {alert.id} was acknowledged meanwhile by {alert.acknowledged_note}"
            )
        context = {
            "alert_id": alert.id,
            "patient": home.name,
            "kind": str(alert.kind),
            "others": self._alert_list([a for a in open_alerts if a.id != alert.id]),
        }
        return "alert_acknowledged", context, home

    def _alert_list(self, alerts: list[Alert]) -> list[dict[str, Any]]:
        listed = []
        for alert in alerts:
            patient = self.session.get(Patient, alert.patient_id)
            listed.append({"id": alert.id, "patient": patient.name if patient else "?"})
        return listed


def _told(rows: list[Contact], alerts: list[Alert]) -> list[Alert]:
    """The alerts that have reached this person (at their place in each patient's order)."""
    position = {row.patient_id: row.position for row in rows}
    return [a for a in alerts if position[a.patient_id] <= a.notified_position]
