"""The delivery channels: SMS (Tencent Cloud SMS through its SDK), email (SMTP) and Web Push.

:func:`prepare` reads and renders what one delivery sends (inside a short transaction) into plain
data, :func:`transmit` sends it with no transaction open (a slow provider must not hold SQLite's
write lock) and returns the provider's reference, or raises :class:`SendError` (``permanent`` when
trying again cannot help). With
``OUTBOX_BACKEND`` "log" or "memory" nothing leaves the machine: the message is written to
instance/outbox.log (secret links redacted) or kept in memory (tests), as if sent.
"""

from __future__ import annotations

import dataclasses
import json
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as sms_models
from tencentcloud.sms.v20210111 import sms_client

from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.notify.models import Channel, PushSubscription, TipPushSubscription
from tipboard.redaction import redact

SEND_TIMEOUT_SECONDS = 15
# Tencent's error codes that another attempt cannot fix (a wrong number, an unapproved template).
SMS_PERMANENT = (
    "InvalidParameterValue",
    "FailedOperation.TemplateIncorrectOrUnapproved",
    "UnsupportedOperation",
)


class SendError(Exception):
    def __init__(self, reason: str, permanent: bool = False, gone: list[int] | None = None):
        super().__init__(reason)
        self.reason = redact(reason)[:300]
        self.permanent = permanent
        self.gone = gone or []  # push subscriptions found expired on the way


@dataclasses.dataclass
class Outgoing:
    """One delivery, rendered: plain data, usable after its transaction ended."""

    channel: str
    delivery_id: int
    key: str
    subject: str
    body: str
    locale: str
    address: str = ""  # a phone number or an email address
    params: dict = dataclasses.field(default_factory=dict)  # as text, secret ones built (SMS)
    targets: list = dataclasses.field(default_factory=list)  # (subscription id, info, allowed) (push)
    url: str = "/"


def _backend() -> str:
    return current_app.config["OUTBOX_BACKEND"]


def sms_template(key: str) -> dict | None:
    """The provider template of message kind ``key`` ({"id": ..., "params": [names]}), or None."""
    return current_app.config["SMS_TEMPLATES"].get(key)


def configured(channel: str) -> bool:
    """Whether ``channel`` can send at all (the log and memory backends stand in for every one)."""
    config = current_app.config
    if _backend() != "send":
        return True
    if channel == Channel.SMS:
        return bool(config["SMS_SECRET_ID"] and config["SMS_SDK_APP_ID"])
    if channel == Channel.EMAIL:
        return bool(config["SMTP_HOST"])
    if channel == Channel.PUSH:
        return bool(config["VAPID_PRIVATE_KEY"] and config["VAPID_PUBLIC_KEY"])
    return False


def prepare(channel: str, message, delivery_id: int) -> Outgoing:
    subject, body = message.render(delivering=True)
    out = Outgoing(channel, delivery_id, message.key, subject, body, message.locale)
    if channel == Channel.PUSH:
        out.targets = [(t.id, t.info(), push_endpoint_allowed(t.endpoint)) for t in _push_targets(message)]
        out.url = (message.params or {}).get("url") or "/"
        if not out.targets:
            raise SendError("no push subscription", permanent=True)
        return out
    if message.phone is not None:
        out.address = message.phone if channel == Channel.SMS else ""
    else:
        out.address = (message.user.phone if channel == Channel.SMS else message.user.email) or ""
    if not out.address:
        raise SendError(f"no {channel} address", permanent=True)
    if channel == Channel.SMS:
        out.params = message.render_params(delivering=True)
    return out


def transmit(out: Outgoing) -> tuple[str, list[int]]:
    """Send; returns the provider's reference and the push subscriptions found expired."""
    if out.channel == Channel.PUSH:
        return _push(out)
    if _backend() != "send":
        return _record(out.channel, out.address, out.subject, out.body), []
    if out.channel == Channel.SMS:
        return _sms(out), []
    return _email(out), []


def _record(channel: str, address: str, subject: str, body: str) -> str:
    if _backend() == "memory":
        current_app.extensions.setdefault("outbox_sent", []).append((address, subject, body))
        return "memory"
    # A record of what was sent, not a copy of it: secret links are redacted.
    path = Path(current_app.config["INSTANCE_DIR"]) / "outbox.log"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"{utcnow().isoformat()} {channel} to={address} subject={subject}\n{redact(body)}\n\n")
    return "log"


# --- SMS ---------------------------------------------------------------------------------------


def sms_client_from_config():
    config = current_app.config
    endpoint = urlsplit(config["SMS_ENDPOINT"])
    http = HttpProfile(protocol=endpoint.scheme, endpoint=endpoint.netloc, reqTimeout=SEND_TIMEOUT_SECONDS)
    cred = credential.Credential(config["SMS_SECRET_ID"], config["SMS_SECRET_KEY"])
    return sms_client.SmsClient(cred, config["SMS_REGION"], ClientProfile(httpProfile=http))


def _sms(out: Outgoing) -> str:
    template = sms_template(out.key)
    if template is None:
        raise SendError(f"no SMS template for {out.key}", permanent=True)
    params, phone = out.params, out.address
    request = sms_models.SendSmsRequest()
    request.PhoneNumberSet = [phone if phone.startswith("+") else "+86" + phone]
    request.SmsSdkAppId = current_app.config["SMS_SDK_APP_ID"]
    request.SignName = current_app.config["SMS_SIGN_NAME"]
    request.TemplateId = str(template["id"])
    request.TemplateParamSet = [str(params.get(name, "")) for name in template.get("params", [])]
    # Echoed back in the provider's delivery reports: the way to reconcile a delivery whose
    # outcome a stopped worker never recorded (the API itself has no idempotency key).
    request.SessionContext = f"tipboard-delivery-{out.delivery_id}"
    try:
        response = sms_client_from_config().SendSms(request)
    except TencentCloudSDKException as exc:
        permanent = str(exc.code or "").startswith(SMS_PERMANENT)
        raise SendError(f"SMS {exc.code}: {exc.message}", permanent=permanent) from exc
    [status] = response.SendStatusSet
    if status.Code != "Ok":
        raise SendError(
            f"SMS {status.Code}: {status.Message}", permanent=status.Code.startswith(SMS_PERMANENT)
        )
    return status.SerialNo or response.RequestId


# --- email ---------------------------------------------------------------------------------------


def _email(out: Outgoing) -> str:
    config = current_app.config
    address, subject, body, delivery_id, locale = (
        out.address,
        out.subject,
        out.body,
        out.delivery_id,
        out.locale,
    )
    mail = EmailMessage()
    mail["From"] = config["MAIL_FROM"]
    mail["To"] = address
    mail["Subject"] = subject
    # One id per delivery: a copy that ever arrived twice is recognisably the same mail.
    mail["Message-ID"] = make_msgid(
        f"delivery-{delivery_id}", domain=config["MAIL_FROM"].rpartition("@")[2] or None
    )
    mail["Content-Language"] = locale.replace("_", "-")
    mail.set_content(body)
    smtp_class = smtplib.SMTP_SSL if config["SMTP_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["SMTP_HOST"], config["SMTP_PORT"], timeout=SEND_TIMEOUT_SECONDS) as smtp:
            if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
            smtp.send_message(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError("email: recipient refused", permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"email: {type(exc).__name__}: {exc}") from exc
    return mail["Message-ID"]


# --- Web Push ------------------------------------------------------------------------------------


def push_endpoint_allowed(endpoint: str) -> bool:
    """Only a known push service: a subscription is text from the browser, and the worker posts to
    it, so an arbitrary URL would let anyone make the server call any address."""
    parts = urlsplit(endpoint or "")
    host = (parts.hostname or "").lower()
    allowed = current_app.config["WEBPUSH_ENDPOINT_HOSTS"]
    scheme_ok = parts.scheme == "https" or (parts.scheme == "http" and host in ("127.0.0.1", "localhost"))
    return scheme_ok and any(host == h or host.endswith("." + h) for h in allowed)


def _push_targets(message) -> list:
    if message.tip_id is not None:
        query = sa.select(TipPushSubscription).where(TipPushSubscription.tip_id == message.tip_id)
    else:
        query = sa.select(PushSubscription).where(PushSubscription.user_id == message.user_id)
    return list(db.session.scalars(query.order_by(sa.text("id"))))


def push_payload(subject: str, body: str, url: str) -> str:
    return json.dumps({"title": subject, "body": body, "url": url}, ensure_ascii=False)


def _push(out: Outgoing) -> tuple[str, list[int]]:
    payload = push_payload(out.subject, out.body, out.url)
    if _backend() != "send":
        return _record("push", f"{len(out.targets)} browser(s)", out.subject, out.body), []
    key = Vapid.from_string(current_app.config["VAPID_PRIVATE_KEY"])
    accepted, errors, gone = 0, [], []
    for target_id, info, allowed in out.targets:
        if not allowed:
            gone.append(target_id)
            continue
        try:
            webpush(
                info,
                data=payload,
                vapid_private_key=key,
                vapid_claims={"sub": current_app.config["VAPID_SUBJECT"]},
                ttl=current_app.config["WEBPUSH_TTL_SECONDS"],
                timeout=SEND_TIMEOUT_SECONDS,
            )
            accepted += 1
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in (404, 410):  # the browser unsubscribed: forget it
                gone.append(target_id)
            else:
                errors.append(f"push {status or type(exc).__name__}")
        except requests.RequestException as exc:  # the push service is unreachable: try later
            errors.append(f"push {type(exc).__name__}")
    if accepted:
        return f"{accepted}/{len(out.targets)} browsers", gone
    if errors:
        raise SendError("; ".join(errors), gone=gone)
    raise SendError("every push subscription had expired", permanent=True, gone=gone)


def forget_subscriptions(message, ids: list[int]) -> None:
    """Delete the push subscriptions a delivery found expired (or not on an allowed service)."""
    if ids:
        model = TipPushSubscription if message.tip_id is not None else PushSubscription
        db.session.execute(sa.delete(model).where(model.id.in_(ids)))
