"""Queue pages. (The moderation issue builds the list, item page, filters and overview here.)"""
from flask import render_template

from tipboard.moderation import bp
from tipboard.permissions import STAFF, roles_required


@bp.get("/")
@roles_required(*STAFF)
def queue():
    return render_template("moderation/queue.html")
