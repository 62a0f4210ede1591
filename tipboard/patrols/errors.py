"""The patrol services' refusal, in its own module so that every patrol module can raise it."""

from tipboard.errors import Refusal


class PatrolError(Refusal):
    """A refusal of the patrol services (messages: patrols.views.ERRORS)."""
