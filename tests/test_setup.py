"""Configuration, the demo loader and production safety."""

import pytest
import sqlalchemy as sa

from config import Config, ProductionConfig
from tipboard import create_app
from tipboard.auth.models import User
from tipboard.demo import DEMO_ACCOUNTS, load_demo
from tipboard.extensions import db
from tipboard.legal.demo import DEMO_LAWYERS
from tipboard.patrols.demo import TEAM_SIZES
from tipboard.tips.models import Category, Tip


def test_environment_overrides_settings(monkeypatch):
    monkeypatch.setenv("TIPBOARD_MAX_PHOTOS", "5")
    monkeypatch.setenv("TIPBOARD_STATION_BOUNDS", "[1, 2, 3, 4]")
    monkeypatch.setenv("TIPBOARD_MAP_TILE_URL", "https://tiles.example/{z}/{x}/{y}.png")
    monkeypatch.setenv("TIPBOARD_HIDE_STAFF_NAMES", "false")
    monkeypatch.setenv("TIPBOARD_DATABASE_URL", "sqlite:////tmp/elsewhere.sqlite3")
    settings = Config.load()
    assert settings["MAX_PHOTOS"] == 5 and settings["STATION_BOUNDS"] == [1, 2, 3, 4]
    assert settings["MAP_TILE_URL"].startswith("https://tiles.example/")
    assert settings["HIDE_STAFF_NAMES"] is False
    assert settings["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/elsewhere.sqlite3"


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("TIPBOARD_SECRET_KEY", raising=False)
    assert ProductionConfig.SECRET_KEY is None
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", overrides={"DATABASE_URL": "sqlite://"})


def test_production_refuses_demo_accounts(fresh_app, monkeypatch):
    with fresh_app.app_context():
        load_demo()
        db.session.commit()
        url = fresh_app.config["SQLALCHEMY_DATABASE_URI"]
    monkeypatch.setenv("TIPBOARD_SECRET_KEY", "x" * 40)
    with pytest.raises(RuntimeError, match="demo accounts"):
        create_app("production", overrides={"DATABASE_URL": url, "BASE_URL": "https://tips.example.org"})


def test_production_cli_refuses_to_load_demo_data(fresh_app):
    fresh_app.config["DEMO_DATA_ALLOWED"] = False
    result = fresh_app.test_cli_runner().invoke(args=["tipboard", "demo"])
    assert result.exit_code != 0 and "not allowed" in result.output


def test_demo_loader_is_idempotent_and_prints_accounts(fresh_app):
    runner = fresh_app.test_cli_runner()
    first = runner.invoke(args=["tipboard", "demo"])
    assert first.exit_code == 0, first.output
    for name in DEMO_ACCOUNTS:
        assert f"{name}" in first.output and f"demo-{name}" in first.output
    with fresh_app.app_context():
        counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (User, Category, Tip)]
    assert runner.invoke(args=["tipboard", "demo"]).exit_code == 0
    with fresh_app.app_context():
        again = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (User, Category, Tip)]
    generated = sum(leaders + members for leaders, members in TEAM_SIZES)  # the teams' members
    generated += len(DEMO_LAWYERS)  # the legal rota's lawyers beside the demo account `lawyer`
    assert counts == again and counts[0] == len(DEMO_ACCOUNTS) + generated


def test_demo_accounts_log_in_with_their_passwords(fresh_app):
    runner = fresh_app.test_cli_runner()
    runner.invoke(args=["tipboard", "demo"])
    client = fresh_app.test_client()
    response = client.post("/auth/login", data={"login": "staff", "password": "demo-staff"})
    assert response.status_code == 302


@pytest.mark.skipif(__import__("os").environ.get("TIPBOARD_TEST_DB") == "postgresql", reason="SQLite only")
def test_sqlite_pragmas_for_durability(app):
    with app.app_context():
        conn = db.session.connection()
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
