"""Refusals and error pages: readable, translated, and a rollback on 500."""

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tipboard.extensions import db


class Refusal(ValueError):
    """Something a service refuses to do, for the user to read: ``code`` picks the message from
    the caller's table (each module's ``*_ERRORS``), ``params`` fill it in. Each service module
    has its own subclass (TipError, RewardError ...), so a view catches the refusals of exactly
    the services it called."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


MESSAGES = {
    400: _l("The request could not be understood. Please check what you sent."),
    403: _l("You do not have access to this page."),
    404: _l("There is nothing at this address."),
    405: _l("That action is not possible here."),
    413: _l("What you sent is too large. Photos may be at most %(mb)s MB each, %(total)s MB together."),
    429: _l("Too many attempts. Please wait a little and try again."),
    500: _l("Something went wrong on our side. Nothing you already sent was lost; please try again."),
}


def _render(status: int, detail: str | None = None):
    cfg = current_app.config
    message = str(MESSAGES.get(status, MESSAGES[400])) % {
        "mb": cfg["MAX_PHOTO_BYTES"] // (1024 * 1024),
        "total": cfg["MAX_CONTENT_LENGTH"] // (1024 * 1024),
    }
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return jsonify(error=message, detail=detail), status
    return render_template("errors/error.html", status=status, message=message, detail=detail), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _render(400, str(_l("The form expired. Please go back, reload it and send it again.")))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.response is not None:  # abort(response) from the permission helpers
            return exc.response
        # abort(400, description=_("...")) gives a reason; werkzeug's own English defaults are not shown.
        detail = exc.description if exc.description != type(exc).description else None
        return _render(exc.code or 500, detail)

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return _render(500)
