from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from tipboard.auth import bp, reset, services
from tipboard.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    SettingsForm,
)
from tipboard.extensions import limiter
from tipboard.permissions import login_required, public
from tipboard.ratelimit import account_address_key, browser_key, limit

AUTH_ERRORS = {
    "bad_contact": _l("Enter a mobile number or an email address."),
    "contact_taken": _l("An account with that phone number or email already exists."),
    # One message for every failed sign-in (unknown account, wrong password, throttled), so the
    # answer never tells whether an account exists.
    "bad_credentials": _l(
        "Sign-in failed: the login or the password is wrong, or there were too many attempts. "
        "Check them, or try again in a few minutes."
    ),
    "inactive": _l("This account is disabled. Please contact the station."),
    "bad_current_password": _l("The current password is wrong."),
}


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return None
    return target


def _login_throttled(_limit):
    """Too many sign-ins: the sign-in form with the same message as a wrong password."""
    form = LoginForm()
    form.password.errors = [str(AUTH_ERRORS["bad_credentials"])]
    return make_response(render_template("auth/login.html", form=form), 429)


def _sign_in(user, remember: bool = False) -> None:
    # A fresh session: whatever the visitor's cookie held before login is gone (no fixation).
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    services.start_login_session(user)
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(limit("RATE_REGISTER"), methods=["POST"], key_func=browser_key)
@limiter.limit(limit("RATE_REGISTER_ADDRESS"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                form.name.data, form.contact.data, form.password.data, locale=session.get("lang")
            )
        except services.AuthError as exc:
            form.contact.errors = [str(AUTH_ERRORS[exc.code])]
        else:
            _sign_in(user)
            flash(_("Welcome to tipboard."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(limit("RATE_LOGIN"), methods=["POST"], key_func=browser_key, on_breach=_login_throttled)
@limiter.limit(limit("RATE_LOGIN_ADDRESS"), methods=["POST"], on_breach=_login_throttled)
@limiter.limit(
    limit("RATE_LOGIN_ACCOUNT"),
    methods=["POST"],
    key_func=account_address_key("login"),
    deduct_when=lambda response: g.get("login_failed", False),
    on_breach=_login_throttled,
)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.login.data, form.password.data)
        except services.AuthError as exc:
            g.login_failed = True  # counts against this account from this address
            form.password.errors = [str(AUTH_ERRORS[exc.code])]
        else:
            _sign_in(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data) or url_for("main.index"))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    services.end_login_session(current_user)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.AuthError as exc:
            form.current.errors = [str(AUTH_ERRORS[exc.code])]
        else:
            flash(_("Your password was changed. Other devices were signed out."), "success")
            return redirect(url_for("auth.settings"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(locale=current_user.locale or session.get("lang") or "zh_Hans")
    if form.validate_on_submit() and services.choose_language(current_user, form.locale.data):
        session["lang"] = form.locale.data
        flash(_("Saved."), "success")
        return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form), 400 if form.errors else 200


@bp.route("/reset", methods=["GET", "POST"])
@public
@limiter.limit(limit("RATE_PASSWORD_RESET"), methods=["POST"], key_func=browser_key)
@limiter.limit(limit("RATE_PASSWORD_RESET_ADDRESS"), methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        reset.request_reset(form.login.data)
        # The same answer whether or not the account exists: no account enumeration.
        flash(
            _("If that account exists, a reset link is on its way. It works once, for a few hours."),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(limit("RATE_PASSWORD_RESET"), methods=["POST"], key_func=browser_key)
@limiter.limit(limit("RATE_PASSWORD_RESET_ADDRESS"), methods=["POST"])
def reset_password(token: str):
    if reset.valid_token(token) is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset.reset_password(token, form.password.data)
        except services.AuthError:  # used up by a second submission a moment earlier
            return render_template("auth/reset_invalid.html"), 404  # a 404 is not committed
        logout_user()
        session.clear()
        flash(_("Your password is changed. Please sign in."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 400 if form.errors else 200
