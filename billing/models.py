"""Co-payments (実費の徴収) and clinic claims: consent forms, co-payment decisions, fee schedules.

Invariants live in the database: a consent's expiry is not before its filing and its verifier is never
its keyer; one current decision per resident, vaccine and fiscal year; fee periods of one vaccine never
overlap (a GiST exclusion constraint) and stay inside their fiscal year.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils import timezone

from .vaccines import CONSENT_SCOPES, VACCINE_CHOICES


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class MakeDate(Func):
    function = "MAKE_DATE"
    output_field = models.DateField()


class Consent(models.Model):
    """同意書: the resident allows the city to look up resident-tax status for the co-payment decision."""

    class Channel(models.TextChoices):
        COUNTER = "counter", "窓口"
        MAIL = "mail", "郵送"
        VOUCHER = "voucher", "予診票・接種券に同封"

    class State(models.TextChoices):
        PENDING = "pending", "照合待ち"
        VERIFIED = "verified", "照合済"
        REJECTED = "rejected", "差戻し"
        WITHDRAWN = "withdrawn", "撤回"

    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="copay_consents", verbose_name="住民"
    )
    form_no = models.CharField("同意書番号", max_length=20, blank=True)
    filed_on = models.DateField("同意書提出日")
    expires_on = models.DateField("同意書有効期限")
    scope = models.CharField("同意の範囲", max_length=20, choices=CONSENT_SCOPES, default="all")
    channel = models.CharField("受付方法", max_length=10, choices=Channel.choices)
    state = models.CharField("状態", max_length=10, choices=State.choices, default=State.PENDING)
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="入力者"
    )
    keyed_at = models.DateTimeField("入力日時", default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="照合者",
    )
    verified_at = models.DateTimeField("照合日時", null=True, blank=True)
    rejected_reason = models.CharField("差戻し理由", max_length=200, blank=True)
    withdrawn_on = models.DateField("撤回日", null=True, blank=True)
    changed_at = models.DateTimeField("最終変更日時", default=timezone.now)
    note = models.CharField("備考", max_length=200, blank=True)

    class Meta:
        verbose_name = "同意書"
        verbose_name_plural = "同意書"
        permissions = [("verify_consent", "同意書を照合できる")]
        indexes = [models.Index(fields=["resident", "state", "expires_on"], name="consent_res_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("filed_on")),
                name="consent_expiry_after_filing",
                violation_error_message="有効期限は同意書提出日以降の日付にしてください。",
            ),
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True) | ~Q(verified_by=F("keyed_by")),
                name="consent_four_eyes",
                violation_error_message="入力者と照合者は別の職員でなければなりません。",
            ),
            models.CheckConstraint(
                condition=~Q(state="verified") | Q(verified_by__isnull=False, verified_at__isnull=False),
                name="consent_verified_has_verifier",
            ),
        ]

    def __str__(self) -> str:
        return f"同意書 {self.resident_id} {self.filed_on}〜{self.expires_on}"


class DecisionRun(models.Model):
    """One decision batch: the season run for a vaccine, a re-decision after status changes, or one person."""

    class Kind(models.TextChoices):
        SEASON = "season", "年度一括判定"
        REDECIDE = "redecide", "状態変更による再判定"
        SINGLE = "single", "個別判定"

    class State(models.TextChoices):
        QUEUED = "queued", "待機中"
        RUNNING = "running", "実行中"
        DONE = "done", "完了"
        FAILED = "failed", "失敗"

    kind = models.CharField("種別", max_length=10, choices=Kind.choices)
    vaccine = models.CharField("ワクチン", max_length=20, choices=VACCINE_CHOICES)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    reference_date = models.DateField("基準日")
    effective_from = models.DateField("適用開始日")
    tax_fiscal_year = models.PositiveSmallIntegerField("課税年度")
    state = models.CharField("状態", max_length=10, choices=State.choices, default=State.QUEUED)
    step = models.CharField("処理中の段階", max_length=40, blank=True)
    targets = models.PositiveIntegerField("対象者数", default=0)
    created = models.PositiveIntegerField("新規・変更", default=0)
    unchanged = models.PositiveIntegerField("変更なし", default=0)
    skipped_counter = models.PositiveIntegerField("窓口判定のため対象外", default=0)
    exempt = models.PositiveIntegerField("免除", default=0)
    charged = models.PositiveIntegerField("自己負担あり", default=0)
    tax_reads = models.PositiveIntegerField("課税状況の参照人数", default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name="実行者"
    )
    requested_at = models.DateTimeField("依頼日時", default=timezone.now)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)
    error = models.TextField("エラー", blank=True)

    class Meta:
        verbose_name = "自己負担判定の実行"
        verbose_name_plural = "自己負担判定の実行"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.vaccine} {self.fiscal_year}年度 ({self.reference_date})"


class Reason(models.TextChoices):
    WELFARE = "welfare", "生活保護受給"
    CHINA_SUPPORT = "china_support", "中国残留邦人等支援給付受給"
    TAX_EXEMPT_HOUSEHOLD = "tax_exempt_household", "住民税非課税世帯"
    TAXED = "taxed", "世帯に住民税課税者あり"
    NO_CONSENT = "no_consent", "同意書なし(課税状況は参照していません)"
    MEMBER_NO_CONSENT = "member_no_consent", "同意書のない世帯員あり(非課税世帯と確認できません)"
    UNFILED = "unfiled", "未申告の世帯員あり(申告が必要です)"
    MOVED_IN = "moved_in", "賦課期日後の転入者あり(前住所地の非課税証明が必要です)"
    NO_TAX_RECORD = "no_tax_record", "課税情報のない世帯員あり"
    COUNTER_EXEMPT = "counter_exempt", "窓口判定(免除)"
    COUNTER_CHARGED = "counter_charged", "窓口判定(自己負担あり)"


EXEMPT_REASONS = [Reason.WELFARE, Reason.CHINA_SUPPORT, Reason.TAX_EXEMPT_HOUSEHOLD, Reason.COUNTER_EXEMPT]


class CopaymentDecision(models.Model):
    """自己負担判定 for one resident, vaccine and fiscal year. Rows are history: a re-decision supersedes
    the current row (superseded_at, effective_to) and adds a new one; nothing is overwritten."""

    class Method(models.TextChoices):
        AUTO = "auto", "課税状況等による判定"
        COUNTER = "counter", "窓口判定(提示書類)"

    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="copay_decisions", verbose_name="住民"
    )
    vaccine = models.CharField("ワクチン", max_length=20, choices=VACCINE_CHOICES)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    exempt = models.BooleanField("自己負担免除")
    reason = models.CharField("判定理由", max_length=24, choices=Reason.choices)
    method = models.CharField("判定方法", max_length=10, choices=Method.choices, default=Method.AUTO)
    reference_date = models.DateField("基準日")
    tax_fiscal_year = models.PositiveSmallIntegerField("課税年度", null=True, blank=True)
    effective_from = models.DateField("適用開始日")
    effective_to = models.DateField("適用終了日", null=True, blank=True)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="同意書"
    )
    basis = models.JSONField("判定根拠", default=dict)
    fingerprint = models.CharField(max_length=32)
    counter_reason = models.TextField("窓口判定の理由", blank=True)
    evidence = models.CharField("提示書類", max_length=100, blank=True)
    run = models.ForeignKey(
        DecisionRun, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions", verbose_name="一括判定"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name="判定者"
    )
    decided_at = models.DateTimeField("判定日時", default=timezone.now)
    superseded_at = models.DateTimeField("置換日時", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="置換後の判定"
    )

    class Meta:
        verbose_name = "自己負担判定"
        verbose_name_plural = "自己負担判定"
        permissions = [("decide_copayment", "自己負担を判定できる")]
        indexes = [
            models.Index(fields=["resident", "vaccine", "fiscal_year"], name="copay_res_vax_fy"),
            models.Index(
                fields=["fiscal_year", "vaccine"], name="copay_fy_vax_current", condition=Q(superseded_at__isnull=True)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "vaccine", "fiscal_year"],
                condition=Q(superseded_at__isnull=True),
                name="copay_one_current_decision",
            ),
            models.CheckConstraint(
                condition=~Q(method="counter") | ~Q(counter_reason=""),
                name="copay_counter_has_reason",
                violation_error_message="窓口判定には理由が必要です。",
            ),
            models.CheckConstraint(
                condition=Q(exempt=True, reason__in=[r.value for r in EXEMPT_REASONS])
                | (Q(exempt=False) & ~Q(reason__in=[r.value for r in EXEMPT_REASONS])),
                name="copay_reason_matches_result",
            ),
        ]

    def __str__(self) -> str:
        return f"自己負担判定 {self.resident_id} {self.vaccine} {self.fiscal_year}年度 {self.get_reason_display()}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class FeeSchedule(models.Model):
    """料金表: the fee paid to clinics (委託料) and the resident's co-payment (自己負担額) for one dose
    code over a period inside one fiscal year. A price change mid-year is a new row."""

    dose_code = models.CharField("ワクチン(接種区分)", max_length=30)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    valid_from = models.DateField("適用開始日")
    valid_to = models.DateField("適用終了日")
    clinic_fee = models.PositiveIntegerField("委託料(円)")
    copayment = models.PositiveIntegerField("自己負担額(円)", default=0)
    note = models.CharField("備考", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "料金表"
        verbose_name_plural = "料金表"
        ordering = ["dose_code", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")),
                name="fee_period_ordered",
                violation_error_message="適用終了日は適用開始日以降の日付にしてください。",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__gte=MakeDate(F("fiscal_year"), Value(4), Value(1)))
                & Q(valid_to__lte=MakeDate(F("fiscal_year") + 1, Value(3), Value(31))),
                name="fee_inside_fiscal_year",
                violation_error_message="適用期間は年度(4月1日〜翌年3月31日)の中に収めてください。",
            ),
            models.CheckConstraint(
                condition=Q(copayment__lte=F("clinic_fee")),
                name="fee_copayment_not_above_fee",
                violation_error_message="自己負担額は委託料を超えられません。",
            ),
            ExclusionConstraint(
                name="fee_no_overlap",
                expressions=[
                    ("dose_code", RangeOperators.EQUAL),
                    (
                        DateRange("valid_from", "valid_to", RangeBoundary(inclusive_lower=True, inclusive_upper=True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                violation_error_message="同じワクチンの適用期間が既存の料金表と重なっています。",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.dose_code} {self.valid_from}〜{self.valid_to} "
            f"委託料{self.clinic_fee:,}円 自己負担{self.copayment:,}円"
        )

    def clean(self) -> None:
        # checked here (on the field) so that the overlap check never builds an inverted date range
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "適用終了日は適用開始日以降の日付にしてください。"})

    @property
    def due_when_charged(self) -> int:
        """What the city pays the clinic when the resident paid the co-payment there."""
        return self.clinic_fee - self.copayment


class Claim(models.Model):
    """請求: one institution's claim for one month — counts, fees, co-payments collected, amount due.

    draft (作成済) -> approved (承認済) -> paid (支払済). A paid claim and its lines can never change, and an
    approved claim's lines are frozen: database triggers refuse it (migration 0002)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "作成済(未承認)"
        APPROVED = "approved", "承認済"
        PAID = "paid", "支払済"

    institution = models.ForeignKey(
        "immunization.Institution", on_delete=models.PROTECT, related_name="claims", verbose_name="医療機関"
    )
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.DRAFT)
    line_count = models.PositiveIntegerField("件数(請求対象)", default=0)
    exception_count = models.PositiveIntegerField("保留件数", default=0)
    fee_total = models.PositiveBigIntegerField("委託料合計", default=0)
    copayment_total = models.PositiveBigIntegerField("自己負担徴収額合計", default=0)
    due_total = models.PositiveBigIntegerField("支払額", default=0)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name="作成者"
    )
    prepared_at = models.DateTimeField("作成日時", default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="承認者",
    )
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)
    paid_on = models.DateField("支払日", null=True, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="支払登録者",
    )

    class Meta:
        verbose_name = "請求"
        verbose_name_plural = "請求"
        permissions = [
            ("run_claims", "月次請求を作成・承認・支払登録できる"),
            ("export_claims", "請求の明細書・財務会計用CSVを出力できる"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year", "month"], name="claim_one_per_institution_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="claim_month_valid"),
            models.CheckConstraint(
                condition=Q(due_total=F("fee_total") - F("copayment_total")), name="claim_due_reconciles"
            ),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_on__isnull=False), name="claim_paid_has_date"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="claim_approved_has_approver",
            ),
        ]
        indexes = [models.Index(fields=["year", "month", "status"], name="claim_month_status")]

    def __str__(self) -> str:
        return f"請求 {self.institution_id} {self.year}年{self.month}月 {self.get_status_display()}"


class ClaimException(models.TextChoices):
    UNVERIFIED = "unverified", "未照合の記録"
    DUPLICATE = "duplicate", "重複(同じ接種の記録が他にあります)"
    NOT_ELIGIBLE = "not_eligible", "対象外(住民でない・年齢・規則上の問題)"
    NO_FEE = "no_fee", "料金表の適用期間外"
    COPAYMENT_MISMATCH = "copayment_mismatch", "自己負担区分が判定と一致しない"


class ClaimLine(models.Model):
    """One vaccination record on a claim. A line with an exception is shown but not paid (保留)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    record = models.ForeignKey(
        "immunization.VaccinationRecord", on_delete=models.PROTECT, related_name="+", verbose_name="接種記録"
    )
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, related_name="+")
    dose_code = models.CharField("接種区分", max_length=30)
    vaccinated_on = models.DateField("接種日", null=True)
    fee = models.ForeignKey(FeeSchedule, on_delete=models.PROTECT, null=True, related_name="+")
    clinic_fee = models.PositiveIntegerField("委託料", default=0)
    copayment_expected = models.PositiveIntegerField("自己負担額(判定による)", default=0)
    copayment_collected = models.PositiveIntegerField("自己負担徴収額", null=True)
    decision_class = models.CharField("判定", max_length=10, blank=True)  # exempt / charged / "" (A類)
    amount_due = models.IntegerField("支払額", default=0)
    exception = models.CharField("保留理由", max_length=20, choices=ClaimException.choices, blank=True)

    class Meta:
        verbose_name = "請求明細"
        verbose_name_plural = "請求明細"
        constraints = [
            # a dose is paid once: one billable line per record across all claims
            models.UniqueConstraint(fields=["record"], condition=Q(exception=""), name="claimline_record_billed_once"),
            models.CheckConstraint(
                condition=~Q(exception="") | Q(amount_due=F("clinic_fee") - F("copayment_expected")),
                name="claimline_due_reconciles",
            ),
        ]
        indexes = [models.Index(fields=["claim", "exception"], name="claimline_claim_exc")]

    def __str__(self) -> str:
        return f"請求明細 {self.claim_id} {self.dose_code} {self.vaccinated_on}"
