"""The shapes of /api/v1's answers and bodies (marshmallow), from which the OpenAPI document is
made. Views build plain dicts and ``dump`` them through these, so the document and the answers
cannot drift apart."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate

NULLABLE = {"allow_none": True}


class ErrorSchema(Schema):
    class Meta:
        unknown = INCLUDE  # a 429 also says when to retry ("detail")

    error = fields.String(required=True)
    message = fields.String(required=True)


class HazardSchema(Schema):
    """A published tip as the public hazard list shows it: rounded position, no reporter."""

    id = fields.Integer(required=True)
    category = fields.String(required=True)
    category_code = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    description = fields.String(required=True)
    status_notes = fields.String(required=True, **NULLABLE)
    lat = fields.Float(required=True, **NULLABLE)
    lon = fields.Float(required=True, **NULLABLE)
    grid = fields.String(required=True, **NULLABLE)
    reported_at = fields.DateTime(required=True)


class HazardPageSchema(Schema):
    items = fields.List(fields.Nested(HazardSchema), required=True)
    next_before = fields.Integer(required=True, **NULLABLE)


class PointSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("Point"))
    coordinates = fields.List(fields.Float(), required=True)


class FeatureSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("Feature"))
    geometry = fields.Nested(PointSchema, required=True)
    properties = fields.Nested(HazardSchema, required=True)


class FeatureCollectionSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("FeatureCollection"))
    features = fields.List(fields.Nested(FeatureSchema), required=True)


class ChoiceSchema(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)


class QuestionSchema(Schema):
    code = fields.String(required=True)
    text = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["text", "number", "single", "multi"]))
    required = fields.Boolean(required=True)
    choices = fields.List(fields.Nested(ChoiceSchema), required=True)


class CategorySchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    is_hazard = fields.Boolean(required=True)
    questions = fields.List(fields.Nested(QuestionSchema), required=True)


class TipSubmitSchema(Schema):
    """A tip sent by a client system (multipart form; answers as ``q-<code>`` fields)."""

    category = fields.String(required=True, metadata={"description": "a category code"})
    description = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    lat = fields.Float(metadata={"description": "with lon, or give an address"})
    lon = fields.Float()
    address = fields.String(validate=validate.Length(max=200))
    photos = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}))


class TipReceiptSchema(Schema):
    tracking_code = fields.String(required=True)
    secret = fields.String(required=True)


class TrackSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(max=20))
    secret = fields.String(required=True, validate=validate.Length(max=20))


class ProgressSchema(Schema):
    at = fields.DateTime(required=True)
    status = fields.String(required=True, **NULLABLE)
    note = fields.String(required=True, **NULLABLE)


class TrackedTipSchema(Schema):
    tracking_code = fields.String(required=True)
    category = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    progress = fields.List(fields.Nested(ProgressSchema), required=True)


class QueueEntrySchema(Schema):
    item_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    status = fields.String(required=True)
    priority = fields.Integer(required=True)
    due_at = fields.DateTime(required=True, **NULLABLE)
    summary = fields.String(required=True)
    tip_id = fields.Integer(required=True, **NULLABLE)


class QueuePageSchema(Schema):
    items = fields.List(fields.Nested(QueueEntrySchema), required=True)
    next_cursor = fields.String(required=True, **NULLABLE)


class AnswerSchema(Schema):
    code = fields.String(required=True)
    question = fields.String(required=True)
    answer = fields.String(required=True)


class EventSchema(Schema):
    at = fields.DateTime(required=True)
    kind = fields.String(required=True)
    visibility = fields.String(required=True)
    status = fields.String(required=True, **NULLABLE)
    body = fields.String(required=True, **NULLABLE)


class TipDetailSchema(Schema):
    """A tip as staff see it in the queue; an anonymous tipster stays anonymous here too."""

    id = fields.Integer(required=True)
    tracking_code = fields.String(required=True)
    category = fields.String(required=True)
    category_code = fields.String(required=True)
    status = fields.String(required=True)
    description = fields.String(required=True)
    address = fields.String(required=True, **NULLABLE)
    lat = fields.Float(required=True, **NULLABLE)
    lon = fields.Float(required=True, **NULLABLE)
    grid = fields.String(required=True, **NULLABLE)
    anonymous = fields.Boolean(required=True)
    reporter = fields.String(required=True, **NULLABLE)
    assignee_id = fields.Integer(required=True, **NULLABLE)
    photos = fields.Integer(required=True)
    reported_at = fields.DateTime(required=True)
    answers = fields.List(fields.Nested(AnswerSchema), required=True)
    events = fields.List(fields.Nested(EventSchema), required=True)


class NoteSchema(Schema):
    note = fields.String(validate=validate.Length(max=4000))


class AssignSchema(Schema):
    assignee_id = fields.Integer(**NULLABLE)
    grid_id = fields.Integer(**NULLABLE)


class ShiftSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    point = fields.String(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    places_left = fields.Integer(required=True)
    mine = fields.String(required=True, **NULLABLE)


class SignUpSchema(Schema):
    shift_id = fields.Integer(required=True)
    status = fields.String(required=True)
