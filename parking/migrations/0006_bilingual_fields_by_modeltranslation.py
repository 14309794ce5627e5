"""A snow emergency's message and a blanket night's occasion move from hand-written `_en`/`_es`
columns to django-modeltranslation (parking/translation.py), keeping every text.

The English column becomes the original field (`message`, `name`), the Spanish one is renamed
out of the way, modeltranslation's `<field>_en` and `<field>_es` are added, both are copied in,
and the old Spanish column is removed. Renames and nullable new columns take no long lock.
"""

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Coalesce


def copy_in(apps, schema_editor):
    apps.get_model("parking", "SnowEmergency").objects.update(
        message_en=F("message"), message_es=F("message_es_old")
    )
    apps.get_model("parking", "BlanketNight").objects.update(
        name_en=F("name"), name_es=F("name_es_old")
    )


def copy_out(apps, schema_editor):
    apps.get_model("parking", "SnowEmergency").objects.update(
        message=Coalesce(F("message_en"), F("message")),
        message_es_old=Coalesce(F("message_es"), Value("")),
    )
    apps.get_model("parking", "BlanketNight").objects.update(
        name=Coalesce(F("name_en"), F("name")),
        name_es_old=Coalesce(F("name_es"), Value("")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("parking", "0005_permit_recent_index"),
    ]

    operations = [
        # Snow emergencies: message_en -> message, message_es out of the way.
        migrations.RenameField("snowemergency", "message_en", "message"),
        migrations.AlterField(
            model_name="snowemergency",
            name="message",
            field=models.CharField(blank=True, max_length=300, verbose_name="message"),
        ),
        migrations.RenameField("snowemergency", "message_es", "message_es_old"),
        migrations.AddField(
            model_name="snowemergency",
            name="message_en",
            field=models.CharField(blank=True, max_length=300, null=True, verbose_name="message"),
        ),
        migrations.AddField(
            model_name="snowemergency",
            name="message_es",
            field=models.CharField(blank=True, max_length=300, null=True, verbose_name="message"),
        ),
        # Blanket nights: name_en -> name, name_es out of the way.
        migrations.RenameField("blanketnight", "name_en", "name"),
        migrations.AlterField(
            model_name="blanketnight",
            name="name",
            field=models.CharField(max_length=120, verbose_name="occasion"),
        ),
        migrations.RenameField("blanketnight", "name_es", "name_es_old"),
        migrations.AddField(
            model_name="blanketnight",
            name="name_en",
            field=models.CharField(max_length=120, null=True, verbose_name="occasion"),
        ),
        migrations.AddField(
            model_name="blanketnight",
            name="name_es",
            field=models.CharField(max_length=120, null=True, verbose_name="occasion"),
        ),
        migrations.RunPython(copy_in, copy_out),
        migrations.RemoveField("snowemergency", "message_es_old"),
        migrations.RemoveField("blanketnight", "name_es_old"),
    ]
