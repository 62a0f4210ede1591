from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from tipboard.csvexport import csv_response
from tipboard.extensions import db, limiter
from tipboard.flow import refuse
from tipboard.forms import Form
from tipboard.nav import register_nav
from tipboard.permissions import ADMINS, STAFF, SUPERVISORS, login_required, public, roles_required
from tipboard.qr import qr_svg
from tipboard.ratelimit import browser_key, limit, staff_key
from tipboard.rewards import books, bp, services
from tipboard.rewards import consent as consents
from tipboard.rewards.forms import (
    METHOD_LABELS,
    BudgetForm,
    CollectForm,
    ConsentAnswerForm,
    ConsentCodeForm,
    NominationForm,
    PayForm,
    RedeemForm,
    RedeemPayForm,
    RuleForm,
    StatementForm,
)
from tipboard.rewards.messages import refusal
from tipboard.rewards.models import Budget, Fund, Nomination, Reward, RewardKind, RewardRule, RewardStatus
from tipboard.rewards.queue import KIND_LABELS, short_of_approvers
from tipboard.tips.access import tip_for_reporter
from tipboard.tips.models import Category, Tip
from tipboard.tips.panels import register_tracking_panel

register_nav("rewards.index", _l("Rewards"), roles=STAFF, order=62)
register_nav("rewards.mine", _l("My rewards"), roles=(), order=85)
register_nav("rewards.honour", _l("Honour board"), order=40)


@bp.app_context_processor
def _reward_helpers() -> dict:
    """The queue's reward page warns when too few supervisors are left to approve it."""
    return {"short_of_approvers": short_of_approvers}


@bp.get("/")
@roles_required(*STAFF)
def index():
    status = request.args.get("status", "approved")
    rewards = db.session.scalars(
        sa.select(Reward)
        .where(Reward.status == status)
        .options(selectinload(Reward.tip).joinedload(Tip.reporter), selectinload(Reward.nomination))
        .order_by(Reward.id.desc())
        .limit(200)
    ).all()
    budgets = db.session.scalars(
        sa.select(Budget).order_by(Budget.period.desc(), Budget.fund_id).limit(24)
    ).all()
    return render_template(
        "rewards/index.html",
        rewards=rewards,
        budgets=budgets,
        status=status,
        statuses=list(RewardStatus),
        kinds=KIND_LABELS,
        pay_form=PayForm(),
        consent_form=Form(),
    )


@bp.route("/budgets", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def budgets():
    form = BudgetForm()
    form.fund.choices = [(str(f.id), f.name) for f in db.session.scalars(sa.select(Fund).order_by(Fund.id))]
    if form.validate_on_submit():
        try:
            services.create_budget(int(form.fund.data), form.period.data, form.amount.data)
        except services.RewardError as exc:
            refuse(refusal(exc))
        else:
            flash(_("Budget created."), "success")
            return redirect(url_for("rewards.budgets"))
    rows = db.session.scalars(sa.select(Budget).order_by(Budget.period.desc(), Budget.fund_id)).all()
    return render_template(
        "rewards/budgets.html", form=form, budgets=rows, problems=books.check_books()
    ), 400 if form.errors else 200


@bp.route("/rules", methods=["GET", "POST"])
@roles_required(*ADMINS)
def rules():
    categories = db.session.scalars(sa.select(Category).order_by(Category.sort_order, Category.id)).all()
    existing = {r.category_id: r for r in db.session.scalars(sa.select(RewardRule))}
    category_id = request.args.get("category", type=int) or request.form.get("category_id", type=int)
    if category_id and category_id not in {c.id for c in categories}:
        abort(404)
    form = None
    if category_id:
        rule = existing.get(category_id)
        form = (
            RuleForm(obj=None)
            if request.method == "POST"
            else RuleForm(
                rewardable=rule.rewardable if rule else True,
                minimum=rule.min_fen if rule else 500,
                default=rule.default_fen if rule else 1000,
                maximum=rule.max_fen if rule else 2000,
            )
        )
        if form.validate_on_submit():
            try:
                services.save_rule(
                    category_id, form.rewardable.data, form.minimum.data, form.default.data, form.maximum.data
                )
            except services.RewardError as exc:
                refuse(refusal(exc))
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("rewards.rules"))
    return render_template(
        "rewards/rules.html", categories=categories, rules=existing, form=form, category_id=category_id
    ), 400 if form is not None and form.errors else 200


def _refused_code(form: RedeemForm, exc: services.RewardError):
    """Back to the code step; only a refused code counts against the guessing limit."""
    g.claim_code_refused = exc.code == "bad_code"
    refuse(refusal(exc))
    return render_template("rewards/redeem.html", form=form, pay_form=None, reward=None), 400


@bp.route("/redeem", methods=["GET", "POST"])
@roles_required(*STAFF)
@limiter.limit(
    limit("RATE_CLAIM_DESK"),
    methods=["POST"],
    key_func=staff_key,
    deduct_when=lambda r: g.get("claim_code_refused", False),
)
def redeem():
    """At the station: type or scan the claim code, see the reward, pay, record how."""
    form, pay_form, reward = RedeemForm(), None, None
    if request.form.get("step") == "pay" or "method" in request.form:
        pay_form = RedeemPayForm()
        if pay_form.validate_on_submit():
            try:
                reward = services.redeem(
                    pay_form.code.data, pay_form.method.data, pay_form.reference.data, current_user
                )
            except services.RewardError as exc:
                return _refused_code(form, exc)
            flash(
                _(
                    "Paid %(amount)s. The claim code is now used up.",
                    amount=services.money_text(reward.amount_fen),
                ),
                "success",
            )
            return redirect(url_for("rewards.redeem"))
        try:  # the pay step again, with its errors, for the same code
            reward = services.reward_for_claim(pay_form.code.data or "")
        except services.RewardError as exc:
            return _refused_code(form, exc)
        return render_template("rewards/redeem.html", form=form, pay_form=pay_form, reward=reward), 400
    if form.validate_on_submit():
        try:
            reward = services.reward_for_claim(form.code.data)
        except services.RewardError as exc:
            return _refused_code(form, exc)
        pay_form = RedeemPayForm(formdata=None, code=form.code.data)
    return render_template(
        "rewards/redeem.html", form=form, pay_form=pay_form, reward=reward
    ), 400 if form.errors else 200


@bp.post("/<int:reward_id>/pay")
@roles_required(*STAFF)
def pay(reward_id: int):
    """Pay a named resident's reward (cash at the desk or a transfer they asked for)."""
    reward = db.session.get(Reward, reward_id) or abort(404)
    form = PayForm()
    if form.validate_on_submit():
        try:
            services.pay(reward, form.method.data, form.reference.data, current_user)
        except services.RewardError as exc:
            refuse(refusal(exc))
        else:
            flash(_("Recorded as paid."), "success")
    else:
        flash(_("Choose how the reward was paid."), "error")
    return redirect(url_for("rewards.index"))


@bp.get("/mine")
@login_required
def mine():
    return render_template(
        "rewards/mine.html",
        rewards=services.rewards_of(current_user),
        form=CollectForm(),
        methods=METHOD_LABELS,
    )


@bp.post("/<int:reward_id>/collect")
@login_required
def collect(reward_id: int):
    reward = db.session.get(Reward, reward_id)
    if reward is None or reward.tip is None or not reward.tip.is_reporter(current_user):
        abort(404)  # someone else's reward does not exist for you
    form = CollectForm()
    if form.validate_on_submit():
        try:
            services.choose_collect_method(reward, current_user, form.method.data)
        except services.RewardError as exc:
            refuse(refusal(exc))
        else:
            flash(_("Thank you. The station will pay it as you chose."), "success")
    return redirect(url_for("rewards.mine"))


@bp.post("/claim/<code>")
@public
@limiter.limit(limit("RATE_CLAIM"), key_func=browser_key)
@limiter.limit(limit("RATE_CLAIM_ADDRESS"))
def claim(code: str):
    """The tipster (anonymous or named) asks for a one-time claim code for their approved reward."""
    tip = tip_for_reporter(code)
    reward = services.reward_for_tip(tip.id)
    if reward is None:
        abort(404)
    try:
        claim_code = services.issue_claim_code(reward)
    except services.RewardError as exc:
        refuse(refusal(exc))
        return redirect(url_for("tips.tracked", code=code))
    session["claim_code"] = {"code": claim_code, "amount": reward.amount_fen, "tip": tip.tracking_code}
    return redirect(url_for("rewards.claim_code"))


@bp.get("/claim-code")
@public
def claim_code():
    data = session.pop("claim_code", None)
    if not data:
        return redirect(url_for("tips.track"))
    response = current_app.make_response(
        render_template("rewards/claim_code.html", data=data, qr=qr_svg(data["code"]))
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _period_bounds() -> tuple[dt.datetime, dt.datetime]:
    """``from`` and ``to`` are station-local dates, both days included, as naive UTC bounds."""
    try:
        first = dt.date.fromisoformat(request.args.get("from", ""))
        last = dt.date.fromisoformat(request.args.get("to", ""))
        if last < first:
            abort(400, description=_("The period ends before it starts."))
        return books.local_days(first, last)
    except ValueError:
        abort(400, description=_("Give the period as two dates, from and to (YYYY-MM-DD)."))


@bp.get("/ledger.csv")
@roles_required(*SUPERVISORS)
def ledger_csv():
    start, end = _period_bounds()
    return csv_response(
        ["id", "created_at_utc", "fund", "budget_period", "reward_id", "kind", "amount_fen", "amount_yuan"],
        (
            [
                entry.id,
                entry.created_at.isoformat(),
                entry.budget.fund.code,
                entry.budget.period,
                entry.reward_id,
                entry.kind,
                entry.amount_fen,
                f"{entry.amount_fen / 100:.2f}",
            ]
            for entry in books.ledger_between(start, end)
        ),
        f"ledger-{start:%Y%m%d}-{end:%Y%m%d}.csv",
    )


@bp.get("/statement")
@roles_required(*SUPERVISORS)
def statement():
    form = StatementForm(request.args)
    lines = None
    if request.args and form.validate():
        year, month = (int(x) for x in form.month.data.split("-"))
        try:
            lines = books.monthly_statement(year, month)
        except ValueError:  # 0001-01 or 9999-12: the month's bounds fall off the calendar
            form.month.errors.append(_("No statement can be made for that month."))
    elif not request.args:
        form.month.data = dt.date.today().strftime("%Y-%m")
    return render_template("rewards/statement.html", form=form, lines=lines), 400 if form.errors else 200


@bp.route("/nominate", methods=["GET", "POST"])
@login_required
def nominate():
    """Staff nominate for courage or good-neighbour awards; residents for good-neighbour awards."""
    form = NominationForm()
    kinds = [RewardKind.GOOD_NEIGHBOUR] + ([RewardKind.COURAGE] if current_user.has_role(*STAFF) else [])
    form.kind.choices = [(k.value, KIND_LABELS[k.value]) for k in kinds]
    if form.validate_on_submit():
        try:
            services.nominate(
                form.kind.data,
                form.nominee_name.data,
                form.nominee_contact.data,
                form.story.data,
                form.public_consent.data,
                current_user,
            )
        except services.RewardError as exc:
            refuse(refusal(exc))
        else:
            flash(_("Thank you. The station will consider the nomination."), "success")
            return redirect(url_for("main.index"))
    return render_template("rewards/nominate.html", form=form), 400 if form.errors else 200


@bp.post("/nominations/<int:nomination_id>/consent-code")
@roles_required(*STAFF)
def consent_code(nomination_id: int):
    """A consent code for staff to hand to the nominee (shown once), who answers with it themselves."""
    nomination = db.session.get(Nomination, nomination_id) or abort(404)
    if not Form().validate_on_submit():
        abort(400, description=_("The form expired. Please reload the page and try again."))
    code = consents.issue_consent_code(nomination)
    response = current_app.make_response(
        render_template("rewards/consent_code.html", nomination=nomination, code=code)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused_consent(form: ConsentCodeForm, exc: services.RewardError):
    """Back to the code step; only a wrong code counts against the guessing limit."""
    g.consent_code_refused = exc.code == "bad_code"
    refuse(refusal(exc))
    return render_template(
        "rewards/consent.html", form=form, nomination=None, answer_form=None, kinds=KIND_LABELS
    ), 400


def _consent_refused(_response) -> bool:
    return g.get("consent_code_refused", False)


@bp.route("/consent", methods=["GET", "POST"])
@public
@limiter.limit(limit("RATE_CLAIM"), methods=["POST"], key_func=browser_key, deduct_when=_consent_refused)
@limiter.limit(limit("RATE_CLAIM_ADDRESS"), methods=["POST"], deduct_when=_consent_refused)
def consent():
    """The person nominated for an award says, with the code the station gave them, whether their
    name may appear on the public honour board (and may change their mind later)."""
    form, nomination, answer_form = ConsentCodeForm(), None, None
    person = current_user if current_user.is_authenticated else None
    if "answer" in request.form:
        answer_form = ConsentAnswerForm()
        if not answer_form.validate_on_submit():
            return _refused_consent(form, services.RewardError("bad_code"))
        try:
            consents.answer_consent(answer_form.code.data, answer_form.answer.data == "yes", person)
        except services.RewardError as exc:
            return _refused_consent(form, exc)
        if answer_form.answer.data == "yes":
            flash(
                _("Thank you. Your name will be on the honour board once the award is approved."), "success"
            )
        else:
            flash(_("Your name will not appear on the honour board."), "success")
        return redirect(url_for("rewards.consent"))
    if form.validate_on_submit():
        try:
            nomination = consents.nomination_for_consent(form.code.data)
        except services.RewardError as exc:
            return _refused_consent(form, exc)
        answer_form = ConsentAnswerForm(formdata=None, code=form.code.data)
    response = current_app.make_response(
        render_template(
            "rewards/consent.html",
            form=form,
            nomination=nomination,
            answer_form=answer_form,
            kinds=KIND_LABELS,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response, 400 if form.errors else 200


@bp.get("/honour")
@public
def honour():
    rows = db.session.execute(
        sa.select(Nomination, Reward)
        .join(Reward, Reward.nomination_id == Nomination.id)
        .where(
            Nomination.consented_at.is_not(None),  # the nominee's own yes; the nominator's tick is not enough
            Reward.status.in_([RewardStatus.APPROVED.value, RewardStatus.PAID.value]),
        )
        .order_by(Reward.approved_at.desc())
        .limit(100)
    ).all()
    return render_template("rewards/honour.html", rows=rows, kinds=KIND_LABELS)


def _tracking_panel(tip):
    reward = services.reward_for_tip(tip.id)
    if reward is None or reward.status_enum in (RewardStatus.CANCELLED,):
        return None
    return render_template("rewards/_panel.html", tip=tip, reward=reward, kinds=KIND_LABELS)


register_tracking_panel(_tracking_panel, order=20)
