"""What the /api/v1 views share: answers dumped through their schema, JSON bodies, UTC times."""

from __future__ import annotations

import datetime as dt

from flask import jsonify, request
from marshmallow import ValidationError

from tipboard.api.tokens import problem

V1 = "/api/v1"
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def dump(schema, value, status: int = 200, many: bool = False, mimetype: str | None = None):
    response = jsonify(schema(many=many).dump(value))
    response.status_code = status
    if mimetype:
        response.mimetype = mimetype
    return response


def utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None else None


def json_body(schema) -> dict:
    data = request.get_json(silent=True)
    if data is None and not request.data:
        data = {}
    if not isinstance(data, dict):
        raise ValidationError("The body must be a JSON object.")
    return schema().load(data)


def invalid(exc: ValidationError):
    return problem(400, "invalid", str(exc.messages)[:500])
