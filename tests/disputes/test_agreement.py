"""The agreement: statutory contents, one-time codes used once, paper signatures, the PDF."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from tests.disputes.conftest import World
from tests.factories import UserFactory
from tipboard.database import utcnow
from tipboard.disputes import agreement as agreements
from tipboard.disputes.intake import DisputeError
from tipboard.disputes.models import CaseStatus, DisputeCase, Side, Signature
from tipboard.extensions import db
from tipboard.outbox import OutboxMessage
from tipboard.permissions import Role


def _drafted(world, case=None):
    case = case or world.case("mediating")
    due = dt.date.today() + dt.timedelta(days=7)
    agreements.draft(
        case,
        agreements.Draft(
            "Facts.", "Matters.", "Terms.", "By bank transfer.", [(Side.OTHER.value, "Pay 100", due)]
        ),
        world.mediator,
    )
    return case


def _code(user) -> str:
    message = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.user_id == user.id, OutboxMessage.key == "disputes.sign_code")
        .order_by(OutboxMessage.id.desc())
    ).first()
    return agreements._code_for(message.params["nonce"])


def test_a_draft_needs_every_statutory_part_and_an_obligation(world):
    case = world.case("mediating")
    with pytest.raises(DisputeError):
        agreements.draft(case, agreements.Draft("F", "M", "T", "P", []), world.mediator)
    with pytest.raises(DisputeError):
        agreements.draft(
            case, agreements.Draft("F", " ", "T", "P", [("other", "x", dt.date.today())]), world.mediator
        )
    assert case.status == CaseStatus.MEDIATING.value


def test_a_code_is_used_once_and_a_new_one_voids_the_old(world):
    case = _drafted(world)
    applicant = case.party(Side.APPLICANT)
    agreements.send_code(case, applicant)
    old = _code(world.applicant)
    agreements.send_code(case, applicant)
    new = _code(world.applicant)
    if old != new:
        with pytest.raises(DisputeError):
            agreements.confirm_online(case, applicant, "Applicant Ann", old)
    assert agreements.confirm_online(case, applicant, "Applicant Ann", new) is False  # the other side has not
    with pytest.raises(DisputeError) as exc:
        agreements.confirm_online(case, applicant, "Applicant Ann", new)
    assert exc.value.code == "already_signed"


def test_an_expired_code_and_a_wrong_name_are_refused(world):
    case = _drafted(world)
    other = case.party(Side.OTHER)
    agreements.send_code(case, other)
    with pytest.raises(DisputeError) as exc:
        agreements.confirm_online(case, other, "Somebody Else", _code(world.other))
    assert exc.value.code == "name_mismatch"
    db.session.scalar(sa.select(Signature).where(Signature.party_id == other.id)).code_expires_at = utcnow()
    with pytest.raises(DisputeError) as exc:
        agreements.confirm_online(case, other, "Other Otto", _code(world.other))
    assert exc.value.code == "bad_code"


def test_a_party_without_an_account_signs_on_paper(world):
    case = _drafted(world, world.case("mediating", other_phone=None))
    with pytest.raises(DisputeError) as exc:
        agreements.send_code(case, case.party(Side.OTHER))
    assert exc.value.code == "no_account"


def test_a_new_draft_voids_earlier_confirmations(world):
    case = _drafted(world)
    agreements.confirm_on_paper(case, case.party(Side.APPLICANT), None, world.mediator)
    _drafted(world, case)
    assert all(s.confirmed_at is None for s in agreements.agreement_of(case).signatures)


def test_the_pdf_is_chinese_by_default_and_english_on_request(world):
    case = _drafted(world)
    agreement = agreements.agreement_of(case)
    for locale in ("zh_Hans", "en"):
        pdf = agreements.agreement_pdf(case, agreement, locale)
        assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def _confirm(app, case_id, code, results, barrier):
    with app.test_request_context():
        try:
            case = db.session.get(DisputeCase, case_id)
            barrier.wait()
            agreements.confirm_online(case, case.party(Side.APPLICANT), "Applicant Ann", code)
            db.session.commit()
            results.append("confirmed")
        except DisputeError as exc:
            db.session.rollback()
            results.append(exc.code)
        except Exception as exc:
            results.append(repr(exc))
        finally:
            db.session.remove()


def test_one_code_sent_six_times_at_once_confirms_once(fresh_app):
    with fresh_app.test_request_context():
        users = {r.value: UserFactory(username=r.value, roles=(r,)) for r in Role}
        world = World(users)
        case = _drafted(world)
        agreements.send_code(case, case.party(Side.APPLICANT))
        code, case_id = _code(world.applicant), case.id
        db.session.commit()
    results, barrier = [], threading.Barrier(6, timeout=60)
    threads = [
        threading.Thread(target=_confirm, args=(fresh_app, case_id, code, results, barrier)) for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results.count("confirmed") == 1 and len(results) == 6, results
