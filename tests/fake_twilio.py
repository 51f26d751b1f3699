"""A local fake of Twilio's Messages API, and of Twilio calling our webhooks, for tests with real parts.

The real ``twilio.rest.Client`` speaks HTTP to it on 127.0.0.1: it checks basic auth like Twilio,
records every request, answers like Twilio (201 with a message resource, or Twilio's error JSON),
and can be told to answer the next requests with an error, a delay or a dropped connection. It also
plays Twilio's side of the webhooks: inbound texts and status callbacks, signed with the auth token.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from twilio.request_validator import RequestValidator

from reminder.config import Settings, load_settings

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token-7c1f0e9d2b"
FROM_NUMBER = "+13125550199"
SERVICE_SID = "MG" + "fedcba9876543210" * 2
PUBLIC_URL = "https://reminders.example.org"

# Twilio's own texts for the errors the tests ask for.
ERRORS = {
    21211: (400, "The 'To' number +1555 is not a valid phone number."),
    21610: (400, "Attempt to send to unsubscribed recipient"),
    21614: (400, "'To' number is not a valid mobile number"),
    20003: (401, "Authenticate"),
    20429: (429, "Too Many Requests"),
    20500: (500, "Internal Server Error"),
}


@dataclass(frozen=True)
class Received:
    """One request the fake was sent."""

    path: str
    form: dict[str, str]
    auth: tuple[str, str] | None


@dataclass
class Behaviour:
    """How to answer one request: an error code, a delay before a normal answer, or a dropped
    connection after the message was accepted (the answer never arrives)."""

    error: int | None = None
    delay: float = 0.0
    drop: bool = False


@dataclass
class FakeTwilio:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    requests: list[Received] = field(default_factory=list)
    messages: list[tuple[str, Received]] = field(default_factory=list)  # (sid, request) accepted
    _script: deque[Behaviour] = field(default_factory=deque)
    # Errors answered for every message to a number, as Twilio does for a landline or an opt-out.
    refuse: dict[str, int] = field(default_factory=dict)
    # Called with each accepted message's SID before the create call is answered: Twilio's own
    # status callbacks can come that early, before the caller has stored the SID.
    on_accept: Callable[[str], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closing: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "the fake is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- scripting -------------------------------------------------------------------------

    def fail_next(self, code: int, times: int = 1) -> None:
        """Answer the next ``times`` requests with Twilio's error ``code``."""
        self._script.extend(Behaviour(error=code) for _ in range(times))

    def refuse_number(self, number: str, code: int) -> None:
        """Answer every message to ``number`` with Twilio's error ``code`` (21610, 21614, 20500)."""
        self.refuse[number] = code

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """Accept the next requests, but answer only after ``seconds`` (a client may time out)."""
        self._script.extend(Behaviour(delay=seconds) for _ in range(times))

    def drop_next(self) -> None:
        """Accept the next request, then close the connection without answering."""
        self._script.append(Behaviour(drop=True))

    def bodies(self) -> list[str]:
        return [request.form.get("Body", "") for _, request in self.messages]

    def sid_of(self, body_part: str) -> str:
        [sid] = [sid for sid, request in self.messages if body_part in request.form.get("Body", "")]
        return sid

    # --- Twilio's side of the webhooks --------------------------------------------------------

    def post_signed(
        self, url: str, params: Mapping[str, str], *, token: str | None = None
    ) -> tuple[int, str, str]:
        """POST a form to ``url`` signed as Twilio would; (status, content type, body)."""
        signature = RequestValidator(token or self.auth_token).compute_signature(url, params)
        request = urllib.request.Request(
            url,
            data=urlencode(params).encode(),
            headers={
                "X-Twilio-Signature": signature,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return (
                    response.status,
                    response.headers.get("content-type", ""),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("content-type", ""), error.read().decode()

    def text_us(
        self, url: str, sender: str, body: str, to: str = FROM_NUMBER
    ) -> tuple[int, str, str]:
        """An inbound SMS, as Twilio posts it to the number's webhook."""
        return self.post_signed(url, inbound_form(self.account_sid, sender, body, to))

    def report(self, sid: str, status: str, error_code: str | None = None) -> tuple[int, str, str]:
        """A status callback for an accepted message, to the StatusCallback it was sent with."""
        [request] = [request for known, request in self.messages if known == sid]
        params = {
            "AccountSid": self.account_sid,
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "To": request.form["To"],
            "From": request.form.get("From", FROM_NUMBER),
            "ApiVersion": "2010-04-01",
        }
        if error_code:
            params["ErrorCode"] = error_code
        return self.post_signed(request.form["StatusCallback"], params)

    # --- the server ----------------------------------------------------------------------------

    @contextmanager
    def running(self) -> Iterator[FakeTwilio]:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-twilio"
        )
        thread.start()
        try:
            yield self
        finally:
            self._closing.set()  # cut any scripted delay short
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=5)

    def _next_behaviour(self) -> Behaviour:
        with self._lock:
            return self._script.popleft() if self._script else Behaviour()


def inbound_form(account_sid: str, sender: str, body: str, to: str = FROM_NUMBER) -> dict[str, str]:
    """The form Twilio posts for an inbound SMS, with a fresh MessageSid."""
    sid = "SM" + secrets.token_hex(16)
    return {
        "ToCountry": "US",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "To": to,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def _handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
            received = Received(self.path, form, _basic_auth(self.headers.get("Authorization")))
            with fake._lock:
                fake.requests.append(received)
            expected = f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
            if self.path != expected:
                return self._answer(404, {"code": 20404, "message": "not found", "status": 404})
            if received.auth != (fake.account_sid, fake.auth_token):
                return self._error(20003)
            if form.get("To") in fake.refuse:
                return self._error(fake.refuse[form["To"]])
            behaviour = fake._next_behaviour()
            if behaviour.error is not None:
                return self._error(behaviour.error)
            sid = "SM" + secrets.token_hex(16)
            with fake._lock:
                fake.messages.append((sid, received))
            if fake.on_accept is not None:
                fake.on_accept(sid)
            if behaviour.drop:
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            if behaviour.delay and fake._closing.wait(behaviour.delay):
                return None
            return self._answer(201, _message_resource(fake.account_sid, sid, form))

        def _error(self, code: int) -> None:
            status, text = ERRORS[code]
            more = f"https://www.twilio.com/docs/errors/{code}"
            self._answer(
                status, {"code": code, "message": text, "more_info": more, "status": status}
            )

        def _answer(self, status: int, payload: dict[str, object]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

    return Handler


def _basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password


def _message_resource(account_sid: str, sid: str, form: Mapping[str, str]) -> dict[str, object]:
    return {
        "sid": sid,
        "account_sid": account_sid,
        "to": form.get("To"),
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "body": form.get("Body"),
        "status": "accepted" if form.get("MessagingServiceSid") else "queued",
        "num_segments": "1",
        "num_media": "0",
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "date_created": "Thu, 26 Nov 2026 15:00:00 +0000",
        "date_updated": "Thu, 26 Nov 2026 15:00:00 +0000",
        "date_sent": None,
        "error_code": None,
        "error_message": None,
        "price": None,
        "price_unit": "USD",
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        "subresource_uris": {},
    }


def twilio_toml(
    api_base_url: str,
    public_base_url: str = PUBLIC_URL,
    *,
    from_number: str = FROM_NUMBER,
    messaging_service_sid: str = "",
    messages_per_second: float = 0.0,
    timeout_seconds: float = 2.0,
    advanced_opt_out: bool = False,
    extra: str = "",
) -> str:
    """A config file sending SMS through Twilio at ``api_base_url`` (the fake)."""
    return (
        f'public_base_url = "{public_base_url}"\n{extra}\n'
        '[schedule]\ndefault_timezone = "America/Chicago"\n'
        '[transport]\nsms = "twilio"\n'
        f'[twilio]\naccount_sid = "{ACCOUNT_SID}"\nfrom_number = "{from_number}"\n'
        f'messaging_service_sid = "{messaging_service_sid}"\n'
        f"messages_per_second = {messages_per_second}\ntimeout_seconds = {timeout_seconds}\n"
        f'api_base_url = "{api_base_url}"\nadvanced_opt_out = {str(advanced_opt_out).lower()}\n'
    )


def twilio_settings(
    database_url: str, directory: Path, api_base_url: str, **options: object
) -> Settings:
    """Settings on the test database with Twilio at ``api_base_url`` and the test token."""
    config = directory / "twilio.toml"
    config.write_text(twilio_toml(api_base_url, **options), encoding="utf-8")  # type: ignore[arg-type]
    return load_settings(
        {
            "DATABASE_URL": database_url,
            "REMINDER_CONFIG": str(config),
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        }
    )
