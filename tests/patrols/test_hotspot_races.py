"""Decisions and imports that race: the same file imported twice at once stores each row once, and
two staff accepting the same suggestion at once make one point."""

import threading

import sqlalchemy as sa

from tests.factories import GridFactory
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.patrols import hotspots
from tipboard.patrols.incidents import import_csv
from tipboard.patrols.models import HotspotDecision, Incident, PatrolPoint

ROWS = 40
FILE = (
    "occurred_at,lat,lon,type\n"
    + "".join(f"2026-11-{1 + i % 28:02d} 21:{i % 60:02d},31.9300,119.9900,theft\n" for i in range(ROWS))
).encode()


def _at_once(app, calls):
    barrier = threading.Barrier(len(calls), timeout=60)
    results, errors = [], []

    def worker(call):
        barrier.wait()
        with app.app_context():  # a job or a POST: SQLite takes the write lock up front
            try:
                results.append(call())
                db.session.commit()
            except hotspots.HotspotError as exc:
                db.session.rollback()
                results.append(exc.code)
            except Exception as exc:  # reported by the assertion below
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, errors


def test_the_same_file_imported_twice_at_once_stores_each_row_once(fresh_app):
    def run():
        result = import_csv(FILE, None, utcnow())
        return (result.added, result.already, tuple(code for _line, code in result.errors))

    results, errors = _at_once(fresh_app, [run, run])
    assert errors == []
    assert (ROWS, 0, ()) in results, results
    assert set(results) <= {(ROWS, 0, ()), (0, ROWS, ()), (0, 0, ("busy",))}
    with fresh_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Incident.id))) == ROWS


def test_two_staff_accepting_one_suggestion_at_once_make_one_point(fresh_app):
    with fresh_app.app_context():
        grid_id = GridFactory().id
        import_csv(FILE, None, utcnow())
        db.session.commit()
        spot = hotspots.suggestions(now=utcnow())[0]

    def accept():
        point = hotspots.accept(
            spot,
            None,
            name_en="Raced",
            name_zh="竞速",
            lat=spot.lat,
            lon=spot.lon,
            radius_m=150,
            grid_id=grid_id,
            team_id=None,
            hours=[],
            weekdays=[0],
        )
        return point.id

    results, errors = _at_once(fresh_app, [accept, accept, accept])
    assert errors == []
    assert results.count("already_decided") == 2, results
    with fresh_app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count(PatrolPoint.id)).where(PatrolPoint.name_en == "Raced"))
            == 1
        )
        assert db.session.scalar(sa.select(sa.func.count(HotspotDecision.id))) == 1
