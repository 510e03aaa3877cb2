"""seed_demo's relief part: the two extra accounts and claims in every state, assigned to `relief`."""

from __future__ import annotations

import io
import random

import pytest

from accounts import roles
from accounts.models import Staff
from ops.demo import accounts as accounts_demo
from ops.demo import relief as demo
from ops.demo import residents as residents_demo
from relief.access import claims_for_user
from relief.models import Claim, State


@pytest.mark.django_db
def test_demo_has_workers_a_supervisor_and_claims_in_every_state():
    out = io.StringIO()
    accounts_demo.seed(rng=random.Random(1), residents=1500, stdout=out)
    residents_demo.seed(rng=random.Random(2), residents=1500, stdout=out)
    demo.seed(rng=random.Random(3), residents=1500, stdout=out)

    relief, relief2, lead = (Staff.objects.get(username=u) for u in ("relief", "relief2", "relief_lead"))
    assert relief2.groups.filter(name=roles.RELIEF).exists()
    assert lead.groups.filter(name=roles.RELIEF_LEAD).exists()
    assert lead.check_password(demo.settings.DEMO_PASSWORD)
    assert set(Claim.objects.values_list("state", flat=True)) == set(State.values)
    assert Claim.objects.filter(past_deadline=True).exclude(late_reason="").exists()
    assert claims_for_user(relief).count() == Claim.objects.count()
    assert claims_for_user(relief2).count() == 1
    assert claims_for_user(lead).count() == Claim.objects.count()
