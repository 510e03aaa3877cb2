"""The routine schedule as data (定期接種の対象・間隔・標準的な接種期間).

Rows are loaded by migrations (0003_schedule_data and later ones); the engine in
`immunization.schedule` reads them, never a chain of `if`s. Every rule that changed on a date carries
that date (valid_from / valid_to), so a dose given in 2019 is judged by the rules of 2019.

Ages and intervals are written as offsets ("2m", "7y6m", "6w", "27d"; see core.legal_age).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.legal_age import parse_offset


def validate_offset(value: str) -> None:
    if value:
        try:
            parse_offset(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def validate_mmdd(value: str) -> None:
    import re

    if value and not re.match(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", value):
        raise ValidationError("月日は MM-DD の形で入力してください(例: 10-01)。")


class Vaccine(models.Model):
    """A routine vaccination (one product family: 5種混合, ヒブ, HPV 9価 …)."""

    class Klass(models.TextChoices):
        A = "A", "A類"
        B = "B", "B類"

    class Kind(models.TextChoices):
        LIVE_INJECTABLE = "live_injectable", "注射生ワクチン"
        LIVE_ORAL = "live_oral", "経口生ワクチン"
        INACTIVATED = "inactivated", "不活化ワクチン等"

    code = models.SlugField("コード", max_length=30, unique=True)
    name = models.CharField("名称", max_length=80)
    disease = models.CharField("対象疾病", max_length=80)
    vaccine_class = models.CharField("類型", max_length=1, choices=Klass.choices)
    kind = models.CharField("種類", max_length=20, choices=Kind.choices)
    # Alternatives: vaccines of one group are given as one course (same product throughout); the
    # course key joins vaccines given together (4種混合 + ヒブ = one alternative to 5種混合).
    group = models.SlugField("選択グループ", max_length=30, blank=True)
    course = models.SlugField("コース", max_length=30, blank=True)
    new_starts_until = models.DateField("新規開始の最終日", null=True, blank=True)
    sort_order = models.PositiveIntegerField("表示順", default=0)
    notes = models.TextField("備考", blank=True)
    sources = models.TextField("出典", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "ワクチン"
        verbose_name_plural = "ワクチン"
        ordering = ["sort_order", "code"]
        permissions = [("view_schedule", "スケジュール・予診計算を利用できる")]
        constraints = [
            models.CheckConstraint(condition=Q(vaccine_class__in=["A", "B"]), name="vaccine_class_a_or_b"),
            models.CheckConstraint(condition=Q(group="") | ~Q(course=""), name="vaccine_group_needs_course"),
        ]

    def __str__(self) -> str:
        return self.name


class Dose(models.Model):
    """One dose of a vaccine's course, with the per-dose code of japan-reference.md §1.3."""

    class Recurrence(models.TextChoices):
        ONCE = "once", "1回限り"
        PER_FY = "per_fy", "年度ごとに1回"
        PER_PREGNANCY = "per_pregnancy", "妊娠ごとに1回"

    class SexRule(models.TextChoices):
        ANY = "", "男女とも"
        MALE = "1", "男性のみ"
        FEMALE = "2", "女性のみ"

    code = models.SlugField("接種コード", max_length=30, unique=True)
    vaccine = models.ForeignKey(Vaccine, on_delete=models.PROTECT, related_name="doses", verbose_name="ワクチン")
    label = models.CharField("接種区分", max_length=60)
    recurrence = models.CharField("回数", max_length=16, choices=Recurrence.choices, default=Recurrence.ONCE)
    sex = models.CharField("性別", max_length=1, choices=SexRule.choices, blank=True, default="")
    # per_pregnancy: an earlier dose counts only when given less than this long before (a new pregnancy)
    repeat_after = models.CharField("再接種までの期間", max_length=12, blank=True, validators=[validate_offset])
    sort_order = models.PositiveIntegerField("表示順", default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "接種区分"
        verbose_name_plural = "接種区分"
        ordering = ["vaccine__sort_order", "sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.vaccine.name} {self.label}"


class EligibilityWindow(models.Model):
    """A legal window (対象者・対象年齢, 予防接種法施行令) of one dose: it decides public funding.

    A dose may have several: the regular one and special cohorts (特例), each limited to a birth range,
    to the calendar dates it is in force, to a condition (障害1級相当 …) or to courses started in a period.
    """

    class Kind(models.TextChoices):
        AGE = "age", "年齢(至った日から)"
        FY_REACH = "fy_reach", "N歳となる年度の初日からM歳となる年度の末日まで"
        FY_END_AGE = "fy_end_age", "年度末年齢"
        SCHOOL_YEAR = "school_year", "就学前1年"
        ANY = "any", "年齢制限なし(生年月日で指定)"
        PREGNANCY = "pregnancy", "妊娠週数"

    dose = models.ForeignKey(Dose, on_delete=models.CASCADE, related_name="windows", verbose_name="接種区分")
    label = models.CharField("名称", max_length=80, default="定期")
    kind = models.CharField("種類", max_length=12, choices=Kind.choices)
    from_age = models.CharField("開始年齢", max_length=12, blank=True, validators=[validate_offset])
    to_age = models.CharField("終了年齢", max_length=12, blank=True, validators=[validate_offset])
    to_inclusive = models.BooleanField("終了年齢に至った日を含む", default=True)
    fy_ages = models.CharField("年度末年齢", max_length=60, blank=True, help_text="例: 65 / 70,75,80 / 100-")
    season_from = models.CharField("実施期間(開始月日)", max_length=5, blank=True, validators=[validate_mmdd])
    season_to = models.CharField("実施期間(終了月日)", max_length=5, blank=True, validators=[validate_mmdd])
    birth_from = models.DateField("生年月日(から)", null=True, blank=True)
    birth_to = models.DateField("生年月日(まで)", null=True, blank=True)
    valid_from = models.DateField("適用開始日", null=True, blank=True)
    valid_to = models.DateField("適用終了日", null=True, blank=True)
    condition = models.SlugField("要件", max_length=40, blank=True)
    started_from = models.DateField("開始済みの期間(から)", null=True, blank=True)
    started_to = models.DateField("開始済みの期間(まで)", null=True, blank=True)
    is_special = models.BooleanField("特例", default=False)
    note = models.CharField("備考", max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "対象期間"
        verbose_name_plural = "対象期間"
        ordering = ["dose", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="window_valid_order",
            ),
            models.CheckConstraint(
                condition=Q(birth_from__isnull=True) | Q(birth_to__isnull=True) | Q(birth_to__gte=F("birth_from")),
                name="window_birth_order",
            ),
            models.CheckConstraint(condition=~Q(kind="fy_end_age") | ~Q(fy_ages=""), name="window_fy_ages_needed"),
        ]

    def __str__(self) -> str:
        return f"{self.dose.code} {self.label}"


class CoursePlan(models.Model):
    """How many doses, in which order: the plan depends on the age at the first dose (Hib, 小児肺炎球菌)
    and on the course chosen (HPV 9価 2回/3回). Plans are tried by priority; the first whose age limit
    fits the first dose and whose intervals the history keeps is the person's plan."""

    vaccine = models.ForeignKey(Vaccine, on_delete=models.CASCADE, related_name="plans", verbose_name="ワクチン")
    key = models.SlugField("コード", max_length=40)
    label = models.CharField("名称", max_length=120)
    priority = models.PositiveIntegerField("優先順", default=1)
    first_age_to = models.CharField("初回接種の年齢上限", max_length=12, blank=True, validators=[validate_offset])
    valid_from = models.DateField("適用開始日", null=True, blank=True)
    valid_to = models.DateField("適用終了日", null=True, blank=True)
    note = models.CharField("備考", max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "接種計画"
        verbose_name_plural = "接種計画"
        ordering = ["vaccine", "priority", "key"]
        constraints = [models.UniqueConstraint(fields=["vaccine", "key"], name="plan_key_unique")]

    def __str__(self) -> str:
        return f"{self.vaccine.name} {self.label}"


class PlanStep(models.Model):
    """One dose in a plan: intervals from the previous and the first dose, age limits, standard period."""

    class StdKind(models.TextChoices):
        AGE = "age", "年齢"
        AFTER_PREV = "after_prev", "前回接種から"
        FY_REACH = "fy_reach", "N歳となる年度"
        SEASON = "season", "実施期間(月日)"
        LEGAL = "legal", "対象期間と同じ"

    plan = models.ForeignKey(CoursePlan, on_delete=models.CASCADE, related_name="steps", verbose_name="接種計画")
    dose = models.ForeignKey(Dose, on_delete=models.PROTECT, related_name="steps", verbose_name="接種区分")
    order = models.PositiveSmallIntegerField("順番")
    min_after_prev = models.CharField("前回からの最短間隔", max_length=12, blank=True, validators=[validate_offset])
    min_after_prev_if_skipped = models.CharField(
        "前の回を省いた場合の最短間隔", max_length=12, blank=True, validators=[validate_offset]
    )
    max_after_prev = models.CharField("前回からの最長間隔", max_length=12, blank=True, validators=[validate_offset])
    min_after_first = models.CharField("1回目からの最短間隔", max_length=12, blank=True, validators=[validate_offset])
    min_age = models.CharField("最低年齢", max_length=12, blank=True, validators=[validate_offset])
    deadline_age = models.CharField("この年齢に至るまでに接種", max_length=12, blank=True, validators=[validate_offset])
    skip_after_deadline = models.BooleanField("期限を過ぎたら省く", default=False)
    skip_if_prev_after_age = models.CharField(
        "前回がこの年齢を過ぎたら省く", max_length=12, blank=True, validators=[validate_offset]
    )
    std_kind = models.CharField("標準的な接種期間の種類", max_length=12, choices=StdKind.choices, default="legal")
    std_from = models.CharField("標準(から)", max_length=12, blank=True)
    std_to = models.CharField("標準(まで)", max_length=12, blank=True)
    note = models.CharField("備考", max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "接種計画の回"
        verbose_name_plural = "接種計画の回"
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="step_order_unique"),
            models.UniqueConstraint(fields=["plan", "dose"], name="step_dose_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.order}: {self.dose.code}"


class GeneralInterval(models.Model):
    """Intervals between *different* vaccines (e.g. 注射生ワクチン同士は中27日以上, since 2020-10-01)."""

    KINDS = [*Vaccine.Kind.choices, ("any", "すべて")]

    prev_kind = models.CharField("前に接種したワクチン", max_length=20, choices=KINDS)
    next_kind = models.CharField("次に接種するワクチン", max_length=20, choices=KINDS)
    min_gap = models.CharField("最短間隔", max_length=12, validators=[validate_offset])
    valid_from = models.DateField("適用開始日", null=True, blank=True)
    valid_to = models.DateField("適用終了日", null=True, blank=True)
    note = models.CharField("備考", max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "異なるワクチンの接種間隔"
        verbose_name_plural = "異なるワクチンの接種間隔"
        ordering = ["valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.get_prev_kind_display()}→{self.get_next_kind_display()} {self.min_gap}"
