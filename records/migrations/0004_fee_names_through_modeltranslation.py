"""Fee names in English and Spanish through django-modeltranslation, like every bilingual field:
`name` becomes `name_en` + `name_es`, `description` becomes `description_en` + `description_es`.
The Spanish columns already existed under those names and keep their data (an empty one becomes
NULL, so the English falls back); the English is copied from the plain column, which
modeltranslation leaves as the column of the default language."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    FeeScheduleItem = apps.get_model("records", "FeeScheduleItem")
    Fee = apps.get_model("records", "Fee")
    FeeScheduleItem.objects.update(name_en=models.F("name"))
    FeeScheduleItem.objects.filter(name_es="").update(name_es=None)
    Fee.objects.update(description_en=models.F("description"))
    Fee.objects.filter(description_es="").update(description_es=None)


def backwards(apps, schema_editor):
    FeeScheduleItem = apps.get_model("records", "FeeScheduleItem")
    Fee = apps.get_model("records", "Fee")
    FeeScheduleItem.objects.exclude(name_en=None).update(name=models.F("name_en"))
    FeeScheduleItem.objects.filter(name_es=None).update(name_es="")
    Fee.objects.exclude(description_en=None).update(description=models.F("description_en"))
    Fee.objects.filter(description_es=None).update(description_es="")


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_release_packets_and_letters"),
    ]

    operations = [
        migrations.AddField(
            model_name="fee",
            name="description_en",
            field=models.CharField(max_length=200, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="feescheduleitem",
            name="name_en",
            field=models.CharField(max_length=120, null=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="fee",
            name="description_es",
            field=models.CharField(max_length=200, null=True, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="feescheduleitem",
            name="name_es",
            field=models.CharField(max_length=120, null=True, verbose_name="name"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
