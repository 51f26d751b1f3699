"""`reminder patient supply` and `reminder lab`: vials on hand, and lab tests done."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from reminder import care, doses, labs, planner
from reminder.cli.shell import AtOption, PatientArgument, application, fail
from reminder.db import session_scope
from reminder.enrolment import find_patient
from reminder.models import LabKind


def patient_supply(
    patient: PatientArgument,
    add: Annotated[int | None, typer.Option(help="Vials added by a refill.")] = None,
    set_to: Annotated[int | None, typer.Option("--set", help="Vials on hand, counted.")] = None,
    at: AtOption = None,
) -> None:
    """Record a refill (--add N) or a count (--set N); prints the vials on hand and run-out date."""
    if (add is None) == (set_to is None):
        fail("give exactly one of --add N or --set N")
    if add is not None and add < 1:
        fail(f"--add: a refill adds 1 vial or more, not {add}")
    if set_to is not None and set_to < 0:
        fail(f"--set: a count of vials is 0 or more, not {set_to}")
    with application(at) as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        now = ctx.clock.now()
        care.set_vials(found, ctx.settings, now, add=add, count=set_to)
        session.add(found)
        planner.replan(session, found, ctx.settings, now)
        dose = doses.open_dose(session, found.id or 0)
        view = care.supply_view(found, dose.day if dose else None)
    run_out = f", enough until {view['run_out_on']}" if view["run_out_on"] else ""
    typer.echo(f"{view['vials']} vials on hand{run_out}")


def lab_done(
    patient: PatientArgument,
    day: Annotated[
        str | None, typer.Option("--date", help="Day of the test, YYYY-MM-DD (default today).")
    ] = None,
    kind: Annotated[
        LabKind | None,
        typer.Option(help="The test; without it, the routine blood count and liver tests."),
    ] = None,
    at: AtOption = None,
) -> None:
    """Record a lab test done; the next reminder of its kind counts from it."""
    with application(at) as ctx, session_scope(ctx.engine) as session:
        found = find_patient(session, patient)
        now = ctx.clock.now()
        today = now.astimezone(ZoneInfo(found.timezone)).date()
        try:
            done_on = date.fromisoformat(day) if day else today
        except ValueError:
            fail(f"--date: {day!r} is not a YYYY-MM-DD date")
        if done_on > today:
            fail(f"--date: {done_on} is in the future; record a test once it is done")
        kinds = [kind] if kind else [LabKind(k) for k in labs.ROUTINE]
        care.record_lab(session, found, ctx.settings, kinds, done_on, now, "operator")
        planner.replan(session, found, ctx.settings, now)
        view = care.labs_view(session, found, ctx.settings)
    upcoming = view["next_thyroid_on"] if kind == LabKind.THYROID else view["next_on"]
    typer.echo(f"recorded {', '.join(kinds)} on {done_on}; next due {upcoming or '-'}")
