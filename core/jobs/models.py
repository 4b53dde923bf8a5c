"""The outbox table: one row per job, written in the transaction of the change that caused it."""

from tortoise import fields

from shequ.core.db.models import TimestampedModel


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"


class Job(TimestampedModel):
    name = fields.CharField(max_length=120, db_index=True)
    payload = fields.JSONField(default=dict)
    status = fields.CharField(max_length=16, default=JobStatus.QUEUED, db_index=True)
    attempts = fields.IntField(default=0)
    max_attempts = fields.IntField(default=5)
    run_at = fields.DatetimeField(db_index=True)
    # Set while a runner holds the job; a crashed runner's job is taken again after it.
    leased_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    # Makes enqueueing idempotent (e.g. one row per schedule slot across processes).
    dedupe_key = fields.CharField(max_length=200, null=True, unique=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "job"
        ordering = ["id"]
