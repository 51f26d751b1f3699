"""Tests for reminder.regimen: the dose schedule, titration, site rotation, quiet hours and labs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations, islice, takewhile
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reminder.regimen import (
    SITE_LABELS,
    SITES,
    NextDose,
    Preferences,
    Titration,
    Why,
    at_local,
    dose_window_end,
    in_quiet_hours,
    lab_dates,
    local_date,
    next_dose,
    next_lab_date,
    next_site,
    outside_quiet_hours,
    titration_dose,
)

CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
DST_ZONE_NAMES = ("America/New_York", "Europe/Berlin", "Australia/Lord_Howe")
# "localtime" is whatever the machine running the tests is set to, so it is left out.
ZONE_NAMES = sorted(available_timezones() - {"localtime"})
# Zones whose offset differs between January and July, i.e. that have a DST gap most years.
SEASONAL_ZONE_NAMES = [
    name
    for name in ZONE_NAMES
    if datetime(2026, 1, 1, 12, tzinfo=ZoneInfo(name)).utcoffset()
    != datetime(2026, 7, 1, 12, tzinfo=ZoneInfo(name)).utcoffset()
]


def wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """The naive local wall-clock reading of ``moment`` in ``zone``."""
    return moment.astimezone(zone).replace(tzinfo=None)


def naive(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A wall-clock reading with no zone, to compare with what ``wall`` returns."""
    return datetime.combine(date(year, month, day), time(hour, minute))


def local(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    """An aware moment that is known to exist (tests pick times away from DST changes)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def wall_exists(reading: datetime, zone: ZoneInfo) -> bool:
    """Whether a clock in ``zone`` ever shows ``reading`` (either fold may be the one)."""
    return any(
        wall(reading.replace(tzinfo=zone, fold=fold).astimezone(UTC), zone) == reading
        for fold in (0, 1)
    )


def gap_size(reading: datetime, zone: ZoneInfo) -> timedelta:
    """For a wall time in a spring-forward gap: how far the clocks jumped."""
    aware = reading.replace(tzinfo=zone)
    return aware.replace(fold=1).utcoffset() - aware.utcoffset()


def assert_at_preferred_time(dose: NextDose, prefs: Preferences) -> None:
    """The dose is at dose_time on its day, or, when that wall time does not exist, exactly the
    size of the gap later (on the same day unless the clocks jump over midnight, as in Greenland)."""
    wanted = datetime.combine(dose.day, prefs.dose_time)
    got = wall(dose.at, prefs.zone)
    assert dose.at.tzinfo is UTC
    if wall_exists(wanted, prefs.zone):
        assert got == wanted
    else:
        jump = gap_size(wanted, prefs.zone)
        assert jump > timedelta(0)
        assert got == wanted + jump
        just_after_midnight = timedelta(hours=got.hour, minutes=got.minute) < jump
        assert got.date() == dose.day or just_after_midnight


# --- titration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "full_dose", "expected"),
    [
        (-3, False, Titration(62.5, 0.25, 1)),
        (0, False, Titration(62.5, 0.25, 1)),
        (13, False, Titration(62.5, 0.25, 1)),
        (14, False, Titration(125.0, 0.5, 2)),
        (27, False, Titration(125.0, 0.5, 2)),
        (28, False, Titration(187.5, 0.75, 3)),
        (41, False, Titration(187.5, 0.75, 3)),
        (42, False, Titration(250.0, 1.0, 4)),
        (1000, False, Titration(250.0, 1.0, 4)),
        (0, True, Titration(250.0, 1.0, 4)),
        (-3, True, Titration(250.0, 1.0, 4)),
    ],
)
def test_titration_ramps_up_every_two_weeks(days: int, full_dose: bool, expected: Titration):
    start = date(2026, 1, 31)
    assert titration_dose(start, start + timedelta(days=days), full_dose=full_dose) == expected


# --- site rotation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "injured", "expected"),
    [
        (None, set(), "left_arm"),
        (None, {"left_arm", "right_arm"}, "left_abdomen"),
        ("left_arm", set(), "right_arm"),
        ("right_arm", set(), "left_abdomen"),
        ("right_thigh", set(), "left_arm"),
        ("left_arm", {"right_arm"}, "left_abdomen"),
        ("left_thigh", {"right_thigh", "left_arm"}, "right_arm"),
        ("left_arm", {"left_arm"}, "right_arm"),
        ("left_arm", set(SITES) - {"left_arm", "left_thigh"}, "left_thigh"),
        ("left_arm", set(SITES) - {"left_arm"}, None),
        ("left_arm", set(SITES), None),
        (None, set(SITES), None),
    ],
)
def test_the_next_site_follows_the_rotation(last: str | None, injured: set[str], expected):
    assert next_site(last, frozenset(injured)) == expected


def test_the_next_site_is_the_nearest_allowed_one_and_never_the_last():
    # Every last site with every set of injured sites: 8 * 256 cases.
    for last in SITES:
        for size in range(len(SITES) + 1):
            for injured in map(frozenset, combinations(SITES, size)):
                allowed = [site for site in SITES if site != last and site not in injured]
                nearest = min(
                    allowed,
                    key=lambda site: (SITES.index(site) - SITES.index(last)) % len(SITES),
                    default=None,
                )
                assert next_site(last, injured) == nearest


def test_an_unknown_last_site_is_refused():
    with pytest.raises(ValueError, match="unknown injection site"):
        next_site("left_ear")


def test_every_site_has_a_label():
    assert set(SITE_LABELS) == set(SITES)
    assert SITE_LABELS["left_arm"] == "back of left upper arm"
    assert SITE_LABELS["right_thigh"] == "right thigh"


def test_the_reasons_keep_their_stored_values():
    assert [why.value for why in Why] == [
        "first",
        "after_taken",
        "min_gap",
        "after_missed",
        "not_before",
    ]


# --- labs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (
            date(2026, 1, 15),
            [date(2026, 2, 15), date(2026, 4, 15), date(2026, 7, 15), date(2027, 1, 15)]
            + [date(2027, 7, 15), date(2028, 1, 15), date(2028, 7, 15)],
        ),
        (
            date(2026, 1, 31),
            [date(2026, 2, 28), date(2026, 4, 30), date(2026, 7, 31), date(2027, 1, 31)]
            + [date(2027, 7, 31), date(2028, 1, 31), date(2028, 7, 31)],
        ),
        (
            date(2028, 1, 31),
            [date(2028, 2, 29), date(2028, 4, 30), date(2028, 7, 31), date(2029, 1, 31)]
            + [date(2029, 7, 31), date(2030, 1, 31), date(2030, 7, 31)],
        ),
        (
            date(2026, 8, 31),
            [date(2026, 9, 30), date(2026, 11, 30), date(2027, 2, 28), date(2027, 8, 31)]
            + [date(2028, 2, 29), date(2028, 8, 31), date(2029, 2, 28)],
        ),
        (
            date(2026, 12, 1),
            [date(2027, 1, 1), date(2027, 3, 1), date(2027, 6, 1), date(2027, 12, 1)]
            + [date(2028, 6, 1), date(2028, 12, 1), date(2029, 6, 1)],
        ),
    ],
)
def test_labs_are_due_at_1_3_6_months_then_every_6(start: date, expected: list[date]):
    assert list(islice(lab_dates(start), len(expected))) == expected


@pytest.mark.parametrize(
    ("on_or_after", "expected"),
    [
        (date(2026, 1, 15), date(2026, 2, 15)),
        (date(2026, 2, 15), date(2026, 2, 15)),
        (date(2026, 2, 16), date(2026, 4, 15)),
        (date(2026, 7, 16), date(2027, 1, 15)),
        (date(2040, 3, 1), date(2040, 7, 15)),
    ],
)
def test_the_next_lab_date_is_the_first_on_or_after_the_day(on_or_after: date, expected: date):
    assert next_lab_date(date(2026, 1, 15), on_or_after) == expected


@settings(max_examples=100, deadline=None)
@given(
    start=st.dates(date(2020, 1, 1), date(2035, 12, 31)),
    after=st.integers(-30, 4000),
)
def test_no_lab_date_is_skipped(start: date, after: int):
    on_or_after = start + timedelta(days=after)
    due = next_lab_date(start, on_or_after)
    up_to_due = list(takewhile(lambda d: d <= due, lab_dates(start)))
    assert due >= on_or_after
    assert up_to_due[-1] == due
    assert all(d < on_or_after for d in up_to_due[:-1])


# --- local time ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # Spring forward: the wall time does not exist, so it moves forward by the gap.
        (NEW_YORK, date(2026, 3, 8), time(2, 30), naive(2026, 3, 8, 3, 30)),
        (NEW_YORK, date(2026, 3, 8), time(2, 0), naive(2026, 3, 8, 3, 0)),
        (NEW_YORK, date(2026, 3, 8), time(3, 0), naive(2026, 3, 8, 3, 0)),
        (LORD_HOWE, date(2026, 10, 4), time(2, 15), naive(2026, 10, 4, 2, 45)),
        (BERLIN, date(2026, 3, 29), time(2, 30), naive(2026, 3, 29, 3, 30)),
        # Greenland jumps from 23:00 to midnight, so 23:30 can only happen after midnight.
        (ZoneInfo("America/Nuuk"), date(2026, 3, 28), time(23, 30), naive(2026, 3, 29, 0, 30)),
        # Fall back and ordinary days: the wall time is kept.
        (NEW_YORK, date(2026, 11, 1), time(1, 30), naive(2026, 11, 1, 1, 30)),
        (BERLIN, date(2026, 10, 25), time(2, 30), naive(2026, 10, 25, 2, 30)),
        (CHICAGO, date(2026, 1, 10), time(19, 30), naive(2026, 1, 10, 19, 30)),
    ],
)
def test_a_local_time_becomes_utc_and_a_missing_one_moves_forward(
    zone: ZoneInfo, day: date, at: time, expected: datetime
):
    moment = at_local(day, at, zone)
    assert moment.tzinfo is UTC
    assert wall(moment, zone) == expected


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected_utc"),
    [
        (NEW_YORK, date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        (BERLIN, date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_an_ambiguous_local_time_takes_its_first_occurrence(
    zone: ZoneInfo, day: date, at: time, expected_utc: datetime
):
    assert at_local(day, at, zone) == expected_utc


def test_the_local_date_follows_the_zone():
    moment = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
    assert local_date(moment, CHICAGO) == date(2026, 1, 9)
    assert local_date(moment, BERLIN) == date(2026, 1, 10)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="naive"):
        local_date(naive(2026, 1, 10, 3, 0), CHICAGO)


# --- next dose -----------------------------------------------------------------------------


EVENING = Preferences(zone=CHICAGO, dose_time=time(19, 30))


def test_the_first_dose_is_on_the_start_date():
    dose = next_dose(EVENING, start=date(2026, 3, 6), last_taken=None)
    assert dose == NextDose(
        at=datetime(2026, 3, 7, 1, 30, tzinfo=UTC), day=date(2026, 3, 6), why=Why.FIRST
    )


def test_the_worked_chicago_example_across_the_spring_change():
    day1 = date(2026, 3, 6)  # day 3 is 2026-03-08, the day Chicago moves to CDT
    day = [day1 + timedelta(days=n - 1) for n in range(7)]

    taken_day1 = local(day[1], 19, 35, CHICAGO)
    dose = next_dose(EVENING, start=day1, last_taken=taken_day1)
    assert (dose.day, dose.why) == (day[3], Why.AFTER_TAKEN)
    assert wall(dose.at, CHICAGO) == naive(2026, 3, 8, 19, 30)

    dose = next_dose(EVENING, start=day1, last_taken=taken_day1, last_closed_day=day[3])
    assert (dose.day, dose.why) == (day[4], Why.AFTER_MISSED)
    assert wall(dose.at, CHICAGO) == naive(2026, 3, 9, 19, 30)

    taken_day4 = local(day[4], 8, 30, CHICAGO)
    dose = next_dose(EVENING, start=day1, last_taken=taken_day4, last_closed_day=day[3])
    assert (dose.day, dose.why) == (day[6], Why.AFTER_TAKEN)
    assert dose.at - taken_day4 == timedelta(hours=59)


def test_late_dose_moves_the_schedule():
    # The day-3 dose taken the next morning: the next one is two days after that, not day 5.
    taken = local(date(2026, 1, 4), 7, 0, CHICAGO)
    dose = next_dose(EVENING, start=date(2026, 1, 1), last_taken=taken)
    assert (dose.day, dose.why) == (date(2026, 1, 6), Why.AFTER_TAKEN)


def test_a_dose_too_close_to_the_last_one_waits_a_day():
    morning = Preferences(zone=CHICAGO, dose_time=time(8, 0))
    taken = local(date(2026, 1, 1), 23, 0, CHICAGO)  # day 3 at 08:00 would be only 33 h later
    dose = next_dose(morning, start=date(2025, 12, 30), last_taken=taken)
    assert (dose.day, dose.why) == (date(2026, 1, 4), Why.MIN_GAP)
    assert dose.at - taken == timedelta(hours=57)


def test_a_minimum_gap_over_two_days_is_still_respected():
    prefs = Preferences(zone=CHICAGO, dose_time=time(8, 0), min_hours_between_doses=80.0)
    taken = local(date(2026, 1, 1), 23, 0, CHICAGO)
    dose = next_dose(prefs, start=date(2026, 1, 1), last_taken=taken)
    assert (dose.day, dose.why) == (date(2026, 1, 5), Why.MIN_GAP)


def test_a_missed_first_dose_moves_the_start_to_the_next_day():
    dose = next_dose(
        EVENING, start=date(2026, 1, 1), last_taken=None, last_closed_day=date(2026, 1, 1)
    )
    assert (dose.day, dose.why) == (date(2026, 1, 2), Why.AFTER_MISSED)


def test_an_older_missed_dose_does_not_move_the_schedule():
    taken = local(date(2026, 1, 5), 19, 40, CHICAGO)
    dose = next_dose(
        EVENING, start=date(2026, 1, 1), last_taken=taken, last_closed_day=date(2026, 1, 3)
    )
    assert (dose.day, dose.why) == (date(2026, 1, 7), Why.AFTER_TAKEN)


@pytest.mark.parametrize(
    ("not_before", "expected_day", "why"),
    [
        (local(date(2026, 1, 1), 12, 0, CHICAGO), date(2026, 1, 1), Why.FIRST),
        (local(date(2026, 1, 1), 19, 30, CHICAGO), date(2026, 1, 1), Why.FIRST),
        (local(date(2026, 1, 1), 19, 31, CHICAGO), date(2026, 1, 2), Why.NOT_BEFORE),
        (local(date(2026, 1, 9), 8, 0, CHICAGO), date(2026, 1, 9), Why.NOT_BEFORE),
    ],
)
def test_no_dose_is_due_before_enrolment_or_the_end_of_a_pause(
    not_before: datetime, expected_day: date, why: Why
):
    dose = next_dose(EVENING, start=date(2026, 1, 1), last_taken=None, not_before=not_before)
    assert (dose.day, dose.why) == (expected_day, why)
    assert dose.at >= not_before


def test_a_dose_time_in_the_spring_gap_is_an_hour_later_that_day():
    prefs = Preferences(zone=NEW_YORK, dose_time=time(2, 30))
    taken = local(date(2026, 3, 6), 2, 35, NEW_YORK)
    dose = next_dose(prefs, start=date(2026, 3, 1), last_taken=taken)
    assert dose.day == date(2026, 3, 8)
    assert wall(dose.at, NEW_YORK) == naive(2026, 3, 8, 3, 30)


def test_the_dose_window_closes_at_the_dose_time_next_day():
    assert dose_window_end(date(2026, 3, 7), EVENING) == at_local(
        date(2026, 3, 8), time(19, 30), CHICAGO
    )
    assert wall(dose_window_end(date(2026, 3, 7), EVENING), CHICAGO) == naive(2026, 3, 8, 19, 30)


# --- quiet hours ---------------------------------------------------------------------------


QUIET_DAY = date(2026, 1, 10)


@pytest.mark.parametrize(
    ("quiet", "hour", "minute", "expected"),
    [
        ((time(21, 30), time(8, 0)), 21, 29, False),
        ((time(21, 30), time(8, 0)), 21, 30, True),
        ((time(21, 30), time(8, 0)), 23, 59, True),
        ((time(21, 30), time(8, 0)), 0, 0, True),
        ((time(21, 30), time(8, 0)), 7, 59, True),
        ((time(21, 30), time(8, 0)), 8, 0, False),
        ((time(21, 30), time(8, 0)), 12, 0, False),
        ((time(13, 0), time(15, 0)), 12, 59, False),
        ((time(13, 0), time(15, 0)), 13, 0, True),
        ((time(13, 0), time(15, 0)), 14, 59, True),
        ((time(13, 0), time(15, 0)), 15, 0, False),
        ((time(22, 0), time(22, 0)), 22, 0, False),
        ((time(22, 0), time(22, 0)), 3, 0, False),
        ((time(0, 0), time(0, 0)), 0, 0, False),
    ],
)
def test_quiet_hours_wrap_midnight_and_include_only_their_start(
    quiet: tuple[time, time], hour: int, minute: int, expected: bool
):
    prefs = Preferences(
        zone=CHICAGO, dose_time=time(19, 30), quiet_start=quiet[0], quiet_end=quiet[1]
    )
    assert in_quiet_hours(local(QUIET_DAY, hour, minute, CHICAGO), prefs) is expected


@pytest.mark.parametrize(
    ("quiet", "moment", "expected"),
    [
        ((time(21, 30), time(8, 0)), (QUIET_DAY, 22, 0), (date(2026, 1, 11), 8, 0)),
        ((time(21, 30), time(8, 0)), (QUIET_DAY, 21, 30), (date(2026, 1, 11), 8, 0)),
        ((time(21, 30), time(8, 0)), (QUIET_DAY, 3, 0), (QUIET_DAY, 8, 0)),
        ((time(21, 30), time(8, 0)), (QUIET_DAY, 8, 0), (QUIET_DAY, 8, 0)),
        ((time(21, 30), time(8, 0)), (QUIET_DAY, 12, 0), (QUIET_DAY, 12, 0)),
        ((time(13, 0), time(15, 0)), (QUIET_DAY, 14, 0), (QUIET_DAY, 15, 0)),
        ((time(22, 0), time(22, 0)), (QUIET_DAY, 23, 0), (QUIET_DAY, 23, 0)),
    ],
)
def test_a_message_in_quiet_hours_is_held_to_their_end(
    quiet: tuple[time, time], moment: tuple[date, int, int], expected: tuple[date, int, int]
):
    prefs = Preferences(
        zone=CHICAGO, dose_time=time(19, 30), quiet_start=quiet[0], quiet_end=quiet[1]
    )
    held = outside_quiet_hours(local(*moment, CHICAGO), prefs)
    assert held.tzinfo is UTC
    assert held == local(*expected, CHICAGO)


def test_quiet_hours_ending_in_the_spring_gap_end_when_the_clock_gets_there():
    prefs = Preferences(
        zone=NEW_YORK, dose_time=time(19, 30), quiet_start=time(1, 0), quiet_end=time(2, 30)
    )
    held = outside_quiet_hours(local(date(2026, 3, 8), 1, 30, NEW_YORK), prefs)
    assert wall(held, NEW_YORK) == naive(2026, 3, 8, 3, 30)


def test_quiet_hours_ending_in_the_repeated_hour_end_after_the_moment():
    prefs = Preferences(
        zone=NEW_YORK, dose_time=time(19, 30), quiet_start=time(0, 30), quiet_end=time(1, 30)
    )
    first = datetime(2026, 11, 1, 5, 10, tzinfo=UTC)  # 01:10 EDT
    second = datetime(2026, 11, 1, 6, 10, tzinfo=UTC)  # 01:10 EST, an hour later
    assert outside_quiet_hours(first, prefs) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert outside_quiet_hours(second, prefs) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


# --- properties ----------------------------------------------------------------------------


zones = st.one_of(st.sampled_from(DST_ZONE_NAMES), st.sampled_from(ZONE_NAMES)).map(ZoneInfo)
# Times on the quarter hour, any minute, and times often inside a DST gap somewhere
# (02:xx in Europe and North America, 00:xx in Chile or Cuba, 23:xx in Greenland).
dose_times = st.one_of(
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
    st.builds(time, st.integers(0, 23), st.integers(0, 59)),
    st.sampled_from([time(2, 0), time(2, 15), time(2, 30), time(2, 59), time(0, 0)])
    | st.sampled_from([time(0, 30), time(23, 0), time(23, 30)]),
)
start_dates = st.dates(date(2020, 1, 1), date(2035, 12, 31))
# A dose is taken somewhere between its reminder (0.0) and the end of its window (1.0).
taken = st.tuples(st.just("taken"), st.floats(0.0, 1.0, exclude_max=True))
missed = st.tuples(st.sampled_from(["missed", "skipped"]), st.just(0.0))
paused = st.tuples(st.just("paused"), st.floats(1.0, 24.0 * 9))
histories = st.lists(st.one_of(taken, taken, missed, paused), min_size=1, max_size=40)


def simulate(
    prefs: Preferences, start: date, history: list[tuple[str, float]]
) -> tuple[list[NextDose], list[datetime]]:
    """Play a history against next_dose, checking each answer; returns reminders and doses."""
    last_taken: datetime | None = None
    last_closed_day: date | None = None
    not_before: datetime | None = None
    reminders: list[NextDose] = []
    doses: list[datetime] = []
    min_gap = timedelta(hours=prefs.min_hours_between_doses)
    for event, amount in history:
        dose = next_dose(
            prefs,
            start=start,
            last_taken=last_taken,
            last_closed_day=last_closed_day,
            not_before=not_before,
        )
        assert_at_preferred_time(dose, prefs)
        assert dose.day >= start
        if reminders:
            assert dose.day > reminders[-1].day
        if last_taken is not None:
            assert local_date(dose.at, prefs.zone) >= local_date(last_taken, prefs.zone) + (
                timedelta(days=2)
            )
            assert dose.at - last_taken >= min_gap
        if not_before is not None:
            assert dose.at >= not_before
        reminders.append(dose)
        if event == "taken":
            window = dose_window_end(dose.day, prefs) - dose.at
            assert window > timedelta(0)
            last_taken = dose.at + window * amount
            doses.append(last_taken)
        elif event == "paused":
            not_before = dose.at + timedelta(hours=amount)
        else:
            last_closed_day = dose.day
    return reminders, doses


def assert_doses_are_spaced(doses: list[datetime], prefs: Preferences) -> None:
    for earlier, later in zip(doses, doses[1:], strict=False):
        assert later - earlier >= timedelta(hours=prefs.min_hours_between_doses)
        gap_days = local_date(later, prefs.zone) - local_date(earlier, prefs.zone)
        assert gap_days >= timedelta(days=2)


@settings(max_examples=200, deadline=None)
@given(
    zone=zones,
    dose_time=dose_times,
    start=start_dates,
    history=histories,
    min_hours=st.sampled_from([40.0, 40.0, 24.0, 36.0, 47.5, 48.0, 60.0]),
)
def test_doses_are_never_on_consecutive_days_nor_too_close(
    zone: ZoneInfo,
    dose_time: time,
    start: date,
    history: list[tuple[str, float]],
    min_hours: float,
):
    prefs = Preferences(zone=zone, dose_time=dose_time, min_hours_between_doses=min_hours)
    _, doses = simulate(prefs, start, history)
    assert_doses_are_spaced(doses, prefs)


@settings(max_examples=30, deadline=None)
@given(
    zone_name=st.sampled_from(DST_ZONE_NAMES),
    dose_time=dose_times,
    start=start_dates,
    lateness=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=1, max_size=10),
)
def test_the_local_dose_time_is_kept_across_dst_over_a_long_history(
    zone_name: str, dose_time: time, start: date, lateness: list[float]
):
    zone = ZoneInfo(zone_name)
    prefs = Preferences(zone=zone, dose_time=dose_time)
    # 300 doses is over a year and a half: at least three DST changes in every zone.
    history = [("taken", lateness[n % len(lateness)]) for n in range(300)]
    reminders, doses = simulate(prefs, start, history)
    assert_doses_are_spaced(doses, prefs)
    assert len({dose.at.astimezone(zone).utcoffset() for dose in reminders}) == 2


def spring_gaps(zone: ZoneInfo, year: int) -> list[tuple[datetime, datetime, timedelta]]:
    """Each spring-forward of ``zone`` in ``year``: (UTC instant, naive wall start, size)."""
    gaps = []
    day = date(year, 1, 1)
    before = datetime.combine(day, time(12), tzinfo=zone).utcoffset()
    while day.year == year:
        after = datetime.combine(day + timedelta(days=1), time(12), tzinfo=zone).utcoffset()
        if after > before:
            low = int(datetime.combine(day, time(12), tzinfo=zone).timestamp())
            high = low + 36 * 3600
            while high - low > 1:  # bisect to the first second on the new offset
                middle = (low + high) // 2
                if datetime.fromtimestamp(middle, zone).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            instant = datetime.fromtimestamp(high, UTC)
            gaps.append((instant, (instant + before).replace(tzinfo=None), after - before))
        before = after
        day += timedelta(days=1)
    return gaps


@settings(max_examples=100, deadline=None)
@given(
    zone_name=st.one_of(st.sampled_from(DST_ZONE_NAMES), st.sampled_from(SEASONAL_ZONE_NAMES)),
    year=st.integers(2020, 2035),
    which=st.integers(0, 3),
    into=st.floats(0.0, 1.0, exclude_max=True),
)
def test_a_dose_time_inside_a_dst_gap_is_moved_later_never_dropped(
    zone_name: str, year: int, which: int, into: float
):
    zone = ZoneInfo(zone_name)
    gaps = spring_gaps(zone, year)
    assume(gaps)
    instant, gap_start, size = gaps[which % len(gaps)]
    minutes = int(size / timedelta(minutes=1) * into)
    missing = gap_start + timedelta(minutes=minutes)
    prefs = Preferences(zone=zone, dose_time=missing.time())

    first = next_dose(prefs, start=missing.date(), last_taken=None)
    assert first.day == missing.date()
    assert first.at == instant + timedelta(minutes=minutes)
    assert_at_preferred_time(first, prefs)

    taken_before = at_local(missing.date() - timedelta(days=2), missing.time(), zone)
    again = next_dose(prefs, start=date(2019, 1, 1), last_taken=taken_before)
    assert (again.day, again.at) == (first.day, first.at)


quiet_starts = st.builds(time, st.integers(19, 23), st.sampled_from([0, 15, 30, 45]))
quiet_ends = st.builds(time, st.integers(5, 9), st.sampled_from([0, 15, 30, 45]))


@settings(max_examples=200, deadline=None)
@given(
    zone=zones,
    moment=st.datetimes(naive(2020, 1, 1, 0, 0), naive(2035, 12, 31, 0, 0), timezones=st.just(UTC)),
    quiet=st.one_of(
        st.just((time(21, 30), time(8, 0))),
        st.tuples(quiet_starts, quiet_ends),
        quiet_starts.map(lambda at: (at, at)),
    ),
)
def test_a_held_message_goes_out_at_the_first_moment_allowed(
    zone: ZoneInfo, moment: datetime, quiet: tuple[time, time]
):
    prefs = Preferences(zone=zone, dose_time=time(19, 30), quiet_start=quiet[0], quiet_end=quiet[1])
    held = outside_quiet_hours(moment, prefs)
    assert held.tzinfo is UTC
    assert not in_quiet_hours(held, prefs)
    assert outside_quiet_hours(held, prefs) == held
    if in_quiet_hours(moment, prefs):
        assert moment < held <= moment + timedelta(hours=24)
        assert wall(held, zone).time() >= prefs.quiet_end
    else:
        assert held == moment
