"""Injury-relief claims (予防接種健康被害救済): the claim, its workflow events, documents, letters, the
payee account, payments and the benefit amounts (data, per fiscal year).

Who may see a claim is decided per claim with django-guardian, through direct foreign-key permission
tables (ClaimUserObjectPermission / ClaimGroupObjectPermission) so that lists filter by an indexed join.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .rules import Benefit, PayKind, Relationship, VaccineClass


class State(models.TextChoices):
    RECEIVED = "received", "受付"
    INVESTIGATING = "investigating", "調査中(調査委員会)"
    FORWARDED = "forwarded", "進達済(県・厚生労働省)"
    RESULT_RECEIVED = "result_received", "審査結果受理"
    NOTIFIED = "notified", "決定通知済"
    PAYMENT_DECIDED = "payment_decided", "支給決定"
    PAID = "paid", "支払済"
    NOT_PAID = "not_paid", "不支給"
    APPEALED = "appealed", "審査請求中"


class Result(models.TextChoices):
    CERTIFIED = "certified", "認定"
    NOT_CERTIFIED = "not_certified", "否認"


class Claim(models.Model):
    claim_no = models.CharField("受付番号", max_length=20, unique=True)
    # the vaccinated person (registered in the city at the time of vaccination)
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="relief_claims", verbose_name="被接種者"
    )
    relationship = models.CharField("請求者の続柄", max_length=10, choices=Relationship.choices)
    claimant_resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relief_claims_as_claimant",
        verbose_name="請求者(住民)",
    )
    claimant_name = models.CharField("請求者氏名", max_length=100)
    claimant_kana = models.CharField("請求者氏名カナ", max_length=100, blank=True)
    claimant_postal_code = models.CharField("請求者郵便番号", max_length=7, blank=True)
    claimant_address = models.CharField("請求者住所", max_length=200)
    claimant_phone = models.CharField("請求者電話番号", max_length=20, blank=True)

    # the vaccination concerned: the verified record(s) when the city holds them; the dose code and date
    # are kept on the claim too (a claim may concern a dose given elsewhere and not yet in the records)
    records = models.ManyToManyField(
        "immunization.VaccinationRecord", blank=True, related_name="relief_claims", verbose_name="接種記録"
    )
    vaccine_code = models.CharField("接種区分(接種コード)", max_length=30)
    dose_label = models.CharField("補足(回数・期など)", max_length=20, blank=True)
    vaccine_class = models.CharField("疾病の類型", max_length=1, choices=VaccineClass.choices)
    vaccinated_on = models.DateField("接種日")
    vaccinated_at = models.CharField("接種医療機関", max_length=100, blank=True)

    benefit = models.CharField("請求する給付", max_length=24, choices=Benefit.choices)
    # medical details: shown only on the claim's own pages (never on another app's page)
    injury = models.TextField("健康被害の状況(疾病名・症状)")
    onset_on = models.DateField("発症日")
    treatment_from = models.DateField("治療開始日", null=True, blank=True)
    treatment_to = models.DateField("治療終了日", null=True, blank=True)
    costs_paid_on = models.DateField("医療費を支払った日", null=True, blank=True)
    death_on = models.DateField("死亡日", null=True, blank=True)
    hospital = models.CharField("主な医療機関", max_length=100, blank=True)

    received_on = models.DateField("受付日")
    deadline_on = models.DateField("請求期限", null=True, blank=True)
    deadline_basis = models.CharField("期限の根拠", max_length=100, blank=True)
    past_deadline = models.BooleanField("期限経過", default=False)
    late_reason = models.TextField("期限経過後に受け付けた理由", blank=True)

    state = models.CharField("状態", max_length=20, choices=State.choices, default=State.RECEIVED, db_index=True)
    committee_on = models.DateField("調査委員会 開催日", null=True, blank=True)
    forwarded_on = models.DateField("進達日", null=True, blank=True)
    result = models.CharField("審査結果", max_length=16, choices=Result.choices, blank=True)
    result_on = models.DateField("結果受理日", null=True, blank=True)
    grade = models.CharField("等級", max_length=10, blank=True)
    notified_on = models.DateField("決定通知日", null=True, blank=True)
    decided_on = models.DateField("支給(不支給)決定日", null=True, blank=True)
    appealed_on = models.DateField("審査請求日", null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登録者"
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "健康被害救済申請"
        verbose_name_plural = "健康被害救済申請"
        ordering = ["-received_on", "-id"]
        permissions = [
            ("access_relief", "健康被害救済業務を利用できる"),
            ("supervise_claims", "全ての救済申請を扱い、担当者を割り当てられる(責任者)"),
            ("export_payments", "救済給付の支払データを出力できる"),
            ("manage_rates", "給付額(年度別)を登録できる"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(past_deadline=False) | ~Q(late_reason=""), name="relief_late_needs_reason"
            ),
            models.CheckConstraint(condition=Q(onset_on__gte=F("vaccinated_on")), name="relief_onset_after_vacc"),
            models.CheckConstraint(condition=Q(received_on__gte=F("onset_on")), name="relief_received_after_onset"),
            models.CheckConstraint(
                condition=Q(treatment_from__isnull=True) | Q(treatment_from__gte=F("onset_on")),
                name="relief_treatment_after_onset",
            ),
            models.CheckConstraint(
                condition=Q(treatment_to__isnull=True) | Q(treatment_to__gte=F("treatment_from")),
                name="relief_treatment_ordered",
            ),
            models.CheckConstraint(
                condition=Q(death_on__isnull=True) | Q(death_on__gte=F("vaccinated_on")),
                name="relief_death_after_vacc",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["payment_decided", "paid"]) | Q(result="certified"),
                name="relief_pay_only_certified",
            ),
        ]

    def __str__(self) -> str:
        # stored in audit records: no medical detail here
        return f"救済申請 {self.claim_no}"

    @property
    def is_pension(self) -> bool:
        from .rules import PAY_KIND

        return PAY_KIND[self.benefit] == PayKind.PENSION


class ClaimUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="user_perms")

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class ClaimGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="group_perms")

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class ClaimEvent(models.Model):
    """One workflow step (or assignment) of a claim: who, when, from which state to which."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField("変更前", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("変更後", max_length=20, choices=State.choices, blank=True)
    action = models.CharField("操作", max_length=40)
    on_date = models.DateField("日付", null=True, blank=True)
    note = models.TextField("メモ", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "救済申請の経過"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.action}"


class DocumentKind(models.TextChoices):
    CLAIM_FORM = "claim_form", "請求書"
    VACCINATION_PROOF = "vaccination_proof", "接種を証する書類"
    MEDICAL_CERT = "medical_cert", "診断書"
    VISIT_CERT = "visit_cert", "受診証明書"
    MEDICAL_RECORD = "medical_record", "診療録の写し"
    RECEIPT = "receipt", "領収書"
    DEATH_CERT = "death_cert", "死亡診断書"
    RELATION_PROOF = "relation_proof", "続柄を証する書類"
    COMMITTEE = "committee", "調査委員会 議事録"
    OTHER = "other", "その他"


class ClaimDocument(models.Model):
    """An attached file, stored under PRIVATE_STORAGE_ROOT (never under the web root)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("種類", max_length=20, choices=DocumentKind.choices)
    original_name = models.CharField("ファイル名", max_length=200)
    storage_path = models.CharField(max_length=300, unique=True, editable=False)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField("サイズ")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "添付書類"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"添付書類 {self.pk}({self.get_kind_display()})"


class LetterKind(models.TextChoices):
    DECISION = "decision", "認定・否認 結果通知書"
    PAYMENT = "payment", "支給決定通知書"
    NON_PAYMENT = "non_payment", "不支給決定通知書"


class ClaimLetter(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField("種類", max_length=20, choices=LetterKind.choices)
    storage_path = models.CharField(max_length=300, unique=True, editable=False)
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveSmallIntegerField(default=1)
    issued_on = models.DateField("発行日")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "通知書"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"通知書 {self.pk}({self.get_kind_display()})"


class PayeeAccount(models.Model):
    """The account a claim is paid into: the public-funds account (公金受取口座) or the declared one."""

    class Source(models.TextChoices):
        PUBLIC_FUNDS = "public_funds", "公金受取口座(中間サーバー)"
        DECLARED = "declared", "請求者の申出口座"

    class AccountType(models.TextChoices):
        ORDINARY = "1", "普通"
        CURRENT = "2", "当座"
        SAVINGS = "4", "貯蓄"

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="account")
    source = models.CharField("口座の出所", max_length=16, choices=Source.choices)
    bank_code = models.CharField("金融機関コード", max_length=4)
    bank_name = models.CharField("金融機関名", max_length=60)
    branch_code = models.CharField("支店コード", max_length=3)
    branch_name = models.CharField("支店名", max_length=60)
    account_type = models.CharField("預金種目", max_length=1, choices=AccountType.choices)
    account_no = models.CharField("口座番号", max_length=7)
    holder_kana = models.CharField("口座名義(カナ)", max_length=60)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "振込口座"
        constraints = [
            models.CheckConstraint(condition=Q(bank_code__regex=r"^[0-9]{4}$"), name="relief_bank_code_4"),
            models.CheckConstraint(condition=Q(branch_code__regex=r"^[0-9]{3}$"), name="relief_branch_code_3"),
            models.CheckConstraint(condition=Q(account_no__regex=r"^[0-9]{7}$"), name="relief_account_no_7"),
        ]

    def __str__(self) -> str:
        return f"振込口座({self.get_source_display()})"

    @property
    def masked_no(self) -> str:
        return "***" + self.account_no[-4:]


class BenefitRate(models.Model):
    """Amount of a benefit for one fiscal year (and grade); revised every April, entered as data."""

    benefit = models.CharField("給付", max_length=24, choices=Benefit.choices)
    vaccine_class = models.CharField("疾病の類型", max_length=1, choices=VaccineClass.choices)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("等級・区分", max_length=20, blank=True, default="")
    amount = models.PositiveIntegerField("金額(円)")
    source = models.CharField("根拠", max_length=200, blank=True)

    class Meta:
        verbose_name = "給付額"
        verbose_name_plural = "給付額"
        ordering = ["-fiscal_year", "vaccine_class", "benefit", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "vaccine_class", "fiscal_year", "grade"], name="relief_rate_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="relief_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.vaccine_class} {self.get_benefit_display()} {self.grade}"


class Payment(models.Model):
    """One payment (a lump sum or one pension instalment)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "支払予定"
        EXPORTED = "exported", "支払データ出力済"
        PAID = "paid", "支払済"
        CANCELLED = "cancelled", "取消"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="payments")
    seq = models.PositiveSmallIntegerField("回")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    period_from = models.DateField("対象期間(自)", null=True, blank=True)
    period_to = models.DateField("対象期間(至)", null=True, blank=True)
    amount = models.PositiveIntegerField("金額(円)")
    due_on = models.DateField("支払予定日")
    status = models.CharField("状態", max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    export_batch = models.CharField("出力番号", max_length=30, blank=True)
    paid_on = models.DateField("支払日", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "支払"
        ordering = ["claim", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "seq"], name="relief_payment_seq"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="relief_payment_positive"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_on__isnull=False), name="relief_paid_has_date"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="relief_pay_status_due")]

    def __str__(self) -> str:
        return f"支払 {self.claim_id}-{self.seq}"


class PaymentExport(models.Model):
    """A CP932 CSV handed to the finance system; kept with its checksum, downloads are audited."""

    batch_no = models.CharField("出力番号", max_length=30, unique=True)
    due_until = models.DateField("支払予定日(まで)")
    rows = models.PositiveIntegerField("件数")
    total = models.PositiveBigIntegerField("合計金額")
    storage_path = models.CharField(max_length=300, unique=True, editable=False)
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "支払データ出力"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"支払データ {self.batch_no}"
