"""The events that cross blueprints (tipboard.events) reach the receivers their docstrings name. What
the receivers do is tested with their blueprints (e.g. tests/rewards: verifying a tip proposes a reward)."""

from tipboard import events

DECLARED = {
    events.tip_verified: {
        "tipboard.rewards.queue.propose_on_verify",
        "tipboard.notify.alerts.alert_on_publish",
    },
    events.tip_status_changed: {
        "tipboard.rewards.queue.cancel_when_not_valid",
        "tipboard.notify.tipwatch.push_to_followers",
    },
    events.tip_origin: {"tipboard.patrols.patrol_log.link_tip_to_shift"},
    events.tip_origin_described: {"tipboard.patrols.patrol_log.describe"},
    events.signup_dropped: {"tipboard.roster.jobs._refill_published"},
    events.mediation_requested: {"tipboard.disputes.from_legal.open_case_for_question"},
}


def _connected(signal) -> set[str]:
    return {f"{r.__module__}.{r.__qualname__}" for r in (ref() for ref in signal.receivers.values()) if r}


def test_each_event_reaches_the_receivers_it_declares(app):
    for signal, receivers in DECLARED.items():
        assert receivers <= _connected(signal), signal.name
