"""Schemathesis drives every operation of the OpenAPI document through the app: no answer is a 5xx,
and each answer's status, content type and body match what the document says."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import TipFactory
from tipboard.extensions import db
from tipboard.tips.models import TipStatus
from tipboard.tips.workflow import enqueue_tip

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 12  # per operation: 14 operations stay well under a minute


def test_every_operation_survives_the_fuzzer(app, users, bearer, api_key, asking_category, patrol):
    for status in (TipStatus.NEW, TipStatus.VERIFIED, TipStatus.RESOLVED):
        tip = TipFactory(category=asking_category, status=status.value)
        db.session.flush()
        enqueue_tip(tip, new_subject=True)
    db.session.commit()
    staff = {**bearer(users["staff"], "staff"), "X-Api-Key": api_key}
    volunteer = bearer(patrol["volunteers"][0], "volunteer")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    ran = []
    for result in schema.get_all_operations():
        operation = result.ok()
        _fuzz(operation, volunteer if "volunteers" in (operation.tags or ()) else staff)
        ran.append(operation.label)
    assert len(ran) == 14, ran


def _fuzz(operation, headers: dict) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
