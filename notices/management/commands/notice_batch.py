"""manage.py notice_batch: what the batch screen does, for scheduled and scripted use.

--preview  extract and print the counts by exclusion reason (the batch stays for review on the screen)
--run      extract, confirm and render every print file in this process; print the batch id, counts and
           the paths of the print files and the manifest; exit non-zero on failure
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.origin import Origin
from notices import pipeline, rules, services
from notices.models import BatchKind, Cohort, ExclusionReason, NoticeBatch
from notices.services import STORAGE

KINDS = {"guide": BatchKind.GUIDE, "reminder": BatchKind.REMINDER, "survey": BatchKind.SURVEY}


class Command(BaseCommand):
    help = "通知バッチ(案内通知・接種券/未接種勧奨はがき/転入者調査票)を抽出・作成します。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--kind", required=True, choices=sorted(KINDS))
        parser.add_argument("--vaccine", default="", help="ワクチンのコード(例: mr, flu_elderly)")
        parser.add_argument("--dose", type=int, default=None, help="回数(例: 2 → mr_2)")
        parser.add_argument("--on", required=True, help="基準日 YYYY-MM-DD")
        parser.add_argument("--cohort", choices=Cohort.values, default=None)
        parser.add_argument("--age-from", type=int, default=None)
        parser.add_argument("--age-to", type=int, default=None)
        parser.add_argument("--movein-from", default=None, help="転入日(から) YYYY-MM-DD(調査票)")
        parser.add_argument("--deadline", default=None, help="接種期限 YYYY-MM-DD(規則から分からない場合)")
        parser.add_argument("--notified-within", type=int, default=None, help="N日以内に通知済みの人を除く")
        parser.add_argument("--include-vaccinated", action="store_true")
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--preview", action="store_true")
        mode.add_argument("--run", action="store_true")

    def handle(self, *args, **o):  # type: ignore[no-untyped-def]
        on = _date(o["on"], "--on")
        kind = KINDS[o["kind"]]
        if kind == BatchKind.SURVEY:
            cohort = o["cohort"] or Cohort.MOVEIN
            doses: list[str] = []
        else:
            if not o["vaccine"]:
                raise CommandError("--vaccine を指定してください。")
            doses = rules.dose_codes_for(o["vaccine"], o["dose"])
            default = Cohort.OVERDUE if kind == BatchKind.REMINDER else Cohort.LEGAL
            cohort = o["cohort"] or (Cohort.AGE if o["age_from"] is not None else default)
        spec = services.BatchSpec(
            kind=kind,
            vaccine_code=o["vaccine"],
            dose_codes=doses,
            on=on,
            cohort=cohort,
            age_from=o["age_from"],
            age_to=o["age_to"] if o["age_to"] is not None else (15 if cohort == Cohort.MOVEIN else None),
            movein_from=_date(o["movein_from"], "--movein-from") if o["movein_from"] else None,
            window_end=_date(o["deadline"], "--deadline") if o["deadline"] else None,
            exclude_vaccinated=not o["include_vaccinated"],
            notified_within_days=o["notified_within"],
        )
        if cohort == Cohort.AGE and spec.age_to is None:
            spec.age_to = 120
        origin = Origin.command()
        try:
            batch = services.batch_create(actor=None, origin=origin, spec=spec, source="command")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        batch = services.batch_extract(batch_id=batch.pk)
        self._counts(batch)
        if batch.state == NoticeBatch.State.FAILED:
            raise CommandError(batch.error)
        if o["preview"]:
            self.stdout.write(f"見本: {STORAGE.absolute(services.preview_path(batch))}")
            return
        try:
            batch = pipeline.batch_run_inline(batch=batch, actor=None, origin=origin)
        except Exception as exc:
            raise CommandError(f"バッチ {batch.batch_ref} の作成に失敗しました: {exc}") from exc
        if batch.state != NoticeBatch.State.DONE:
            raise CommandError(f"バッチ {batch.batch_ref} は完了していません(状態: {batch.get_state_display()})。")
        self.stdout.write(f"通知 {batch.notices_done:,} 件、{batch.pages_done:,} ページ")
        for f in batch.files.order_by("chunk__no"):
            self.stdout.write(f"  {STORAGE.absolute(f.path)}  {f.pages}ページ  sha256={f.sha256}")
        self.stdout.write(f"manifest: {STORAGE.absolute(batch.manifest_path)}")

    def _counts(self, batch: NoticeBatch) -> None:
        self.stdout.write(f"バッチ {batch.batch_ref} (id={batch.pk}) 状態: {batch.get_state_display()}")
        self.stdout.write(f"抽出 {batch.candidates:,} 人 / 対象 {batch.targets:,} 人(うち保留 {batch.held:,} 人)")
        for reason in ExclusionReason:
            if reason.value and batch.counts.get(reason.value):
                self.stdout.write(f"  除外 {reason.label}: {batch.counts[reason.value]:,} 人")


def _date(text: str, flag: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{flag} は YYYY-MM-DD の形式で指定してください: {text}") from exc
