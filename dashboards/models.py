"""Daily snapshots of a round's progress, so a dashboard can show any past day of a round."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from deadlines.models import Round
from records.completeness import percent


class AreaFigures:
    """What an area's counts add up to, for a live row (``figures.AreaRow``) and a stored
    snapshot alike: completeness, and the LAOs that have submitted or are behind."""

    laos: int
    required: int
    filled: int
    not_started: int
    in_progress: int
    submitted_on_time: int
    submitted_late: int
    returned: int
    approved: int
    overdue: int

    @property
    def completeness(self) -> float | None:
        """0 to 1, or None for an area without LAOs."""
        if not self.laos:
            return None
        return self.filled / self.required if self.required else 1.0

    @property
    def percent(self) -> float | None:
        return percent(self.filled, self.required) if self.laos else None

    @property
    def submitted(self) -> int:
        """LAOs that have sent their record (on time, late, or already approved)."""
        return self.submitted_on_time + self.submitted_late + self.approved

    @property
    def behind(self) -> int:
        """LAOs that still owe their record: not started, in progress, returned or overdue."""
        return self.not_started + self.in_progress + self.returned + self.overdue


class ProgressSnapshot(AreaFigures, models.Model):
    """The figures of one area (the nation, a province or a district) in one round at the end of
    one day, as the dashboards counted them: LAOs by status, required and filled fields.

    Taken by ``manage.py snapshot_progress`` (daily, from cron); one row per round, day, level
    and area, replaced when the command runs again the same day.
    """

    class Level(models.TextChoices):
        NATION = "nation", _("whole country")
        PROVINCE = "province", _("province")
        DISTRICT = "district", _("district")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    code = models.CharField(_("code"), max_length=4, blank=True)  # "" for the nation
    laos = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    not_started = models.PositiveIntegerField(default=0)
    in_progress = models.PositiveIntegerField(default=0)
    submitted_on_time = models.PositiveIntegerField(default=0)
    submitted_late = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    acknowledged = models.PositiveIntegerField(default=0)
    current = models.PositiveIntegerField(default=0)
    required = models.PositiveIntegerField(default=0)
    filled = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        ordering = ["round", "level", "code", "day"]
        verbose_name = _("progress snapshot")
        verbose_name_plural = _("progress snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "level", "code", "day"], name="snapshot_one_per_area_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.level} {self.code} {self.day}"
