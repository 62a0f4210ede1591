"""The OpenAPI 3.1 document of /api/v1, made from the code: each view declares its operation with
``@documented`` (path, parameters, body and answers named by their marshmallow schemas), and
:func:`build_spec` assembles them with apispec."""

from __future__ import annotations

import functools

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from tipboard.api import schemas

OPERATIONS: list[dict] = []
SCHEMAS = {
    name.removesuffix("Schema"): cls
    for name, cls in vars(schemas).items()
    if isinstance(cls, type) and issubclass(cls, schemas.Schema) and cls is not schemas.Schema
}
STANDARD = {
    400: ("Error", "The request is malformed or refused; the message says why."),
    401: ("Error", "A valid personal access token (or client key) is required."),
    403: ("Error", "This token's role (or this key) may not do this."),
    404: ("Error", "Nothing of that id visible to you."),
    429: ("Error", "Too many requests from this client; try again later."),
}


def documented(
    path: str,
    method: str,
    *,
    summary: str,
    tag: str,
    responses: dict,
    params: tuple = (),
    body: str | None = None,
    body_type: str = "application/json",
    security: str | None = None,
    description: str | None = None,
):
    """Declare a view's operation. ``responses``: {status: schema name, [name] for a list of them, or
    (either, content type)};
    ``params``: (name, in, JSON schema, required) tuples."""

    def decorator(view):
        OPERATIONS.append(
            {
                "path": path,
                "method": method,
                "summary": summary,
                "tag": tag,
                "responses": responses,
                "params": params,
                "body": body,
                "body_type": body_type,
                "security": security,
                "description": description or (view.__doc__ or "").strip(),
                "operationId": view.__name__,
            }
        )
        return view

    return decorator


def _response(status: int, answer) -> dict:
    if isinstance(answer, tuple):
        name, content_type = answer
    else:
        name, content_type = answer, "application/json"
    schema = {"type": "array", "items": name[0]} if isinstance(name, list) else name  # dict: as is
    text = STANDARD[status][1] if status in STANDARD else "OK"
    return {"description": text, "content": {content_type: {"schema": schema}}}


def _operation(op: dict) -> dict:
    responses = {str(status): _response(status, answer) for status, answer in op["responses"].items()}
    for status in (400, 429) + ((401, 403) if op["security"] else ()):
        responses.setdefault(str(status), _response(status, STANDARD[status][0]))
    operation = {
        "operationId": op["operationId"],
        "summary": op["summary"],
        "description": op["description"],
        "tags": [op["tag"]],
        "responses": responses,
        "parameters": [
            {"name": name, "in": where, "schema": schema, "required": required}
            for name, where, schema, required in op["params"]
        ],
    }
    if op["body"]:
        operation["requestBody"] = {"required": True, "content": {op["body_type"]: {"schema": op["body"]}}}
    if op["security"]:
        operation["security"] = [{op["security"]: []}]
    return operation


@functools.cache
def build_spec() -> dict:
    spec = APISpec(
        title="tipboard API",
        version="1",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": "Public hazards, tips, tracking, and the station's queue and patrols."},
    )
    spec.components.security_scheme("personalToken", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("clientKey", {"type": "apiKey", "in": "header", "name": "X-Api-Key"})
    for name, cls in SCHEMAS.items():
        spec.components.schema(name, schema=cls)
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op["path"], {})[op["method"]] = _operation(op)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
