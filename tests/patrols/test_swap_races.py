"""Taking a swap is one conditional change: someone already on the shift cannot take it (nor is
offered it), and of many takers at once exactly one gets the place; leaving and promotion from
the waiting list are conditional the same way."""

import datetime as dt
import threading

import sqlalchemy as sa

from tests.factories import GridFactory, UserFactory
from tests.patrols.conftest import make_shift
from tipboard.auth.models import User
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.patrols import shifts
from tipboard.patrols.models import PatrolPoint, Shift, SignUp, SwapRequest, Team
from tipboard.patrols.teams import add_member


def _confirmed(shift_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SignUp)
        .where(SignUp.shift_id == shift_id, SignUp.status == "confirmed")
    )


def test_someone_on_the_shift_is_not_offered_its_swap_and_cannot_take_it(app, client, patrol, login):
    v0, v1, v2 = patrol["volunteers"]
    shift = patrol["shift"]
    shifts.sign_up(shift, v0)
    shifts.sign_up(shift, v1)
    swap = shifts.offer_swap(db.session.scalar(sa.select(SignUp).where(SignUp.user_id == v0.id)))
    db.session.commit()
    login(client, v1)
    assert f"/patrols/swaps/{swap.id}/take" not in client.get("/patrols/").data.decode()
    page = client.post(f"/patrols/swaps/{swap.id}/take", follow_redirects=True).data.decode()
    assert "already on that shift" in page
    db.session.expire_all()
    assert db.session.get(SwapRequest, swap.id).status == "open"
    assert _confirmed(shift.id) == 2 == db.session.get(Shift, shift.id).confirmed_count
    other = login(app.test_client(), v2)
    assert f"/patrols/swaps/{swap.id}/take" in other.get("/patrols/").data.decode()
    # Nor can the place be offered to someone already on it, and the page does not suggest them.
    v0_page = login(app.test_client(), v0)
    assert f'value="{v1.id}"' not in v0_page.get(f"/patrols/shifts/{shift.id}").data.decode()
    assert (
        "already on that shift"
        in v0_page.post(
            f"/patrols/shifts/{shift.id}/swap", data={"to": str(v1.id)}, follow_redirects=True
        ).data.decode()
    )


def _crowded_shift(n_takers: int, *, cap=5):
    grid = GridFactory()
    team = Team(name_en=f"Swappers {grid.id}", grids=[grid])
    db.session.add(team)
    people = [UserFactory() for _ in range(cap + n_takers)]
    for person in people:
        add_member(team, person)
    point = PatrolPoint(name_en="Swap point", lat=31.95, lon=119.96, grid_id=grid.id)
    db.session.add(point)
    db.session.flush()
    shift = make_shift(point, utcnow() + dt.timedelta(days=1), max_volunteers=cap, min_volunteers=1)
    for person in people[:cap]:
        shifts.sign_up(shift, person)
    db.session.commit()
    return shift, people


def _at_once(app, calls):
    """Run each call in its own thread and app context, all released together; returns results
    (a value, or the refusal's code) and any unexpected errors."""
    barrier = threading.Barrier(len(calls), timeout=60)
    results, errors = [], []

    def worker(call):
        barrier.wait()
        with app.app_context():
            try:
                results.append(call())
                db.session.commit()
            except shifts.PatrolError as exc:
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


def test_seven_people_taking_one_swap_at_once_leave_the_shift_at_its_cap(fresh_app):
    with fresh_app.app_context():
        shift, people = _crowded_shift(7)
        offerer = db.session.scalar(sa.select(SignUp).where(SignUp.user_id == people[0].id))
        swap_id, offerer_id = shifts.offer_swap(offerer).id, offerer.id
        db.session.commit()
        shift_id, takers = shift.id, [p.id for p in people[5:]] + [people[1].id]  # one already on it

    def take(user_id):
        return lambda: shifts.take_swap(db.session.get(SwapRequest, swap_id), db.session.get(User, user_id))

    results, errors = _at_once(fresh_app, [take(u) for u in takers])
    assert errors == []
    assert results.count("done") == 1, results
    assert set(results) <= {"done", "swap_closed", "already_on_shift"}
    with fresh_app.app_context():
        assert _confirmed(shift_id) == 5 == db.session.get(Shift, shift_id).confirmed_count
        swap = db.session.get(SwapRequest, swap_id)
        assert swap.status == "done" and swap.taken_by_id in takers and swap.taken_by_id != people[1].id
        assert db.session.scalar(sa.select(SignUp.status).where(SignUp.id == offerer_id)) == "dropped"


def test_two_leaving_at_once_promote_the_waiting_list_once(fresh_app):
    with fresh_app.app_context():
        shift, people = _crowded_shift(1, cap=2)
        waiting = shifts.sign_up(shift, people[2])
        db.session.commit()
        assert waiting.status == "waitlisted"
        shift_id, leaving = shift.id, [people[0].id, people[1].id, people[0].id]  # and a double click

    def drop(user_id):
        def call():
            signup = db.session.scalar(
                sa.select(SignUp).where(SignUp.shift_id == shift_id, SignUp.user_id == user_id)
            )
            return shifts.drop_out(signup, db.session.get(User, user_id)) and "promoted"

        return call

    results, errors = _at_once(fresh_app, [drop(u) for u in leaving])
    assert errors == []
    assert results.count("promoted") == 1 and "not_signed_up" in results, results
    with fresh_app.app_context():
        assert _confirmed(shift_id) == 1 == db.session.get(Shift, shift_id).confirmed_count
