"""The dashboard under abuse: a burst of guesses at once, ids no row can have."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from reminder.app import App
from reminder.staff.pages import PREFIX
from reminder.web import create_app
from tests.staff_world import PASSWORD, Clinic, clinic_fixture, csrf_in  # noqa: F401  (fixture)

GUESSES = 24


@pytest.fixture
def client(clinic: Clinic) -> Iterator[TestClient]:
    with TestClient(create_app(App(clinic.settings, clinic.engine, clinic.clock))) as test_client:
        yield test_client


def test_guesses_sent_at_once_are_checked_no_more_often_than_the_lockout_allows(
    clinic: Clinic, client: TestClient
) -> None:
    browsers = [TestClient(client.app) for _ in range(GUESSES)]
    tokens = [csrf_in(browser.get(f"{PREFIX}/login").text) for browser in browsers]
    start = threading.Barrier(GUESSES)
    statuses: list[int] = []

    def guess(number: int) -> None:
        form = {"csrf": tokens[number], "name": "nora", "password": f"guess {number}", "next": ""}
        start.wait()
        answer = browsers[number].post(f"{PREFIX}/login", data=form, follow_redirects=False)
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    allowed = clinic.settings.file.staff.lockout_failures
    assert sorted(statuses) == [401] * allowed + [429] * (GUESSES - allowed)
    actions = [event.action for event in clinic.audit()]
    assert actions.count("login_failed") == allowed
    assert actions.count("login_locked") == GUESSES - allowed


def test_an_id_too_large_for_any_row_is_not_found_rather_than_a_server_error(
    clinic: Clinic, client: TestClient
) -> None:
    form = {"csrf": csrf_in(client.get(f"{PREFIX}/login").text), "name": "sam", "next": ""}
    assert client.post(f"{PREFIX}/login", data=form | {"password": PASSWORD}).status_code == 200
    csrf = csrf_in(client.get(f"{PREFIX}/").text)
    huge = "9" * 20

    for path in (f"/patients/{huge}", f"/patients/{huge}/report.csv", f"/patients/{2**31}"):
        assert client.get(PREFIX + path).status_code == 404, path
    for path in (f"/patients/{huge}/pause", f"/alerts/{huge}/acknowledge"):
        answer = client.post(PREFIX + path, data={"csrf": csrf}, follow_redirects=False)
        assert answer.status_code == 404, path
