"""SMS through Twilio (or a Twilio-compatible API): send one message, classify what went wrong,
and read Twilio's delivery reports.

Failures and what follows (the outbox acts on the TransportError this module raises):

======================================  =========================================================
21610 (recipient replied STOP)          permanent; the patient or contact is marked opted out
21211, 21614, 21612, 21408, 21617, ...  permanent: the number or the message cannot be sent
429 / 20429, 5xx                        transient: retried with backoff
401 / 20003, 404 / 20404                transient, so a fixed token or SID lets the queue drain
connection refused, connect timeout     transient: the request never left, a retry is safe
read timeout, connection reset          ambiguous: see below
======================================  =========================================================

**Ambiguous sends.** When the request went out and no answer came back (a read timeout, or the
connection dropped mid-answer), Twilio may or may not have accepted the message, and its Messages
API has no idempotency key to ask. Never retrying would silently lose reminders; retrying freely
could flood a patient with copies during an outage. The policy: such a message is retried **at most
once**; a second ambiguous failure fails it for good ("may have been sent"). The row records it:
``last_error`` starts with ``[ambiguous]`` from the first such failure on, even when the retry
succeeds, so an operator can see which messages may have arrived twice.

The auth token is read from the settings' secrets only to build the client: it is sent as HTTP
basic auth and never appears in a log line, an error text or the database.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from typing import Any

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError, ProxyError

from reminder.config import Settings, require_twilio
from reminder.transports import DeliveryReport, Outgoing, TransportError

log = logging.getLogger("reminder.twilio")

STATUS_CALLBACK_PATH = "/twilio/status"
INBOUND_PATH = "/twilio/sms"

OPTED_OUT = "21610"
# Errors about this number or this message: the same request can never succeed.
PERMANENT = {
    "21211": "invalid 'To' phone number",
    "21214": "'To' phone number cannot be reached",
    "21408": "sending to this region is not enabled on the Twilio account",
    "21602": "message body is required",
    "21604": "'To' phone number is required",
    "21606": "the 'From' number cannot send SMS",
    "21612": "the 'From' number cannot reach this 'To' number",
    "21614": "'To' number is not a mobile number",
    "21617": "message body is too long",
    "21660": "the 'From' number does not belong to the account",
}
# Of those, the ones about the 'To' number itself: no later message to it can succeed either.
UNREACHABLE = frozenset({"21211", "21214", "21614"})
# Errors about the account or the configuration: the operator fixes them, then the queue drains.
CONFIGURATION = {
    "20003": "authentication failed: check twilio.account_sid and TWILIO_AUTH_TOKEN",
    "20404": "not found: check twilio.account_sid and twilio.api_base_url",
}
RATE_LIMITED = "20429"
# What Twilio's delivery error codes mean, for Message.provider_status.
DELIVERY_ERRORS = {
    "21610": "recipient opted out (replied STOP)",
    "30001": "queue overflow: sent faster than the sender allows",
    "30002": "account suspended",
    "30003": "unreachable destination handset (off or out of coverage)",
    "30004": "message blocked by the recipient or their carrier",
    "30005": "unknown destination handset (number not in service)",
    "30006": "landline or unreachable carrier",
    "30007": "filtered by the carrier as spam or unregistered traffic",
    "30008": "unknown error from the carrier",
    "30034": "sender not registered for US A2P 10DLC",
}


class TwilioTransport:
    """Sends through ``twilio.rest.Client`` from the configured number or Messaging Service.

    Safe to share between threads: each thread sends through a client of its own, since twilio's
    HTTP client keeps the last response on itself and returns it from there, and a requests
    Session is not meant to be shared. Each client keeps its connection to Twilio open.
    """

    def __init__(self, settings: Settings) -> None:
        require_twilio(settings)
        config = settings.twilio
        token = settings.secrets.twilio_auth_token
        assert token is not None  # require_twilio refused the settings otherwise
        self.timeout = config.timeout_seconds
        self._account = (config.account_sid, token.get_secret_value())
        self.api_base_url = config.api_base_url.rstrip("/")
        # Read once here, as requests would read them on every request.
        self._proxies = requests.utils.get_environ_proxies(self.api_base_url)
        self._ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        self._local = threading.local()
        self.from_number = config.from_number
        self.messaging_service_sid = config.messaging_service_sid
        self.sender = config.from_number or config.messaging_service_sid
        self.messages_per_second = config.messages_per_second
        self.status_callback = settings.file.public_base_url.rstrip("/") + STATUS_CALLBACK_PATH

    @property
    def client(self) -> Client:
        """This thread's client, made on its first send."""
        client: Client | None = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self._new_client()
        return client

    def _new_client(self) -> Client:
        http_client = HttpClient(timeout=self.timeout, proxy=self._proxies)
        if http_client.session is not None:
            http_client.session.trust_env = False  # the environment was read in __init__
            http_client.session.verify = self._ca_bundle or True
        client = Client(*self._account, http_client=http_client)
        client.api.base_url = self.api_base_url
        # The configured address is the whole address: TWILIO_EDGE / TWILIO_REGION in the
        # environment would otherwise rewrite its host name.
        client.edge = client.region = None
        return client

    def send(self, outgoing: Outgoing) -> str:
        sender: dict[str, str] = {}
        if self.from_number:
            sender["from_"] = self.from_number
        if self.messaging_service_sid:
            sender["messaging_service_sid"] = self.messaging_service_sid
        try:
            message = self.client.messages.create(
                to=outgoing.to,
                body=outgoing.body,
                status_callback=self.status_callback,
                **sender,
            )
        except TwilioRestException as exc:
            raise classify(exc.status, exc.code, str(exc.msg)) from None
        except TwilioServiceException as exc:
            raise classify(exc.status, exc.code, exc.detail or exc.title) from None
        except requests.RequestException as exc:
            raise self._network_error(exc) from None
        except ValueError:
            # A 2xx answer that is not a message: it may well have been accepted.
            raise TransportError(
                "Twilio answered with something that is not a message; it may have been accepted",
                ambiguous=True,
            ) from None
        if not message.sid:
            raise TransportError("Twilio accepted the message but gave no SID", ambiguous=True)
        return str(message.sid)

    def _network_error(self, exc: requests.RequestException) -> TransportError:
        """Tell "never left this machine" (safe to retry) from "sent, answer lost" (ambiguous)."""
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        if isinstance(reason, ProxyError):
            reason = reason.original_error  # the proxy could not be reached: nothing left either
        not_sent = (requests.ConnectTimeout, requests.exceptions.SSLError)
        if isinstance(exc, not_sent) or isinstance(reason, NewConnectionError):
            return TransportError(
                f"could not connect to Twilio ({type(reason or exc).__name__}); not sent"
            )
        if isinstance(exc, requests.ReadTimeout):
            return TransportError(
                f"no answer from Twilio within {self.timeout:g} s after the request was sent; "
                "it may have been accepted",
                ambiguous=True,
            )
        if isinstance(exc, requests.ConnectionError):
            return TransportError(
                "the connection to Twilio broke after the request was sent; "
                "it may have been accepted",
                ambiguous=True,
            )
        return TransportError(f"request to Twilio failed: {type(exc).__name__}")


class HttpClient(TwilioHttpClient):
    """twilio's HTTP client without its narration when nobody listens: it formats every request
    and the response's headers for INFO lines, which ``configure_logging`` turns off."""

    def log_request(self, kwargs: dict[str, Any]) -> None:
        if self.logger.isEnabledFor(logging.INFO):
            super().log_request(kwargs)

    def log_response(self, status_code: int, response: Any) -> None:
        if self.logger.isEnabledFor(logging.INFO):
            super().log_response(status_code, response)


def classify(status: int | None, code: int | str | None, detail: str) -> TransportError:
    """A Twilio API error as a TransportError: opted out, permanent, or transient."""
    code_text = str(code) if code is not None else None
    said = f"Twilio {code_text or status}: {detail}"[:300]
    if code_text == OPTED_OUT:
        return TransportError(
            f"Twilio {OPTED_OUT}: {DELIVERY_ERRORS[OPTED_OUT]}", code=code_text, opted_out=True
        )
    if code_text in PERMANENT:
        return TransportError(
            f"Twilio {code_text}: {PERMANENT[code_text]}",
            code=code_text,
            permanent=True,
            unreachable=code_text in UNREACHABLE,
        )
    if code_text in CONFIGURATION:
        log.error("Twilio refused the account: %s", CONFIGURATION[code_text])
        return TransportError(f"Twilio {code_text}: {CONFIGURATION[code_text]}", code=code_text)
    if status == 429 or code_text == RATE_LIMITED:
        return TransportError(f"Twilio {code_text or 429}: too many requests", code=code_text)
    if status is not None and status >= 500:
        return TransportError(said, code=code_text)
    if status in (401, 403, 404):
        return TransportError(said, code=code_text)
    # Any other 4xx is about this request (its number or body): sending it again cannot help.
    return TransportError(said, code=code_text, permanent=True)


def delivery_report(form: Mapping[str, str]) -> DeliveryReport | None:
    """The delivery report in a status callback's form, or None when it names no message."""
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").strip().lower()
    if not sid or not status:
        return None
    code = (form.get("ErrorCode") or "").strip() or None
    if code == "0":
        code = None
    return DeliveryReport(
        provider_id=sid,
        status=status,
        error_code=code,
        meaning=DELIVERY_ERRORS.get(code or "") or PERMANENT.get(code or ""),
        opted_out=code == OPTED_OUT,
    )
