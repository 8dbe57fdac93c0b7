"""The one model of the wiring layer: a background job a person started and watches."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A piece of background work (an export, a large import) run as a task, as its page shows
    it: who started it, how far it got, what it produced or that it failed. It lives in the
    database so every app server and worker sees the same state (``lgdata.jobs``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    token = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # What the task needs to run (again, on retry): plain JSON, never an object.
    params = models.JSONField(default=dict)
    task_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["user", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.token[:8]} ({self.status})"
