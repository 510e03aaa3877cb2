"""Widen the (resident, dose) index to cover the vaccination date and status, so "had this dose since …"
is answered from the index alone. Built CONCURRENTLY first: on a live register of about 3,000,000 records a
plain CREATE INDEX would block keying for its duration."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("immunization", "0007_keep_fk_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="vaccinationrecord",
            index=models.Index(
                fields=["resident", "dose_code", "vaccinated_on"], include=("status",), name="record_res_dose_on"
            ),
        ),
        RemoveIndexConcurrently(model_name="vaccinationrecord", name="record_res_dose"),
    ]
