"""Legal help: questions answered online, the duty rota, the FAQ, office hours and bookings.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 13:12:32.388882

"""

from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "legal_duty_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_legal_duty_exception_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_duty_exception")),
        sa.UniqueConstraint("user_id", "day", name=op.f("uq_legal_duty_exception_user_id_day")),
    )
    op.create_table(
        "legal_duty_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_hour", sa.Integer(), nullable=False),
        sa.Column("end_hour", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "start_hour >= 0 AND start_hour < end_hour AND end_hour <= 24",
            name=op.f("ck_legal_duty_hours_hour_range"),
        ),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name=op.f("ck_legal_duty_hours_weekday_range")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_legal_duty_hours_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_legal_duty_hours_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_duty_hours")),
    )
    with op.batch_alter_table("legal_duty_hours", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_duty_hours_user_id"), ["user_id"], unique=False)

    op.create_table(
        "legal_office_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("lawyer_id", sa.Integer(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("joint_mediation", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("places > 0", name=op.f("ck_legal_office_hours_places_positive")),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name=op.f("ck_legal_office_hours_weekday_range")),
        sa.ForeignKeyConstraint(
            ["lawyer_id"], ["user.id"], name=op.f("fk_legal_office_hours_lawyer_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_legal_office_hours_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_office_hours")),
    )
    op.create_table(
        "legal_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("photo_name", sa.String(length=64), nullable=True),
        sa.Column("thumb_name", sa.String(length=64), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("first_answer_at", sa.DateTime(), nullable=True),
        sa.Column("first_lawyer_id", sa.Integer(), nullable=True),
        sa.Column("first_firm_id", sa.Integer(), nullable=True),
        sa.Column("overdue_raised_at", sa.DateTime(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("mediation_suggested_at", sa.DateTime(), nullable=True),
        sa.Column("mediation_consented_at", sa.DateTime(), nullable=True),
        sa.Column("visit_suggested_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "rating IS NULL OR (rating >= 1 AND rating <= 5)", name=op.f("ck_legal_question_rating_range")
        ),
        sa.ForeignKeyConstraint(["asker_id"], ["user.id"], name=op.f("fk_legal_question_asker_id_user")),
        sa.ForeignKeyConstraint(
            ["first_firm_id"], ["organisation.id"], name=op.f("fk_legal_question_first_firm_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["first_lawyer_id"], ["user.id"], name=op.f("fk_legal_question_first_lawyer_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_question")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_legal_question_tracking_code")),
    )
    with op.batch_alter_table("legal_question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_question_asker_id"), ["asker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_question_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_question_first_firm_id"), ["first_firm_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_legal_question_first_lawyer_id"), ["first_lawyer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_legal_question_status"), ["status"], unique=False)

    op.create_table(
        "legal_faq_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("question_translated", sa.Text(), nullable=True),
        sa.Column("answer_translated", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["user.id"], name=op.f("fk_legal_faq_entry_checked_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["user.id"], name=op.f("fk_legal_faq_entry_proposed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["legal_question.id"],
            name=op.f("fk_legal_faq_entry_question_id_legal_question"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_faq_entry")),
        sa.UniqueConstraint("question_id", name=op.f("uq_legal_faq_entry_question_id")),
    )
    with op.batch_alter_table("legal_faq_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_faq_entry_published",
            ["published_at"],
            unique=False,
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
        )
        batch_op.create_index("ix_legal_faq_entry_status", ["status"], unique=False)

    op.create_table(
        "legal_office_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_hours_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("lawyer_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("joint_mediation", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "booked >= 0 AND booked <= places", name=op.f("ck_legal_office_slot_booked_within_places")
        ),
        sa.ForeignKeyConstraint(["lawyer_id"], ["user.id"], name=op.f("fk_legal_office_slot_lawyer_id_user")),
        sa.ForeignKeyConstraint(
            ["office_hours_id"],
            ["legal_office_hours.id"],
            name=op.f("fk_legal_office_slot_office_hours_id_legal_office_hours"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_legal_office_slot_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_office_slot")),
        sa.UniqueConstraint(
            "office_hours_id", "starts_at", name=op.f("uq_legal_office_slot_office_hours_id_starts_at")
        ),
    )
    with op.batch_alter_table("legal_office_slot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_office_slot_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "legal_question_lawyer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("how", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_legal_question_lawyer_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["legal_question.id"],
            name=op.f("fk_legal_question_lawyer_question_id_legal_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_legal_question_lawyer_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_question_lawyer")),
        sa.UniqueConstraint(
            "question_id", "user_id", name=op.f("uq_legal_question_lawyer_question_id_user_id")
        ),
    )
    with op.batch_alter_table("legal_question_lawyer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_question_lawyer_user_id"), ["user_id"], unique=False)

    op.create_table(
        "legal_question_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_legal_question_message_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["legal_question.id"],
            name=op.f("fk_legal_question_message_question_id_legal_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_question_message")),
    )
    with op.batch_alter_table("legal_question_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_legal_question_message_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "legal_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("walk_in_name", sa.String(length=100), nullable=True),
        sa.Column("booked_by_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booked_by_id"], ["user.id"], name=op.f("fk_legal_booking_booked_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["legal_office_slot.id"], name=op.f("fk_legal_booking_slot_id_legal_office_slot")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_legal_booking_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_booking")),
        sa.UniqueConstraint("code", name=op.f("uq_legal_booking_code")),
    )
    with op.batch_alter_table("legal_booking", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_booking_live_person",
            ["slot_id", "user_id"],
            unique=True,
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        )
        batch_op.create_index(batch_op.f("ix_legal_booking_slot_id"), ["slot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_booking_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("legal_booking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_booking_user_id"))
        batch_op.drop_index(batch_op.f("ix_legal_booking_slot_id"))
        batch_op.drop_index(
            "ix_legal_booking_live_person",
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        )

    op.drop_table("legal_booking")
    with op.batch_alter_table("legal_question_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_question_message_question_id"))

    op.drop_table("legal_question_message")
    with op.batch_alter_table("legal_question_lawyer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_question_lawyer_user_id"))

    op.drop_table("legal_question_lawyer")
    with op.batch_alter_table("legal_office_slot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_office_slot_starts_at"))

    op.drop_table("legal_office_slot")
    with op.batch_alter_table("legal_faq_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_legal_faq_entry_status")
        batch_op.drop_index(
            "ix_legal_faq_entry_published",
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
        )

    op.drop_table("legal_faq_entry")
    with op.batch_alter_table("legal_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_question_status"))
        batch_op.drop_index(batch_op.f("ix_legal_question_first_lawyer_id"))
        batch_op.drop_index(batch_op.f("ix_legal_question_first_firm_id"))
        batch_op.drop_index(batch_op.f("ix_legal_question_due_at"))
        batch_op.drop_index(batch_op.f("ix_legal_question_asker_id"))

    op.drop_table("legal_question")
    op.drop_table("legal_office_hours")
    with op.batch_alter_table("legal_duty_hours", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_duty_hours_user_id"))

    op.drop_table("legal_duty_hours")
    op.drop_table("legal_duty_exception")
