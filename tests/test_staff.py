"""The staff dashboard over HTTP: every route behind a session, CSRF, lockout, timeouts, escaping,
who sees which patient, and the audit rows each action leaves."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, select
from starlette.routing import Route
from starlette.testclient import TestClient

from reminder.app import App
from reminder.config import load_settings
from reminder.db import session_scope
from reminder.enrolment import add_contact
from reminder.models import (
    Alert,
    AlertStatus,
    ContactRole,
    Message,
    Patient,
    PatientStatus,
    StaffAccount,
    StaffSession,
)
from reminder.staff import accounts
from reminder.staff.headers import HEADERS
from reminder.staff.pages import PREFIX, StaffPages
from reminder.web import create_app
from tests.staff_world import (  # noqa: F401  (fixture)
    ADA_PHONE,
    PASSWORD,
    SELF_HARM,
    Clinic,
    clinic_fixture,
    csrf_in,
    staff_settings,
)

# Stylesheets only, and the two ways in.
PUBLIC = {"/login", "/password/{token}", "/static/staff.css", "/static/report.css"}


@pytest.fixture
def client(clinic: Clinic) -> Iterator[TestClient]:
    with TestClient(create_app(App(clinic.settings, clinic.engine, clinic.clock))) as test_client:
        yield test_client


def login_answer(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    form = client.get(f"{PREFIX}/login")
    return client.post(
        f"{PREFIX}/login",
        data={"csrf": csrf_in(form.text), "name": name, "password": password, "next": ""},
        follow_redirects=False,
    )


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> int:
    return login_answer(client, name, password).status_code


def page_csrf(client: TestClient, path: str = f"{PREFIX}/") -> str:
    return csrf_in(client.get(path).text)


def raise_mood_alert(clinic: Clinic, text: str = SELF_HARM) -> int:
    clinic.bot.say(text, sender=ADA_PHONE)
    with session_scope(clinic.engine) as session:
        return session.exec(select(Alert.id).where(Alert.patient_id == clinic.ada)).one()


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_sends_a_visitor_without_a_session_to_the_login_page(
    clinic: Clinic, client: TestClient
) -> None:
    routes = [
        r
        for r in StaffPages(App(clinic.settings, clinic.engine, clinic.clock)).routes()
        if isinstance(r, Route) and r.path not in PUBLIC
    ]
    assert len(routes) >= 10
    for route in routes:
        for method in sorted((route.methods or set()) - {"HEAD"}):
            path = PREFIX + concrete(route.path)
            response = client.request(method, path, follow_redirects=False)
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith(f"{PREFIX}/login?next=")
            as_json = client.request(
                method, path, headers={"Accept": "application/json"}, follow_redirects=False
            )
            assert as_json.status_code == 403, (method, path)
            assert as_json.json() == {"error": "login required"}


def test_login_starts_a_new_session_and_logout_ends_it(clinic: Clinic, client: TestClient) -> None:
    assert log_in(client, "nora") == 303
    first = client.cookies.get("staff_session")
    assert log_in(client, "nora@clinic.example") == 303
    second = client.cookies.get("staff_session")
    assert first and second and first != second
    with session_scope(clinic.engine) as session:
        rows = list(session.exec(select(StaffSession).order_by(col(StaffSession.created_at))))
    assert [r.ended_reason for r in rows] == ["replaced by a new login", None]
    assert first not in {r.id for r in rows}  # only the hash of the cookie value is stored

    client.post(f"{PREFIX}/logout", data={"csrf": page_csrf(client)}, follow_redirects=False)

    assert client.get(f"{PREFIX}/", follow_redirects=False).status_code == 303
    with session_scope(clinic.engine) as session:
        assert (
            session.exec(select(StaffSession).where(col(StaffSession.ended_at).is_(None))).all()
            == []
        )
    assert [e.action for e in clinic.audit()] == ["login", "login", "logout"]


def test_the_session_cookie_is_http_only_and_same_site_lax_and_secure_behind_https(
    clinic: Clinic, database_url: str, tmp_path: Path
) -> None:
    settings = staff_settings(database_url, tmp_path)
    with TestClient(create_app(App(settings, clinic.engine, clinic.clock))) as plain:
        form = plain.get(f"{PREFIX}/login")
        response = plain.post(
            f"{PREFIX}/login",
            data={"csrf": csrf_in(form.text), "name": "nora", "password": PASSWORD},
            follow_redirects=False,
        )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/staff" in cookie
    assert "secure" not in cookie
    https = staff_settings(database_url, tmp_path, 'public_base_url = "https://rem.example.org"')
    with TestClient(create_app(App(https, clinic.engine, clinic.clock))) as secure:
        form = secure.get(f"{PREFIX}/login")
        response = secure.post(
            f"{PREFIX}/login",
            data={"csrf": csrf_in(form.text), "name": "nora", "password": PASSWORD},
            follow_redirects=False,
        )
    assert "secure" in response.headers["set-cookie"].lower()


def test_every_page_carries_the_security_headers(clinic: Clinic, client: TestClient) -> None:
    answers = [
        client.get(f"{PREFIX}/login"),
        client.get(f"{PREFIX}/", follow_redirects=False),
        client.get(f"{PREFIX}/no-such-page"),
    ]
    log_in(client, "sam")
    answers += [
        client.get(f"{PREFIX}{path}")
        for path in ("/", "/patients", f"/patients/{clinic.ada}", "/messages", "/audit")
    ]
    for response in answers:
        for name, value in HEADERS.items():
            assert response.headers[name] == value
    csp = HEADERS["Content-Security-Policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "<script" not in "".join(r.text for r in answers)


def test_a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(
    clinic: Clinic, client: TestClient
) -> None:
    alert_id = raise_mood_alert(clinic)
    log_in(client, "nora")
    messages_before = len(clinic.bot.messages())

    for csrf in ("", "forged"):
        ack = client.post(
            f"{PREFIX}/alerts/{alert_id}/acknowledge", data={"csrf": csrf, "note": "x"}
        )
        pause = client.post(
            f"{PREFIX}/patients/{clinic.ada}/pause", data={"csrf": csrf, "days": "3"}
        )
        assert ack.status_code == pause.status_code == 403
        assert "Nothing was changed" in ack.text

    with session_scope(clinic.engine) as session:
        assert session.get(Alert, alert_id).status == AlertStatus.OPEN  # type: ignore[union-attr]
        assert session.get(Patient, clinic.ada).status == PatientStatus.ACTIVE  # type: ignore[union-attr]
    assert len(clinic.bot.messages()) == messages_before
    assert [e.action for e in clinic.audit()] == ["login"]


def test_a_login_form_without_its_csrf_cookie_is_refused(client: TestClient) -> None:
    response = client.post(
        f"{PREFIX}/login", data={"csrf": "made-up", "name": "nora", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "staff_session" not in client.cookies


def test_a_disabled_accounts_session_stops_working_at_its_next_request(
    clinic: Clinic, client: TestClient
) -> None:
    log_in(client, "nora")
    assert client.get(f"{PREFIX}/").status_code == 200
    with session_scope(clinic.engine) as session:  # as another process (or admin) would
        session.execute(
            sa.update(StaffAccount)
            .where(StaffAccount.name == "nora")
            .values(disabled_at=clinic.clock.now())
        )

    response = client.get(f"{PREFIX}/", follow_redirects=False)

    assert response.status_code == 303
    with session_scope(clinic.engine) as session:
        assert session.exec(select(StaffSession.ended_reason)).all() == ["account disabled"]
    assert log_in(client, "nora") == 401


def test_staff_disable_ends_the_accounts_sessions_at_once(
    clinic: Clinic, client: TestClient
) -> None:
    log_in(client, "nora")
    with session_scope(clinic.engine) as session:
        account = accounts.require_account(session, "nora")
        assert accounts.disable(session, account, clinic.clock.now()) == 1
    assert client.get(f"{PREFIX}/", follow_redirects=False).status_code == 303


def test_the_lockout_engages_after_the_fifth_failure_and_lifts_after_the_window(
    clinic: Clinic, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="reminder.staff")  # whatever an earlier test configured
    for _ in range(4):
        assert log_in(client, "nora", "wrong password") == 401
    clinic.clock.advance(timedelta(minutes=1))
    assert log_in(client, "nora", "wrong password") == 401

    refused = login_answer(client, "nora")  # the right password, but the lockout holds
    assert refused.status_code == 429
    assert "Too many failed logins. Try again after Tue 3 Mar 09:15" in refused.text
    assert "staff_session" not in client.cookies
    actions = [e.action for e in clinic.audit()]
    assert actions == ["login_failed"] * 5 + ["login_locked"]
    assert "too many failures" in caplog.text
    assert PASSWORD not in caplog.text and "wrong password" not in caplog.text

    clinic.clock.advance(timedelta(minutes=14, seconds=1))  # the first failure leaves the window
    assert log_in(client, "nora") == 303


def test_failures_from_one_address_lock_it_whatever_names_are_tried(
    clinic: Clinic, client: TestClient
) -> None:
    for name in ("alice", "bob", "carol", "dave", "erin"):
        assert log_in(client, name, "guess") == 401
    assert log_in(client, "sam") == 429
    assert [e.account_name for e in clinic.audit()][:5] == ["alice", "bob", "carol", "dave", "erin"]


def test_a_session_ends_after_the_idle_timeout(clinic: Clinic, client: TestClient) -> None:
    log_in(client, "nora")
    clinic.clock.advance(timedelta(minutes=29))
    assert client.get(f"{PREFIX}/").status_code == 200  # a request keeps it alive
    clinic.clock.advance(timedelta(minutes=29))
    assert client.get(f"{PREFIX}/").status_code == 200
    clinic.clock.advance(timedelta(minutes=30))

    assert client.get(f"{PREFIX}/", follow_redirects=False).status_code == 303
    with session_scope(clinic.engine) as session:
        assert session.exec(select(StaffSession.ended_reason)).all() == ["idle"]


def test_a_session_ends_after_the_absolute_timeout_however_busy(
    clinic: Clinic, client: TestClient
) -> None:
    log_in(client, "nora")
    for _ in range(12 * 3 - 1):
        clinic.clock.advance(timedelta(minutes=20))
        assert client.get(f"{PREFIX}/", follow_redirects=False).status_code == 200
    clinic.clock.advance(timedelta(minutes=20))

    assert client.get(f"{PREFIX}/", follow_redirects=False).status_code == 303
    with session_scope(clinic.engine) as session:
        assert session.exec(select(StaffSession.ended_reason)).all() == ["expired"]


def test_patient_text_with_markup_is_shown_escaped(clinic: Clinic, client: TestClient) -> None:
    raise_mood_alert(clinic, 'I want to kill myself <img src=x onerror="alert(1)"><b>now</b>')
    log_in(client, "nora")

    alerts = client.get(f"{PREFIX}/").text  # the alert's reason quotes the text
    thread = client.get(f"{PREFIX}/patients/{clinic.ada}").text
    for html in (alerts, thread):
        assert "<img" not in html and "<b>" not in html
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&lt;b&gt;now&lt;/b&gt;</p>" in thread


def test_a_nurse_sees_only_the_patients_whose_chain_holds_her_address(
    clinic: Clinic, client: TestClient
) -> None:
    raise_mood_alert(clinic)
    clinic.bot.say(SELF_HARM, sender="+13125550102")  # Bob, another team's patient
    log_in(client, "nora")

    listed = client.get(f"{PREFIX}/patients").text
    assert "Ada Lovelace" in listed and "Bob Dylan" not in listed
    assert "Bob Dylan" not in client.get(f"{PREFIX}/").text
    assert client.get(f"{PREFIX}/patients/{clinic.bob}").status_code == 403
    with session_scope(clinic.engine) as session:
        bobs = session.exec(select(Alert.id).where(Alert.patient_id == clinic.bob)).one()
    refused = client.post(
        f"{PREFIX}/alerts/{bobs}/acknowledge", data={"csrf": page_csrf(client), "note": ""}
    )
    assert refused.status_code == 403
    with session_scope(clinic.engine) as session:
        assert session.get(Alert, bobs).status == AlertStatus.OPEN  # type: ignore[union-attr]
    refusals = [(e.action, e.patient_id) for e in clinic.audit() if e.action == "patient_refused"]
    assert refusals == [("patient_refused", clinic.bob)]


def test_an_admin_sees_every_patient_and_the_audit_trail_as_csv(
    clinic: Clinic, client: TestClient
) -> None:
    log_in(client, "nora")
    assert client.get(f"{PREFIX}/audit").status_code == 403
    client.post(f"{PREFIX}/logout", data={"csrf": page_csrf(client)})
    log_in(client, "sam")

    listed = client.get(f"{PREFIX}/patients").text
    assert "Ada Lovelace" in listed and "Bob Dylan" in listed
    assert client.get(f"{PREFIX}/patients/{clinic.bob}").status_code == 200
    exported = client.get(f"{PREFIX}/audit.csv")

    assert exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.strip().splitlines()
    assert lines[0].startswith("id,at,account_id,account_name,action,address")
    assert [line.split(",")[4] for line in lines[1:]] == [
        "login",
        "logout",
        "login",
        "patient_viewed",
    ]
    assert clinic.audit()[-1].action == "audit_exported"


def test_pause_and_resume_from_the_patient_page_are_audited(
    clinic: Clinic, client: TestClient
) -> None:
    log_in(client, "nora")
    page = f"{PREFIX}/patients/{clinic.ada}"

    paused = client.post(f"{page}/pause", data={"csrf": page_csrf(client, page), "days": "3"})

    assert "reminders are paused" in paused.text
    patient = clinic.bot.patient(clinic.ada)
    assert patient.status == PatientStatus.PAUSED
    assert patient.paused_until == clinic.clock.now() + timedelta(days=3)
    resumed = client.post(f"{page}/resume", data={"csrf": page_csrf(client, page)})
    assert "reminders are resumed" in resumed.text
    assert clinic.bot.patient(clinic.ada).status == PatientStatus.ACTIVE
    again = client.post(f"{page}/resume", data={"csrf": page_csrf(client, page)})
    assert again.status_code == 409
    actions = [(e.action, e.patient_id) for e in clinic.audit() if e.action.startswith("patient_")]
    assert ("patient_paused", clinic.ada) in actions and ("patient_resumed", clinic.ada) in actions


def test_a_password_link_sets_the_password_once(clinic: Clinic, client: TestClient) -> None:
    with session_scope(clinic.engine) as session:
        account = accounts.require_account(session, "nora")
        url = accounts.password_link(clinic.settings, account, clinic.clock.now()).url
    path = url.split("127.0.0.1:8000", 1)[1]
    form = client.get(path)
    assert form.status_code == 200
    new = "a brand new long password"

    done = client.post(
        path,
        data={"csrf": csrf_in(form.text), "password": new, "again": new},
        follow_redirects=False,
    )

    assert done.status_code == 303
    assert log_in(client, "nora", new) == 303
    assert client.get(path).status_code == 410  # used
    assert "password_set" in [e.action for e in clinic.audit()]


def test_a_password_link_expires(clinic: Clinic, client: TestClient) -> None:
    with session_scope(clinic.engine) as session:
        account = accounts.require_account(session, "nora")
        url = accounts.password_link(clinic.settings, account, clinic.clock.now()).url
    clinic.clock.advance(timedelta(hours=24))
    assert client.get(url.split("127.0.0.1:8000", 1)[1]).status_code == 410


def test_passwords_are_stored_as_argon2id_hashes_only(clinic: Clinic) -> None:
    with session_scope(clinic.engine) as session:
        hashes = session.exec(select(StaffAccount.password_hash)).all()
    assert all(h and h.startswith("$argon2id$") for h in hashes)
    assert not any(PASSWORD in (h or "") for h in hashes)


def test_the_dashboard_is_not_served_without_a_secret_key(
    clinic: Clinic, database_url: str, tmp_path: Path
) -> None:
    settings = load_settings(
        {"DATABASE_URL": database_url, "REMINDER_CONFIG": str(tmp_path / "reminder.toml")}
    )
    with TestClient(create_app(App(settings, clinic.engine, clinic.clock))) as bare:
        assert bare.get(f"{PREFIX}/login").status_code == 404


def test_acknowledging_stops_escalation_and_tells_the_contacts_already_notified(
    clinic: Clinic, client: TestClient
) -> None:
    alert_id = raise_mood_alert(clinic)
    log_in(client, "sam")

    done = client.post(
        f"{PREFIX}/alerts/{alert_id}/acknowledge",
        data={"csrf": page_csrf(client), "note": "called her, she is safe"},
    )

    assert "The alert is acknowledged" in done.text
    with session_scope(clinic.engine) as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None and alert.status == AlertStatus.ACKNOWLEDGED
        assert alert.escalate_at is None
        assert alert.acknowledged_note == "sam (admin) via the dashboard: called her, she is safe"
        keys = session.exec(
            select(Message.idempotency_key).where(col(Message.idempotency_key).contains(":ack:"))
        ).all()
    assert sorted(keys) == sorted(
        f"alert:{alert_id}:ack:contact:{c}"
        for c in (clinic.nurse_contact, clinic.caregiver_contact)
    )
    again = client.post(
        f"{PREFIX}/alerts/{alert_id}/acknowledge", data={"csrf": page_csrf(client), "note": ""}
    )
    assert again.status_code == 409


def test_a_nurse_who_is_a_contact_of_several_patients_sees_each_of_them(
    clinic: Clinic, client: TestClient
) -> None:
    with session_scope(clinic.engine) as session:
        bob = session.get(Patient, clinic.bob)
        assert bob is not None
        add_contact(
            session,
            clinic.settings,
            bob,
            name="Nora N.",
            phone="(312) 555-0150",
            email=None,
            role=ContactRole.NURSE,
            now=clinic.clock.now(),
        )  # her own row in Bob's chain, matched on the number, whatever its spelling
    log_in(client, "nora")

    listed = client.get(f"{PREFIX}/patients").text
    assert "Ada Lovelace" in listed and "Bob Dylan" in listed
    assert client.get(f"{PREFIX}/patients/{clinic.bob}").status_code == 200


def test_urgent_open_alerts_come_first(clinic: Clinic, client: TestClient) -> None:
    with session_scope(clinic.engine) as session:
        now = clinic.clock.now()
        for kind, severity, minutes in (("adherence", "routine", 60), ("mood", "urgent", 5)):
            session.add(
                Alert(
                    patient_id=clinic.ada,
                    kind=kind,
                    severity=severity,
                    reason=f"{kind} reason",
                    created_at=now - timedelta(minutes=minutes),
                    evidence_at=now,
                )
            )
    log_in(client, "nora")
    html = client.get(f"{PREFIX}/").text
    assert html.index("mood reason") < html.index("adherence reason")
    assert "2 open" in html


def test_login_goes_back_to_the_page_asked_for_but_never_to_another_site(
    client: TestClient,
) -> None:
    asked = client.get(f"{PREFIX}/patients?q=ada", follow_redirects=False)
    assert asked.headers["location"] == f"{PREFIX}/login?next=/staff/patients%3Fq%3Dada"
    for target, landing in (
        ("/staff/patients?q=ada", "/staff/patients?q=ada"),
        ("https://evil.example/", "/staff/"),
        ("//evil.example/staff/", "/staff/"),
    ):
        form = client.get(f"{PREFIX}/login")
        response = client.post(
            f"{PREFIX}/login",
            data={"csrf": csrf_in(form.text), "name": "sam", "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == landing


def test_the_report_downloads_only_for_a_patient_one_may_see(
    clinic: Clinic, client: TestClient
) -> None:
    log_in(client, "nora")

    own = client.get(f"{PREFIX}/patients/{clinic.ada}/report.csv")
    other = client.get(f"{PREFIX}/patients/{clinic.bob}/report.csv")

    assert own.status_code == 200 and own.headers["content-type"].startswith("text/csv")
    assert own.headers["content-disposition"] == (
        f'attachment; filename="report-{clinic.ada}-2025-12-04-2026-03-03.csv"'
    )
    assert len(own.text.strip().splitlines()) == 1 + 90  # a header and one row a day
    assert other.status_code == 403
    downloads = [(e.action, e.patient_id) for e in clinic.audit() if e.action.startswith("report")]
    assert downloads == [("report_downloaded", clinic.ada)]
