"""What the tip side tells the rest of the application, without knowing who listens."""
from blinker import Namespace

_signals = Namespace()

#: The reporter answered a question from staff (sender: the tip). The moderation queue listens.
answer_received = _signals.signal("tip-answer-received")
#: A tip was submitted (sender: the tip).
tip_submitted = _signals.signal("tip-submitted")
