"""`reminder alerts` and `reminder messages`: the alerts the red-flag rules raised, and the outbox."""

from __future__ import annotations

from typing import Annotated

import typer

from reminder import escalation, listings
from reminder.cli.shell import AtOption, JsonOption, Row, application, fail, print_rows
from reminder.db import session_scope
from reminder.enrolment import find_patient
from reminder.models import MessageStatus


def alerts_list(
    only_open: Annotated[
        bool, typer.Option("--open", help="Only alerts not yet acknowledged.")
    ] = False,
    patient: Annotated[str | None, typer.Option(help="Only this patient's alerts.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Alerts with their reason, who they went to, and who acknowledged them."""
    with application() as ctx, session_scope(ctx.engine) as session:
        patient_id = find_patient(session, patient).id if patient else None
        rows = listings.alerts(session, only_open=only_open, patient_id=patient_id)
    columns = ("id", "patient", "kind", "severity", "status", "created", "reason", "sent to")
    print_rows(rows, as_json, columns, _alert_cells)


def _alert_cells(row: Row) -> tuple[str, ...]:
    return (
        str(row["id"]),
        row["patient_name"] or str(row["patient"]),
        row["kind"],
        row["severity"],
        row["status"] + (f" by {row['acknowledged_by']}" if row["acknowledged_by"] else ""),
        (row["created_at"] or "")[:16],
        row["reason"],
        ", ".join(
            ("operator " if n["recipient"] == "operator" else "") + f"{n['to']} ({n['status']})"
            for n in row["sent_to"]
        )
        or "-",
    )


def alerts_ack(
    alert_id: Annotated[int, typer.Argument(help="The alert's id.")],
    at: AtOption = None,
) -> None:
    """Acknowledge an alert as the operator: it stops escalating, and those told hear so."""
    with application(at) as ctx:
        with session_scope(ctx.engine) as session:
            alert = listings.alert(session, alert_id)
            if alert is None:
                fail(f"no alert with id {alert_id}")
            if not escalation.acknowledge(session, ctx.settings, alert, ctx.clock.now()):
                fail(f"alert {alert_id} is already acknowledged (by {alert.acknowledged_note})")
        ctx.outbox().dispatch()
    typer.echo(f"alert {alert_id} acknowledged")


def messages_list(
    patient: Annotated[str | None, typer.Option(help="Only this patient's messages.")] = None,
    status: Annotated[
        MessageStatus | None, typer.Option(help="Only messages in this status.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 200,
    as_json: JsonOption = False,
) -> None:
    """The outbox with each message's status."""
    with application() as ctx, session_scope(ctx.engine) as session:
        patient_id = find_patient(session, patient).id if patient else None
        rows = listings.messages(session, limit=limit, patient_id=patient_id, status=status)
    columns = ("id", "patient", "kind", "status", "send at (UTC)", "body / reason")
    print_rows(rows, as_json, columns, _message_cells)


def _message_cells(row: Row) -> tuple[str, ...]:
    detail = row["failed_reason"] if row["status"] in ("failed", "cancelled") else row["body"]
    return (
        str(row["id"]),
        str(row["patient"]),
        row["kind"],
        row["status"],
        row["send_at"][:16],
        detail or "",
    )
