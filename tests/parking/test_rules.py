"""The rules engine (parking/services.py): each rule at its boundary, the cut-off across the
daylight-saving changes, and refusals recorded under the rule's code."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from parking import nights as n
from parking.models import ExcludedBlock, Permit, PermitNight, Refusal
from parking.services import permit_request
from portal.errors import DomainError
from portal.localtime import department_zone
from portal.models import Notification
from tests.factories import StreetFactory
from tests.parking.factories import hold_nights
from tests.parking.factories import permit_request as make_request

pytestmark = pytest.mark.django_db

D = datetime.date


def _refused(data) -> str:
    with pytest.raises(DomainError) as caught:
        permit_request(data=data)
    return caught.value.domain_code


def _approved(data) -> Permit:
    """The request is approved: an active permit holding each night asked for."""
    permit = permit_request(data=data)
    permit.refresh_from_db()
    asked = [data.first_night + datetime.timedelta(days=i) for i in range(data.nights)]
    held = permit.nights.filter(status=PermitNight.Status.ACTIVE).order_by("night")
    assert permit.status == Permit.Status.ACTIVE
    assert list(held.values_list("night", flat=True)) == asked
    return permit


# --- Plates and codes --------------------------------------------------------------------------


def test_plate_is_normalised_to_upper_case_without_spaces_or_hyphens():
    assert n.normalise_plate(" ab-12 3c ") == "AB123C"


def test_confirmation_code_has_a_check_character_that_catches_a_mistyped_character():
    code = n.code_generate()
    assert n.code_is_valid(code)
    wrong = code[:3] + n.ALPHABET[(n.ALPHABET.index(code[3]) + 1) % 32] + code[4:]
    assert not n.code_is_valid(wrong)


def test_confirmation_code_check_catches_two_swapped_neighbours():
    code = n.code_generate()
    while code[1] == code[2]:
        code = n.code_generate()
    assert not n.code_is_valid(code[0] + code[2] + code[1] + code[3:])


def test_codes_are_drawn_at_random_and_do_not_repeat():
    assert len({n.code_generate() for _ in range(2000)}) == 2000


# --- Approval ----------------------------------------------------------------------------------


def test_request_within_every_limit_is_approved_with_one_row_per_night(rules, street, frozen):
    permit = permit_request(data=make_request(street, nights=3))
    assert permit.status == Permit.Status.ACTIVE
    assert n.code_is_valid(permit.code)
    assert list(permit.nights.values_list("night", flat=True)) == [
        D(2026, 11, 23),
        D(2026, 11, 24),
        D(2026, 11, 25),
    ]


def test_approval_is_sent_by_email_and_text_in_the_residents_language(rules, street, frozen):
    with translation.override("es"):
        permit = permit_request(data=make_request(street, language="es", mobile="(860) 555-0111"))
    email = Notification.objects.get(channel="email")
    sms = Notification.objects.get(channel="sms")
    assert email.language == "es" and sms.language == "es"
    assert "aprobado" in email.subject.lower()
    assert permit.display_code in email.body and permit.display_code in sms.body
    assert "23 de noviembre" in email.body


# --- Consecutive nights ------------------------------------------------------------------------


def test_three_consecutive_nights_are_allowed(rules, street, frozen):
    hold_nights("ABC123", [D(2026, 11, 23), D(2026, 11, 24)])
    rules.window_nights = 10
    rules.save()
    _approved(make_request(street, first_night=D(2026, 11, 25)))


def test_fourth_consecutive_night_is_refused(rules, street, frozen):
    rules.window_nights = 10
    rules.save()
    hold_nights("ABC123", [D(2026, 11, 23), D(2026, 11, 24), D(2026, 11, 25)])
    assert _refused(make_request(street, first_night=D(2026, 11, 26))) == "max_consecutive"


def test_a_night_that_joins_two_runs_into_four_is_refused(rules, street, frozen):
    rules.window_nights = 10
    rules.save()
    hold_nights("ABC123", [D(2026, 11, 23), D(2026, 11, 24)])
    hold_nights("ABC123", [D(2026, 11, 26)])
    assert _refused(make_request(street, first_night=D(2026, 11, 25))) == "max_consecutive"


def test_more_nights_than_the_maximum_in_one_request_are_refused(rules, street, frozen):
    assert _refused(make_request(street, nights=4)) == "too_many_nights"


# --- Rolling window ----------------------------------------------------------------------------


def test_fourth_night_within_fourteen_days_is_refused(rules, street, frozen):
    hold_nights("ABC123", [D(2026, 11, 23), D(2026, 11, 25), D(2026, 11, 27)])
    # 23 Nov to 6 Dec is 14 days: a night on 6 Dec is the fourth in that window.
    assert _refused(make_request(street, first_night=D(2026, 12, 6))) == "rolling_window"


def test_night_fourteen_days_after_the_first_is_outside_the_window(rules, street, frozen):
    hold_nights("ABC123", [D(2026, 11, 23), D(2026, 11, 25), D(2026, 11, 27)])
    # 7 Dec: the window 24 Nov to 7 Dec holds only two of the earlier nights.
    _approved(make_request(street, first_night=D(2026, 12, 7)))


def test_a_window_before_the_request_counts_too(rules, street, frozen):
    hold_nights("ABC123", [D(2026, 12, 1), D(2026, 12, 3), D(2026, 12, 5)])
    assert _refused(make_request(street, first_night=D(2026, 11, 23))) == "rolling_window"


# --- Calendar year -----------------------------------------------------------------------------


def _hold_year(rules, plate, count, year=2026):
    rules.window_nights = 366
    rules.window_days = 14
    rules.nights_per_address_per_month = 100
    rules.save()
    nights = [D(year, 1, 1) + datetime.timedelta(days=3 * i) for i in range(count)]
    for night in nights:
        hold_nights(plate, [night])


def test_fifteenth_night_of_the_year_is_allowed(rules, street, frozen):
    _hold_year(rules, "ABC123", 14)
    _approved(make_request(street, first_night=D(2026, 12, 20)))


def test_sixteenth_night_of_the_year_is_refused(rules, street, frozen):
    _hold_year(rules, "ABC123", 15)
    assert _refused(make_request(street, first_night=D(2026, 12, 20))) == "yearly_limit"


def test_a_new_year_starts_a_new_count(rules, street, frozen):
    _hold_year(rules, "ABC123", 15)
    rules.max_days_ahead = 60
    rules.save()
    _approved(make_request(street, first_night=D(2027, 1, 1)))


def test_the_same_plate_number_from_another_state_is_another_plate(rules, street, frozen):
    _hold_year(rules, "ABC123", 15)
    _approved(make_request(street, plate_state="MA", first_night=D(2026, 12, 20)))


# --- Address per month -------------------------------------------------------------------------


def test_address_monthly_limit_counts_every_plate_at_the_address(rules, street, frozen):
    rules.nights_per_address_per_month = 2
    rules.save()
    hold_nights("OTHER1", [D(2026, 11, 24)], street=street, house_number=41)
    hold_nights("OTHER2", [D(2026, 11, 26)], street=street, house_number=41)
    assert _refused(make_request(street, first_night=D(2026, 11, 28))) == "address_monthly"


def test_address_monthly_limit_starts_again_next_month(rules, street, frozen):
    rules.nights_per_address_per_month = 2
    rules.save()
    hold_nights("OTHER1", [D(2026, 11, 24)], street=street, house_number=41)
    hold_nights("OTHER2", [D(2026, 11, 26)], street=street, house_number=41)
    _approved(make_request(street, first_night=D(2026, 12, 1)))
    _approved(make_request(street, plate="ZZZ9", first_night=D(2026, 11, 28), house_number=43))


# --- Places and vehicles -----------------------------------------------------------------------


def test_a_house_number_inside_an_excluded_block_is_refused(rules, street, frozen):
    ExcludedBlock.objects.create(rules=rules, street=street, from_number=1, to_number=199)
    assert _refused(make_request(street, house_number=199)) == "street_excluded"


def test_a_house_number_just_past_an_excluded_block_is_allowed(rules, street, frozen):
    ExcludedBlock.objects.create(rules=rules, street=street, from_number=1, to_number=199)
    _approved(make_request(street, house_number=200))


def test_a_house_number_the_street_does_not_have_is_refused_and_nothing_is_written(rules, frozen):
    main = StreetFactory(name="Main Street", number_from=1, number_to=250)
    with pytest.raises(DomainError) as caught:
        permit_request(data=make_request(main, house_number=99999))
    assert caught.value.domain_code == "address_number_outside"
    assert list(caught.value.error_dict) == ["house_number"]
    assert "Main Street has no number 99999: its house numbers are 1\u2013250." in (
        caught.value.messages
    )
    assert not Permit.objects.exists()
    assert not PermitNight.objects.exists()
    assert not Notification.objects.exists()
    assert Refusal.objects.get().rule == "address_number_outside"


def test_the_first_and_last_numbers_of_a_street_are_accepted(rules, frozen):
    main = StreetFactory(name="Main Street", number_from=2, number_to=250)
    _approved(make_request(main, house_number=2))
    _approved(make_request(main, house_number=250, plate="XYZ789"))


@pytest.mark.parametrize("number", [1, 251])
def test_one_past_either_end_of_a_street_is_refused(rules, frozen, number):
    main = StreetFactory(name="Main Street", number_from=2, number_to=250)
    assert _refused(make_request(main, house_number=number)) == "address_number_outside"


def test_a_street_whose_numbers_are_not_given_accepts_any_number(rules, street, frozen):
    _approved(make_request(street, house_number=99999))


def test_the_refusal_of_a_number_is_in_the_residents_language(rules, frozen):
    main = StreetFactory(name="Main Street", number_from=1, number_to=250)
    with translation.override("es"), pytest.raises(DomainError) as caught:
        permit_request(data=make_request(main, house_number=300, language="es"))
    assert caught.value.messages == [
        "Main Street no tiene el número 300: sus números son 1\u2013250."
    ]


def test_a_whole_street_can_be_excluded(rules, frozen):
    route = StreetFactory(name="Main Street")
    ExcludedBlock.objects.create(rules=rules, street=route)
    assert _refused(make_request(route, house_number=5000)) == "street_excluded"


@pytest.mark.parametrize("vehicle_type", ["commercial", "trailer", "rv"])
def test_excluded_vehicle_types_are_refused(rules, street, frozen, vehicle_type):
    assert _refused(make_request(street, vehicle_type=vehicle_type)) == "vehicle_excluded"


def test_a_vehicle_type_staff_allow_again_is_approved(rules, street, frozen):
    rules.excluded_vehicle_types = ["trailer"]
    rules.save()
    _approved(make_request(street, vehicle_type="commercial"))


def test_a_plate_cannot_hold_two_permits_for_one_night(rules, street, frozen):
    hold_nights("ABC123", [D(2026, 11, 24)])
    assert _refused(make_request(street, nights=2)) == "already_permitted"


# --- Time: cut-off, lead time, how far ahead ---------------------------------------------------

NY = "America/New_York"


def _at(local: str):
    return datetime.datetime.fromisoformat(local).replace(tzinfo=zoneinfo.ZoneInfo(NY))


def test_request_one_minute_before_the_cutoff_is_approved(rules, street):
    with time_machine.travel(_at("2026-11-24T01:29:00"), tick=False):
        _approved(make_request(street, first_night=D(2026, 11, 23)))


def test_request_at_the_cutoff_is_refused(rules, street):
    with time_machine.travel(_at("2026-11-24T01:30:00"), tick=False):
        assert _refused(make_request(street, first_night=D(2026, 11, 23))) == "cutoff_passed"


def test_cutoff_on_the_night_clocks_fall_back_is_the_first_0130(rules, street):
    # 1 November 2026: 02:00 EDT becomes 01:00 EST. 01:30 EDT is 05:30 UTC.
    with time_machine.travel(datetime.datetime(2026, 11, 1, 5, 29, tzinfo=datetime.UTC)):
        _approved(make_request(street, first_night=D(2026, 10, 31)))
    with time_machine.travel(datetime.datetime(2026, 11, 1, 5, 30, tzinfo=datetime.UTC)):
        data = make_request(street, plate="LATE1", first_night=D(2026, 10, 31))
        assert _refused(data) == "cutoff_passed"
    # 06:15 UTC is 01:15 EST, the second time the clocks show 01:15: still too late.
    with time_machine.travel(datetime.datetime(2026, 11, 1, 6, 15, tzinfo=datetime.UTC)):
        data = make_request(street, plate="LATE2", first_night=D(2026, 10, 31))
        assert _refused(data) == "cutoff_passed"


def test_cutoff_on_the_night_clocks_spring_forward_is_0130_standard_time(rules, street):
    # 8 March 2026: 02:00 EST becomes 03:00 EDT. 01:30 EST is 06:30 UTC, not 05:30.
    with time_machine.travel(datetime.datetime(2026, 3, 8, 6, 29, tzinfo=datetime.UTC)):
        _approved(make_request(street, first_night=D(2026, 3, 7)))
    with time_machine.travel(datetime.datetime(2026, 3, 8, 6, 30, tzinfo=datetime.UTC)):
        data = make_request(street, plate="LATE1", first_night=D(2026, 3, 7))
        assert _refused(data) == "cutoff_passed"


def test_the_night_after_a_change_has_its_cutoff_in_the_new_offset(rules, street):
    # Night of 8 March: cut-off 01:30 EDT on the 9th = 05:30 UTC.
    cutoff = n.cutoff_for(D(2026, 3, 8), rules.cutoff_time, department_zone())
    assert cutoff.astimezone(datetime.UTC) == datetime.datetime(
        2026, 3, 9, 5, 30, tzinfo=datetime.UTC
    )


def test_lead_time_moves_the_cutoff_earlier(rules, street):
    rules.lead_time_minutes = 120
    rules.save()
    with time_machine.travel(_at("2026-11-23T23:29:00"), tick=False):
        _approved(make_request(street, first_night=D(2026, 11, 23)))
    with time_machine.travel(_at("2026-11-23T23:30:00"), tick=False):
        data = make_request(street, plate="LATE1", first_night=D(2026, 11, 23))
        assert _refused(data) == "cutoff_passed"


def test_a_night_further_ahead_than_allowed_is_refused(rules, street, frozen):
    _approved(make_request(street, first_night=D(2026, 12, 23)))
    data = make_request(street, plate="FAR1", first_night=D(2026, 12, 24))
    assert _refused(data) == "too_far_ahead"


# --- Refusals ----------------------------------------------------------------------------------


def test_refusal_is_recorded_under_its_rule_for_the_statistics(rules, street, frozen):
    _refused(make_request(street, vehicle_type="trailer"))
    refusal = Refusal.objects.get()
    assert (refusal.rule, refusal.plate, refusal.night) == (
        "vehicle_excluded",
        "ABC123",
        D(2026, 11, 23),
    )


def test_refusal_names_the_rule_in_the_residents_language(rules, street, frozen):
    hold_nights("ABC123", [D(2026, 11, 23), D(2026, 11, 25), D(2026, 11, 27)])
    with translation.override("es"), pytest.raises(DomainError) as caught:
        permit_request(data=make_request(street, first_night=D(2026, 12, 1), language="es"))
    assert "3 noches en cualquier período de 14 días" in caught.value.messages[0]


def test_a_refused_request_writes_no_permit_and_no_message(rules, street, frozen):
    _refused(make_request(street, vehicle_type="trailer"))
    assert not Permit.objects.exists()
    assert not Notification.objects.exists()


def test_nights_given_back_or_banned_do_not_count_against_limits(rules, street, frozen):
    held = hold_nights("ABC123", [D(2026, 11, 23), D(2026, 11, 24), D(2026, 11, 25)])
    held.nights.filter(night=D(2026, 11, 24)).update(status=PermitNight.Status.CANCELLED)
    held.nights.filter(night=D(2026, 11, 25)).update(status=PermitNight.Status.BANNED)
    _approved(make_request(street, first_night=D(2026, 11, 27), nights=2))


def test_lead_time_across_the_autumn_change_is_counted_in_real_minutes(rules, street):
    # Night of 31 October, cut-off 01:30 EDT (05:30 UTC); 60 minutes of lead time put the last
    # moment at 04:30 UTC, even though the wall clock repeats the hour in between.
    rules.lead_time_minutes = 60
    rules.save()
    cutoff = n.cutoff_for(D(2026, 10, 31), rules.cutoff_time, department_zone(), 60)
    assert cutoff == datetime.datetime(2026, 11, 1, 4, 30, tzinfo=datetime.UTC)
