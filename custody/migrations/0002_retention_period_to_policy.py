"""The period of released bookings moves from the custody settings to the kernel's retention
page (kind "custody.custodyrecord"): the setting's value becomes the policy, so nothing is kept
longer or shorter than the department set. The setting also purged visit requests, which went
at the sooner of it and their own policy; that sooner period becomes their policy. Each change
is in the audit log."""

from django.db import migrations

RECORDS, VISITS = "custody.custodyrecord", "custody.visitrequest"
DEFAULT_DAYS = 30
LABEL = "migration custody.0002"


def setting_to_policies(apps, schema_editor):
    settings = apps.get_model("custody", "CustodySettings").objects.first()
    if settings is None:
        return
    policies = apps.get_model("portal", "RetentionPolicy").objects
    audit = apps.get_model("portal", "AuditEntry").objects
    days = max(settings.retention_days, 1)  # the policy's floor; 0 purged at once anyway

    def changed(key, before, after):
        if before == after:
            return
        audit.create(
            actor=None,
            actor_label=LABEL,
            action="portal.retentionpolicy.changed",
            target_label=key,
            detail={"kind": key, "before": before, "after": after, "from": "custody settings"},
        )

    records = policies.filter(key=RECORDS).first()
    if records is None:
        policies.create(key=RECORDS, days=days)
        changed(RECORDS, {"days": DEFAULT_DAYS}, {"days": days})
    visits = policies.filter(key=VISITS).first()
    if visits is None:
        policies.create(key=VISITS, days=min(days, DEFAULT_DAYS))
        changed(VISITS, {"days": DEFAULT_DAYS}, {"days": min(days, DEFAULT_DAYS)})
    elif visits.days > days:
        changed(VISITS, {"days": visits.days}, {"days": days})
        visits.days = days
        visits.save(update_fields=["days"])


def policy_to_setting(apps, schema_editor):
    record = apps.get_model("portal", "RetentionPolicy").objects.filter(key=RECORDS).first()
    if record is not None:
        apps.get_model("custody", "CustodySettings").objects.update(
            retention_days=min(record.days, 32767)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("custody", "0001_initial"),
        ("portal", "0009_ret_retention"),
    ]

    operations = [
        migrations.RunPython(setting_to_policies, policy_to_setting),
        migrations.RemoveField(model_name="custodysettings", name="retention_days"),
    ]
