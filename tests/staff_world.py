"""A small clinic for the dashboard tests: two patients with their contacts, a nurse and an admin."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from reminder.clock import SimulatedClock
from reminder.config import Settings, load_settings
from reminder.db import session_scope
from reminder.enrolment import add_contact, add_patient, check_patient
from reminder.models import AuditEvent, ContactRole, Patient, StaffRole
from reminder.staff import accounts
from tests.scenario import Bot

PASSWORD = "correct horse battery staple"
ADA_PHONE = "+13125550101"
BOB_PHONE = "+13125550102"
NURSE_PHONE = "+13125550150"  # Nora, the nurse of Ada's team
OTHER_NURSE_PHONE = "+13125550160"  # Olga, the nurse of Bob's team
CAREGIVER_PHONE = "+13125550170"  # Carl, Ada's husband
SELF_HARM = "I want to kill myself"


@dataclass
class Clinic:
    engine: Engine
    settings: Settings
    clock: SimulatedClock
    bot: Bot
    ada: int
    bob: int
    nurse_contact: int  # Nora's contact row for Ada
    caregiver_contact: int

    def audit(self) -> list[AuditEvent]:
        with session_scope(self.engine) as session:
            return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.id))))


def staff_settings(database_url: str, tmp_path: Path, top: str = "") -> Settings:
    """Settings with a secret key; ``top`` is TOML put before the file's first section."""
    config = tmp_path / "reminder.toml"
    config.write_text(
        f'{top}\n[schedule]\ndefault_timezone = "America/Chicago"\n', encoding="utf-8"
    )
    return load_settings(
        {
            "DATABASE_URL": database_url,
            "REMINDER_CONFIG": str(config),
            "REMINDER_SECRET_KEY": "a test key that is long enough to sign links",
        }
    )


def build_clinic(engine: Engine, settings: Settings, clock: SimulatedClock) -> Clinic:
    bot = Bot(engine, settings, clock)
    now = clock.now()
    with session_scope(engine) as session:
        ids = []
        for name, phone in (("Ada Lovelace", ADA_PHONE), ("Bob Dylan", BOB_PHONE)):
            spec = check_patient(
                settings,
                name=name,
                phone=phone,
                email=None,
                timezone="America/Chicago",
                dose_time="19:30",
                start="2026-03-03",
                full_dose=True,
            )
            ids.append(add_patient(session, settings, spec, now))
        ada, bob = ids
        nurse = add_contact(
            session,
            settings,
            ada,
            name="Nora Nurse",
            phone=NURSE_PHONE,
            email=None,
            role=ContactRole.NURSE,
            now=now,
        )
        carl = add_contact(
            session,
            settings,
            ada,
            name="Carl Lovelace",
            phone=CAREGIVER_PHONE,
            email=None,
            role=ContactRole.CAREGIVER,
            now=now,
        )
        add_contact(
            session,
            settings,
            bob,
            name="Olga Other",
            phone=OTHER_NURSE_PHONE,
            email=None,
            role=ContactRole.NURSE,
            now=now,
        )
        for name, email, role, contact in (
            ("nora", "nora@clinic.example", StaffRole.NURSE, nurse.id),
            ("sam", "sam@clinic.example", StaffRole.ADMIN, None),
        ):
            account = accounts.add_account(
                session, name=name, email=email, role=role, contact_id=contact, now=now
            )
            accounts.set_password(session, account, PASSWORD, now)
        assert ada.id and bob.id and nurse.id and carl.id
        return Clinic(engine, settings, clock, bot, ada.id, bob.id, nurse.id, carl.id)


def patient_named(engine: Engine, name: str) -> Patient:
    with session_scope(engine) as session:
        return session.exec(select(Patient).where(Patient.name == name)).one()


def csrf_in(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


@pytest.fixture(name="clinic")
def clinic_fixture(
    engine: Engine, database_url: str, clock: SimulatedClock, tmp_path: Path
) -> Clinic:
    settings = staff_settings(database_url, tmp_path)
    return build_clinic(engine, settings, clock)
