"""The resident's pages: /complaints/ (the policy, how it works), /complaints/file/ (file a
complaint or a commendation), /complaints/follow/ (come back with the tracking code and the
passphrase, add information).

These pages are anonymous paths (complaints/apps.py): the kernel strips the address, user agent
and referrer before any view or log sees them. They are never cached and send no referrer
(`private_page`), and carry no CSRF token (a year-long cookie would link visits; there is no
session to ride on), so cross-site posts are refused by the browser's word (`public_form`).
Guessing is throttled per client and per code (complaints/services/resident.py). The access to
a case after check-in is a signed 30-minute token in the form, never a cookie.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints import policy, selectors, services
from complaints.forms import AddInformationForm, CheckForm, ComplaintForm
from complaints.models import Complaint
from portal.anonymity import private_page
from portal.clients import client_key
from portal.forms import add_domain_errors
from portal.links import SignedLink
from portal.public_forms import public_form

ACCESS = SignedLink(salt="complaints.access", max_age=30 * 60)


def _throttled(throttle, client: str) -> ValidationError | None:
    try:
        throttle(client=client)
    except ValidationError as error:
        return error
    return None


def _refused(form, error):
    form.cleaned_data = {}
    add_domain_errors(form, error)
    return form


def _policy_context() -> dict:
    return {
        "acknowledge_days": policy.ACKNOWLEDGE_DAYS,
        "minor_days": policy.INVESTIGATION_DAYS["minor"],
        "serious_days": policy.INVESTIGATION_DAYS["serious"],
    }


@private_page
def index(request):
    return render(request, "complaints/index.html", _policy_context())


def submit_from_form(form: ComplaintForm, *, channel: str, entered_by=None):
    """Hand a valid ComplaintForm to the one intake service (public page and front desk)."""
    data = form.cleaned_data
    officer = services.OfficerGiven(
        name=data["officer_name"],
        description=data["officer_description"],
        unknown=data["officer_unknown"],
        seen_when=data["officer_seen_when"],
        seen_where=data["officer_seen_where"],
    )
    witnesses = [
        services.WitnessGiven(
            name=data[f"witness_{i}_name"],
            contact=data[f"witness_{i}_contact"],
            account=data[f"witness_{i}_account"],
        )
        for i in range(policy.MAX_WITNESSES)
    ]
    return services.complaint_submit(
        kind=data["kind"],
        filing=data["filing"],
        what=data["what"],
        where=data["where"],
        when=data["when"],
        neighborhood=data["neighborhood"],
        complainant_name=data["complainant_name"],
        complainant_email=data["complainant_email"],
        complainant_phone=data["complainant_phone"],
        complainant_address=data["complainant_address"],
        on_behalf_of=data["on_behalf_of"],
        officers=[officer],
        witnesses=witnesses,
        files=data["attachments"],
        language=get_language() or "en",
        channel=channel,
        entered_by=entered_by,
    )


def _unexpected(form, data) -> bool:
    allowed = set(form.fields) | {"csrfmiddlewaretoken"}
    return any(key not in allowed for key in list(data.keys()) + list(form.files.keys()))


@public_form
@private_page
def file(request):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        client = client_key(request, "complaints")
        if refused := _throttled(services.complaint_submit_throttle, client):
            # Before the body is read: a throttled client's upload is never parsed.
            return _file_form(request, _refused(ComplaintForm(), refused), status=429)
        form = ComplaintForm(request.POST, request.FILES)
        if _unexpected(form, request.POST):
            form.is_valid()
            form.add_error(None, _("The form held something we did not ask for. Nothing was sent."))
        elif form.is_valid():
            try:
                result = submit_from_form(form, channel=Complaint.Channel.ONLINE)
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                services.complaint_submit_counted(client=client)
                return render(
                    request,
                    "complaints/submitted.html",
                    {
                        "complaint": result.complaint,
                        "passphrase": result.passphrase,
                        "words": result.passphrase.split(),
                        **_policy_context(),
                    },
                )
        return _file_form(request, form, status=400)
    kind = request.GET.get("kind", "")
    initial = {"kind": kind} if kind in Complaint.Kind.values else {}
    return _file_form(request, ComplaintForm(initial=initial))


def _file_form(request, form, status: int = 200):
    return render(
        request,
        "complaints/file.html",
        {"form": form, "max_files": policy.MAX_FILES, **_policy_context()},
        status=status,
    )


def _access_token(complaint: Complaint) -> str:
    return ACCESS.make({"complaint": complaint.pk})


def _complaint_from_access(token: str) -> Complaint | None:
    value = ACCESS.read(token)
    pk = value.get("complaint") if isinstance(value, dict) else None
    if type(pk) is not int:
        return None
    return Complaint.objects.filter(pk=pk).first()


def _case(request, complaint: Complaint, form=None, added=False, status=200):
    closed = complaint.stage == Complaint.Stage.CLOSED
    return render(
        request,
        "complaints/case.html",
        {
            "complaint": complaint,
            "stages": selectors.stage_steps(complaint=complaint),
            "thread": selectors.resident_thread(complaint=complaint),
            "allegations": list(complaint.allegations.all()) if closed else [],
            "form": form or AddInformationForm(initial={"access": _access_token(complaint)}),
            "added": added,
            "closed": closed,
            **_policy_context(),
        },
        status=status,
    )


@public_form
@private_page
def follow(request):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        client = client_key(request, "complaints")
        if refused := _throttled(services.complaint_check_throttle, client):
            form = _refused(CheckForm(), refused)
            return render(request, "complaints/follow.html", {"form": form}, status=429)
        form = CheckForm(request.POST)
        if form.is_valid():
            services.complaint_check_counted(client=client)  # a real try counts
            try:
                complaint = services.complaint_authenticate(
                    code=form.cleaned_data["code"], passphrase=form.cleaned_data["passphrase"]
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                return _case(request, complaint)
        return render(request, "complaints/follow.html", {"form": form}, status=400)
    return render(request, "complaints/follow.html", {"form": CheckForm()})


@public_form
@private_page
def add(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    complaint = _complaint_from_access(request.POST.get("access", ""))
    if complaint is None:
        return render(
            request, "complaints/follow.html", {"form": CheckForm(), "expired": True}, status=400
        )
    form = AddInformationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.resident_add_information(
                complaint=complaint,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            return _case(request, complaint, added=True)
    form.data = form.data.copy()
    form.data["access"] = _access_token(complaint)
    return _case(request, complaint, form=form, status=400)
