"""Signed link tokens: they name the patient, the message and the action, expire, and resist edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reminder.config import ConfigError, load_settings
from reminder.links import (
    Action,
    LinkError,
    email_links,
    make_token,
    read_token,
    url,
    use_key,
)
from reminder.models import Channel, Message, MessageKind, Recipient

NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def _settings(tmp_path: Path, key: str | None = "k" * 40, config: str = ""):  # type: ignore[no-untyped-def]
    path = tmp_path / "links.toml"
    path.write_text(config, encoding="utf-8")
    env = {"REMINDER_CONFIG": str(path)}
    if key:
        env["REMINDER_SECRET_KEY"] = key
    return load_settings(env)


def test_a_token_names_patient_message_and_action_until_it_expires(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    token = make_token(settings, patient_id=7, message_id=42, action=Action.CHECKIN, now=NOW)

    link = read_token(settings, token, NOW + timedelta(hours=35, minutes=59))

    assert (link.patient_id, link.message_id, link.action) == (7, 42, Action.CHECKIN)
    assert link.expires_at == NOW + timedelta(hours=36)
    assert use_key(link) == "link:checkin:42"
    with pytest.raises(LinkError) as expired:
        read_token(settings, token, NOW + timedelta(hours=36))
    assert expired.value.reason == "expired"


def test_the_expiry_comes_from_the_configuration(tmp_path: Path) -> None:
    settings = _settings(tmp_path, config="[links]\nexpiry_hours = 2\n")
    token = make_token(settings, patient_id=1, message_id=1, action=Action.TAKEN, now=NOW)

    assert read_token(settings, token, NOW + timedelta(hours=1)).action == Action.TAKEN
    with pytest.raises(LinkError):
        read_token(settings, token, NOW + timedelta(hours=2, seconds=1))


def test_a_changed_character_or_another_key_makes_a_token_tampered(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    token = make_token(settings, patient_id=7, message_id=42, action=Action.TAKEN, now=NOW)
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]

    for bad, used_settings in (
        (flipped, settings),
        (token, _settings(tmp_path, key="another-key" * 4)),
        ("not-a-token", settings),
    ):
        with pytest.raises(LinkError) as error:
            read_token(used_settings, bad, NOW)
        assert error.value.reason == "tampered"


def test_links_need_the_secret_key(tmp_path: Path) -> None:
    settings = _settings(tmp_path, key=None)
    with pytest.raises(ConfigError, match="REMINDER_SECRET_KEY"):
        make_token(settings, patient_id=1, message_id=1, action=Action.TAKEN, now=NOW)


def test_a_link_is_built_on_the_public_base_url(tmp_path: Path) -> None:
    settings = _settings(tmp_path, config='public_base_url = "https://rem.example.org/"\n')
    assert url(settings, Action.CHECKIN, "abc") == "https://rem.example.org/c/abc"
    assert url(settings, Action.UNSUBSCRIBE, "abc") == "https://rem.example.org/u/abc"


def _message(kind: MessageKind, recipient: Recipient = Recipient.PATIENT, **row: object) -> Message:
    fields = {"channel": Channel.EMAIL, "to_address": "ada@example.org", "template": "t", **row}
    return Message(id=42, patient_id=7, kind=kind, recipient=recipient, send_at=NOW, **fields)


def test_an_email_reminder_carries_unsubscribe_and_taken_signed_from_its_row(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)

    links = email_links(settings, _message(MessageKind.REMINDER))

    assert sorted(links) == ["taken", "unsubscribe"]
    assert links["taken"].startswith(url(settings, Action.TAKEN, ""))
    link = read_token(settings, links["taken"].rpartition("/")[2], NOW)
    assert (link.patient_id, link.message_id, link.action) == (7, 42, Action.TAKEN)
    assert link.expires_at == NOW + timedelta(hours=36)


def test_each_reader_gets_the_links_that_are_theirs_to_use(tmp_path: Path) -> None:
    settings = _settings(tmp_path)

    def actions(kind: MessageKind, recipient: Recipient = Recipient.PATIENT) -> list[str]:
        return sorted(email_links(settings, _message(kind, recipient)))

    assert actions(MessageKind.NUDGE) == ["taken", "unsubscribe"]
    assert actions(MessageKind.CHECKIN) == ["checkin", "unsubscribe"]
    assert actions(MessageKind.REMINDER, Recipient.CONTACT) == ["unsubscribe"]
    assert actions(MessageKind.ALERT, Recipient.OPERATOR) == []


def test_a_text_message_or_a_setup_without_the_key_signs_no_links(tmp_path: Path) -> None:
    text = _message(MessageKind.REMINDER, channel=Channel.SMS, to_address="+13125550100")

    assert email_links(_settings(tmp_path), text) == {}
    assert email_links(_settings(tmp_path, key=None), _message(MessageKind.REMINDER)) == {}
