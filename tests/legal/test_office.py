"""Office hours: slots from recurring hours, booking, walk-ins, cancel and move, confirmation with
QR and ICS, reminders, outcomes; no double booking, also under concurrent bookings."""

from __future__ import annotations

import datetime as dt
import threading

import icalendar
import sqlalchemy as sa

from tests.factories import UserFactory
from tests.legal.conftest import keys_for
from tipboard.auth.models import User
from tipboard.database import utcnow
from tipboard.extensions import db
from tipboard.legal import jobs, office
from tipboard.legal.errors import LegalError
from tipboard.legal.models import Booking, BookingStatus, OfficeSlot
from tipboard.partners.models import OrganisationKind
from tipboard.partners.services import find_or_create_organisation


def _slot(firm, places=2, days=3, joint=False) -> OfficeSlot:
    start = utcnow().replace(microsecond=0) + dt.timedelta(days=days)
    slot = OfficeSlot(
        office_hours_id=_hours(firm).id,
        organisation_id=firm.id,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        places=places,
        booked=0,
        joint_mediation=joint,
    )
    db.session.add(slot)
    db.session.flush()
    return slot


def _hours(firm):
    return office.add_office_hours(firm, 3, dt.time(9), dt.time(12), 2, joint_mediation=True)


def test_recurring_hours_make_dated_slots_once(legal):
    hours = office.add_office_hours(legal["firm_a"], 3, dt.time(9), dt.time(12), 3, joint_mediation=True)
    today = dt.date(2031, 3, 3)  # a Monday
    assert office.make_slots(weeks=2, today=today) == 2
    assert office.make_slots(weeks=3, today=today) == 1  # only the new week
    slots = db.session.scalars(
        sa.select(OfficeSlot).where(OfficeSlot.office_hours_id == hours.id).order_by(OfficeSlot.starts_at)
    ).all()
    assert [s.starts_at for s in slots][0] == dt.datetime(2031, 3, 6, 1, 0)  # Thursday 9:00 station time
    assert all(s.joint_mediation and s.places == 3 for s in slots)


def test_book_confirm_qr_ics_cancel_and_move(client, login, legal):
    resident = legal["users"]["resident"]
    thursday, friday = _slot(legal["firm_a"], joint=True), _slot(legal["firm_a"], days=4)
    login(client, resident)
    response = client.post(f"/legal/office/{thursday.id}/book", data={"topic": "family"})
    booking = db.session.scalar(sa.select(Booking).where(Booking.user_id == resident.id))
    assert response.headers["Location"].endswith(f"/legal/booking/{booking.code}")
    page = client.get(f"/legal/booking/{booking.code}").text
    assert "<svg" in page and "joint police and lawyer mediation" in page
    assert "legal.booked" in keys_for(resident)
    db.session.refresh(thursday)
    assert thursday.booked == 1
    # Booking the same sitting twice is refused.
    client.post(f"/legal/office/{thursday.id}/book", data={})
    db.session.refresh(thursday)
    assert thursday.booked == 1
    ics = client.get(f"/legal/booking/{booking.code}/calendar.ics")
    assert ics.headers["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert event.decoded("dtstart").replace(tzinfo=None) == thursday.starts_at
    # Move to Friday: Thursday's place is freed, Friday's taken.
    response = client.post(f"/legal/booking/{booking.code}/move", data={"slot": friday.id})
    assert response.status_code == 302
    db.session.refresh(thursday)
    db.session.refresh(friday)
    assert (thursday.booked, friday.booked) == (0, 1)
    fresh = db.session.scalar(sa.select(Booking).where(Booking.slot_id == friday.id))
    client.post(f"/legal/booking/{fresh.code}/cancel")
    db.session.refresh(friday)
    assert friday.booked == 0 and db.session.get(Booking, fresh.id).status == BookingStatus.CANCELLED.value
    # Cancelling again does not free a second place.
    client.post(f"/legal/booking/{fresh.code}/cancel")
    db.session.refresh(friday)
    assert friday.booked == 0


def test_someone_elses_booking_is_refused(app, login, legal):
    slot = _slot(legal["firm_a"])
    booking = office.book(slot, legal["users"]["resident"])
    other = app.test_client()
    login(other, legal["users"]["volunteer"])
    assert other.get(f"/legal/booking/{booking.code}").status_code == 403
    assert other.post(f"/legal/booking/{booking.code}/cancel").status_code == 403
    # A lawyer of another firm may not record its outcome; staff may see it.
    login(other, legal["off"])
    assert other.post(f"/legal/booking/{booking.code}/outcome", data={"outcome": "advice"}).status_code == 403
    login(other, legal["users"]["staff"])
    assert other.get(f"/legal/booking/{booking.code}").status_code == 200


def test_full_sitting_and_past_sitting_are_refused(legal):
    slot = _slot(legal["firm_a"], places=1)
    office.book(slot, legal["users"]["resident"])
    for user in (legal["users"]["volunteer"],):
        try:
            office.book(slot, user)
        except LegalError as exc:
            assert exc.code == "full"
        else:
            raise AssertionError("overbooked")
    past = _slot(legal["firm_a"], days=-1)
    try:
        office.book(past, legal["users"]["volunteer"])
    except LegalError as exc:
        assert exc.code == "past"
    else:
        raise AssertionError("booked the past")


def test_staff_book_a_walk_in_and_the_lawyer_records_outcomes(app, client, login, legal):
    slot = _slot(legal["firm_a"], places=3)
    login(client, legal["users"]["staff"])
    assert client.post(f"/legal/office/{slot.id}/walk-in", data={"name": ""}).status_code == 400
    response = client.post(f"/legal/office/{slot.id}/walk-in", data={"name": "张大爷", "topic": "housing"})
    assert response.status_code == 302
    walk_in = db.session.scalar(sa.select(Booking).where(Booking.walk_in_name == "张大爷"))
    no_show = office.book(slot, legal["users"]["resident"])
    lawyer = app.test_client()
    login(lawyer, legal["on"])
    assert "张大爷" in lawyer.get("/legal/office/consultations").text
    lawyer.post(f"/legal/booking/{walk_in.code}/outcome", data={"outcome": "legal_aid", "note": "income low"})
    lawyer.post(f"/legal/booking/{no_show.code}/outcome", data={"outcome": "no_show"})
    db.session.refresh(walk_in)
    db.session.refresh(no_show)
    assert (walk_in.status, walk_in.outcome) == ("held", "legal_aid")
    assert no_show.status == "no_show" and no_show.outcome is None
    # A resident cannot record outcomes.
    login(client, legal["users"]["resident"])
    assert client.get("/legal/office/consultations").status_code == 403


def test_reminder_goes_out_once_the_day_before(legal):
    slot = _slot(legal["firm_a"], days=2)
    resident = legal["users"]["resident"]
    office.book(slot, resident)
    now = utcnow()
    assert jobs.reminders(now=now) == 0  # two days ahead: not yet
    day_before = slot.starts_at - dt.timedelta(hours=20)
    assert jobs.reminders(now=day_before) == 1
    assert jobs.reminders(now=day_before + dt.timedelta(minutes=15)) == 0
    assert keys_for(resident).count("legal.reminder") == 1


def test_office_page_lists_slots_for_everyone(client, legal):
    slot = _slot(legal["firm_a"], joint=True)
    page = client.get("/legal/office").text
    assert "Firm A" in page and "Sign in to book" in page and "Joint police and lawyer mediation day" in page
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert "警法联调日" in client.get("/legal/office").text
    assert slot.free == 2


def test_last_place_taken_by_many_at_once(fresh_app):
    """Real threads on their own connections race for one place: exactly one gets it."""
    with fresh_app.app_context():
        firm = find_or_create_organisation("Race Firm", OrganisationKind.LAW_FIRM)
        hours = office.add_office_hours(firm, 1, dt.time(9), dt.time(12), 1)
        start = utcnow() + dt.timedelta(days=2)
        slot = OfficeSlot(
            office_hours_id=hours.id,
            organisation_id=firm.id,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            places=1,
            booked=0,
        )
        db.session.add(slot)
        people = [UserFactory() for _ in range(6)]
        db.session.commit()
        ids, slot_id = [p.id for p in people], slot.id
    barrier = threading.Barrier(len(ids), timeout=60)
    results, errors = [], []

    def worker(user_id):
        barrier.wait()
        with fresh_app.app_context():
            try:
                office.book(db.session.get(OfficeSlot, slot_id), db.session.get(User, user_id))
                db.session.commit()
                results.append("booked")
            except LegalError as exc:
                db.session.rollback()
                results.append(exc.code)
            except Exception as exc:
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert results.count("booked") == 1 and results.count("full") == 5
    with fresh_app.app_context():
        assert db.session.get(OfficeSlot, slot_id).booked == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 1


def test_one_person_double_clicking_books_once(fresh_app):
    with fresh_app.app_context():
        firm = find_or_create_organisation("Click Firm", OrganisationKind.LAW_FIRM)
        hours = office.add_office_hours(firm, 1, dt.time(9), dt.time(12), 5)
        start = utcnow() + dt.timedelta(days=2)
        slot = OfficeSlot(
            office_hours_id=hours.id,
            organisation_id=firm.id,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            places=5,
            booked=0,
        )
        db.session.add(slot)
        person = UserFactory()
        db.session.commit()
        user_id, slot_id = person.id, slot.id
    barrier = threading.Barrier(4, timeout=60)
    results, errors = [], []

    def worker():
        barrier.wait()
        with fresh_app.app_context():
            try:
                office.book(db.session.get(OfficeSlot, slot_id), db.session.get(User, user_id))
                db.session.commit()
                results.append("booked")
            except LegalError as exc:
                db.session.rollback()
                results.append(exc.code)
            except Exception as exc:
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert results.count("booked") == 1
    with fresh_app.app_context():
        assert db.session.get(OfficeSlot, slot_id).booked == 1
