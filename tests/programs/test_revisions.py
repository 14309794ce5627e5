"""Revisions cover the whole page, and officers change a published page through a pending
change that a publisher approves or sends back."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.errors import DomainError
from portal.models import AuditEntry
from programs import selectors
from programs.models import NewsItem, Program, ProgramRevision
from programs.services import publishing
from tests.factories import OfficerFactory
from tests.programs.factories import ProgramFactory
from tests.support.errors import raises_domain
from tests.support.program_forms import program_form_data

pytestmark = pytest.mark.django_db

S = Program.Status
R = ProgramRevision.State

# A 1x1 PNG.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _image(program, alt_en="Officers and kids", alt_es="Agentes y niños"):
    return program.images.create(
        image=SimpleUploadedFile("kids.png", PNG, content_type="image/png"),
        alt_text_en=alt_en,
        alt_text_es=alt_es,
    )


def _with_inlines(program, data, images=(), partners=()):
    """Admin form data with the program's images and partners as inline forms."""
    data.update({"images-TOTAL_FORMS": str(len(images)), "images-INITIAL_FORMS": "0"})
    for n, image in enumerate(images):
        data["images-INITIAL_FORMS"] = str(sum(1 for i in images if i.get("id")))
        for key, value in image.items():
            data[f"images-{n}-{key}"] = value
        data[f"images-{n}-program"] = program.pk
    data.update({"partners-TOTAL_FORMS": str(len(partners)), "partners-INITIAL_FORMS": "0"})
    for n, partner in enumerate(partners):
        data["partners-INITIAL_FORMS"] = str(sum(1 for p in partners if p.get("id")))
        for key, value in partner.items():
            data[f"partners-{n}-{key}"] = value
        data[f"partners-{n}-program"] = program.pk
    return data


def test_a_revision_records_images_partners_contact_schedule_and_translations(publisher):
    program = ProgramFactory(status=S.DRAFT)
    image = _image(program)
    publishing.program_save(actor=publisher, program=program, changed_fields=[])
    program.partners.create(name="Eastbrook Hospital", url="https://hospital.example")
    program.contact_officer = OfficerFactory()
    program.title_es = "Liga atlética"
    program.save()
    image.alt_text_es = "Agentes jugando con niños"
    image.save()
    revision = publishing.program_save(actor=publisher, program=program, changed_fields=[])
    snapshot = revision.snapshot
    assert snapshot["images"][0]["alt_text_es"] == "Agentes jugando con niños"
    assert snapshot["partners"][0]["name"] == "Eastbrook Hospital"
    assert snapshot["contact_officer_id"] == program.contact_officer_id
    changed = revision.changed_fields
    assert "title_es" in changed and "contact_officer" in changed
    assert any(c.startswith("images:") and "alt_text_es" in c for c in changed), changed
    assert any(c.startswith("partners: +") for c in changed), changed
    assert revision.author == publisher


def test_revert_restores_images_partners_and_contact(publisher):
    first_officer = OfficerFactory()
    program = ProgramFactory(status=S.DRAFT, contact_officer=first_officer)
    image = _image(program, alt_en="Buy-back table")
    program.partners.create(name="Eastbrook Hospital")
    first = publishing.program_save(actor=publisher, program=program, changed_fields=[])
    image.delete()
    program.partners.all().delete()
    program.partners.create(name="Other partner")
    program.contact_officer = OfficerFactory()
    program.save()
    publishing.program_save(actor=publisher, program=program, changed_fields=[])

    publishing.program_revert(actor=publisher, revision=first)
    program.refresh_from_db()
    assert program.contact_officer == first_officer
    assert [i.alt_text_en for i in program.images.all()] == ["Buy-back table"]
    assert program.images.get().image.name == first.snapshot["images"][0]["image"]
    assert [p.name for p in program.partners.all()] == ["Eastbrook Hospital"]
    latest = program.revisions.first()
    assert latest.state == R.SAVED and "contact_officer" in latest.changed_fields


def test_officer_edits_a_published_page_as_a_pending_change_and_the_page_stays_live(
    client, officer
):
    program = ProgramFactory(status=S.PUBLISHED, editors=[officer], body_en="Old timetable.")
    image = _image(program)
    client.force_login(officer)
    url = reverse("admin:programs_program_change", args=[program.pk])
    assert client.get(url).status_code == 200
    data = _with_inlines(
        program,
        program_form_data(program, body_en="New timetable.", title_es="Liga nueva"),
        images=[
            {
                "id": image.pk,
                "alt_text_en": "Officers and kids at the gym",
                "alt_text_es": image.alt_text_es,
                "caption_en": "",
                "caption_es": "",
                "order": "100",
            }
        ],
        partners=[{"name": "Boys & Girls Club", "order": "100", "url": "https://bgc.example"}],
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    program.refresh_from_db()
    assert program.body_en == "Old timetable." and program.status == S.PUBLISHED
    assert program.images.get().alt_text_en == "Officers and kids"
    assert not program.partners.exists()
    assert "Old timetable." in Client().get(program.get_absolute_url()).content.decode()

    change = publishing.pending_change(program)
    assert change.state == R.PENDING and change.author == officer
    assert change.snapshot["body_en"] == "New timetable."
    assert change.snapshot["images"][0]["alt_text_en"] == "Officers and kids at the gym"
    assert change.snapshot["partners"][0]["name"] == "Boys & Girls Club"
    # The officer goes on with their change, not with the published text, and is told the
    # images and partners shown are the published ones.
    form_page = client.get(url).content.decode()
    assert "New timetable." in form_page
    assert "The images, partners and news below are the published ones" in form_page
    # The preview shows the change to staff only.
    preview_url = reverse("admin:programs_program_pending_preview", args=[program.pk])
    preview = client.get(preview_url)
    assert preview.status_code == 200 and "no-store" in preview["Cache-Control"]
    page = preview.content.decode()
    assert "New timetable." in page and "Boys &amp; Girls Club" in page
    assert "Officers and kids at the gym" in page
    assert "Liga nueva" in client.get(preview_url + "?lang=es").content.decode()
    assert Client().get(preview_url).status_code == 302  # to the sign-in page


def test_a_publisher_approves_the_change_and_it_goes_live(client, officer, publisher):
    program = ProgramFactory(status=S.PUBLISHED, editors=[officer], body_en="Old timetable.")
    snapshot = {**publishing.revisions.snapshot_of(program), "body_en": "New timetable."}
    snapshot["partners"] = [{"id": None, "name": "Hospital", "order": 1, "url": "", "logo": ""}]
    change = publishing.program_change_propose(actor=officer, program=program, snapshot=snapshot)
    with raises_domain("bad_transition"):
        publishing.program_change_approve(actor=publisher, revision=change)  # not sent yet
    publishing.program_change_submit(actor=officer, revision=change)
    with pytest.raises(DomainError) as error:
        publishing.program_change_approve(actor=officer, revision=change)
    assert error.value.domain_code == "forbidden"

    public = Client()
    assert "Old timetable." in public.get(program.get_absolute_url()).content.decode()
    client.force_login(publisher)
    client.post(reverse("admin:programs_program_pending", args=[program.pk, "approve"]))
    program.refresh_from_db()
    assert program.body_en == "New timetable." and program.status == S.PUBLISHED
    assert [p.name for p in program.partners.all()] == ["Hospital"]
    assert "New timetable." in public.get(program.get_absolute_url()).content.decode()
    change.refresh_from_db()
    assert change.state == R.APPROVED and publishing.pending_change(program) is None
    actions = list(
        AuditEntry.objects.filter(target_id=str(program.pk))
        .order_by("at", "id")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("programs.program.proposed", officer.username),
        ("programs.program.change_submitted", officer.username),
        ("programs.program.change_approved", publisher.username),
    ]


def test_a_publisher_sends_the_change_back_with_a_note(client, officer, publisher):
    program = ProgramFactory(status=S.PUBLISHED, editors=[officer])
    snapshot = {**publishing.revisions.snapshot_of(program), "body_en": "Draft text"}
    change = publishing.program_change_propose(actor=officer, program=program, snapshot=snapshot)
    publishing.program_change_submit(actor=officer, revision=change)
    client.force_login(publisher)
    client.post(
        reverse("admin:programs_program_pending", args=[program.pk, "return"]),
        {"note": "Add the Spanish text"},
    )
    change.refresh_from_db()
    assert change.state == R.RETURNED and "Add the Spanish text" in change.note
    program.refresh_from_db()
    assert program.body_en != "Draft text"
    publishing.program_change_submit(actor=officer, revision=change)  # sent again
    assert ProgramRevision.objects.get(pk=change.pk).state == R.REVIEW


def test_a_later_save_replaces_the_earlier_pending_change(officer):
    program = ProgramFactory(status=S.PUBLISHED, editors=[officer])
    base = publishing.revisions.snapshot_of(program)
    first = publishing.program_change_propose(
        actor=officer, program=program, snapshot={**base, "body_en": "One"}
    )
    second = publishing.program_change_propose(
        actor=officer, program=program, snapshot={**base, "body_en": "Two"}
    )
    first.refresh_from_db()
    assert first.state == R.SUPERSEDED and publishing.pending_change(program) == second


def test_officers_propose_changes_only_to_their_assigned_programs(client, officer):
    theirs = ProgramFactory(status=S.PUBLISHED)
    with pytest.raises(DomainError) as error:
        publishing.program_change_propose(
            actor=officer, program=theirs, snapshot=publishing.revisions.snapshot_of(theirs)
        )
    assert error.value.domain_code == "not_assigned"
    client.force_login(officer)
    url = reverse("admin:programs_program_change", args=[theirs.pk])
    assert client.post(url, program_form_data(theirs, body_en="Hijacked")).status_code == 302
    theirs.refresh_from_db()
    assert theirs.body_en != "Hijacked" and publishing.pending_change(theirs) is None


def test_an_officers_restore_on_a_published_page_is_a_pending_change(officer, publisher):
    program = ProgramFactory(status=S.DRAFT, editors=[officer], body_en="First.")
    first = publishing.program_save(actor=officer, program=program, changed_fields=[])
    program.body_en = "Second."
    program.save()
    publishing.program_transition(actor=publisher, program=program, transition="publish")
    publishing.program_revert(actor=officer, revision=first)
    program.refresh_from_db()
    assert program.body_en == "Second."
    assert publishing.pending_change(program).snapshot["body_en"] == "First."


def _with_news(data, news):
    data.update({"news-TOTAL_FORMS": str(len(news)), "news-INITIAL_FORMS": "0"})
    data["news-INITIAL_FORMS"] = str(sum(1 for item in news if item.get("id")))
    for n, item in enumerate(news):
        for key, value in item.items():
            data[f"news-{n}-{key}"] = value
    return data


def test_news_an_officer_adds_to_a_published_page_waits_for_the_publisher(
    client, officer, publisher
):
    program = ProgramFactory(status=S.PUBLISHED, editors=[officer])
    spring = program.news.create(
        title_en="Spring league opens", body_en="Sign-ups are open.", published_at=timezone.now()
    )
    client.force_login(officer)
    url = reverse("admin:programs_program_change", args=[program.pk])
    when = timezone.localtime(spring.published_at)
    data = _with_news(
        program_form_data(program),
        [
            {
                "id": spring.pk,
                "program": program.pk,
                "title_en": spring.title_en,
                "title_es": "",
                "body_en": spring.body_en,
                "body_es": "",
                "published_at_0": when.strftime("%Y-%m-%d"),
                "published_at_1": when.strftime("%H:%M:%S"),
                "is_published": "on",
            },
            {
                "program": program.pk,
                "title_en": "Summer camp dates",
                "title_es": "Fechas del campamento de verano",
                "body_en": "Camp runs in July.",
                "body_es": "El campamento es en julio.",
                "published_at_0": "2026-11-01",
                "published_at_1": "09:00:00",
                "is_published": "on",
            },
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    public_page = Client().get(program.get_absolute_url()).content.decode()
    assert "Summer camp dates" not in public_page and "Spring league opens" in public_page
    assert program.news.count() == 1

    change = publishing.pending_change(program)
    titles = [item["title_en"] for item in change.snapshot["news"]]
    assert titles == ["Spring league opens", "Summer camp dates"]  # the newest first
    assert any(c.startswith("news: + “Summer camp dates”") for c in change.changed_fields)
    preview_url = reverse("admin:programs_program_pending_preview", args=[program.pk])
    preview = client.get(preview_url).content.decode()
    assert "Summer camp dates" in preview and "Spring league opens" in preview
    spanish = client.get(preview_url + "?lang=es").content.decode()
    assert "Fechas del campamento de verano" in spanish

    publishing.program_change_submit(actor=officer, revision=change)
    publishing.program_change_approve(actor=publisher, revision=change)
    assert sorted(program.news.values_list("title_en", flat=True)) == [
        "Spring league opens",
        "Summer camp dates",
    ]
    assert "Summer camp dates" in Client().get(program.get_absolute_url()).content.decode()


def test_revert_restores_the_news_as_it_was(publisher):
    program = ProgramFactory(status=S.DRAFT)
    kept = program.news.create(title_en="Buy-back on Saturday", body_en="At the armory.")
    first = publishing.program_save(actor=publisher, program=program, changed_fields=[])
    kept.title_en = "Buy-back moved to Sunday"
    kept.save()
    program.news.create(title_en="Thank you", body_en="Forty guns came in.")
    latest = publishing.program_save(actor=publisher, program=program, changed_fields=[])
    assert any(c.startswith("news: + “Thank you”") for c in latest.changed_fields)
    assert any(c.startswith("news: “Buy-back moved") for c in latest.changed_fields)

    publishing.program_revert(actor=publisher, revision=first)
    assert list(program.news.values_list("title_en", flat=True)) == ["Buy-back on Saturday"]


def test_a_revision_from_before_news_were_kept_leaves_the_news_alone(publisher):
    program = ProgramFactory(status=S.DRAFT, body_en="Old")
    program.news.create(title_en="Still here", body_en="x")
    old = publishing.program_save(actor=publisher, program=program, changed_fields=[])
    ProgramRevision.objects.filter(pk=old.pk).update(
        snapshot={k: v for k, v in old.snapshot.items() if k != "news"}
    )
    old.refresh_from_db()
    program.body_en = "New"
    program.save()
    publishing.program_revert(actor=publisher, revision=old)
    program.refresh_from_db()
    assert program.body_en == "Old"
    assert list(program.news.values_list("title_en", flat=True)) == ["Still here"]


def test_the_preview_shows_the_news_the_public_page_would_show():
    program = ProgramFactory(status=S.PUBLISHED)
    now = timezone.now()
    rows = [
        NewsItem(program=program, title_en="Shown", published_at=now - timedelta(hours=1)),
        NewsItem(program=program, title_en="Later", published_at=now + timedelta(days=1)),
        NewsItem(
            program=program,
            title_en="Held back",
            published_at=now - timedelta(hours=1),
            is_published=False,
        ),
    ]
    preview = [item.title_en for item in selectors.news_shown(rows)]
    for item in rows:
        item.body_en = "x"
        item.save()
    public = [item.title_en for item in selectors.news_list(program=program)]
    assert preview == public == ["Shown"]
