"""An anonymous reporter follows their tip by Web Push: bound to the tip, no identity; the news
arrives encrypted for that browser; the subscription is gone once the tip closes."""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories import TipFactory, UserFactory
from tests.notify.servers import HTTPRecorder, browser_keys, decrypt
from tipboard.extensions import db
from tipboard.notify.models import TipPushSubscription
from tipboard.notify.worker import deliver_pending
from tipboard.permissions import Role
from tipboard.tips.workflow import TipAction, transition


def _track(client, tip):
    response = client.post("/tips/track", data={"code": tip.tracking_code, "secret": "TEST-TEST-TEST"})
    assert response.status_code == 302


def test_only_the_reporters_browser_may_follow_a_tip_and_nothing_about_it_is_kept(
    app,
    app_ctx,
    client,
    vapid,
):
    tip = TipFactory()
    db.session.commit()
    _private, keys, _auth = browser_keys()
    subscription = {"endpoint": "http://127.0.0.1:9/push/one", "keys": keys}
    assert client.post(f"/notify/tip/{tip.tracking_code}/push", json=subscription).status_code == 403
    _track(client, tip)
    assert (
        client.get(f"/tips/track/{tip.tracking_code}").get_data(as_text=True).count("data-push-subscribe")
        == 1
    )
    assert client.post(f"/notify/tip/{tip.tracking_code}/push", json=subscription).status_code == 201
    assert (
        client.post(f"/notify/tip/{tip.tracking_code}/push", json=subscription).status_code == 201
    )  # same browser
    [row] = db.session.scalars(sa.select(TipPushSubscription)).all()
    assert row.tip_id == tip.id and set(TipPushSubscription.__table__.columns.keys()) == {
        "id",
        "tip_id",
        "endpoint",
        "p256dh",
        "auth",
        "created_at",
    }


def test_a_subscription_to_an_unknown_push_service_or_junk_is_refused(app, app_ctx, client, vapid):
    tip = TipFactory()
    db.session.commit()
    _track(client, tip)
    _private, keys, _auth = browser_keys()
    url = f"/notify/tip/{tip.tracking_code}/push"
    assert client.post(url, json={"endpoint": "https://evil.example/x", "keys": keys}).status_code == 400
    assert client.post(url, json={"endpoint": "http://127.0.0.1:9/x"}).status_code == 400
    assert client.post(url, data="not json", content_type="application/json").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TipPushSubscription)) == 0


def test_news_is_pushed_and_the_subscription_ends_when_the_tip_closes(
    send,
    vapid,
    app_ctx,
    client,
):
    staff = UserFactory(roles=(Role.STAFF,))
    tip = TipFactory(locale="en")
    db.session.commit()
    _track(client, tip)
    private, keys, auth = browser_keys()
    with HTTPRecorder(status=201) as service:
        subscription = {"endpoint": f"{service.url}/push/tip", "keys": keys}
        assert client.post(f"/notify/tip/{tip.tracking_code}/push", json=subscription).status_code == 201
        transition(tip, TipAction.VERIFY, staff)
        db.session.commit()
        assert deliver_pending() == 1
        transition(tip, TipAction.RESOLVE, staff, public_note="Fixed")
        db.session.commit()
        assert deliver_pending() == 1
    first, last = (decrypt(r, private, auth) for r in service.requests)
    assert first["title"] == f"News about your report {tip.tracking_code}"
    assert first["url"] == f"/tips/track/{tip.tracking_code}"
    assert last["title"] == f"Your report {tip.tracking_code} is closed"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TipPushSubscription)) == 0
    assert (
        client.post(f"/notify/tip/{tip.tracking_code}/push", json=subscription).status_code == 400
    )  # closed
