"""The demo data of the safety net: officers, a rota, a grid worker, referrals to the property manager,
a dozen venues with their points, five people in care."""

import sqlalchemy as sa

from tipboard.auth.models import User
from tipboard.care.models import CarePerson
from tipboard.demo import load_demo
from tipboard.extensions import db
from tipboard.geo import Grid
from tipboard.moderation.escalation import duty_leader_on
from tipboard.moderation.models import QueueItem
from tipboard.partners.models import Referral
from tipboard.timezones import local_now
from tipboard.venues.models import Venue, VenueBulletin


def test_demo_grids_rota_and_referrals(fresh_app):
    with fresh_app.test_request_context():
        load_demo()
        load_demo()  # idempotent
        db.session.commit()
        assert all(g.officer_id for g in db.session.scalars(sa.select(Grid)))
        assert duty_leader_on(local_now().date()) is not None
        assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 2
        assert db.session.scalar(sa.select(sa.func.count(Venue.id))) == 12
        assert db.session.scalar(sa.select(sa.func.count(VenueBulletin.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(CarePerson.id))) == 5
        assert (
            db.session.scalar(sa.select(sa.func.count(QueueItem.id)).where(QueueItem.kind == "care_visit"))
            >= 2
        )
        users = {u.username: u.id for u in db.session.scalars(sa.select(User))}
    client = fresh_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for username, url, expected in (
        ("partner", "/partners/referrals", "charging shed"),
        ("gridworker", "/grids/", "building 7"),
        ("staff", "/moderation/overview", "Greentown"),
        ("venue", "/venues/mine", "Xingfu Apartments"),
        ("staff", "/venues/", "Starlight Bar"),
        ("staff", "/care/", "Granny Wang"),
        ("volunteer", "/care/", "Xiaoming"),
    ):
        assert users[username]
        client.post("/auth/login", data={"login": username, "password": f"demo-{username}"})
        page = client.get(url)
        assert page.status_code == 200 and expected in page.data.decode(), (username, url)
        client.post("/auth/logout")
