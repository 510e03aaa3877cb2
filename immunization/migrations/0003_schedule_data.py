"""Loads the routine schedule (vaccines, doses, legal windows, plans, intervals) from _schedule_data_0003."""

import datetime

from django.db import migrations

from . import _schedule_data_0003 as data


def _d(value):
    return datetime.date.fromisoformat(value) if value else None


def load(apps, schema_editor):
    Vaccine = apps.get_model("immunization", "Vaccine")
    Dose = apps.get_model("immunization", "Dose")
    EligibilityWindow = apps.get_model("immunization", "EligibilityWindow")
    CoursePlan = apps.get_model("immunization", "CoursePlan")
    PlanStep = apps.get_model("immunization", "PlanStep")
    GeneralInterval = apps.get_model("immunization", "GeneralInterval")

    vaccines = {}
    for i, (code, name, disease, klass, kind, group, course, new_until, notes, sources) in enumerate(data.VACCINES):
        vaccines[code] = Vaccine.objects.create(
            code=code, name=name, disease=disease, vaccine_class=klass, kind=kind, group=group, course=course,
            new_starts_until=_d(new_until), sort_order=(i + 1) * 10, notes=notes, sources=sources,
        )
    doses = {}
    for i, (code, vaccine, label, recurrence, sex) in enumerate(data.DOSES):
        doses[code] = Dose.objects.create(
            code=code, vaccine=vaccines[vaccine], label=label, recurrence=recurrence, sex=sex, sort_order=(i + 1) * 10
        )
    for w in data.WINDOWS:
        w = dict(w)
        dose = doses[w.pop("dose")]
        for key in ("valid_from", "valid_to", "birth_from", "birth_to", "started_from", "started_to"):
            if key in w:
                w[key] = _d(w[key])
        EligibilityWindow.objects.create(dose=dose, **w)
    for p in data.PLANS:
        p = dict(p)
        steps = p.pop("steps")
        plan = CoursePlan.objects.create(
            vaccine=vaccines[p.pop("vaccine")], valid_from=_d(p.pop("valid_from")), valid_to=_d(p.pop("valid_to")), **p
        )
        for order, s in enumerate(steps, start=1):
            s = dict(s)
            PlanStep.objects.create(plan=plan, dose=doses[s.pop("dose")], order=order, **s)
    for g in data.GENERAL_INTERVALS:
        g = dict(g)
        GeneralInterval.objects.create(valid_from=_d(g.pop("valid_from", None)), valid_to=_d(g.pop("valid_to", None)), **g)


def unload(apps, schema_editor):
    for name in ("GeneralInterval", "PlanStep", "CoursePlan", "EligibilityWindow", "Dose", "Vaccine"):
        apps.get_model("immunization", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("immunization", "0002_schedule")]
    operations = [migrations.RunPython(load, unload)]
