"""The delivery channels: SMS (Tencent Cloud SMS through its SDK), email (SMTP) and Web Push.

``send(channel, message, delivery_id)`` sends one rendered message and returns the provider's
reference, or raises :class:`SendError` (``permanent`` when trying again cannot help). With
``OUTBOX_BACKEND`` "log" or "memory" nothing leaves the machine: the message is written to
instance/outbox.log (secret links redacted) or kept in memory (tests), as if sent.
"""

from __future__ import annotations

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
    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.reason = redact(reason)[:300]
        self.permanent = permanent


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


def send(channel: str, message, delivery_id: int) -> str:
    subject, body = message.render(delivering=True)
    if channel == Channel.PUSH:
        return _push(message, subject, body)
    address = message.user.phone if channel == Channel.SMS else message.user.email
    if not address:
        raise SendError(f"no {channel} address", permanent=True)
    if _backend() != "send":
        return _record(channel, address, subject, body)
    if channel == Channel.SMS:
        return _sms(message, address, delivery_id)
    return _email(address, subject, body, delivery_id, message.locale)


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


def _sms(message, phone: str, delivery_id: int) -> str:
    template = sms_template(message.key)
    if template is None:
        raise SendError(f"no SMS template for {message.key}", permanent=True)
    params = message.render_params(delivering=True)
    request = sms_models.SendSmsRequest()
    request.PhoneNumberSet = [phone if phone.startswith("+") else "+86" + phone]
    request.SmsSdkAppId = current_app.config["SMS_SDK_APP_ID"]
    request.SignName = current_app.config["SMS_SIGN_NAME"]
    request.TemplateId = str(template["id"])
    request.TemplateParamSet = [str(params.get(name, "")) for name in template.get("params", [])]
    # Echoed back in the provider's delivery reports: the way to reconcile a delivery whose
    # outcome a stopped worker never recorded (the API itself has no idempotency key).
    request.SessionContext = f"tipboard-delivery-{delivery_id}"
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


def _email(address: str, subject: str, body: str, delivery_id: int, locale: str) -> str:
    config = current_app.config
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


def _push(message, subject: str, body: str) -> str:
    targets = _push_targets(message)
    if not targets:
        raise SendError("no push subscription", permanent=True)
    url = message.params.get("url") or "/"
    payload = push_payload(subject, body, url)
    if _backend() != "send":
        return _record("push", f"{len(targets)} browser(s)", subject, body)
    key = Vapid.from_string(current_app.config["VAPID_PRIVATE_KEY"])
    accepted, errors = 0, []
    for target in targets:
        if not push_endpoint_allowed(target.endpoint):
            db.session.delete(target)
            continue
        try:
            webpush(
                target.info(),
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
                db.session.delete(target)
            else:
                errors.append(f"push {status or type(exc).__name__}")
        except requests.RequestException as exc:  # the push service is unreachable: try later
            errors.append(f"push {type(exc).__name__}")
    db.session.flush()
    if accepted:
        return f"{accepted}/{len(targets)} browsers"
    if errors:
        raise SendError("; ".join(errors))
    raise SendError("every push subscription had expired", permanent=True)
