"""Each channel against a real server started here: SMTP (aiosmtpd), the SMS provider's API (a
local HTTP server reached through Tencent Cloud's own SDK, whose signature the test checks) and a
push service (a local HTTP server; the test decrypts the payload with http_ece)."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import hmac
import json
from email import policy

import sqlalchemy as sa

from tests.factories import UserFactory
from tests.notify.servers import HTTPRecorder, SMTPServer, browser_keys, decrypt
from tipboard.extensions import db
from tipboard.notify.models import ChannelChoice, Delivery, PushSubscription
from tipboard.notify.worker import deliver_pending
from tipboard.outbox import OutboxMessage, notify

SECRET_ID, SECRET_KEY = "AKIDtestid", "test-secret-key"


def _deliveries(user):
    return db.session.scalars(
        sa.select(Delivery).join(OutboxMessage).where(OutboxMessage.user_id == user.id)
    ).all()


# --- email ---------------------------------------------------------------------------------------


def test_email_arrives_at_a_real_smtp_server_once(send, app_ctx, monkeypatch):
    with SMTPServer() as smtp:
        monkeypatch.setitem(send.config, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(send.config, "SMTP_PORT", smtp.port)
        monkeypatch.setitem(send.config, "SMTP_STARTTLS", False)
        monkeypatch.setitem(send.config, "MAIL_FROM", "station@tipboard.test")
        user = UserFactory(email="resident@example.test", locale="zh_Hans")
        notify(user, "auth.lockout", {"minutes": 15})
        db.session.commit()
        assert deliver_pending() == 1
        assert deliver_pending() == 0
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["resident@example.test"]
    mail = email.message_from_bytes(envelope.content, policy=policy.default)
    assert mail["From"] == "station@tipboard.test"
    assert "锁定" in mail["Subject"]  # in the reader's language
    assert "15" in mail.get_content()
    [delivery] = _deliveries(user)
    assert delivery.status == "sent" and delivery.provider_ref == mail["Message-ID"]


def test_an_smtp_server_that_is_down_means_retry_later_with_backoff(send, app_ctx, monkeypatch):
    monkeypatch.setitem(send.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(send.config, "SMTP_PORT", 9)  # nothing listens there
    monkeypatch.setitem(send.config, "SMTP_STARTTLS", False)
    user = UserFactory(email="late@example.test")
    notify(user, "auth.lockout", {"minutes": 15})
    db.session.commit()
    now = dt.datetime(2026, 12, 1, 8, 0)
    assert deliver_pending(now=now) == 0
    [delivery] = _deliveries(user)
    db.session.refresh(delivery)
    assert delivery.status == "retrying" and delivery.attempts == 1 and "email" in delivery.last_error
    assert delivery.next_attempt_at == now + dt.timedelta(seconds=60)
    assert deliver_pending(now=now + dt.timedelta(seconds=30)) == 0  # not due yet
    db.session.refresh(delivery)
    assert delivery.attempts == 1
    deliver_pending(now=now + dt.timedelta(seconds=61))
    db.session.refresh(delivery)
    assert delivery.attempts == 2 and delivery.next_attempt_at == now + dt.timedelta(seconds=61 + 120)


# --- SMS through the provider's SDK ---------------------------------------------------------------


def _tc3_signature(secret_key: str, date: str, string_to_sign: str) -> str:
    def h(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    signing = h(h(h(("TC3" + secret_key).encode(), date), "sms"), "tc3_request")
    return hmac.new(signing, string_to_sign.encode(), hashlib.sha256).hexdigest()


def _check_tc3(request, host: str) -> None:
    """Recompute Tencent Cloud's TC3-HMAC-SHA256 signature of the request as the API would."""
    auth = request.headers["Authorization"]
    assert auth.startswith(f"TC3-HMAC-SHA256 Credential={SECRET_ID}/")
    date = auth.split("Credential=")[1].split("/")[1]
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{request.headers['Content-Type']}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(request.body).hexdigest(),
        ]
    )
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            request.headers["X-TC-Timestamp"],
            f"{date}/sms/tc3_request",
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    assert auth.endswith("Signature=" + _tc3_signature(SECRET_KEY, date, to_sign))


def _sms_config(app, monkeypatch, url):
    for key, value in {
        "SMS_SECRET_ID": SECRET_ID,
        "SMS_SECRET_KEY": SECRET_KEY,
        "SMS_SDK_APP_ID": "1400000001",
        "SMS_SIGN_NAME": "魏村派出所",
        "SMS_ENDPOINT": url,
        "SMS_TEMPLATES": {"patrols.reminder_day": {"id": "1987654", "params": ["shift", "when"]}},
    }.items():
        monkeypatch.setitem(app.config, key, value)


SMS_OK = json.dumps(
    {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": "2028:serial-1",
                    "PhoneNumber": "+8613800000001",
                    "Fee": 1,
                    "SessionContext": "",
                    "Code": "Ok",
                    "Message": "send success",
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "req-1",
        }
    }
).encode()


def test_a_shift_reminder_goes_by_sms_through_the_providers_sdk(send, app_ctx, monkeypatch):
    with HTTPRecorder(status=200, body=SMS_OK) as provider:
        _sms_config(send, monkeypatch, provider.url)
        user = UserFactory(phone="13800000001", email="vol@example.test")
        message = notify(user, "patrols.reminder_day", {"shift": "North gate", "when": "Sat 09:00"})
        db.session.commit()
        assert deliver_pending() == 1
        assert deliver_pending() == 0
    [request] = provider.requests
    assert request.headers["X-TC-Action"] == "SendSms"
    assert request.headers["X-TC-Version"] == "2021-01-11"
    _check_tc3(request, f"127.0.0.1:{provider.port}")
    params = json.loads(request.body)
    assert params["PhoneNumberSet"] == ["+8613800000001"]
    assert params["TemplateId"] == "1987654"
    assert params["TemplateParamSet"] == ["North gate", "Sat 09:00"]
    assert params["SmsSdkAppId"] == "1400000001" and params["SignName"] == "魏村派出所"
    [delivery] = _deliveries(user)
    assert (
        delivery.channel == "sms" and delivery.status == "sent" and delivery.provider_ref == "2028:serial-1"
    )
    assert params["SessionContext"] == f"tipboard-delivery-{delivery.id}"
    assert delivery.message_id == message.id


def test_a_kind_without_an_sms_template_goes_by_the_next_channel(send, app_ctx, monkeypatch):
    with SMTPServer() as smtp, HTTPRecorder(status=200, body=SMS_OK) as provider:
        _sms_config(send, monkeypatch, provider.url)
        monkeypatch.setitem(send.config, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(send.config, "SMTP_PORT", smtp.port)
        monkeypatch.setitem(send.config, "SMTP_STARTTLS", False)
        user = UserFactory(phone="13800000002", email="both@example.test")
        db.session.add(ChannelChoice(user_id=user.id, channels="sms,email"))
        notify(user, "patrols.reminder_hour", {"shift": "North gate", "when": "09:00"})  # no template
        db.session.commit()
        assert deliver_pending() == 1
    assert provider.requests == [] and len(smtp.envelopes) == 1


def test_a_refused_number_fails_at_once_and_shows_to_admins(send, app_ctx, monkeypatch, client, login, users):
    refusal = {
        "Response": {
            "Error": {"Code": "InvalidParameterValue.IncorrectPhoneNumber", "Message": "bad"},
            "RequestId": "r",
        }
    }
    with HTTPRecorder(status=200, body=json.dumps(refusal).encode()) as provider:
        _sms_config(send, monkeypatch, provider.url)
        user = UserFactory(phone="100", email=None, username="nophone")
        notify(user, "patrols.reminder_day", {"shift": "North gate", "when": "Sat 09:00"})
        db.session.commit()
        assert deliver_pending() == 0
        assert deliver_pending() == 0
    assert len(provider.requests) == 1
    [delivery] = _deliveries(user)
    assert delivery.status == "failed" and "IncorrectPhoneNumber" in delivery.last_error
    login(client, users["admin"])
    page = client.get("/notify/admin").get_data(as_text=True)
    assert f'id="delivery-{delivery.id}"' in page and "IncorrectPhoneNumber" in page
    # ...and the message is still readable in the person's inbox.
    login(client, user)
    assert "North gate" in client.get("/inbox").get_data(as_text=True)


# --- Web Push ------------------------------------------------------------------------------------


def test_a_push_payload_is_encrypted_for_the_browser_and_signed_by_vapid(send, vapid, app_ctx):
    private, keys, auth = browser_keys()
    with HTTPRecorder(status=201) as service:
        user = UserFactory(locale="en", email=None, phone="13800000003")
        db.session.add(ChannelChoice(user_id=user.id, channels="push"))
        db.session.add(PushSubscription(user_id=user.id, endpoint=f"{service.url}/push/abc", **keys))
        notify(user, "auth.lockout", {"minutes": 15})
        db.session.commit()
        assert deliver_pending() == 1
    [request] = service.requests
    assert request.path == "/push/abc"
    payload = decrypt(request, private, auth)
    assert payload["title"] == "Your account was locked" and "15 minutes" in payload["body"]
    assert (
        request.headers["Authorization"].startswith("vapid t=")
        and f"k={vapid}" in request.headers["Authorization"]
    )


def test_a_browser_that_unsubscribed_is_forgotten(send, vapid, app_ctx):
    _private, keys, _auth = browser_keys()
    with HTTPRecorder(status=410) as service:
        user = UserFactory(email=None, phone="13800000004")
        db.session.add(ChannelChoice(user_id=user.id, channels="push"))
        db.session.add(PushSubscription(user_id=user.id, endpoint=f"{service.url}/push/gone", **keys))
        notify(user, "auth.lockout", {"minutes": 15})
        db.session.commit()
        assert deliver_pending() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0
    [delivery] = _deliveries(user)
    assert delivery.status == "failed"


def test_an_unreachable_push_service_means_retry_later(send, vapid, app_ctx):
    _private, keys, _auth = browser_keys()
    user = UserFactory(email=None, phone="13800000005")
    db.session.add(ChannelChoice(user_id=user.id, channels="push"))
    db.session.add(PushSubscription(user_id=user.id, endpoint="http://127.0.0.1:9/push/down", **keys))
    notify(user, "auth.lockout", {"minutes": 15})
    db.session.commit()
    assert deliver_pending() == 0
    [delivery] = _deliveries(user)
    assert delivery.status == "retrying" and delivery.last_error == "push ConnectionError"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 1
