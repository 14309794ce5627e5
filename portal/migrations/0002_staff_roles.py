"""Create the staff roles as groups. Their permissions are kept in step by portal.roles after
every migrate, so each feature app can grant its own."""

from django.db import migrations

ROLES = ["Tip investigators", "Records clerks", "Parking officers", "Community officers",
         "Site administrators"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
