"""A conversation without a phone: `inbound` feeds a reply by hand, `demo` plays two scripted weeks."""

from __future__ import annotations

from typing import Annotated

import typer

from reminder import conversation, listings
from reminder.cli.shell import AtOption, application, clock_at, fail
from reminder.db import session_scope
from reminder.models import Channel


def inbound(
    text: Annotated[str, typer.Argument(help="What the person wrote.")],
    sender: Annotated[str, typer.Option("--from", help="Their phone number or email address.")],
    channel: Annotated[Channel, typer.Option(help="sms or email.")] = Channel.SMS,
    at: AtOption = None,
) -> None:
    """Feed a reply by hand, as if it had arrived; the answer is sent at once."""
    with application(at) as ctx:
        result = conversation.receive(
            ctx.engine, ctx.settings, ctx.clock, sender=sender, body=text, channel=channel
        )
        ctx.outbox().dispatch()
        typer.echo(f"inbound {result.inbound_id}: {result.parsed_as}: {result.outcome}")
        if result.answer_message_id is not None:
            with session_scope(ctx.engine) as session:
                answer = listings.message(session, result.answer_message_id)
            if answer is not None:
                typer.echo(f"answer ({answer['status']}): {answer['body'] or ''}")


def demo(
    at: Annotated[
        str | None,
        typer.Option("--at", help="Day the simulated two weeks start (ISO 8601 with offset)."),
    ] = None,
    language: Annotated[
        str, typer.Option(help="The language the patient and caregiver read: en, es, de or fr.")
    ] = "en",
) -> None:
    """Two simulated weeks of a new patient, on a temporary database, printed as a conversation."""
    from reminder.demo import LANGUAGES, run_demo

    if language not in LANGUAGES:
        fail(f"--language: {language!r} is not one of {', '.join(LANGUAGES)}")
    run_demo(clock_at(at).now(), echo=typer.echo, language=language)
