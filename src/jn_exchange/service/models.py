"""The service's tables (SQLAlchemy 2). The schema is changed only by migrations in
`migrations/versions/`; a test fails when these models and the migrations disagree.

The office's side (migration 0002): each submission has a review state (`REVIEW_STATES`), every
change of it a `ReviewTransition` row (who, when, from, to, reasons); a corrected resubmission
points to the one it replaces (`replaces_id`); `Waiver` rows are read beside
`submission_findings`; `ReportingPeriod` gives due dates; `Notification`, `Webhook` and
`WebhookDelivery` tell the organisation what happened."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


# Stored datetimes are UTC; SQLite gives them back naive, so the service reads them through `aware`
When = DateTime(timezone=True)


def aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


ROLES = ("submitter", "reviewer", "admin")
ORG_KINDS = ("agency", "vendor")
SCOPES = ("submit", "read")
# a submission's life: queued → running → done (a verdict) | failed (the service could not judge it)
STATUSES = ("queued", "running", "done", "failed")
VERDICTS = ("pass", "fail", "unusable")
# the office's review (issue 16): 待审核 → 通过 | 退回; a returned one becomes 已补报 when its
# corrected resubmission arrives
REVIEW_STATES = ("pending", "accepted", "returned", "resubmitted")


class Organisation(Base):
    """An agency, or a vendor acting for one (`acting_for`)."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    acting_for_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(When, default=utcnow)


class User(Base):
    """A person: a submitter belongs to one organisation; reviewers and admins see all."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(When, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(When)


class ApiToken(Base):
    """An organisation's token for the API and `submit`: only its SHA-256 is stored (the token is
    256 random bits, so a fast hash is enough); `prefix` finds the row, the hash decides."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))           # space-separated, of SCOPES
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(When, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(When)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(When)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(When)


class WebSession(Base):
    """A signed-in browser: the cookie holds a random id, the table its SHA-256 and the CSRF token."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(When, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(When)


class Submission(Base):
    """One package received, its job state and its verdict. `public_id` is what people and the
    API see; `receipt` is the signed receipt as last issued (JSON text)."""

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    channel: Mapped[str] = mapped_column(String(16))           # web | api
    # the client's name for this upload (Idempotency-Key): a retried upload gets the first one's receipt
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))               # zip | json | xlsx
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(When, default=utcnow)
    stored_path: Mapped[str | None] = mapped_column(String(255))   # under the data dir; None once purged
    purged_at: Mapped[dt.datetime | None] = mapped_column(When)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    verdict: Mapped[str | None] = mapped_column(String(16))
    errors: Mapped[int | None] = mapped_column(Integer)
    warnings: Mapped[int | None] = mapped_column(Integer)
    infos: Mapped[int | None] = mapped_column(Integer)
    rows: Mapped[int | None] = mapped_column(BigInteger)
    standard_version: Mapped[str | None] = mapped_column(String(32))
    validator_version: Mapped[str | None] = mapped_column(String(32))
    as_of: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)            # why unusable or failed
    # the submission compared with when the verdict was given (history.compare looks again when asked)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(When)
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(When)
    started_at: Mapped[dt.datetime | None] = mapped_column(When)
    finished_at: Mapped[dt.datetime | None] = mapped_column(When)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    receipt: Mapped[str | None] = mapped_column(Text)
    # the reporting period the submitter states (2025-12, 2025-Q4, 2025), and the office's review
    period: Mapped[str | None] = mapped_column(String(16))
    review_state: Mapped[str] = mapped_column(String(16), default="pending")
    # a corrected resubmission (补报): the returned submission it replaces
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))

    __table_args__ = (Index("ix_submissions_org_received", "organisation_id", "received_at"),
                      Index("ix_submissions_status", "status"),
                      UniqueConstraint("organisation_id", "idempotency_key", name="uq_submissions_idempotency"))


class SubmissionFinding(Base):
    """What the comparison between submissions reads: per rule and table the exact count
    (`record_key` NULL), and one row per stored example's record key."""

    __tablename__ = "submission_findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8))
    resource: Mapped[str | None] = mapped_column(String(100))
    record_key: Mapped[str | None] = mapped_column(String(300))
    count: Mapped[int] = mapped_column(Integer)


class AuditEvent(Base):
    """Every submission, login (good or bad), token and role change: who, what, when, from where."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(When, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    subject: Mapped[str | None] = mapped_column(String(200))    # the user name, token, submission acted on
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)


class ReviewTransition(Base):
    """One change of a submission's review state. `user_id` NULL: the service did it (automatic
    return on a failing verdict, or the resubmission that marks the returned one 已补报)."""

    __tablename__ = "review_transitions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(When, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[str | None] = mapped_column(Text)            # JSON list of texts


class ReportingPeriod(Base):
    """A period the office expects data for, and the last day (Beijing time) it is on time."""

    __tablename__ = "reporting_periods"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(16), unique=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(When, default=utcnow)


class Waiver(Base):
    """The office waives one rule for one organisation (optionally only for some record keys)
    from `starts_on` to `ends_on` inclusive, judged by a submission's day of receipt (Beijing)."""

    __tablename__ = "waivers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    record_keys: Mapped[str | None] = mapped_column(Text)       # JSON list; NULL = every record
    reason: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(When, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(When)


class Notification(Base):
    """What the organisation is told in the page: a verdict, a return, an acceptance."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(When, default=utcnow)


class Webhook(Base):
    """An organisation's endpoint for the same events, each POST signed with `secret`."""

    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(When, default=utcnow)


class WebhookDelivery(Base):
    """One event to one webhook: its body as sent, every try's outcome, delivered or given up."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")     # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(When, default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(When)
