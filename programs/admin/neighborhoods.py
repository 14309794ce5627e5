"""Each neighborhood's problem board and its e-mail subscribers, in the back office."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from portal.admin import AuditedModelAdmin
from programs.models import Problem, ProblemNote, Subscription
from programs.services.neighborhoods import problem_record_save


class ProblemNoteInline(TranslationStackedInline):
    model = ProblemNote
    extra = 1
    fields = ["on", "stage", "text"]


@admin.register(Problem)
class ProblemAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["title", "neighborhood", "stage", "status", "is_published", "raised_on"]
    list_filter = ["neighborhood", "stage", "status", "is_published"]
    search_fields = ["title"]
    autocomplete_fields = ["neighborhood"]
    inlines = [ProblemNoteInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("neighborhood")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        new_notes = [
            note
            for formset in formsets
            for note in getattr(formset, "new_objects", [])
            if isinstance(note, ProblemNote)
        ]
        problem_record_save(actor=request.user, problem=form.instance, new_notes=new_notes)


@admin.register(Subscription)
class SubscriptionAdmin(AuditedModelAdmin):
    audit_views = True
    list_display = ["email", "neighborhood", "confirmed_at", "created_at"]
    list_filter = ["neighborhood"]
    search_fields = ["email"]
    readonly_fields = ["email", "neighborhood", "language", "confirmed_at", "created_at"]

    def has_add_permission(self, request):
        return False
