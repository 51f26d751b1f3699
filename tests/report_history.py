"""Twelve weeks of one patient on the simulated clock, for the report's tests: every dose, check-in,
alert and acknowledgement goes through the planner's tick, conversation.receive and the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from reminder.db import session_scope
from reminder.enrolment import add_contact
from reminder.models import (
    CheckIn,
    CheckInKind,
    CheckInStatus,
    ContactRole,
    Dose,
    DoseStatus,
    Patient,
)
from tests.scenario import CHICAGO, Bot, local

GRACE = "+13125550150"  # caregiver, first contact
JOY = "+13125550160"  # MS nurse, second contact
# Ada: start Tuesday 3 March 2026 at 62.5 mcg, 19:30; the report is read on Tuesday 26 May.
REPORT_AT = local(5, 26, 12, 0)

# Which dose (counted from 0) does what; every other dose is taken at 19:35 and its check-in
# answered "2 1 N" at 09:30 the next morning.
LATE_3H = 3  # DONE at 22:45: 3 h 15 min after 19:30
LATE_NEXT_MORNING = 7  # DONE at 09:40 the next day
SKIPPED = 10  # SKIP
UNANSWERED_CHECKIN = 12  # taken, check-in never answered
RELAPSE = 14  # check-in "3 1 Y", follow-up "Y still numb": possible relapse, re-escalated to Joy
FEVER = 18  # check-in "3 1 N fever"
OUTAGE = 24  # the service is down from noon that day until 20:00 the next: no reminder goes out
MISSED = 28  # reminded, never answered
TIRED = 30  # check-in "5 2 N feeling tired today": the patient's own words
SITE_NAMED = 32  # "DONE right thigh"
INJURED = 36  # check-in "2 8 N blister": injection-site alert, Grace says OK 35 min after it

# The PHQ-2 screens (every 28 days at 09:00, with screening on), answered with ``screens=True``:
# that of 31 March one item at a time, in words and then a number (total 1, under the cut-off);
# that of 28 April never; that of the report's day one item only so far, the other still owed.
SCREEN_REPLIES = (
    (local(3, 31, 9, 20), "several days"),
    (local(3, 31, 10, 5), "0"),
    (local(5, 26, 9, 20), "2"),
)


@dataclass(frozen=True)
class History:
    patient_id: int
    grace: int
    joy: int


def pending(bot: Bot) -> Dose:
    bot.tick()  # a DONE or SKIP closes a dose; the next tick plans the one after
    (dose,) = [d for d in bot.doses() if d.status == DoseStatus.PENDING]
    return dose


def contact(bot: Bot, patient_id: int, name: str, phone: str, role: ContactRole) -> int:
    with session_scope(bot.engine) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        added = add_contact(
            session,
            bot.settings,
            patient,
            name=name,
            phone=phone,
            email=None,
            role=role,
            now=bot.clock.now(),
        )
        assert added.id is not None
        return added.id


def morning_after(moment: datetime, hour: int = 9, minute: int = 30) -> datetime:
    local_day = moment.astimezone(CHICAGO) + timedelta(days=1)
    return local_day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def twelve_weeks(bot: Bot, screens: bool = False) -> History:
    """Drive Ada's first twelve weeks; return her id and her contacts'. With ``screens`` the
    PHQ-2 screens are answered as SCREEN_REPLIES says (the configuration must ask them)."""
    bot.clock.set(local(3, 3, 9, 0))
    patient_id = bot.enrol(full_dose=False)
    grace = contact(bot, patient_id, "Grace Hopper", GRACE, ContactRole.CAREGIVER)
    joy = contact(bot, patient_id, "Joy Okafor", JOY, ContactRole.NURSE)
    number = said = 0
    while True:
        dose = pending(bot)
        at = dose.scheduled_at
        if at > REPORT_AT:
            break
        if screens:
            said += _screen(bot, at)
        if number == OUTAGE:
            bot.run_until(at - timedelta(hours=7, minutes=30))  # noon
            bot.at(dose.window_end + timedelta(minutes=30))  # the first tick after the outage
        elif number == MISSED:
            bot.run_until(dose.window_end + timedelta(minutes=1))
        elif number == SKIPPED:
            bot.run_until(at + timedelta(minutes=10))
            bot.say("SKIP")
        else:
            _take(bot, number, at)
            _check_in(bot, number, at)
        number += 1
    if screens:
        said += _screen(bot, REPORT_AT)
        assert said == len(SCREEN_REPLIES), "a screen reply fell where no one said it"
    bot.run_until(REPORT_AT)
    return History(patient_id, grace, joy)


def _screen(bot: Bot, until: datetime) -> int:
    """Say the SCREEN_REPLIES due from now up to ``until``; return how many."""
    due = [(moment, text) for moment, text in SCREEN_REPLIES if bot.clock.now() < moment <= until]
    for moment, text in due:
        bot.run_until(moment)
        with session_scope(bot.engine) as session:
            asked = session.exec(
                select(CheckIn).where(
                    CheckIn.kind == CheckInKind.PHQ2, CheckIn.status == CheckInStatus.OPEN
                )
            ).first()
        assert asked is not None, f"no PHQ-2 open at {moment}: is screening on?"
        bot.say(text)
    return len(due)


def _take(bot: Bot, number: int, at: datetime) -> None:
    if number == LATE_3H:
        bot.run_until(at + timedelta(hours=3, minutes=15))
        bot.say("DONE")
    elif number == LATE_NEXT_MORNING:
        bot.run_until(morning_after(at, 9, 40))
        bot.say("DONE")
    elif number == SITE_NAMED:
        bot.run_until(at + timedelta(minutes=5))
        bot.say("DONE right thigh")
    else:
        bot.run_until(at + timedelta(minutes=5))
        bot.say("DONE")


def _check_in(bot: Bot, number: int, at: datetime) -> None:
    taken = [d for d in bot.doses() if d.status == DoseStatus.TAKEN][-1]
    assert taken.taken_at is not None
    asked = morning_after(taken.taken_at)
    if number == UNANSWERED_CHECKIN:
        return
    bot.run_until(asked)
    if number == RELAPSE:
        bot.say("3 1 Y")
        bot.run_until(morning_after(asked, 9, 35))  # the follow-up is asked at 09:30
        bot.say("Y still numb")  # the alert goes to Grace at once; she does not answer
    elif number == FEVER:
        bot.say("3 1 N fever")
    elif number == TIRED:
        bot.say("5 2 N feeling tired today")
    elif number == INJURED:
        bot.say("2 8 N blister")
        bot.run_until(asked + timedelta(minutes=35))
        bot.say("OK", sender=GRACE)
    else:
        bot.say(f"{2 if number % 3 else 4} 1 N")
    if number == RELAPSE + 1:
        # 24 h after Grace was told, the relapse alert went on to Joy (09:35); she says OK.
        bot.run_until(asked + timedelta(minutes=30))
        bot.say("OK", sender=JOY)
