"""Every action the tip line writes to the audit log (besides the `tips.<model>.added|changed|
deleted|viewed` that `AuditedModelAdmin` writes by itself). Registered from TipsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from portal.registry import AuditAction, audit_actions

ACTIONS = [
    ("tips.tip.decrypted", _("Tip opened (decrypted)")),
    ("tips.tip.changed", _("Tip triaged")),
    ("tips.tip.merged", _("Tip merged into another")),
    ("tips.tip.merged_in", _("Tip received a merged tip")),
    ("tips.tip.linked", _("Tip linked with another")),
    ("tips.message.sent", _("Message sent to a tipster")),
    ("tips.note.added", _("Internal note added to a tip")),
    ("tips.attachment.viewed", _("Tip file opened (clean copy)")),
    ("tips.attachment.original_opened", _("Tip file opened (original evidence, with a reason)")),
    ("tips.attachment.original_purged", _("Original of a tip file deleted (retention)")),
    ("tips.packet.requested", _("Case packet requested")),
    ("tips.packet.built", _("Case packet built")),
    ("tips.packet.downloaded", _("Case packet downloaded")),
]


def register() -> None:
    for key, label in ACTIONS:
        audit_actions.register(AuditAction(key=key, label=label))
