"""Which channels a message goes by: the kind's default (register_message's ``channels``), the
first of them the person accepts and can be reached by; else the channels the person chose; else
none (the message is still in their in-app inbox)."""

from __future__ import annotations

import sqlalchemy as sa

from tipboard.extensions import db
from tipboard.notify.channels import configured, sms_template
from tipboard.notify.models import Channel, ChannelChoice, PushSubscription
from tipboard.outbox import CHOSEN, default_channels

ORDER = (Channel.SMS, Channel.EMAIL, Channel.PUSH)


def choice_of(user) -> ChannelChoice | None:
    return db.session.get(ChannelChoice, user.id)


def has_push(user) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(PushSubscription.user_id == user.id)))


def reachable(user, channel: str, key: str | None = None) -> bool:
    """``user`` has an address for ``channel`` and it can send (SMS also needs the kind's template)."""
    if not configured(channel):
        return False
    if channel == Channel.SMS:
        return bool(user.phone) and (key is None or sms_template(key) is not None)
    if channel == Channel.EMAIL:
        return bool(user.email)
    if channel == Channel.PUSH:
        return has_push(user)
    return False


def channels_for(message) -> list[str]:
    if message.tip_id is not None:
        return [Channel.PUSH.value] if configured(Channel.PUSH) else []
    if message.phone is not None:  # no account: a text message is the only way
        reachable_by_sms = configured(Channel.SMS) and sms_template(message.key) is not None
        return [Channel.SMS.value] if reachable_by_sms else []
    user = message.user
    if user is None or not user.active:
        return []
    choice = choice_of(user)
    accepted = set(choice.channel_list) if choice is not None else {c.value for c in ORDER}
    for channel in default_channels(message.key):
        if channel != CHOSEN and channel in accepted and reachable(user, channel, message.key):
            return [channel]
    if choice is not None:
        return [c for c in choice.channel_list if reachable(user, c, message.key)]
    return next(([c.value] for c in ORDER if reachable(user, c, message.key)), [])


def current_channels(user) -> list[str]:
    """What the account page shows ticked: the person's choice, else the first reachable channel."""
    choice = choice_of(user)
    if choice is not None:
        return choice.channel_list
    return next(([c.value] for c in ORDER if reachable(user, c)), [])


def set_choice(user, channels: list[str]) -> ChannelChoice:
    """Store the channels ``user`` accepts (any of sms, email, push; none: the inbox only)."""
    valid = [c.value for c in ORDER if c.value in channels]
    choice = choice_of(user)
    if choice is None:
        choice = ChannelChoice(user_id=user.id)
        db.session.add(choice)
    choice.channels = ",".join(valid)
    db.session.flush()
    return choice
