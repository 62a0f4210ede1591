"""What the tip side tells the rest of the application, without knowing who listens.

Receivers run inside the sender's transaction: they may add rows (flush) but never commit.
"""

from blinker import Namespace

_signals = Namespace()

#: A tip was submitted (sender: the tip). The moderation queue puts it in the queue.
tip_submitted = _signals.signal("tip-submitted")
#: The reporter answered a question from staff (sender: the tip). The queue takes it back.
answer_received = _signals.signal("tip-answer-received")
#: Staff verified a tip (sender: the tip; kwargs: actor). Rewards proposes a reward.
tip_verified = _signals.signal("tip-verified")
#: A tip changed status (sender: the tip; kwargs: actor, old, new).
tip_status_changed = _signals.signal("tip-status-changed")
#: A tip was sent from a form that carried an origin token (sender: the tip; kwargs: token, user =
#: the signed-in account or None), e.g. "report a hazard" from a patrol shift. Whoever issued the
#: token links the tip, and only when the token was issued to that user.
tip_origin = _signals.signal("tip-origin")
#: Asked while the form is drawn and before a tip is stored (sender: the token; kwargs: user):
#: receivers return a note for the reporter, or None for a token they did not issue to that user.
#: A described origin makes the tip a record in the reporter's name: the form offers no anonymity.
tip_origin_described = _signals.signal("tip-origin-described")
