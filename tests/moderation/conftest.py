import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory
from tipboard.extensions import db
from tipboard.moderation.models import QueueItem
from tipboard.tips.models import Tip


@pytest.fixture
def submitted(client, app_ctx):
    """A tip sent through the form (so it enters the queue as residents' tips do)."""

    def _submit(description="Cables across the stairwell", anonymous=True, **extra):
        category = extra.pop("category", None) or CategoryFactory()
        data = {
            "category": str(category.id),
            "description": description,
            "address": "Old Street 7",
            "anonymous": "y" if anonymous else "",
            **extra,
        }
        assert client.post("/tips/new", data=data).status_code == 302
        client.get("/tips/receipt")
        tip = db.session.scalars(sa.select(Tip).order_by(Tip.id.desc())).first()
        item = db.session.scalar(
            sa.select(QueueItem).where(QueueItem.kind == "tip", QueueItem.subject_id == tip.id)
        )
        return tip, item

    return _submit
