"""A reply that changes the patient's status: STOP opts out, START (or a bare YES) opts back in,
PAUSE stops reminders for some days, RESUME starts them again. What each cancels is lifecycle's."""

from __future__ import annotations

from datetime import timedelta

from reminder import dose_replies, lifecycle
from reminder.models import PatientStatus
from reminder.turn import Turn, iso


def pause(turn: Turn, days: int) -> None:
    """PAUSE, for ``days`` or, for 0, the configured default."""
    length = timedelta(days=days or turn.settings.schedule.default_pause_days)
    lifecycle.pause(turn.session, turn.patient, turn.now + length, turn.now)
    turn.note("pause", f"paused until {turn.patient.paused_until:%Y-%m-%d %H:%M} UTC")
    turn.say("paused", {"until": iso(turn.patient.paused_until)})


def resume(turn: Turn) -> None:
    if turn.patient.status != PatientStatus.PAUSED:
        turn.note("resume", "not paused")
        turn.say("not_paused", {"next_at": dose_replies.next_at(turn)})
        return
    lifecycle.resume(turn.session, turn.patient, turn.settings, turn.now)
    turn.note("resume", "resumed")
    turn.say("resumed", {"next_at": dose_replies.next_at(turn)})


def stop(turn: Turn) -> None:
    lifecycle.opt_out_patient(turn.session, turn.patient, turn.now)
    turn.note("stop", "opted out")
    turn.say("opted_out", {"sender_name": turn.settings.messages.sender_name})


def start(turn: Turn) -> None:
    sender_name = {"sender_name": turn.settings.messages.sender_name}
    if not lifecycle.opt_in_patient(turn.session, turn.patient, turn.settings, turn.now):
        turn.note("start", "already opted in")
        turn.say("opted_in", sender_name)
        return
    turn.note("start", "opted back in")
    turn.say("opted_in", sender_name)
