"""The states and kinds the tables hold, each value with what it means; ``reminder.models`` re-exports
them, so ``from reminder.models import MessageStatus`` works as well as an import from here."""

from __future__ import annotations

from enum import StrEnum


class PatientStatus(StrEnum):
    ACTIVE = "active"  # reminders flow
    PAUSED = "paused"  # PAUSE n or `patient pause`: nothing is planned until paused_until or RESUME
    OPTED_OUT = "opted_out"  # STOP: nothing is sent to the patient until START


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class ContactRole(StrEnum):
    CAREGIVER = "caregiver"
    NURSE = "nurse"
    DOCTOR = "doctor"


class DoseStatus(StrEnum):
    PENDING = "pending"  # planned; its reminder is due or answerable
    TAKEN = "taken"  # the patient said DONE (taken_at is when)
    SKIPPED = "skipped"  # the patient said SKIP; counts as missed for the 48 h rule
    MISSED = "missed"  # the window closed with no answer to a reminder that was sent
    # The window closed and no reminder ever went out (the service was down, or the reminder was
    # cancelled as too late): not the patient's lapse, so the adherence rule does not count it.
    UNCONFIRMED = "unconfirmed"
    CANCELLED = "cancelled"  # withdrawn by a pause or opt-out before it was answered


class MessageKind(StrEnum):
    REMINDER = "reminder"  # the dose reminder (also re-sent after LATER)
    NUDGE = "nudge"  # one gentle nudge when a reminder is unanswered
    CHECKIN = "checkin"  # the morning-after check-in
    FOLLOWUP = "followup"  # a follow-up question: the relapse screen, or "has the site healed?"
    LAB = "lab"  # blood count and liver test reminder (thyroid too, for a thyroid history)
    REFILL = "refill"  # the vials run low: a refill reminder, or at 0 a request for a count
    REPLY = "reply"  # an answer to something the person wrote
    ALERT = "alert"  # an escalation to a contact


class Recipient(StrEnum):
    """Whom a message is for; a person's status change acts only on what is queued for that person."""

    PATIENT = "patient"  # the patient themself (patient_id), at their phone or email
    CONTACT = "contact"  # one of the patient's contacts (contact_id), about the patient
    OPERATOR = (
        "operator"  # the operator's fallback address (escalation.*fallback_address), about it
    )


class MessageStatus(StrEnum):
    QUEUED = "queued"  # waiting for next_attempt_at; a transient failure comes back here
    SENDING = "sending"  # claimed by a worker until claimed_until (a lease a sweep reclaims)
    SENT = "sent"  # the transport accepted it; provider_id names it there
    DELIVERED = "delivered"  # the provider reported delivery
    FAILED = "failed"  # permanent error or retry limit; failure and failed_reason say which
    CANCELLED = "cancelled"  # never sent on purpose; failure and failed_reason say why


class CheckInKind(StrEnum):
    CHECKIN = (
        "checkin"  # the morning after a taken dose: flu-like and site scores, neuro Y/N, fever
    )
    FOLLOWUP = (
        "followup"  # relapse screen: is the neurological symptom still there (and any fever)?
    )
    SITE_HEAL = "site_heal"  # has the injured injection site healed?
    # A symptom or fever the patient wrote with no question open: answered at once, and a new
    # neurological symptom starts the relapse screen as a "yes" at a check-in does.
    REPORT = "report"
    # The PHQ-2 depression screen: two items 0-3; asked, re-asked once, and left for the next
    # cycle when unanswered (never an adherence matter).
    PHQ2 = "phq2"


class CheckInStatus(StrEnum):
    PLANNED = "planned"  # written; asked at due_at
    OPEN = "open"  # asked; answers apply until expires_at
    ANSWERED = "answered"  # every question answered
    INCOMPLETE = "incomplete"  # expired with some questions answered
    UNANSWERED = "unanswered"  # expired with no answer at all (counts for the adherence rule)
    CANCELLED = "cancelled"  # never asked or withdrawn (pause, STOP, too late); ``reason`` says why


class AlertKind(StrEnum):
    POSSIBLE_RELAPSE = (
        "possible_relapse"  # a new neurological symptom still there after 24 h, no fever
    )
    PSEUDO_RELAPSE = "pseudo_relapse"  # the same, with fever: infection or heat may be the cause
    INJECTION_SITE = (
        "injection_site"  # site score at the threshold, or words like pus, blister, open
    )
    TOLERABILITY = "tolerability"  # high flu-like scores on several check-ins in a row
    MOOD = "mood"  # words of self-harm or suicide: urgent
    ADHERENCE = "adherence"  # doses missed, or check-ins unanswered, several in a row
    DOSING = "dosing"  # two doses taken on consecutive calendar days
    DEPRESSION_SCREEN = "depression_screen"  # a PHQ-2 total at or above the cut-off: routine
    EMERGENCY = "emergency"  # trouble breathing, a swelling throat, chest pain, fainting: urgent


class AlertSeverity(StrEnum):
    URGENT = "urgent"  # every contact at once, whatever the hour
    ROUTINE = "routine"  # contacts one by one, in their waking hours


class AlertStatus(StrEnum):
    OPEN = "open"  # waiting for an OK; escalates at escalate_at
    ACKNOWLEDGED = "acknowledged"  # a contact said OK, or the operator acknowledged it


class LabKind(StrEnum):
    BLOOD_COUNT = "blood_count"  # full blood count: the label's routine test
    LIVER = "liver"  # liver enzymes: the label's routine test
    THYROID = "thyroid"  # thyroid function, for patients with a thyroid history


class StaffRole(StrEnum):
    NURSE = "nurse"  # sees the patients whose escalation chain holds her linked contact's address
    ADMIN = "admin"  # sees every patient, and the audit trail


class FailureCode(StrEnum):
    """Why a message failed or was cancelled, to match on; ``failed_reason`` says it in words."""

    TOO_LATE = "too_late"  # time-bound and past late_send_grace, when planned or when claimed
    WINDOW_CLOSED = "window_closed"  # its dose's answer window closed before it went out
    ANSWERED = "answered"  # the patient answered first: the dose was taken, skipped or snoozed
    PAUSED = "paused"  # the patient paused (PAUSE n or `patient pause`)
    OPTED_OUT = "opted_out"  # the recipient said STOP, to us or to the provider
    BLOCKED = "blocked"  # its address is on the block list
    TEMPLATE_ERROR = "template_error"  # its template would not render
    PERMANENT = "permanent"  # the provider refused it for good
    # The provider says the address itself cannot be reached (an invalid or landline number).
    UNREACHABLE = "unreachable"
    SENT_TWICE = "sent_twice"  # a second send that may have reached the provider: not retried
    RETRY_LIMIT = "retry_limit"  # max_attempts sends or worker claims
    NOT_DELIVERED = "not_delivered"  # the provider reported it undelivered or failed
    CANCELLED = "cancelled"  # withdrawn for another reason; failed_reason says which
