import datetime as dt

import sqlalchemy as sa

from tests.factories import TipFactory, UserFactory
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.jobs import JOBS, JobRun
from tipboard.moderation import services
from tipboard.moderation.models import ResponseTemplate
from tipboard.outbox import OutboxMessage
from tipboard.permissions import Role
from tipboard.tips.models import FollowUp, TipStatus
from tipboard.tips.workflow import enqueue_tip


def resolved_tip(days_ago: int, **kw):
    tip = TipFactory(status=TipStatus.RESOLVED.value, **kw)
    tip.resolved_at = utcnow() - dt.timedelta(days=days_ago, hours=1)
    enqueue_tip(tip)
    return tip


def test_followup_job_asks_once_per_day_and_by_outbox_for_named(app_ctx):
    named_user = UserFactory()
    anonymous = resolved_tip(7)
    named = resolved_tip(8, anonymous=False, reporter_id=named_user.id)
    resolved_tip(3)  # too recent
    db.session.commit()
    job = JOBS["tips.followup"]
    assert job.func() == 2
    assert job.func() == 0  # same station day: the guard holds
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(JobRun).where(JobRun.job == "tips.followup"))
        == 1
    )
    asked = {f.tip_id for f in db.session.scalars(sa.select(FollowUp))}
    assert asked == {anonymous.id, named.id}
    keys = db.session.scalars(
        sa.select(OutboxMessage.key).where(OutboxMessage.user_id == named_user.id)
    ).all()
    assert keys == ["tips.followup"]


def test_cron_and_cli_run_the_same_job(runner, app_ctx):
    resolved_tip(10)
    db.session.commit()
    result = runner.invoke(args=["tipboard", "run-job", "tips.followup"])
    assert result.exit_code == 0 and "tips.followup: 1" in result.output
    from tipboard.jobs import make_trigger

    trigger = make_trigger(runner.app, JOBS["tips.followup"])
    assert str(trigger.timezone) == "Asia/Shanghai" and "hour='10'" in str(trigger)


def test_anonymous_reporter_answers_not_fixed_and_it_reopens(client, app_ctx):
    from tipboard.tips.services import hash_secret

    tip = resolved_tip(9, secret_hash=hash_secret("ABCD-ABCD-ABCD"))
    db.session.commit()
    JOBS["tips.followup"].func()
    client.post("/tips/track", data={"code": tip.tracking_code, "secret": "ABCD-ABCD-ABCD"})
    page = client.get(f"/tips/track/{tip.tracking_code}").data
    assert b"Follow-up: is it fixed?" in page
    response = client.post(
        f"/tips/track/{tip.tracking_code}/followup",
        data={
            "followup-fixed": "no",
            "followup-satisfaction": "2",
            "followup-comment": "Still dark at night",
        },
    )
    assert response.status_code == 302
    db.session.refresh(tip)
    assert tip.status == TipStatus.REOPENED.value
    assert services.item_for("tip", tip.id).status == "open"
    followup = db.session.scalars(sa.select(FollowUp)).one()
    assert followup.fixed is False and followup.satisfaction == 2
    assert b"Follow-up: is it fixed?" not in client.get(f"/tips/track/{tip.tracking_code}").data
    # Answering twice is refused.
    client.post(
        f"/tips/track/{tip.tracking_code}/followup",
        data={"followup-fixed": "yes", "followup-satisfaction": "5"},
    )
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp).where(FollowUp.fixed.is_(True)))
        == 0
    )


def test_followup_answer_needs_the_reporter(client, app_ctx):
    tip = resolved_tip(9)
    db.session.commit()
    JOBS["tips.followup"].func()
    response = client.post(
        f"/tips/track/{tip.tracking_code}/followup",
        data={"followup-fixed": "no", "followup-satisfaction": "1"},
    )
    assert response.status_code == 403


def test_overview_figures(client, app_ctx, users, login):
    now = utcnow()
    for satisfaction, fixed in ((5, True), (4, True), (2, False), (5, True)):
        tip = resolved_tip(10)
        tip.created_at = now - dt.timedelta(days=12)
        tip.first_response_at = tip.created_at + dt.timedelta(hours=2)
        db.session.add(
            FollowUp(
                tip_id=tip.id,
                resolved_at=tip.resolved_at,
                asked_at=now,
                answered_at=now,
                fixed=fixed,
                satisfaction=satisfaction,
            )
        )
    TipFactory()  # new today
    db.session.commit()
    login(client, users["staff"])
    html = client.get("/moderation/overview").data.decode()
    assert "75%" in html  # 3 of 4 satisfied (4 or 5)
    assert "25%" in html  # 1 of 4 resolved reopened as not fixed
    assert "<svg" in html and "median hours to first response" in html
    from tipboard.tips.stats import overview

    figures = overview()
    assert figures["median_first_response_h"] == 2.0 and figures["new_today"] >= 1


def test_internal_notes_and_hidden_staff_names_never_reach_residents(app, client, app_ctx, users, login):
    from tipboard.tips.services import hash_secret
    from tipboard.tips.workflow import TipAction, add_internal_note, transition

    officer = UserFactory(roles=(Role.STAFF,), name="Officer Secretname")
    reporter = UserFactory()
    named = TipFactory(anonymous=False, reporter_id=reporter.id, description="named tip")
    anon = TipFactory(secret_hash=hash_secret("ABCD-ABCD-ABCD"), description="anon tip")
    for tip in (named, anon):
        transition(tip, TipAction.VERIFY, officer, public_note="Checked.")
        add_internal_note(tip, officer, "INTERNAL-ONLY remark")
        transition(tip, TipAction.ASK, officer, reporter_note="Which floor?")
    db.session.commit()
    app.config["HIDE_STAFF_NAMES"] = True
    pages = []
    login(client, reporter)
    pages += [client.get(f"/tips/track/{named.tracking_code}").data, client.get("/tips/mine").data]
    volunteer_client = app.test_client()
    login(volunteer_client, users["volunteer"])
    pages += [volunteer_client.get("/tips/public").data, volunteer_client.get("/tips/public.json").data]
    tipster = app.test_client()
    tipster.post("/tips/track", data={"code": anon.tracking_code, "secret": "ABCD-ABCD-ABCD"})
    pages.append(tipster.get(f"/tips/track/{anon.tracking_code}").data)
    for page in pages:
        assert b"INTERNAL-ONLY" not in page and b"Secretname" not in page
    assert b"Which floor?" in pages[0] and b"Which floor?" in pages[-1]
    app.config["HIDE_STAFF_NAMES"] = False
    assert b"Secretname" in tipster.get(f"/tips/track/{anon.tracking_code}").data
    app.config["HIDE_STAFF_NAMES"] = True


def test_response_templates_fill_public_notes(client, app_ctx, users, login):
    login(client, users["admin"])
    response = client.post(
        "/moderation/templates/new",
        data={
            "title": "Fixed by the power company",
            "body_zh": "供电公司已整改。",
            "body_en": "Fixed by the power company.",
            "active": "y",
        },
    )
    assert response.status_code == 302
    template = db.session.scalars(sa.select(ResponseTemplate)).one()
    tip = TipFactory(status=TipStatus.VERIFIED.value, locale="zh_Hans")
    enqueue_tip(tip)
    item = services.item_for("tip", tip.id)
    db.session.commit()
    client.post(f"/moderation/item/{item.id}/act/resolve", data={"resolve-template": str(template.id)})
    db.session.refresh(tip)
    assert tip.status == "resolved" and tip.latest_public_note == "供电公司已整改。"
    login(client, users["staff"])
    assert client.get("/moderation/templates").status_code == 403  # admins manage templates


def test_a_response_template_of_spaces_only_is_refused(client, app_ctx, users, login):
    login(client, users["admin"])
    response = client.post(
        "/moderation/templates/new",
        data={"title": "   ", "body_zh": " \n ", "body_en": "Fixed.", "active": "y"},
    )
    assert response.status_code == 400 and b"This field is required." in response.data
    assert db.session.scalars(sa.select(ResponseTemplate)).all() == []
