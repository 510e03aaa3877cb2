from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from accounts.models import Staff

PASSWORD = "correct-horse-battery-9"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    display_name = factory.Sequence(lambda n: f"職員{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
