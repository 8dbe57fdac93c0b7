"""Circulars, the rounds they open, and each LAO's way through a round.

A department circular opens a round (fiscal year, sections, LAO types, deadline, optional lock
date). Province and district letters forward it: they are circulars too, each pointing to the
letter it forwards. Every targeted LAO has one RoundLAO that carries its workflow state; every
change of state is a Transition (who, when, comment).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from records.models import LAO, District, Province, Record


class CircularQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CircularQuerySet":
        """The letters a user may read (``access.circulars_visible_filter`` decides)."""
        return self.filter(access.circulars_visible_filter(user))

    def forwardable_by(self, user) -> "CircularQuerySet":
        """The letters a user may forward (``access.circulars_forwardable_filter`` decides)."""
        return self.filter(access.circulars_forwardable_filter(user))


class Circular(models.Model):
    """A letter (หนังสือ): the department's circular or a province's or district's forwarding one."""

    class Level(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    reference = models.CharField(_("reference number"), max_length=100)
    reference_normalised = models.CharField(max_length=100, db_index=True)
    date = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=300, blank=True)
    addressees = models.JSONField(_("addressees"), default=list, blank=True)
    references = models.JSONField(_("references"), default=list, blank=True)
    enclosures = models.JSONField(_("enclosures"), default=list, blank=True)
    body = models.TextField(_("text"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    forwards = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarded_by",
        verbose_name=_("forwards"),
    )
    linked = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="cited_by", verbose_name=_("cites")
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="circulars"
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="circulars"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CircularQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("circular")
        verbose_name_plural = _("circulars")
        constraints = [
            models.CheckConstraint(
                name="circular_issuer_matches_level",
                condition=models.Q(level="department", province__isnull=True, district__isnull=True)
                | models.Q(level="province", province__isnull=False, district__isnull=True)
                | models.Q(level="district", district__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.subject})"

    @property
    def department_circular(self) -> "Circular":
        """The department circular at the top of this letter's chain."""
        letter = self
        while letter.forwards_id:
            letter = letter.forwards
        return letter

    def chain(self) -> list["Circular"]:
        """This letter and the letters it forwards, department first."""
        letters = [self]
        while letters[-1].forwards_id:
            letters.append(letters[-1].forwards)
        return list(reversed(letters))


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A generated name, never the uploader's (see deadlines/attachments.py)."""
    from deadlines.attachments import stored_name

    return stored_name(instance, filename)


class Attachment(models.Model):
    """A file attached to a circular (the signed letter, an enclosure): PDF, XLSX, DOCX or an
    image, stored under a generated name (deadlines/attachments.py)."""

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """What one department circular asks for: which LAOs, which year, which sections, by when."""

    circular = models.OneToOneField(
        Circular, on_delete=models.PROTECT, related_name="round", verbose_name=_("circular")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year (BE)"))
    section_codes = models.JSONField(_("required sections"), default=list)
    lao_types = models.JSONField(_("LAO types"), default=list, blank=True)
    starts_on = models.DateField(_("starts on"))
    deadline = models.DateField(_("deadline for on-time submission"))
    lock_date = models.DateField(
        _("lock date"),
        null=True,
        blank=True,
        help_text=_("After this day the record can only be changed with an exception."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-deadline", "-id"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.CheckConstraint(
                name="round_lock_after_deadline",
                condition=models.Q(lock_date__isnull=True)
                | models.Q(lock_date__gte=models.F("deadline")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.circular.reference} FY{self.fiscal_year}"

    def is_overdue(self, today: datetime.date) -> bool:
        """Past the deadline: the deadline day itself is still on time."""
        return today > self.deadline

    def is_locked(self, today: datetime.date) -> bool:
        return self.lock_date is not None and today > self.lock_date


class RoundLAOQuerySet(models.QuerySet):
    def for_dashboard(self) -> "RoundLAOQuerySet":
        """Participations with the LAO, its place and its record's stored completeness."""
        return self.select_related("lao__district__province", "round")

    def with_status(self, *, today: datetime.date) -> "RoundLAOQuerySet":
        """Participations annotated with ``status_now``: ``RoundLAO.status()`` in SQL, for any
        number of participations and rounds in one query ("started": the LAO's record of the
        round's fiscal year has a value)."""
        started = Exists(
            Record.objects.filter(
                lao=OuterRef("lao"), fiscal_year=OuterRef("round__fiscal_year"), filled_count__gt=0
            )
        )
        return self.annotate(status_now=RoundLAO.status_sql(today=today, started=started))


class RoundLAO(models.Model):
    """One LAO's participation in a round: where it stands in the workflow."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        # Only in the history of rounds approved before supervision by LAO type
        # (docs/supervision.md): every approval is now final (APPROVED).
        DISTRICT_APPROVED = "district_approved", _("approved by the district")
        APPROVED = "approved", _("approved")

    class Status(models.TextChoices):
        """What people read (docs/dashboards.md, "Status in the round"), from state and dates."""

        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED_ON_TIME = "submitted_on_time", _("submitted on time")
        SUBMITTED_LATE = "submitted_late", _("submitted late")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")
        OVERDUE = "overdue", _("overdue")

    class Move(models.TextChoices):
        """What people do to a participation (``allowed_moves`` says who may, and when)."""

        ACKNOWLEDGE = "acknowledge"
        SUBMIT = "submit"
        APPROVE = "approve"  # the supervisor's approval, final (docs/supervision.md)
        RETURN = "return"

    # The state each move leads to (acknowledging changes no state).
    MOVE_TO = {
        Move.SUBMIT: State.SUBMITTED,
        Move.APPROVE: State.APPROVED,
        Move.RETURN: State.RETURNED,
    }

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    lao = models.ForeignKey(LAO, on_delete=models.PROTECT, related_name="rounds")
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    submitted_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(null=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_comment = models.TextField(blank=True)
    # The sections ("population") and fields ("population.population_total") the officer's
    # return names, for the clerk's page to point at.
    return_targets = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoundLAOQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "lao"], name="round_lao_unique"),
        ]
        indexes = [models.Index(fields=["round", "state"])]

    def __str__(self) -> str:
        return f"{self.lao} / {self.round}"

    def status(self, *, today: datetime.date, started: bool) -> str:
        """The status a person reads; `started` is whether the record has any value yet."""
        if self.state == self.State.APPROVED or self.state == self.State.DISTRICT_APPROVED:
            return self.Status.APPROVED
        if self.state == self.State.SUBMITTED:
            return self.Status.SUBMITTED_ON_TIME if self.on_time else self.Status.SUBMITTED_LATE
        if self.round.is_overdue(today):
            return self.Status.OVERDUE
        if self.state == self.State.RETURNED:
            return self.Status.RETURNED
        return self.Status.IN_PROGRESS if started else self.Status.NOT_STARTED

    @classmethod
    def status_sql(
        cls,
        *,
        today: datetime.date,
        started: Q | Exists,
        via: str = "",
        round: Round | None = None,
    ) -> Case:
        """``status()`` in SQL, with the same tests in the same order: approved (by the district
        or the province), submitted on time or late, then overdue once the deadline has passed,
        returned, in progress when ``started`` holds, else not started.

        ``via`` leads from the rows queried to their participation: "" on participations
        themselves (``RoundLAOQuerySet.with_status``), "part__" on LAOs joined to their
        participation in one ``round``, which then decides "overdue" once for all, and where an
        LAO outside the round gets NULL. Tests hold the SQL and the Python together.
        """
        State, Status = cls.State, cls.Status

        def when(status: str | None, **lookups) -> When:
            """``status`` where the participation's fields match ``lookups``."""
            return When(
                **{via + name: value for name, value in lookups.items()}, then=Value(status)
            )

        outside = [when(None, id__isnull=True)] if via else []
        if round is None:
            overdue = [when(Status.OVERDUE, round__deadline__lt=today)]
        else:
            overdue = [when(Status.OVERDUE, id__isnull=False)] if round.is_overdue(today) else []
        return Case(
            *outside,
            when(Status.APPROVED, state__in=[State.APPROVED, State.DISTRICT_APPROVED]),
            when(Status.SUBMITTED_ON_TIME, state=State.SUBMITTED, on_time=True),
            when(Status.SUBMITTED_LATE, state=State.SUBMITTED),
            *overdue,
            when(Status.RETURNED, state=State.RETURNED),
            When(started, then=Value(Status.IN_PROGRESS)),
            default=Value(Status.NOT_STARTED),
            output_field=models.CharField(),
        )

    @classmethod
    def approved_laos(cls, fiscal_years, lao_ids=None) -> set[tuple[int, int]]:
        """(fiscal year, LAO id) of the LAOs (of ``lao_ids``: ids or a queryset of ids; None
        for all) with an approved record of one of the fiscal years: a participation of a round
        of that year in the state "approved" (the supervisor's final approval). One query."""
        found = cls.objects.filter(round__fiscal_year__in=fiscal_years, state=cls.State.APPROVED)
        if lao_ids is not None:
            found = found.filter(lao_id__in=lao_ids)
        return set(found.values_list("round__fiscal_year", "lao_id"))

    def allowed_moves(self, user) -> set[str]:
        """The moves ``user`` may make on this participation now, as ``Move`` values.

        Who comes from ``accounts.access``, when from the state: the LAO's clerk acknowledges
        the letters (once) and submits an open or returned record; the LAO's supervisor
        (``access.can_review_lao``: its district for ทต./อบต., its province for อบจ./ทน./ทม.,
        docs/supervision.md) approves a submission, in one step, or returns it.
        """
        State, Move = self.State, self.Move
        moves = set()
        if access.can_edit_lao_record(user, self.lao):
            if self.acknowledged_at is None:
                moves.add(Move.ACKNOWLEDGE)
            if self.state in (State.OPEN, State.RETURNED):
                moves.add(Move.SUBMIT)
        if access.can_review_lao(user, self.lao) and self.state == State.SUBMITTED:
            moves |= {Move.APPROVE, Move.RETURN}
        return moves


class Transition(models.Model):
    """A change of a participation's state: who, when, and the comment given."""

    participant = models.ForeignKey(RoundLAO, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=RoundLAO.State.choices)
    to_state = models.CharField(max_length=20, choices=RoundLAO.State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)
    targets = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class LockException(models.Model):
    """Permission to change a locked record, granted by the district or province with a reason."""

    participant = models.ForeignKey(RoundLAO, on_delete=models.CASCADE, related_name="exceptions")
    reason = models.TextField(_("reason"))
    until = models.DateField(_("until"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.participant} until {self.until}"


class Reminder(models.Model):
    """A reminder sent (by e-mail and as a notice in the portal); one per person, kind and day."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("before the deadline")
        ON_DAY = "on_day", _("on the deadline")
        AFTER = "after", _("after the deadline")
        DIGEST = "digest", _("district digest")
        MANUAL = "manual", _("sent by an officer")
        # Notices of workflow events (deadlines.services), any number a day.
        SUBMITTED = "submitted", _("a record was submitted")
        RETURNED = "returned", _("a record was returned")
        APPROVED = "approved", _("a record was approved")
        INFORMED = "informed", _("a district approved a record")

    # The kinds that tell of a workflow event rather than remind of a deadline.
    EVENT_KINDS = (Kind.SUBMITTED, Kind.RETURNED, Kind.APPROVED, Kind.INFORMED)

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    participant = models.ForeignKey(
        RoundLAO, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    day = models.DateField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    emailed = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "recipient", "kind", "day"],
                condition=models.Q(kind__in=["before", "on_day", "after", "digest", "manual"]),
                name="reminder_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class ProgressRollup(models.Model):
    """How far the LAOs of one type in one district, or one province, have come, for one fiscal
    year (``round`` None) or in one round: the counts the dashboards' area rows are added up
    from, kept current by every write that changes them (deadlines/progress_rollups.py;
    docs/dashboards.md, "Stored roll-ups"). The nation's figures are sums of the province rows.

    ``area`` is the district's code (``level`` "district") or the province's (``level``
    "province"); a write counts its district's rows again and adds its province's up from them.
    A row of the year counts every LAO of the registry in the area of the type (``laos``),
    those with a record of the year (``recorded``), the records' required and filled fields and
    the newest update. A row of a round counts the LAOs taking part (``participants``) by
    where they stand: the statuses that do not depend on the day (approved, submitted on time
    or late), returned, open with a value (``open_started``) or without
    (``open_not_started``); the read side makes the last three "overdue" once the round's
    deadline has passed. Every LAO of the registry is counted, whether or not it exists today:
    the read side takes out the few that do not."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        DISTRICT = "district", _("district")

    fiscal_year = models.PositiveSmallIntegerField()
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    level = models.CharField(max_length=8, choices=Level.choices)
    area = models.CharField(max_length=4)
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+")
    lao_type = models.CharField(max_length=12)
    # Rows of the year
    laos = models.IntegerField(default=0)
    recorded = models.IntegerField(default=0)
    required = models.IntegerField(default=0)
    filled = models.IntegerField(default=0)
    last_updated = models.DateTimeField(null=True, blank=True)
    # Rows of a round
    participants = models.IntegerField(default=0)
    acknowledged = models.IntegerField(default=0)
    current = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    submitted_on_time = models.IntegerField(default=0)
    submitted_late = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    open_started = models.IntegerField(default=0)
    open_not_started = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "area", "lao_type"],
                condition=models.Q(round__isnull=True),
                name="progress_rollup_one_per_year",
            ),
            models.UniqueConstraint(
                fields=["round", "area", "lao_type"],
                condition=models.Q(round__isnull=False),
                name="progress_rollup_one_per_round",
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "level", "province"], name="progress_rollup_period")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.lao_type} {self.fiscal_year} {self.round_id or '-'}"


class RollupStamp(models.Model):
    """How many times the stored roll-ups of an area (a district's rows, or a province's and
    its districts') have been written. Every writer adds one to its district's and its
    province's, under the province's lock and in its transaction, so a later state of an
    area's roll-ups always has a larger stamp (and the nation a larger sum of stamps): the
    dashboards keep what they count for an area in the cache under its stamp
    (dashboards.keeping.rollups_stamp)."""

    area = models.CharField(max_length=4, primary_key=True)  # a district's or province's code
    writes = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.area}: {self.writes}"
