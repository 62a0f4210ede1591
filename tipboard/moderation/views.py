"""The queue pages. Everything about a subject comes from its kind in the registry."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.geo import grid_places, localized
from tipboard.ids import db_id
from tipboard.moderation import bp, listing, services
from tipboard.moderation.charts import stacked_bars
from tipboard.moderation.forms import BulkForm, ClaimForm, ResponseTemplateForm
from tipboard.moderation.models import ItemStatus, QueueItem, ResponseTemplate
from tipboard.moderation.registry import ActionRefused, all_kinds, get_kind, overview_panels
from tipboard.nav import register_nav
from tipboard.permissions import ADMINS, LEADERS, STAFF, roles_required
from tipboard.tips.stats import overview as tip_figures

register_nav("moderation.queue", _l("Queue"), roles=LEADERS, order=60)
register_nav("moderation.overview", _l("Overview"), roles=STAFF, order=61)

# What the queue itself records in the audit trail, besides each kind's own actions.
QUEUE_VERBS = {"enqueue": _l("entered the queue"), "claim": _l("took it on"), "release": _l("let it go")}


def audit_rows(trail, kind) -> list[dict]:
    """The audit trail for people: the action's label, and each changed value as before -> after."""
    labels = {**QUEUE_VERBS, **{a.name: a.label for a in kind.actions}}
    rows = []
    for entry in trail:
        before, after = entry.before or {}, entry.after or {}
        changes = [
            (key, before.get(key), after.get(key))
            for key in dict.fromkeys([*before, *after])
            if before.get(key) != after.get(key)
        ]
        rows.append({"entry": entry, "label": labels.get(entry.action, entry.action), "changes": changes})
    return rows


QUEUE_ERRORS = {
    "unknown_kind": _l("This kind of item is not known."),
    "unknown_action": _l("That action does not exist for this item."),
    "forbidden": _l("You may not take that action."),
    "claimed_by_other": _l("Someone else is working on this item. Wait until they release it."),
    "missing_subject": _l("What this item was about no longer exists."),
}
STATUS_LABELS = {"open": _l("Open"), "waiting": _l("Waiting"), "closed": _l("Closed"), "all": _l("All")}


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=db_id)


@bp.get("/")
@roles_required(*LEADERS)
def queue():
    flt = _queue_filter()
    items, next_cursor = listing.page(flt, request.args.get("after"))
    counts = listing.counts(flt)
    return render_template(
        "moderation/queue.html",
        items=items,
        lines=services.lines(items),
        kinds={k.name: k for k in all_kinds()},
        flt=flt,
        counts=counts,
        names=_facet_names(flt, counts),
        next_cursor=next_cursor,
        args={k: v for k, v in request.args.items() if k != "after"},
        bulk_actions=_bulk_actions(flt.kinds),
        bulk_form=BulkForm(),
    )


def _queue_filter() -> listing.QueueFilter:
    """The query string as a filter, within what the user may see. What they may see (kinds, and
    for team kinds the teams they lead) is part of the SQL of the page and of the counts; the
    per-item check after it is a second line only."""
    visible = listing.QueueFilter.for_user(current_user)
    status = request.args.get("status", "open")
    return dataclasses.replace(
        visible,
        kind=request.args.get("kind") if request.args.get("kind") in visible.kinds else None,
        status=status if status in STATUS_LABELS else "open",
        category_id=_int_arg("category"),
        grid_id=_int_arg("grid"),
        assignee_id=_int_arg("assignee"),
        overdue=request.args.get("overdue") == "1",
    )


def _facet_names(flt: listing.QueueFilter, counts) -> dict[str, dict]:
    """The label of every value a filter link shows, by facet."""
    facet_names = listing.facet_names(flt, counts)
    return {
        "category": {id_: localized(zh, en) for id_, (en, zh) in facet_names["category"].items()},
        "grid": {g.id: g.name for g in grid_places()},
        "assignee": facet_names["assignee"],
        "kind": {k.name: k.label for k in all_kinds()},
        "status": STATUS_LABELS,
    }


def _bulk_actions(kinds) -> list[tuple[str, object]]:
    """(kind name, action) for each bulk action of a visible kind that the user may take."""
    return [
        (k.name, a)
        for k in all_kinds()
        if k.name in kinds
        for a in k.actions
        if a.bulk and current_user.has_role(*a.roles)
    ]


def _item_or_404(item_id: int) -> QueueItem:
    item = db.session.get(QueueItem, item_id)
    kind = get_kind(item.kind) if item else None
    if item is None or kind is None:
        abort(404)
    if not kind.visible_to(current_user, item):
        abort(403)
    return item


@bp.get("/item/<int:item_id>")
@roles_required(*LEADERS)
def item(item_id: int):
    entry = _item_or_404(item_id)
    kind = get_kind(entry.kind)
    subject = kind.load(entry.subject_id)
    if subject is None:
        abort(404)
    actions = [
        (a, a.form(prefix=a.name) if a.form else None) for a in kind.actions_for(subject, current_user)
    ]
    trail = audit_rows(services.audit_trail(entry.kind, entry.subject_id), kind)
    return render_template(
        "moderation/item.html",
        item=entry,
        kind=kind,
        subject=subject,
        actions=actions,
        trail=trail,
        claim_form=ClaimForm(),
    )


@bp.post("/item/<int:item_id>/claim")
@roles_required(*LEADERS)
def claim(item_id: int):
    entry = _item_or_404(item_id)
    if ClaimForm().validate_on_submit():
        if services.claim(entry.id, current_user):
            flash(
                _("You are working on this item for the next %(n)d minutes.", n=services.CLAIM_MINUTES),
                "success",
            )
        else:
            refuse(str(QUEUE_ERRORS["claimed_by_other"]))
    return redirect(url_for("moderation.item", item_id=item_id))


@bp.post("/item/<int:item_id>/release")
@roles_required(*LEADERS)
def release(item_id: int):
    entry = _item_or_404(item_id)
    if ClaimForm().validate_on_submit():
        services.release(entry, current_user)
    return redirect(url_for("moderation.queue"))


@bp.post("/item/<int:item_id>/act/<action>")
@roles_required(*LEADERS)
def act(item_id: int, action: str):
    entry = _item_or_404(item_id)
    kind = get_kind(entry.kind)
    queue_action = kind.action(action) or abort(404)
    form = queue_action.form(prefix=queue_action.name) if queue_action.form else ClaimForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("moderation.item", item_id=item_id)), 303
    data = {k: v for k, v in form.data.items() if k != "csrf_token"}
    try:
        outcome = services.perform(
            entry, action, current_user, data, idempotency_key=request.form.get("idempotency_key")
        )
    except services.QueueError as exc:
        refuse(str(QUEUE_ERRORS[exc.code]))
        return redirect(url_for("moderation.item", item_id=item_id))
    except ActionRefused as exc:
        refuse(str(exc))
        return redirect(url_for("moderation.item", item_id=item_id))
    flash(outcome.message or _("Done: %(action)s.", action=queue_action.label), "success")
    if entry.status == ItemStatus.CLOSED.value:
        return redirect(url_for("moderation.queue"))
    return redirect(url_for("moderation.item", item_id=item_id))


@bp.post("/bulk")
@roles_required(*LEADERS)
def bulk():
    """One action with one reason on several items; each is checked and audited on its own."""
    ids = request.form.getlist("item", type=db_id)[:100]  # ids the database can hold; others are dropped
    kind_name, _sep, action = request.form.get("bulk_action", "").partition(":")
    kind = get_kind(kind_name)
    queue_action = kind.action(action) if kind else None
    if not ids or queue_action is None or not queue_action.bulk:
        flash(_("Choose items and an action."), "error")
        return redirect(url_for("moderation.queue"))
    action_form = queue_action.form(prefix="bulk") if queue_action.form else BulkForm()
    if not action_form.validate_on_submit():
        for errors in action_form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("moderation.queue"))
    data = {k: v for k, v in action_form.data.items() if k != "csrf_token"}
    results = services.perform_many(
        kind_name, ids, action, current_user, data
    )  # each refusal undone on its own
    done = sum(1 for r in results if r.done)
    refused = len(results) - done
    flash(
        _("%(done)d done, %(refused)d refused.", done=done, refused=refused),
        "success" if not refused else "error",
    )
    return redirect(url_for("moderation.queue"))


@bp.get("/templates")
@roles_required(*ADMINS)
def templates():
    rows = db.session.scalars(sa.select(ResponseTemplate).order_by(ResponseTemplate.title)).all()
    return render_template("moderation/templates.html", templates=rows)


@bp.route("/templates/new", methods=["GET", "POST"], defaults={"template_id": None})
@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@roles_required(*ADMINS)
def template(template_id: int | None):
    row = db.session.get(ResponseTemplate, template_id) if template_id else None
    if template_id and row is None:
        abort(404)
    form = ResponseTemplateForm(obj=row)
    if form.validate_on_submit():
        services.save_response_template(
            row,
            title=form.title.data,
            body_zh=form.body_zh.data,
            body_en=form.body_en.data,
            active=form.active.data,
        )
        flash(_("Saved."), "success")
        return redirect(url_for("moderation.templates"))
    return render_template("moderation/template.html", form=form, row=row), 400 if form.errors else 200


@bp.get("/overview")
@roles_required(*STAFF)
def overview():
    figures = tip_figures()
    weekly = figures["per_category_week"]
    chart = stacked_bars([d.strftime("%m-%d") for d in weekly["weeks"]], weekly["series"])
    overdue = listing.overdue_count(listing.QueueFilter.for_user(current_user, status="all"))
    return render_template(
        "moderation/overview.html", f=figures, chart=chart, overdue=overdue, panels=overview_panels()
    )
