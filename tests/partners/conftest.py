import pytest

from tests.factories import CategoryFactory, GridFactory, TipFactory, UserFactory
from tipboard.extensions import db
from tipboard.partners.models import OrganisationKind
from tipboard.partners.services import add_member, find_or_create_organisation
from tipboard.permissions import Role
from tipboard.tips.models import TipStatus
from tipboard.tips.workflow import enqueue_tip


@pytest.fixture
def street_light(app_ctx):
    """A verified tip about a broken street light, from a named resident, in the queue."""
    reporter = UserFactory()
    category = CategoryFactory(name_en="Broken street light", slug="street-light", resolution_hours=72)
    tip = TipFactory(
        category=category,
        description="The street light at building 4 is out; the path is dark.",
        anonymous=False,
        reporter_id=reporter.id,
        status=TipStatus.VERIFIED.value,
        grid_id=GridFactory().id,
    )
    db.session.flush()
    enqueue_tip(tip, new_subject=True)
    return tip, reporter


@pytest.fixture
def property_manager(app_ctx):
    """A property manager with one member account, and a second organisation with its own member."""
    org = find_or_create_organisation("Test Property Co", OrganisationKind.PROPERTY_MANAGER)
    member = UserFactory(roles=(Role.PARTNER,))
    add_member(org, member, "clerk")
    other = find_or_create_organisation("Other Committee", OrganisationKind.RESIDENTS_COMMITTEE)
    outsider = UserFactory(roles=(Role.PARTNER,))
    add_member(other, outsider)
    return org, member, outsider
