"""The demo Open311 client: printed by the demo loader, usable, and refused by production."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tipboard import create_app
from tipboard.api.models import ApiClient
from tipboard.auth.models import User
from tipboard.demo import load_demo
from tipboard.extensions import db, limiter
from tipboard.tips.models import CategoryQuestion


def test_the_demo_key_is_printed_works_and_is_loaded_once(fresh_app):
    runner = fresh_app.test_cli_runner()
    first = runner.invoke(args=["tipboard", "demo"])
    assert first.exit_code == 0, first.output
    assert "demo-open311" in first.output
    assert runner.invoke(args=["tipboard", "demo"]).exit_code == 0
    with fresh_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiClient)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CategoryQuestion)) == 2
    client = fresh_app.test_client()
    response = client.post(
        "/open311/v2/requests.xml",
        data={
            "api_key": "demo-open311",
            "service_code": "fire-hazard",
            "description": "E-bikes charged in the stairwell",
            "address_string": "Old Street 7",
            "attribute[where]": "corridor",
        },
    )
    assert response.status_code == 201, response.data
    assert b"<token>" in response.data


def test_production_refuses_the_demo_client_key(fresh_app, monkeypatch):
    with fresh_app.app_context():
        load_demo()
        db.session.execute(sa.update(User).values(is_demo=False))  # only the key is left
        db.session.commit()
        url = fresh_app.config["SQLALCHEMY_DATABASE_URI"]
    monkeypatch.setenv("TIPBOARD_SECRET_KEY", "x" * 40)
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)  # the production app turns limits on
    with pytest.raises(RuntimeError, match="demo Open311 client"):
        create_app("production", overrides={"DATABASE_URL": url, "BASE_URL": "https://tips.example.org"})
