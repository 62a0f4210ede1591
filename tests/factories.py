"""factory_boy factories; they flush into the test's transaction."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from tipboard.auth.models import User, UserRole
from tipboard.auth.services import hash_password
from tipboard.extensions import db
from tipboard.geo import Grid, forget_grids
from tipboard.permissions import Role
from tipboard.tips.models import Category, Tip, TipStatus
from tipboard.tips.services import _group, _random_chars, forget_categories, hash_secret

TEST_PASSWORD = "correct horse battery"


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - resolved per test
        sqlalchemy_session_persistence = "flush"


class UserFactory(Base):
    """``UserFactory(roles=(Role.STAFF,))``; residents by default."""

    class Meta:
        model = User

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"user{n}@example.test")
    password_hash = factory.LazyFunction(lambda: hash_password(TEST_PASSWORD))
    locale = "en"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        roles = kwargs.pop("roles", (Role.RESIDENT,))
        kwargs["roles"] = [UserRole(role=str(r)) for r in roles]
        return super()._create(model_class, *args, **kwargs)


class CategoryFactory(Base):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"cat-{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    name_zh = factory.Sequence(lambda n: f"类别 {n}")
    is_hazard = True
    response_hours = 4
    resolution_hours = 72

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        forget_categories()  # as the admin service that adds one does
        return super()._create(model_class, *args, **kwargs)


class GridFactory(Base):
    class Meta:
        model = Grid

    code = factory.Sequence(lambda n: f"G-{n:02d}")
    name_en = factory.Sequence(lambda n: f"Grid {n}")
    name_zh = factory.Sequence(lambda n: f"网格 {n}")
    center_lat = 31.95
    center_lon = 119.96
    radius_m = 500

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        forget_grids()  # as the admin service that adds one does
        return super()._create(model_class, *args, **kwargs)


class TipFactory(Base):
    class Meta:
        model = Tip

    tracking_code = factory.LazyFunction(lambda: _group(_random_chars(8)))
    secret_hash = factory.LazyFunction(lambda: hash_secret("TEST-TEST-TEST"))
    category = factory.SubFactory(CategoryFactory)
    description = factory.Faker("sentence")
    lat = 31.95
    lon = 119.96
    anonymous = True
    status = TipStatus.NEW.value
