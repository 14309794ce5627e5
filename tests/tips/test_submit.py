"""The resident's form at /tips/: a tip number and a passphrase shown once, confirmed by
retyping, nothing in a cookie, bad input refused with everything else kept."""

import re

import pytest
from django.core import mail

from portal.models import Notification
from portal.passphrases import normalize, passphrase_verify
from tests.factories import NeighborhoodFactory, UserFactory
from tips.models import Tip

pytestmark = pytest.mark.django_db


def _post(client, category, **fields):
    data = {"category": category.pk, "what": "Dirt bikes are kept in the blue garage.", **fields}
    return client.post("/tips/", data)


def _credentials(response) -> tuple[str, str]:
    html = response.content.decode()
    number = re.search(r'data-testid="tip-number">([^<]+)<', html).group(1).strip()
    passphrase = re.search(r'data-testid="passphrase">([^<]+)<', html).group(1).strip()
    return number, passphrase


def test_info_page_puts_911_first_and_shows_the_tip_line(client, category):
    from portal.models import DepartmentSettings

    department = DepartmentSettings.get_solo()
    department.phone_tip_line = "(860) 555-8477"
    department.save()
    html = client.get("/tips/").content.decode()
    assert html.index("call 911") < html.index("<h1>")
    assert "(860) 555-8477" in html
    assert 'name="what"' in html


def test_limits_are_shown_before_upload(client, category):
    html = client.get("/tips/").content.decode()
    assert "Up to 5 files" in html
    assert "15 MB" in html and "100 MB" in html


def test_submission_gives_a_number_and_a_seven_word_passphrase_that_opens_the_tip(client, category):
    response = _post(client, category)
    assert response.status_code == 200
    number, passphrase = _credentials(response)
    assert len(passphrase.split()) >= 7
    tip = Tip.objects.get(number=number)
    assert passphrase not in tip.passphrase_hash
    assert tip.passphrase_hash.startswith("$argon2id$")
    assert passphrase_verify(tip.passphrase_hash, passphrase)


def test_passphrase_is_never_put_in_a_cookie_or_the_session(client, category):
    response = _post(client, category)
    _number, passphrase = _credentials(response)
    assert "sessionid" not in response.cookies
    assert all(passphrase not in morsel.value for morsel in response.cookies.values())
    assert passphrase not in str(response.headers)
    assert not client.session.keys()


def test_spanish_resident_gets_a_spanish_passphrase(client, category):
    from portal.passphrases import wordlist

    response = client.post(
        "/es/tips/", {"category": category.pk, "what": "Venden drogas en la esquina."}
    )
    _number, passphrase = _credentials(response)
    spanish = set(wordlist("es"))
    assert all(word in spanish for word in passphrase.split())
    assert Tip.objects.get().language == "es"


def test_retyped_passphrase_confirms_the_copy(client, category):
    response = _post(client, category)
    _number, passphrase = _credentials(response)
    sealed = re.search(r'name="sealed" value="([^"]+)"', response.content.decode()).group(1)
    assert passphrase not in sealed
    ok = client.post("/tips/confirm/", {"sealed": sealed, "typed": passphrase.upper()})
    assert "Your copy is right" in ok.content.decode()
    assert passphrase not in ok.content.decode()


def test_a_mistyped_copy_is_shown_again_to_correct(client, category):
    response = _post(client, category)
    _number, passphrase = _credentials(response)
    sealed = re.search(r'name="sealed" value="([^"]+)"', response.content.decode()).group(1)
    wrong = client.post("/tips/confirm/", {"sealed": sealed, "typed": "not the same words"})
    html = wrong.content.decode()
    assert "That is not the same passphrase" in html
    assert passphrase in html
    assert 'aria-describedby="id_typed-error"' in html


def test_tip_text_is_required_and_the_rest_is_kept(client, category):
    response = client.post(
        "/tips/", {"category": category.pk, "what": "", "where": "Corner of Oak and Fifth"}
    )
    html = response.content.decode()
    assert "Tell us what happened." in html
    assert "Corner of Oak and Fifth" in html
    assert 'id="error-summary"' in html
    assert 'aria-invalid="true"' in html
    assert Tip.objects.count() == 0


def test_over_long_text_is_refused_in_spanish_for_a_spanish_resident(client, category):
    response = client.post("/es/tips/", {"category": category.pk, "what": "x" * 5001})
    assert "menos de 5000 caracteres" in response.content.decode()
    assert Tip.objects.count() == 0


def test_unexpected_fields_are_refused_and_nothing_is_saved(client, category):
    response = _post(client, category, is_admin="1")
    assert "did not ask for" in response.content.decode()
    assert Tip.objects.count() == 0


def test_unknown_category_is_a_form_error(client, category):
    response = client.post("/tips/", {"category": 999999, "what": "Something"})
    assert "Choose one of the categories." in response.content.decode()


def test_urgent_category_starts_at_urgent_priority(client, urgent_category):
    _post(client, urgent_category)
    assert Tip.objects.get().priority == Tip.Priority.URGENT


def test_neighborhood_is_optional_and_kept(client, category):
    neighborhood = NeighborhoodFactory()
    _post(client, category, neighborhood=neighborhood.pk)
    assert Tip.objects.get().neighborhood == neighborhood


def test_investigators_are_told_without_any_tip_content(
    client, category, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    from portal import roles

    investigator = UserFactory(username="ivy", email="ivy@example.org")
    investigator.groups.add(Group.objects.get(name=roles.TIP_INVESTIGATORS))
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client, category, where="MARKER-WHERE", people="MARKER-PEOPLE", contact="MARKER-CONTACT"
        )
    tip = Tip.objects.get()
    notice = Notification.objects.get(recipient="ivy@example.org")
    # A private notice's text is removed from the outbox once sent: read the e-mail itself.
    assert notice.private and notice.status == "sent" and notice.body == ""
    (sent,) = [m for m in mail.outbox if m.to == ["ivy@example.org"]]
    text = sent.subject + sent.body
    assert tip.number in text
    assert "ATVs and dirt bikes" in text
    assert "Normal" in text
    assert f"/admin/tips/tip/{tip.pk}/change/" in text
    assert "MARKER" not in text
    assert "blue garage" not in text


def test_on_duty_investigators_of_the_category_are_the_ones_told(
    client, category, django_capture_on_commit_callbacks
):
    on_duty = UserFactory(username="duty", email="duty@example.org")
    UserFactory(username="offduty", email="off@example.org")
    category.on_duty.add(on_duty)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, category)
    assert list(Notification.objects.values_list("recipient", flat=True)) == ["duty@example.org"]
    assert not Tip.objects.get().notice_pending


def test_the_notice_is_owed_in_the_tips_own_transaction_and_swept_if_its_task_is_lost(
    client, category, django_capture_on_commit_callbacks
):
    from tips.services import tip_notify, tip_notify_sweep

    category.on_duty.add(UserFactory(username="duty", email="duty@example.org"))
    with django_capture_on_commit_callbacks(execute=False):  # the broker never got the task
        _post(client, category)
    tip = Tip.objects.get()
    assert tip.notice_pending
    assert not Notification.objects.exists()
    assert tip_notify_sweep() == 1
    assert Notification.objects.get().recipient == "duty@example.org"
    assert not tip_notify(tip_id=tip.pk)  # a late duplicate task does nothing
    assert tip_notify_sweep() == 0
    assert Notification.objects.count() == 1


def test_a_failed_submission_owes_no_notice(client, category):
    _post(client, category, what="")
    assert not Tip.objects.exists()
    assert not Notification.objects.exists()


def test_submissions_from_one_address_are_throttled(client, category, settings):
    settings.TIPS_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        assert 'data-testid="tip-number"' in _post(client, category).content.decode()
    third = _post(client, category)
    assert "Too many tips" in third.content.decode()
    assert Tip.objects.count() == 2


def test_passphrase_normalisation_ignores_case_spacing_and_accents():
    assert normalize("  Ábaco-BOTE  niño ") == "abaco bote niño"


def test_giving_contact_details_is_said_plainly_to_end_anonymity(client, category):
    html = _post(client, category, contact="Ana, 860 555 0199").content.decode()
    assert "this tip is not anonymous" in html
    plain = _post(client, category).content.decode()
    assert "this tip is not anonymous" not in plain
