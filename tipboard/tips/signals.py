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
