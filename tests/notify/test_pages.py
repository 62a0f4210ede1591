"""The channel choices page (linked from the account page), browsers' push subscriptions and the
VAPID key command."""

from __future__ import annotations

import re

import sqlalchemy as sa
from py_vapid import Vapid

from tests.factories import UserFactory
from tests.notify.servers import browser_keys
from tipboard.extensions import db
from tipboard.notify.models import ChannelChoice, PushSubscription


def test_the_account_page_leads_to_the_channel_choices_which_are_saved(app_ctx, client, login):
    me = UserFactory(email="me@example.test", phone=None)
    db.session.commit()
    login(client, me)
    assert "/notify/channels" in client.get("/auth/settings").get_data(as_text=True)
    page = client.get("/notify/channels").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="email"', page) and not re.search(
        r'<input checked[^>]*value="sms"', page
    )
    assert "no mobile number" in page
    assert client.post("/notify/channels", data={"channels": ["sms", "email"]}).status_code == 302
    assert db.session.get(ChannelChoice, me.id).channel_list == ["sms", "email"]
    assert client.post("/notify/channels", data={"channels": ["fax"]}).status_code == 400
    assert client.post("/notify/channels", data={}).status_code == 302  # none ticked: the inbox only
    assert db.session.get(ChannelChoice, me.id).channel_list == []


def test_the_channel_page_in_chinese(app_ctx, client, login):
    login(client, UserFactory(locale="zh_Hans"))
    page = client.get("/notify/channels").get_data(as_text=True)
    assert "短信" in page and "邮件" in page and "本应用的通知" in page


def test_a_signed_in_browser_subscribes_and_unsubscribes(app_ctx, client, login, vapid):
    me = UserFactory()
    db.session.commit()
    login(client, me)
    page = client.get("/notify/channels").get_data(as_text=True)
    assert f'data-key="{vapid}"' in page and "js/push.js" in page
    _private, keys, _auth = browser_keys()
    subscription = {"endpoint": "http://127.0.0.1:9/push/me", "keys": keys}
    assert client.post("/notify/push/subscribe", json=subscription).status_code == 201
    [row] = db.session.scalars(sa.select(PushSubscription)).all()
    assert row.user_id == me.id
    assert client.post("/notify/push/subscribe", json={"endpoint": 5}).status_code == 400
    assert (
        client.post("/notify/push/unsubscribe", json={"endpoint": subscription["endpoint"]}).status_code
        == 200
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0


def test_the_vapid_key_command_makes_a_pair_that_signs(app, runner):
    result = runner.invoke(args=["tipboard", "vapid-keys"])
    assert result.exit_code == 0
    settings = dict(line.split("=", 1) for line in result.output.split())
    key = Vapid.from_string(settings["TIPBOARD_VAPID_PRIVATE_KEY"])
    headers = key.sign({"sub": "mailto:a@example.test", "aud": "https://push.example"})
    assert settings["TIPBOARD_VAPID_PUBLIC_KEY"] in headers["Authorization"]


def test_the_messages_page_leads_to_choices_and_leaders_to_sending(app_ctx, client, login, users):
    login(client, users["resident"])
    page = client.get("/inbox").get_data(as_text=True)
    assert "/notify/channels" in page and "/notify/broadcast" not in page
    login(client, users["leader"])
    assert "/notify/broadcast" in client.get("/inbox").get_data(as_text=True)
    login(client, users["admin"])
    assert "/notify/admin" in client.get("/admin/").get_data(as_text=True)
