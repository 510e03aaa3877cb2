"""A-class benefit amounts as of April 2023 (revised every April; later years are entered as data by the
relief supervisor). Source: https://www.town.uchinada.lg.jp/site/coronavirus/14240.html
B-class amounts follow the PMDA scale and are not seeded here (unsourced, japan-reference §5.1)."""

from django.db import migrations

SOURCE = "令和5年4月の額(内灘町 予防接種健康被害救済制度の案内)"
RATES = [
    ("medical_allowance", "入院8日以上・通院3日以上", 37800),
    ("medical_allowance", "入院8日未満・通院3日未満", 35800),
    ("child_pension", "1級", 1617600),
    ("child_pension", "2級", 1293600),
    ("disability_pension", "1級", 5175600),
    ("disability_pension", "2級", 4138800),
    ("disability_pension", "3級", 3104400),
    ("death_lump_sum", "", 45300000),
    ("funeral", "", 212000),
]


def seed(apps, schema_editor):
    BenefitRate = apps.get_model("relief", "BenefitRate")
    for benefit, grade, amount in RATES:
        BenefitRate.objects.get_or_create(
            benefit=benefit, vaccine_class="A", fiscal_year=2023, grade=grade,
            defaults={"amount": amount, "source": SOURCE},
        )


def unseed(apps, schema_editor):
    apps.get_model("relief", "BenefitRate").objects.filter(fiscal_year=2023, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("relief", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
