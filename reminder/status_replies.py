"""A reply that changes the patient's status: STOP opts out, START (or a bare YES) opts back in,
PAUSE stops reminders for some days, RESUME starts them again. What each cancels is lifecycle's."""

from __future__ import annotations

from datetime import time, timedelta

from reminder import dose_replies, lifecycle, regimen
from reminder.doses import preferences
from reminder.durations import next_day
from reminder.models import PatientStatus
from reminder.turn import Turn, iso


def pause(turn: Turn, days: int, until_day: str | None = None) -> None:
    """PAUSE, for ``days`` or, for 0, the configured default; "until sunday" (``until_day``, of
    durations.day_said) to the start of that day where the patient lives."""
    until = turn.now + timedelta(days=days or turn.settings.schedule.default_pause_days)
    if until_day is not None:
        zone = preferences(turn.patient, turn.settings).zone
        day = next_day(regimen.local_date(turn.now, zone), until_day)
        until = regimen.at_local(day, time(0, 0), zone)
    lifecycle.pause(turn.session, turn.patient, until, turn.now)
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
