import sqlalchemy as sa

from tests.factories import UserFactory
from tipboard.extensions import db
from tipboard.notify.worker import deliver_pending
from tipboard.outbox import OutboxMessage, notify


def test_home_works_without_js_and_links_the_resident_flows(client):
    html = client.get("/").data.decode()
    for href in ("/tips/new", "/tips/track", "/tips/public"):
        assert f'href="{href}"' in html
    assert 'name="viewport"' in html


def test_inbox_shows_own_messages_rendered_in_the_users_language(client, app_ctx, login):
    me, other = UserFactory(locale="zh_Hans"), UserFactory()
    notify(me, "auth.lockout", {"minutes": 15})
    notify(other, "auth.lockout", {"minutes": 99})
    db.session.commit()
    login(client, me)
    html = client.get("/inbox").data.decode()
    assert "15 分钟" in html and "99" not in html
    client.post("/inbox/read")
    assert db.session.scalar(sa.select(OutboxMessage.read_at).where(OutboxMessage.user_id == me.id))


def test_outbox_delivers_once(app, app_ctx):
    user = UserFactory(email="to@example.test", locale="en")
    notify(user, "auth.lockout", {"minutes": 15})
    db.session.commit()
    assert deliver_pending() == 1
    assert deliver_pending() == 0
    [(address, subject, body)] = app.extensions["outbox_sent"]
    assert address == "to@example.test" and subject == "Your account was locked" and "15 minutes" in body


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_errors_are_readable_pages(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and b"There is nothing at this address" in response.data
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"]


def test_a_field_with_two_errors_gives_each_its_own_id_and_is_described_by_both(app):
    """The form macro: ids stay unique however many messages a field has, and the control points
    at every one of them (aria-describedby)."""
    from flask import render_template_string
    from wtforms import StringField

    from tipboard.forms import Form

    class OneField(Form):
        name = StringField("Name")

    with app.test_request_context("/"):
        form = OneField(meta={"csrf": False})
        form.name.errors = ["Too short.", "Not a name."]
        html = render_template_string(
            '{% from "_macros.html" import field %}{{ field(form.name) }}', form=form
        )
    assert 'aria-describedby="name-error name-error-2"' in html
    assert '<p class="error" id="name-error">Too short.</p>' in html
    assert '<p class="error" id="name-error-2">Not a name.</p>' in html
