"""The events that cross blueprints, all of them. Inside a blueprint code calls the function it means.

Each signal names its sender and its receivers; a receiver is connected with ``@<signal>.connect`` in
the module named, and tests/test_events.py checks that each one is. Receivers run inside the sender's
transaction: they may add rows (flush) but never commit.
"""

from blinker import Namespace

_events = Namespace()

#: Sent by tips.workflow.transition when staff verify a tip (sender: the tip; kwargs: actor).
#: Received by rewards.queue.propose_on_verify, which proposes a reward and puts it in the queue, and
#: by notify.alerts.alert_on_publish, which tells the residents watching the hazard's place.
tip_verified = _events.signal("tip-verified")

#: Sent by tips.workflow.transition on every status change (sender: the tip; kwargs: actor, old, new).
#: Received by rewards.queue.cancel_when_not_valid, which cancels the reward of a rejected or
#: duplicate tip, and by notify.tipwatch.push_to_followers, which pushes the news to the browsers
#: following the tip.
tip_status_changed = _events.signal("tip-status-changed")

#: Sent by tips.views.new for a tip sent from a form that carried an origin token (sender: the tip;
#: kwargs: token, user = the signed-in account or None). Received by patrols.patrol_log.link_tip_to_shift,
#: which links a hazard reported on duty to the shift, only when the token was issued to that user.
tip_origin = _events.signal("tip-origin")

#: Sent by tips.views while the tip form is drawn and before a tip is stored (sender: the token;
#: kwargs: user). Received by patrols.patrol_log.describe, which returns a note for the reporter, or
#: None for a token it did not issue to that user. A described origin makes the tip a record in the
#: reporter's name: the form offers no anonymity.
tip_origin_described = _events.signal("tip-origin-described")

#: Sent by patrols.shifts.drop_out when a confirmed volunteer leaves a shift (sender: the sign-up;
#: kwargs: promoted = the sign-up that took the place from the waiting list, or None). Received by
#: roster.jobs, which refills a published roster patrol.
signup_dropped = _events.signal("patrol-signup-dropped")

#: Sent by legal.questions.consent_to_mediation when the asker of a legal question agrees to the
#: mediation a lawyer suggested, once per question (sender: the LegalQuestion; kwargs: asker = the
#: account or None for an anonymous asker, lawyer = the lawyer who answered first or None).
#: Received by disputes.from_legal, which opens a mediation case with the question attached and
#: returns its receipt (the legal page shows an anonymous asker the case code and secret once).
mediation_requested = _events.signal("legal-mediation-requested")
