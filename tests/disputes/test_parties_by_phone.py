"""A party without an account is reached by text message at the phone number on the case: the other
side's invitation (with its code) and the one-time code that confirms the agreement online."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale

from tests.disputes.test_agreement import _drafted
from tipboard.database import utcnow
from tipboard.disputes import agreement as agreements
from tipboard.disputes.intake import match_party
from tipboard.disputes.messages import invitation_note
from tipboard.disputes.models import Side, Signature
from tipboard.extensions import db
from tipboard.notify import worker
from tipboard.notify.routing import channels_for
from tipboard.outbox import OutboxMessage

NO_ACCOUNT = "13900000999"  # a number no account has


def _texts(key: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.phone == NO_ACCOUNT, OutboxMessage.key == key)
            .order_by(OutboxMessage.id)
        )
    )


def test_the_invitation_goes_by_text_with_a_code_built_only_when_sent(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_TEMPLATES", {"disputes.invited_by_phone": {"id": "1", "params": []}})
    case = world.case("accepted", other_phone=NO_ACCOUNT)
    other = case.party(Side.OTHER)
    assert other.user_id is None
    [message] = _texts("disputes.invited_by_phone")
    assert message.user_id is None and message.tip_id is None
    assert "secret" not in message.params  # the row keeps a nonce, never the code
    assert "invitation code (sent to your phone or email, not shown here)" in message.render("en")[1]
    secret = message.render_params(delivering=True, locale="en")["secret"]
    assert match_party(case.code, secret).id == other.id  # the code in the text opens the case

    assert channels_for(message) == ["sms"]
    db.session.commit()
    worker.deliver_pending(now=utcnow())
    [body] = [body for address, _subject, body in app.extensions["outbox_sent"] if address == NO_ACCOUNT]
    assert secret in body and case.code in body


def test_without_a_template_for_the_text_nothing_is_sent_and_staff_hand_the_code_over(app, world):
    case = world.case("accepted", other_phone=NO_ACCOUNT)
    [message] = _texts("disputes.invited_by_phone")
    assert channels_for(message) == []
    with force_locale("en"):
        note = invitation_note(case, "ABCD-EFGH-JKMN")
    assert "sent to the other side's phone" in note and "ABCD-EFGH-JKMN" in note


def test_a_party_without_an_account_confirms_online_with_a_code_sent_by_text(world):
    case = _drafted(world, world.case("mediating", other_phone=NO_ACCOUNT))
    other = case.party(Side.OTHER)
    agreements.send_code(case, other)
    [message] = _texts("disputes.sign_code")
    code = message.render_params(delivering=True)["sign_code"]
    assert agreements.confirm_online(case, other, "Other Otto", code) is False  # the applicant has not yet
    signature = db.session.scalar(sa.select(Signature).where(Signature.party_id == other.id))
    assert signature.method == "online" and signature.confirmed_at is not None
