"""A dose report applied to the patient's open dose: taken (maybe early, maybe at a stated time),
skipped, or not yet (a snooze).

A reply applies only to the one open dose, from the start of its local day until its window closes.
A DONE sooner than ``min_hours_between_doses`` after the last dose is the patient's report of a
fact: it is recorded as taken and early, the day's reminder and nudge are withdrawn, and the next
dose is planned from it. Only a DONE that repeats a dose recorded in the last 24 h is not applied.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from reminder import care, regimen
from reminder.doses import last_taken_dose, open_dose, preferences
from reminder.models import Dose, DoseStatus, FailureCode
from reminder.queue import cancel_queued
from reminder.replies import Problem, Reading
from reminder.turn import Turn, iso

_REPEAT_WINDOW = timedelta(hours=24)  # a DONE this soon after the last one repeats it


def dose_answerable(turn: Turn, dose: Dose) -> bool:
    """A dose can be answered from the start of its local day until its window closes."""
    day_start = regimen.at_local(dose.day, time(0, 0), ZoneInfo(turn.patient.timezone))
    return day_start <= turn.now < dose.window_end


def next_dose(turn: Turn) -> dict[str, object]:
    """The open dose as a question about the schedule is answered: when, how much, which site;
    nothing while no dose is planned (paused, opted out)."""
    dose = open_dose(turn.session, turn.patient.id or 0)
    if dose is None:
        return {}
    return {
        "next_at": iso(dose.scheduled_at),
        "volume_ml": dose.volume_ml,
        "site": dose.suggested_site,
        "due_now": dose.scheduled_at <= turn.now,  # the reminder's time has come: "today's"
    }


def next_at(turn: Turn) -> str | None:
    dose = open_dose(turn.session, turn.patient.id or 0)
    return iso(dose.scheduled_at) if dose else None


def taken(turn: Turn, reading: Reading) -> None:
    patient_id = turn.patient.id or 0
    dose = open_dose(turn.session, patient_id)
    last = last_taken_dose(turn.session, patient_id)
    at = _taken_moment(turn, reading, dose)
    since_last = at - last.taken_at if last is not None and last.taken_at else None
    if dose is None or not dose_answerable(turn, dose):
        if last is not None and since_last is not None and since_last < _REPEAT_WINDOW:
            turn.inbound.dose_id = last.id
            turn.note("taken", "already recorded: stored")
            turn.say("already_taken", {"taken_at": iso(last.taken_at), "next_at": next_at(turn)})
            return
        if dose is None or last is None or not _due_soon(turn, dose):
            turn.note("taken", "no dose open: stored, schedule unchanged")
            turn.say("no_dose", {"next_at": next_at(turn)})
            return
        # A DONE on the day between doses, a day after the last: a second injection reported.
    min_gap = timedelta(hours=turn.settings.schedule.min_hours_between_doses)
    early = since_last is not None and since_last < min_gap
    site = reading.site if reading.site else (None if reading.site_text else dose.suggested_site)
    dose.status, dose.taken_at, dose.closed_at = DoseStatus.TAKEN, at, turn.now
    dose.site, dose.site_reported, dose.early = site, reading.site is not None, early
    dose.snoozed_until = None
    turn.session.add(dose)
    care.use_vial(turn.patient, turn.now)
    # The day's reminder and nudge are withdrawn: the bot never invites a second injection.
    cancel_queued(turn.session, reason="dose taken", code=FailureCode.ANSWERED, dose_id=dose.id)
    turn.inbound.dose_id = dose.id
    where = f" at {site}" if site else ""
    turn.note("taken", f"dose {dose.id} taken{' early' if early else ''}{where}")
    turn.replan()
    site_text = reading.site_text
    if reading.problem == Problem.WHICH_SITE:
        site_text = "two sites"
    turn.say(
        "taken",
        {
            "taken_at": iso(at),
            "site": site,
            "site_text": site_text,
            "next_at": next_at(turn),
            "early": early,
            "hours": round(since_last.total_seconds() / 3600) if early and since_last else None,
        },
    )


def _due_soon(turn: Turn, dose: Dose) -> bool:
    """Whether the open dose is due tomorrow at the latest, so a DONE today takes its place."""
    zone = ZoneInfo(turn.patient.timezone)
    return dose.day <= regimen.local_date(turn.now, zone) + timedelta(days=1)


def _taken_moment(turn: Turn, reading: Reading, dose: Dose | None) -> datetime:
    """When the patient says they took it: "at 7pm", "2 hours ago", or now. A stated time that
    lies in the future or before the dose's day is not believed over the moment of the text."""
    zone = ZoneInfo(turn.patient.timezone)
    if reading.taken_ago:
        moment = turn.now - timedelta(minutes=reading.taken_ago)
    elif reading.taken_at:
        hour, minute = (int(part) for part in reading.taken_at.split(":"))
        today = regimen.local_date(turn.now, zone)
        hours = [hour, hour + 12] if hour < 12 else [hour]
        candidates = [
            regimen.at_local(day, time(h, minute), zone)
            for day in (today, today - timedelta(days=1))
            for h in hours
        ]
        past = [c for c in candidates if c <= turn.now]
        moment = max(past) if past else turn.now
    else:
        return turn.now
    if dose is not None:
        earliest = regimen.at_local(dose.day, time(0, 0), zone)
        if moment < earliest or moment > turn.now:
            return turn.now
    return moment


def skipped(turn: Turn) -> None:
    dose = open_dose(turn.session, turn.patient.id or 0)
    if dose is None or not dose_answerable(turn, dose):
        turn.note("skip", "no dose open: stored")
        turn.say("no_dose", {"next_at": next_at(turn)})
        return
    dose.status, dose.closed_at, dose.snoozed_until = DoseStatus.SKIPPED, turn.now, None
    turn.session.add(dose)
    cancel_queued(turn.session, reason="dose skipped", code=FailureCode.ANSWERED, dose_id=dose.id)
    turn.inbound.dose_id = dose.id
    turn.note("skip", f"dose {dose.id} skipped")
    turn.replan()
    turn.say("skipped", {"next_at": next_at(turn)})


def snoozed(turn: Turn, minutes: int | None, at: str | None = None) -> None:
    """LATER: remind again after ``minutes`` (None: the default), or at the clock time ``at``
    ("22:00"; "10:00" when am or pm was not said, the first of 10:00 and 22:00 to come)."""
    dose = open_dose(turn.session, turn.patient.id or 0)
    if dose is None or not dose_answerable(turn, dose):
        turn.note("snooze", "no dose open: stored")
        turn.say("no_dose", {"next_at": next_at(turn)})
        return
    prefs = preferences(turn.patient, turn.settings)
    wait = timedelta(minutes=minutes or turn.settings.schedule.snooze_minutes)
    asked = turn.now + wait if at is None else _next_clock_time(turn.now, at, prefs.zone)
    until = regimen.outside_quiet_hours(asked, prefs)
    turn.inbound.dose_id = dose.id
    if until >= dose.window_end:
        turn.note("snooze", "snooze past the dose window: refused")
        turn.say("snooze_too_late", {"window_end": iso(dose.window_end)})
        return
    dose.snoozed_until, dose.snooze_count = until, dose.snooze_count + 1
    turn.session.add(dose)
    # A pending nudge would now arrive before the re-reminder the patient asked for.
    cancel_queued(turn.session, reason="snoozed", code=FailureCode.ANSWERED, dose_id=dose.id)
    turn.note("snooze", f"dose {dose.id} snoozed until {until:%Y-%m-%d %H:%M} UTC")
    turn.replan()
    # Held past quiet hours, the answer says so and names the day: "at 08:00" alone would read
    # as a broken promise to one who asked for 22:00.
    turn.say("snoozed", {"until": iso(until), "held": until != asked})


def _next_clock_time(now: datetime, said: str, zone: ZoneInfo) -> datetime:
    """The first moment after ``now`` whose local time is ``said`` ("22:00"); a time with no am
    or pm ("10:00", of hours 1-11) is whichever of 10:00 and 22:00 comes first."""
    hour, minute = (int(part) for part in said.split(":"))
    hours = (hour, hour + 12) if 1 <= hour <= 11 else (hour,)
    today = regimen.local_date(now, zone)
    return min(
        moment
        for day in (today, today + timedelta(days=1))
        for h in hours
        if (moment := regimen.at_local(day, time(h, minute), zone)) > now
    )
