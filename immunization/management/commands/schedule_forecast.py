"""`manage.py schedule_forecast --birth-date YYYY-MM-DD --on YYYY-MM-DD [--sex F|M] [--dose CODE:YYYY-MM-DD ...] --json`

Prints the status of every dose of every routine vaccination for a birth date and a history
(the same engine as the resident page and the calculator). `--list-codes` lists the dose codes.
"""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from immunization import doses, schedule
from immunization.schedule.engine import CONDITION_LABELS, w


def _date(text: str, what: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{what}の日付が正しくありません: {text}(YYYY-MM-DD で指定してください)") from exc


class Command(BaseCommand):
    help = "生年月日と接種歴から、定期接種の各回の状況(接種済・接種時期・これから・標準期間経過・期間終了・対象外)を出力します。"  # noqa: E501

    def add_arguments(self, parser):
        parser.add_argument("--birth-date", help="生年月日 YYYY-MM-DD")
        parser.add_argument("--on", help="基準日 YYYY-MM-DD(既定: 今日)")
        parser.add_argument("--sex", default="F", help="F(女性) または M(男性)。既定 F")
        parser.add_argument(
            "--dose",
            action="append",
            default=[],
            metavar="CODE:YYYY-MM-DD",
            help="接種歴(繰り返し指定)。日付不明は CODE:unknown",
        )
        parser.add_argument(
            "--condition",
            action="append",
            default=[],
            choices=sorted(CONDITION_LABELS),
            help="対象要件(例: disability_1)",
        )
        parser.add_argument("--json", action="store_true", help="JSONで出力")
        parser.add_argument("--list-codes", action="store_true", help="接種コードの一覧")

    def handle(self, *args, **opts):
        if opts["list_codes"]:
            every = doses.all_doses()
            if opts["json"]:
                self.stdout.write(
                    json.dumps(
                        {
                            "codes": [
                                {"code": d.code, "label": d.label, "class": d.vaccine_class, "sex": d.sex}
                                for d in every
                            ]
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                for d in every:
                    self.stdout.write(f"{d.code}\t{d.vaccine_class}類\t{d.label}")
            return
        if not opts["birth_date"]:
            raise CommandError("--birth-date を指定してください。")
        birth = _date(opts["birth_date"], "--birth-date")
        on = _date(opts["on"], "--on") if opts["on"] else timezone.localdate()  # the city's day, not UTC
        if on < birth:
            raise CommandError("--on が生年月日より前です。")
        sex = doses.normalize_sex(opts["sex"])
        if not sex:
            raise CommandError(f"--sex は F または M です: {opts['sex']}")
        known = set(doses.codes())
        history = []
        for item in opts["dose"]:
            code, sep, when = item.partition(":")
            if not sep:
                raise CommandError(f"--dose は CODE:YYYY-MM-DD の形です: {item}")
            if code not in known:
                raise CommandError(f"接種コード「{code}」はありません(--list-codes で一覧を表示)。")
            given = None if when.lower() in ("unknown", "?", "") else _date(when, f"--dose {code}")
            if given is not None and given < birth:
                raise CommandError(f"--dose {code} の接種日が生年月日より前です。")
            if given is not None and given > on:
                raise CommandError(f"--dose {code} の接種日が基準日より後です。")
            history.append(schedule.PastDose(code, given))
        result = schedule.forecast(
            birth_date=birth, sex=sex, history=history, on=on, conditions=frozenset(opts["condition"])
        )
        if opts["json"]:
            self.stdout.write(
                json.dumps(
                    {"birth_date": birth.isoformat(), "on": on.isoformat(), "doses": [f.as_dict() for f in result]},
                    ensure_ascii=False,
                )
            )
            return
        for f in result:
            span = f"{w(f.earliest)}〜{w(f.latest)}" if f.earliest else ""
            self.stdout.write(f"{f.code:18} {f.status_label:8} {span:30} {f.reason}")
