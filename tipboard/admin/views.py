"""Administration: categories, grids and accounts (admins only)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tipboard.admin import bp, services
from tipboard.admin.forms import ROLE_LABELS, CategoryForm, GridForm, QuestionForm, UserRolesForm
from tipboard.auth.models import User
from tipboard.extensions import db
from tipboard.flow import refuse
from tipboard.geo import Grid
from tipboard.nav import register_nav
from tipboard.permissions import ADMINS, Role, roles_required
from tipboard.tips import questions as question_services
from tipboard.tips.messages import QUESTION_ERRORS
from tipboard.tips.models import QUESTION_KIND_LABELS, Category, CategoryQuestion

register_nav("admin.index", _l("Admin"), roles=ADMINS, order=95)

ERRORS = {
    "slug_taken": _l("Another category already uses that short name."),
    "code_taken": _l("Another grid already uses that code."),
    "category_refused": _l(
        "The category could not be saved: the database refused one of its values. "
        "Nothing was changed; check the fields and try again."
    ),
    "grid_refused": _l(
        "The grid could not be saved: the database refused one of its values. "
        "Nothing was changed; check the fields and try again."
    ),
    "keep_own_admin": _l("You cannot remove your own administrator role or disable yourself."),
}


@bp.get("/")
@roles_required(*ADMINS)
def index():
    return render_template("admin/index.html")


@bp.get("/categories")
@roles_required(*ADMINS)
def categories():
    rows = db.session.scalars(sa.select(Category).order_by(Category.sort_order, Category.id)).all()
    return render_template("admin/categories.html", categories=rows)


def _edit(model, form_class, save, template: str, object_id: int | None, back: str):
    obj = db.session.get(model, object_id) if object_id else None
    if object_id and obj is None:
        abort(404)
    form = form_class(obj=obj)
    refused = False
    if form.validate_on_submit():
        try:
            save(obj, form.data)
        except services.AdminError as exc:
            refused = True
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(back))
    return render_template(template, form=form, obj=obj), 400 if form.errors or refused else 200


@bp.route("/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@roles_required(*ADMINS)
def category(category_id: int | None):
    return _edit(
        Category, CategoryForm, services.save_category, "admin/category.html", category_id, "admin.categories"
    )


@bp.get("/categories/<int:category_id>/questions")
@roles_required(*ADMINS)
def questions(category_id: int):
    category = db.session.get(Category, category_id) or abort(404)
    return render_template(
        "admin/questions.html",
        category=category,
        questions=question_services.questions_for(category.id, active_only=False),
        kind_labels=QUESTION_KIND_LABELS,
    )


@bp.route(
    "/categories/<int:category_id>/questions/new", methods=["GET", "POST"], defaults={"question_id": None}
)
@bp.route("/categories/<int:category_id>/questions/<int:question_id>", methods=["GET", "POST"])
@roles_required(*ADMINS)
def question(category_id: int, question_id: int | None):
    category = db.session.get(Category, category_id) or abort(404)
    found = db.session.get(CategoryQuestion, question_id) if question_id else None
    if question_id and (found is None or found.category_id != category.id):
        abort(404)
    form = QuestionForm(obj=found)
    refused = False
    if form.validate_on_submit():
        try:
            question_services.save_question(category.id, found, form.data)
        except question_services.QuestionError as exc:
            refused = True
            refuse(str(QUESTION_ERRORS[exc.code]))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.questions", category_id=category.id))
    return render_template(
        "admin/question.html", form=form, category=category, obj=found
    ), 400 if form.errors or refused else 200


@bp.get("/grids")
@roles_required(*ADMINS)
def grids():
    return render_template(
        "admin/grids.html", grids=db.session.scalars(sa.select(Grid).order_by(Grid.code)).all()
    )


@bp.route("/grids/new", methods=["GET", "POST"], defaults={"grid_id": None})
@bp.route("/grids/<int:grid_id>", methods=["GET", "POST"])
@roles_required(*ADMINS)
def grid(grid_id: int | None):
    return _edit(Grid, GridForm, services.save_grid, "admin/grid.html", grid_id, "admin.grids")


@bp.get("/users")
@roles_required(*ADMINS)
def users():
    query = request.args.get("q", "")[:100]
    return render_template(
        "admin/users.html",
        users=services.find_users(query),
        q=query,
        role_labels={r.value: ROLE_LABELS[r] for r in Role},
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(*ADMINS)
def user(user_id: int):
    account = db.session.get(User, user_id) or abort(404)
    form = UserRolesForm(roles=sorted(account.role_names), active=account.active)
    if form.validate_on_submit():
        try:
            services.set_roles(account, form.roles.data, form.active.data, current_user)
        except services.AdminError as exc:
            refuse(str(ERRORS[exc.code]))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user.html", form=form, account=account), 400 if form.errors else 200
