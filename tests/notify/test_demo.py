"""The demo's message settings: the resident watches a grid and reads email; volunteers take SMS."""

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.demo import load_demo
from tipboard.extensions import db
from tipboard.notify.alerts import watches_of
from tipboard.notify.routing import choice_of


def test_demo_watches_and_channel_choices(fresh_app):
    with fresh_app.test_request_context():
        load_demo()
        load_demo()  # idempotent: still one watch
        db.session.commit()
        users = {u.username: u for u in db.session.scalars(sa.select(User).where(User.is_demo.is_(True)))}
        assert len(watches_of(users["resident"])) == 1
        assert choice_of(users["resident"]).channel_list == ["email"]
        assert choice_of(users["volunteer"]).channel_list == ["sms"]
    client = fresh_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.post("/auth/login", data={"login": "resident", "password": "demo-resident"})
    page = client.get("/notify/alerts").get_data(as_text=True)
    assert "Grid" in page and "hazards.atom" in page
