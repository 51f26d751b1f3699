"""A patient who writes Spanish, German or French, through `reminder inbound --at` and `tick --at`:
the dose, its site, a check-in with a symptom and the follow-up are read in their language and end
in the relapse alert; carrier keywords work in any language. Asserts on stored rows, not wording.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine

from reminder.models import Alert, CheckIn, CheckInKind, Dose, DoseStatus, Patient, PatientStatus
from tests.conftest import Ran, ok
from tests.test_plain_replies import rows, say, tick

PHONE = "+13125550100"


@dataclass(frozen=True)
class Conversation:
    """What a patient of one language writes on the way to a relapse alert."""

    language: str
    done: str  # the dose with its site: left thigh
    checkin: str  # flu 3, site 1, a new vision symptom
    followup: str  # the symptom is still there


CONVERSATIONS = [
    Conversation("es", "listo, muslo izquierdo", "3 1 sí, veo borroso", "sí, sigue"),
    Conversation(
        "de", "erledigt, Oberschenkel links", "3 1 ja, ich sehe verschwommen", "ja, immer noch"
    ),
    Conversation("fr", "c'est fait, cuisse gauche", "3 1 oui je vois flou", "oui, toujours là"),
]


def enrol(cli: Callable[..., Ran], language: str) -> None:
    ok(
        cli(
            "patient", "add", "Ana Ruiz", "--phone", PHONE, "--tz", "America/Chicago",
            "--time", "19:30", "--full-dose", "--start", "2026-03-03", "--language", language,
            "--at", "2026-03-03T10:00-06:00",
        )
    )  # fmt: skip
    ok(cli("contact", "add", "1", "Carl Ruiz", "--phone", "+13125550188"))


@pytest.mark.parametrize("talk", CONVERSATIONS, ids=lambda c: c.language)
def test_a_patient_is_read_in_their_language_from_the_dose_to_the_relapse_alert(
    cli: Callable[..., Ran], engine: Engine, talk: Conversation
) -> None:
    enrol(cli, talk.language)
    tick(cli, "2026-03-03T19:30-06:00")
    say(cli, talk.done, "2026-03-03T19:40-06:00")

    dose = rows(engine, Dose)[0]
    assert (dose.status, dose.site) == (DoseStatus.TAKEN, "left_thigh")

    tick(cli, "2026-03-04T09:00-06:00")
    say(cli, talk.checkin, "2026-03-04T09:10-06:00")
    checkin = next(c for c in rows(engine, CheckIn) if c.kind == CheckInKind.CHECKIN)
    assert (checkin.flu_score, checkin.site_score, checkin.neuro) == (3, 1, True)
    assert checkin.symptoms == ["vision"]
    assert rows(engine, Alert) == []

    tick(cli, "2026-03-05T09:10-06:00")
    say(cli, talk.followup, "2026-03-05T09:30-06:00")

    (followup,) = [c for c in rows(engine, CheckIn) if c.kind == CheckInKind.FOLLOWUP]
    assert (followup.parent_id, followup.neuro) == (checkin.id, True)
    (alert,) = rows(engine, Alert)
    assert alert.kind == "possible_relapse"


@pytest.mark.parametrize(
    ("language", "keyword"), [("en", "ALTO"), ("es", "STOP"), ("de", "STOPP"), ("fr", "ARRET")]
)
def test_a_carrier_stop_keyword_opts_out_whatever_the_patients_language(
    cli: Callable[..., Ran], engine: Engine, language: str, keyword: str
) -> None:
    enrol(cli, language)
    say(cli, keyword, "2026-03-03T12:00-06:00")

    (patient,) = rows(engine, Patient)
    assert patient.status == PatientStatus.OPTED_OUT


def test_words_of_self_harm_in_spanish_raise_the_urgent_alert(
    cli: Callable[..., Ran], engine: Engine
) -> None:
    enrol(cli, "es")
    say(cli, "ya no quiero vivir", "2026-03-03T12:00-06:00")

    (alert,) = rows(engine, Alert)
    assert (alert.kind, alert.severity) == ("mood", "urgent")


@pytest.mark.parametrize(
    ("language", "text", "word"),
    [
        ("es", "listo, la zona de ayer supura", "pus"),
        ("de", "erledigt, aber die alte Stelle ist schwarz", "black"),
        ("fr", "fait, mais il y a une ampoule sur la cuisse", "blister"),
    ],
)
def test_words_of_an_injured_site_in_the_patients_language_raise_the_site_alert(
    cli: Callable[..., Ran], engine: Engine, language: str, text: str, word: str
) -> None:
    enrol(cli, language)
    tick(cli, "2026-03-03T19:30-06:00")
    say(cli, text, "2026-03-03T19:40-06:00")

    assert rows(engine, Dose)[0].status == DoseStatus.TAKEN
    (alert,) = rows(engine, Alert)
    assert alert.kind == "injection_site" and f'"{word}"' in alert.reason
