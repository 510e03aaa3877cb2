"""Disclosure, correction and suspension requests (PIA V) and the report of everything held on a person.

The report is built from the models themselves: every model of every app with a foreign key to Resident is
a section, its fields the columns. A new app's data therefore shows up without anyone remembering to add it
— "everything we hold" stays true. Search keys, hashes and the My Number's ciphertext are internal and left
out; the My Number itself is never printed (the requester knows it; the report says whether one is held).
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from audit.models import Event
from audit.services import Subject, access_record, changes_by
from core.origin import Origin

from .models import DisclosureRequest, Resident

# internal columns: search keys, hashes, ciphertext, idempotency fingerprints
HIDDEN_FIELDS = frozenset(
    {
        "kana_key",
        "given_kana_key",
        "name_key",
        "address_key",
        "ciphertext",
        "blind_index",
        "key_id",
        "fingerprint",
        "sha256",
        "row_hash",
        "prev_hash",
    }
)
PURPOSE = "開示・訂正・利用停止請求への対応"


WIDE = 8  # more columns than this print as one block per record rather than as a table


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        return len(self.columns) > WIDE

    def records(self) -> list[list[tuple[str, str]]]:
        """Each row as (label, value) pairs without the empty ones: a wide record stays readable on paper."""
        return [[(c, v) for c, v in zip(self.columns, row, strict=True) if v] for row in self.rows]


HIDDEN_PARTS = ("blind_index", "cipher", "hash", "fingerprint", "_key")  # wherever an app keeps such a column


def _shown_fields(model: type[models.Model], back: str) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS
        and f.name != back
        and not isinstance(f, models.AutoField | models.BinaryField)
        and not any(part in f.name for part in HIDDEN_PARTS)
    ]


def _text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _cell(obj: models.Model, f: models.Field) -> str:
    if f.choices:
        return _text(getattr(obj, f"get_{f.name}_display")())
    if isinstance(f, models.ForeignKey):
        return _text(getattr(obj, f.name))  # the related object's own label (never a My Number)
    return _text(getattr(obj, f.attname))


def holdings(resident: Resident) -> list[Section]:
    """Everything held on the person: the register entry, then one section per related model."""
    own = _shown_fields(Resident, back="")
    sections = [Section("住民記録", ["項目", "内容"], [[str(f.verbose_name), _cell(resident, f)] for f in own])]
    relations = sorted(Resident._meta.related_objects, key=lambda r: (r.related_model._meta.app_label, r.name))
    links = Counter(rel.related_model for rel in relations)  # a model may point at the person twice
    for rel in relations:
        model = rel.related_model
        if model._meta.model_name == "mynumber":
            held = model.objects.filter(resident=resident).first()
            rows = [["個人番号", "保有しています(番号はこの一覧に記載しません)" if held else "保有していません"]]
            if held:
                rows.append(["登録日時", _text(held.registered_at)])
            sections.append(Section(str(model._meta.verbose_name), ["項目", "内容"], rows))
            continue
        shown = _shown_fields(model, back=rel.field.name)
        related = [f.name for f in shown if isinstance(f, models.ForeignKey)]
        qs = model._default_manager.filter(**{rel.field.name: resident}).select_related(*related)
        rows = [[_cell(obj, f) for f in shown] for obj in qs.order_by("pk")]
        if rows:
            title = f"{model._meta.verbose_name}({model._meta.app_config.verbose_name})"
            if links[model] > 1:
                title += f" — {rel.field.verbose_name}として"  # e.g. a relief claim as the vaccinee or the claimant
            sections.append(Section(title, [str(f.verbose_name) for f in shown], rows))
    return sections


def holdings_for_request(*, actor: Any, origin: Origin, disclosure: DisclosureRequest) -> list[Section]:
    """The report for one request; the export is audited with the request number as its reason."""
    sections = holdings(disclosure.resident)
    access_record(
        event=Event.EXPORT,
        actor=actor,
        origin=origin,
        subject=Subject(obj=disclosure.resident, atena_no=disclosure.resident.atena_no),
        purpose=f"{PURPOSE}(受付番号 {disclosure.request_no})",
        detail={"report": "holdings", "sections": len(sections), "rows": sum(len(s.rows) for s in sections)},
    )
    return sections


def _next_no(received_on: datetime.date) -> str:
    prefix = f"開{received_on:%Y}-"
    with connection.cursor() as cur:  # numbering is serialized, the year's first request included
        cur.execute("SELECT pg_advisory_xact_lock(hashtext('residents.disclosure_request_no'))")
    last = (
        DisclosureRequest.objects.filter(request_no__startswith=prefix)
        .order_by("-request_no")
        .values_list("request_no", flat=True)
        .first()
    )
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:04d}"


@transaction.atomic
def request_receive(*, actor: Any, origin: Origin, resident: Resident, data: dict[str, Any]) -> DisclosureRequest:
    """Register a request; the decision is due 30 days after receipt (個人情報保護法 第83条第1項ほか)."""
    received_on = data["received_on"]
    with changes_by(actor, origin):
        return DisclosureRequest.objects.create(
            request_no=_next_no(received_on),
            resident=resident,
            due_on=received_on + datetime.timedelta(days=DisclosureRequest.DECISION_DAYS),
            received_by=actor,
            **data,
        )


@transaction.atomic
def request_update(*, actor: Any, origin: Origin, item: DisclosureRequest, changes: dict[str, Any]) -> None:
    """Progress, decision, extension and notes of a request; django-auditlog records the change."""
    for name, value in changes.items():
        setattr(item, name, value)
    with changes_by(actor, origin):
        item.save()


def open_requests_first() -> models.QuerySet[DisclosureRequest]:
    open_states = [DisclosureRequest.State.RECEIVED, DisclosureRequest.State.IN_PROGRESS]
    return DisclosureRequest.objects.select_related("resident").order_by(
        models.Case(models.When(state__in=open_states, then=0), default=1),
        models.functions.Coalesce("extended_to", "due_on"),
        "-id",
    )
