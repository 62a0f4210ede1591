"""Dispute cases: parties, members, messages, files, agreements, signatures, follow-ups.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "dispute_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("wishes", sa.Text(), nullable=False),
        sa.Column("meeting", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("risk", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("consent_due_at", sa.DateTime(), nullable=True),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("came_back", sa.Boolean(), nullable=False),
        sa.Column("came_back_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("dispute_case", "grid_id", "grid", "SET NULL"),
        _fk("dispute_case", "recorded_by_id", "user", "SET NULL"),
        _fk("dispute_case", "parent_id", "dispute_case", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_case")),
        sa.UniqueConstraint("code", name=op.f("uq_dispute_case_code")),
    )
    op.create_index(op.f("ix_dispute_case_kind"), "dispute_case", ["kind"], unique=False)
    op.create_index(op.f("ix_dispute_case_status"), "dispute_case", ["status"], unique=False)
    op.create_index(op.f("ix_dispute_case_grid_id"), "dispute_case", ["grid_id"], unique=False)
    op.create_index(op.f("ix_dispute_case_settled_at"), "dispute_case", ["settled_at"], unique=False)

    op.create_table(
        "dispute_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("secret_hash", sa.String(length=64), nullable=True),
        sa.Column("consent", sa.String(length=10), nullable=True),
        sa.Column("consent_at", sa.DateTime(), nullable=True),
        sa.Column("consent_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("hidden_from_other", sa.Boolean(), nullable=False),
        _fk("dispute_party", "case_id", "dispute_case", "CASCADE"),
        _fk("dispute_party", "user_id", "user", "SET NULL"),
        _fk("dispute_party", "consent_recorded_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_party")),
        sa.UniqueConstraint("case_id", "side", name=op.f("uq_dispute_party_case_id_side")),
    )
    op.create_index(op.f("ix_dispute_party_case_id"), "dispute_party", ["case_id"], unique=False)
    op.create_index(op.f("ix_dispute_party_user_id"), "dispute_party", ["user_id"], unique=False)

    op.create_table(
        "dispute_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        _fk("dispute_member", "case_id", "dispute_case", "CASCADE"),
        _fk("dispute_member", "user_id", "user", "CASCADE"),
        _fk("dispute_member", "organisation_id", "organisation", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_member")),
        sa.UniqueConstraint("case_id", "user_id", name=op.f("uq_dispute_member_case_id_user_id")),
    )
    op.create_index(op.f("ix_dispute_member_case_id"), "dispute_member", ["case_id"], unique=False)
    op.create_index(op.f("ix_dispute_member_user_id"), "dispute_member", ["user_id"], unique=False)

    op.create_table(
        "dispute_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("thread", sa.String(length=10), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("author_party_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("dispute_message", "case_id", "dispute_case", "CASCADE"),
        _fk("dispute_message", "party_id", "dispute_party", "CASCADE"),
        _fk("dispute_message", "author_user_id", "user", "SET NULL"),
        _fk("dispute_message", "author_party_id", "dispute_party", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_message")),
    )
    op.create_index(op.f("ix_dispute_message_case_id"), "dispute_message", ["case_id"], unique=False)

    op.create_table(
        "dispute_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=64), nullable=False),
        sa.Column("media", sa.String(length=10), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("dispute_file", "case_id", "dispute_case", "CASCADE"),
        _fk("dispute_file", "party_id", "dispute_party", "SET NULL"),
        _fk("dispute_file", "uploaded_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_file")),
        sa.UniqueConstraint("file_name", name=op.f("uq_dispute_file_file_name")),
    )
    op.create_index(op.f("ix_dispute_file_case_id"), "dispute_file", ["case_id"], unique=False)

    op.create_table(
        "dispute_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("matters", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("performance", sa.Text(), nullable=False),
        sa.Column("drafted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("dispute_agreement", "case_id", "dispute_case", "CASCADE"),
        _fk("dispute_agreement", "drafted_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_agreement")),
        sa.UniqueConstraint("case_id", name=op.f("uq_dispute_agreement_case_id")),
    )

    op.create_table(
        "dispute_obligation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        _fk("dispute_obligation", "agreement_id", "dispute_agreement", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_obligation")),
    )
    op.create_index(
        op.f("ix_dispute_obligation_agreement_id"), "dispute_obligation", ["agreement_id"], unique=False
    )

    op.create_table(
        "dispute_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(), nullable=True),
        sa.Column("typed_name", sa.String(length=100), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=True),
        sa.Column("scan_file_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        _fk("dispute_signature", "agreement_id", "dispute_agreement", "CASCADE"),
        _fk("dispute_signature", "party_id", "dispute_party", "CASCADE"),
        _fk("dispute_signature", "scan_file_id", "dispute_file", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_signature")),
        sa.UniqueConstraint(
            "agreement_id", "party_id", name=op.f("uq_dispute_signature_agreement_id_party_id")
        ),
    )
    op.create_index(
        op.f("ix_dispute_signature_agreement_id"), "dispute_signature", ["agreement_id"], unique=False
    )

    op.create_table(
        "dispute_followup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("carried_out", sa.Boolean(), nullable=True),
        sa.Column("came_back", sa.Boolean(), nullable=True),
        _fk("dispute_followup", "case_id", "dispute_case", "CASCADE"),
        _fk("dispute_followup", "party_id", "dispute_party", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_followup")),
        sa.UniqueConstraint(
            "case_id", "party_id", "day", name=op.f("uq_dispute_followup_case_id_party_id_day")
        ),
    )
    op.create_index(op.f("ix_dispute_followup_case_id"), "dispute_followup", ["case_id"], unique=False)


    op.create_table(
        "dispute_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(length=10), nullable=False),
        sa.Column("scheduled_by_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        _fk("dispute_session", "case_id", "dispute_case", "CASCADE"),
        _fk("dispute_session", "scheduled_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_session")),
    )
    op.create_index(op.f("ix_dispute_session_case_id"), "dispute_session", ["case_id"], unique=False)
    op.create_index(op.f("ix_dispute_session_starts_at"), "dispute_session", ["starts_at"], unique=False)
    op.create_table(
        "dispute_room_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("slot_start", sa.DateTime(), nullable=False),
        _fk("dispute_room_booking", "session_id", "dispute_session", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_room_booking")),
        sa.UniqueConstraint("slot_start", name=op.f("uq_dispute_room_booking_slot_start")),
    )
    op.create_index(
        op.f("ix_dispute_room_booking_session_id"), "dispute_room_booking", ["session_id"], unique=False
    )
    op.create_table(
        "dispute_screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("screeners", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("dispute_screening", "grid_id", "grid", "SET NULL"),
        _fk("dispute_screening", "recorded_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_screening")),
    )
    op.create_index(op.f("ix_dispute_screening_grid_id"), "dispute_screening", ["grid_id"], unique=False)


def downgrade():
    for table in (
        "dispute_screening",
        "dispute_room_booking",
        "dispute_session",
        "dispute_followup",
        "dispute_signature",
        "dispute_obligation",
        "dispute_agreement",
        "dispute_file",
        "dispute_message",
        "dispute_member",
        "dispute_party",
        "dispute_case",
    ):
        op.drop_table(table)
