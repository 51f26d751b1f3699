"""The `reminder` command line: the tree of commands; the modules beside this one parse and print.

The tree is written here, in the order `reminder --help` lists it; each command is a function of
the module for its group (patients, contacts, alerts, service, records, staff, ...).
"""

from __future__ import annotations

import typer

from reminder.app import tune_garbage_collector
from reminder.cli import (
    alerts,
    contacts,
    conversations,
    patients,
    records,
    service,
    staff,
    treatment,
)

app = typer.Typer(
    help="Every-other-day injection reminders, check-ins and escalation for interferon beta-1b.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("init")(service.init)
app.command("import")(patients.import_command)
app.command("inbound")(conversations.inbound)
app.command("tick")(service.tick)
app.command("run")(service.run)
app.command("worker")(service.worker)
app.command("serve")(service.serve)
app.command("demo")(conversations.demo)
app.command("report")(records.report)
app.command("export")(records.export)

patient_app = typer.Typer(help="Enrol and manage patients.", no_args_is_help=True)
patient_app.command("add")(patients.patient_add)
patient_app.command("list")(patients.patient_list)
patient_app.command("show")(patients.patient_show)
patient_app.command("pause")(patients.patient_pause)
patient_app.command("resume")(patients.patient_resume)
patient_app.command("language")(patients.patient_language)
patient_app.command("supply")(treatment.patient_supply)
app.add_typer(patient_app, name="patient")

contact_app = typer.Typer(
    help="Caregivers, nurses and doctors to alert, in order.", no_args_is_help=True
)
contact_app.command("add")(contacts.contact_add)
contact_app.command("language")(contacts.contact_language)
contact_app.command("list")(contacts.contact_list)
app.add_typer(contact_app, name="contact")

messages_app = typer.Typer(help="The outbox.", no_args_is_help=True)
messages_app.command("list")(alerts.messages_list)
app.add_typer(messages_app, name="messages")

alerts_app = typer.Typer(help="Alerts raised by the red-flag rules.", no_args_is_help=True)
alerts_app.command("list")(alerts.alerts_list)
alerts_app.command("ack")(alerts.alerts_ack)
app.add_typer(alerts_app, name="alerts")

staff_app = typer.Typer(help="Accounts of the staff dashboard at /staff.", no_args_is_help=True)
staff_app.command("add")(staff.staff_add)
staff_app.command("list")(staff.staff_list)
staff_app.command("disable")(staff.staff_disable)
staff_app.command("password")(staff.staff_password)
app.add_typer(staff_app, name="staff")

lab_app = typer.Typer(help="Lab tests: blood count, liver and thyroid.", no_args_is_help=True)
lab_app.command("done")(treatment.lab_done)
app.add_typer(lab_app, name="lab")


def main() -> None:  # pragma: no cover - the console script entry point
    tune_garbage_collector()
    app()
