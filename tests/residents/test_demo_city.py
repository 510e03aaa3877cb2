"""The demo city has Okazaki's shape: benches and demos that count over-65s or children mean something only if
the register has about as many of them as the real city (about 24% aged 65 and over, 13–15% under 15)."""

from __future__ import annotations

import collections
import io
import random

import pytest
from django.utils import timezone

from ops.demo import residents as demo
from residents.models import Resident


@pytest.mark.django_db
def test_demo_city_has_okazakis_age_shape_without_spikes():
    demo.seed(rng=random.Random(7), residents=6000, stdout=io.StringIO())
    today = timezone.localdate()
    ages = [
        today.year - b.year - ((today.month, today.day) < (b.month, b.day))
        for b in Resident.objects.values_list("birth_date", flat=True)
    ]
    n = len(ages)
    assert 0.20 <= sum(a >= 65 for a in ages) / n <= 0.28
    assert 0.10 <= sum(a < 15 for a in ages) / n <= 0.18
    # no single age holds an implausible share (a clamped random age once put 9% of the city at exactly 20)
    assert max(collections.Counter(ages).values()) / n < 0.03
