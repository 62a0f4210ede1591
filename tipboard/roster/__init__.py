"""The weekly patrol roster: a MILP (solver.py) fed from the patrols tables (build.py), run by the
scheduler once per week (jobs.py), reviewed, edited and published by leaders (views.py).

The solver modules (model in solver.py, greedy.py, validate.py, explain.py, repair.py,
generate.py) take plain dataclasses and know nothing about the database."""

from flask import Blueprint

bp = Blueprint("roster", __name__, url_prefix="/roster")

from tipboard.roster import jobs, models, views  # noqa: E402,F401  (jobs and CLI, models, routes)
