"""The resident's pages: /tips/ (give a tip), /tips/check/ (come back with number + passphrase).

Why these views are csrf_exempt: a CSRF cookie is a random value that lives for a year, which
would link a tipster's visits; and with `Referrer-Policy: no-referrer` browsers send
`Origin: null` on form posts, which Django's CSRF check refuses. Tipsters have no session to
ride on, so CSRF protects nothing here; abuse is held back by throttling (tips/privacy.py).
The access to a tip after check-in is carried in a hidden, signed, 30-minute token in the
form, never in a cookie or the session.

The two tokens of these pages (`SEALED`, the retype-to-confirm value, and `ACCESS`) are
django.core.signing values, each with its own salt and maximum age (portal.links.SignedLink).
They are never made with the tip line's data keyring: a token made with the key that also
encrypts what tipsters write could be forged by anyone who can read a stored ciphertext of a text
of their choice (issue 13, finding 7). The tipster's passphrase in `SEALED` is signed, not
encrypted: it is on the same page in clear already.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from portal.clients import client_key
from portal.forms import add_domain_errors
from portal.links import SignedLink
from portal.passphrases import normalize
from tips import cues, privacy, scrub, selectors, services
from tips.forms import CheckForm, ConfirmForm, ReplyForm, TipForm
from tips.models import Tip

ACCESS_TTL = 30 * 60
SEALED_TTL = 60 * 60
ACCESS = SignedLink(salt="tips.access", max_age=ACCESS_TTL)
SEALED = SignedLink(salt="tips.confirm", max_age=SEALED_TTL)


class InMemoryUploadHandler(MemoryFileUploadHandler):
    """Files of a tip stay in memory until encrypted: no plain copy in a temporary folder."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > scrub.MAX_BODY:
            raise StopUpload(connection_reset=False)
        self.activated = True


def _memory_uploads(request) -> None:
    request.upload_handlers = [InMemoryUploadHandler(request)]


def _throttled(throttle, client: str) -> ValidationError | None:
    """The throttle's refusal for this client (known only by a keyed hash of the anonymity
    middleware's rotating hash), or None while it is within its limit."""
    try:
        throttle(client=client)
    except ValidationError as error:
        return error
    return None


def _refused(form, error):
    """A blank form carrying the throttle's refusal: what was sent was not read."""
    form.cleaned_data = {}
    add_domain_errors(form, error)
    return form


def _limits_context() -> dict:
    mb = scrub.MB
    return {
        "max_files": scrub.MAX_FILES,
        "image_mb": scrub.FILE_LIMITS["image"] // mb,
        "pdf_mb": scrub.FILE_LIMITS["pdf"] // mb,
        "video_mb": scrub.FILE_LIMITS["video"] // mb,
        "original_days": settings.TIPS_ORIGINAL_RETENTION_DAYS,
    }


def _unexpected(form, data) -> bool:
    allowed = set(form.fields) | {"csrfmiddlewaretoken"}
    return any(key not in allowed for key in list(data.keys()) + list(form.files.keys()))


@csrf_exempt
@privacy.private_page
def index(request):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        client = client_key(request, "tips")
        if refused := _throttled(services.tip_submit_throttle, client):
            # Before the body is read: a throttled client's upload is never parsed.
            return _tip_form(request, _refused(TipForm(), refused), status=429)
        _memory_uploads(request)
        form = TipForm(request.POST, request.FILES)
        if _unexpected(form, request.POST):
            form.is_valid()
            form.add_error(None, _("The form held something we did not ask for. Nothing was sent."))
        elif form.is_valid() and (found := _cues(form)):
            # Words that could identify the tipster: ask before sending (tips/cues.py). The form
            # comes back with everything typed; files cannot be put back into a file field.
            return _tip_form(
                request, form, found=found, files_dropped=len(form.cleaned_data["attachments"])
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                result = services.tip_submit(
                    category=data["category"],
                    what=data["what"],
                    where=data["where"],
                    when=data["when"],
                    people=data["people"],
                    vehicles=data["vehicles"],
                    contact=data["contact"],
                    neighborhood=data["neighborhood"],
                    files=data["attachments"],
                    language=get_language() or "en",
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                services.tip_submit_counted(client=client)  # only a tip that was sent counts
                sealed = SEALED.make({"tip": result.tip.pk, "passphrase": result.passphrase})
                return render(
                    request,
                    "tips/submitted.html",
                    {
                        "tip": result.tip,
                        "passphrase": result.passphrase,
                        "words": result.passphrase.split(),
                        "confirm_form": ConfirmForm(initial={"sealed": sealed}),
                    },
                )
    else:
        form = TipForm()
    return _tip_form(request, form)


def _cues(form, fields=cues.SEARCHED_FIELDS) -> list[dict]:
    """The identifying words in a valid tip or answer, as the warning lists them; none once the
    resident chose to send it as it is."""
    if form.cleaned_data.get("send_as_is"):
        return []
    return [
        {
            "id": form[found.field].auto_id,
            "label": form[found.field].label,
            "phrase": found.cue.phrase,
            "reason": found.cue.reason,
        }
        for found in cues.cues_in_tip(form.cleaned_data, fields)
    ]


def _tip_form(
    request, form, *, found: list[dict] | None = None, files_dropped: int = 0, status: int = 200
):
    return render(
        request,
        "tips/index.html",
        {
            "form": form,
            **_limits_context(),
            "categories": selectors.category_list(),
            "cues": found or [],
            "files_dropped": files_dropped,
            "cue_rules": cues_script_data(),
        },
        status=status,
    )


def cues_script_data(fields=cues.SEARCHED_FIELDS) -> dict:
    return {"fields": list(fields), "rules": cues.patterns_for_script()}


def _unseal(sealed: str) -> tuple[Tip, str] | None:
    """The tip and passphrase a genuine, unexpired confirmation form carries; None for
    anything else (forged, altered, expired, or signed but not of the expected shape)."""
    value = SEALED.read(sealed)
    if not isinstance(value, dict):
        return None
    tip_id, passphrase = value.get("tip"), value.get("passphrase")
    if type(tip_id) is not int or not isinstance(passphrase, str) or not passphrase:
        return None
    tip = Tip.objects.filter(pk=tip_id).first()
    return (tip, passphrase) if tip else None


@csrf_exempt
@privacy.private_page
def confirm(request):
    """The retype-to-confirm step: the passphrase travels only inside a signed, one-hour
    hidden field of this form, so a mistyped copy can be shown again and corrected."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ConfirmForm(request.POST)
    unsealed = _unseal(request.POST.get("sealed", ""))
    if unsealed is None:
        return render(request, "tips/confirm_expired.html", status=400)
    tip, passphrase = unsealed
    if form.is_valid() and normalize(form.cleaned_data["typed"]) == normalize(passphrase):
        return render(request, "tips/confirmed.html", {"tip": tip})
    if form.is_valid():
        form.add_error(
            "typed",
            _(
                "That is not the same passphrase. Compare it word by word with the one above and "
                "correct what you wrote down."
            ),
        )
    return render(
        request,
        "tips/submitted.html",
        {"tip": tip, "passphrase": passphrase, "words": passphrase.split(), "confirm_form": form},
    )


def _access_token(tip: Tip) -> str:
    return ACCESS.make({"tip": tip.pk})


def _tip_from_access(token: str) -> Tip | None:
    value = ACCESS.read(token)
    tip_id = value.get("tip") if isinstance(value, dict) else None
    if type(tip_id) is not int:
        return None
    return Tip.objects.select_related("category").filter(pk=tip_id).first()


def _thread(
    request,
    tip: Tip,
    reply_form=None,
    sent=False,
    status=200,
    found: list[dict] | None = None,
    files_dropped: int = 0,
):
    return render(
        request,
        "tips/thread.html",
        {
            "tip": tip,
            "messages_thread": selectors.tip_thread(tip=tip),
            "attachment_count": selectors.tip_own_attachment_count(tip=tip),
            "can_reply": selectors.tip_can_reply(tip=tip),
            "reply_form": reply_form or ReplyForm(initial={"access": _access_token(tip)}),
            "sent": sent,
            "rewards": True,
            "cues": found or [],
            "files_dropped": files_dropped,
            "cue_rules": cues_script_data(cues.REPLY_FIELDS),
            **_limits_context(),
        },
        status=status,
    )


@csrf_exempt
@privacy.private_page
def check(request):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        client = client_key(request, "tips")
        if refused := _throttled(services.tip_check_throttle, client):
            # Before the body is read, as for tips.
            form = _refused(CheckForm(), refused)
            return render(request, "tips/check.html", {"form": form}, status=429)
        form = CheckForm(request.POST)
        if form.is_valid():
            services.tip_check_counted(client=client)  # a try with number and passphrase
            try:
                tip = services.tip_authenticate(
                    number=form.cleaned_data["number"],
                    passphrase=form.cleaned_data["passphrase"],
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                return _thread(request, tip)
    else:
        form = CheckForm()
    return render(request, "tips/check.html", {"form": form})


@csrf_exempt
@privacy.private_page
def reply(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _memory_uploads(request)
    form = ReplyForm(request.POST, request.FILES)
    tip = _tip_from_access(request.POST.get("access", ""))
    if tip is None:
        return render(
            request, "tips/check.html", {"form": CheckForm(), "expired": True}, status=400
        )
    if form.is_valid() and (found := _cues(form, cues.REPLY_FIELDS)):
        # As on the tip form: ask before sending words that could identify the tipster. The
        # answer comes back as typed; files must be chosen again.
        return _thread(
            request,
            tip,
            reply_form=_rearmed(form, tip),
            found=found,
            files_dropped=len(form.cleaned_data["attachments"]),
        )
    if form.is_valid():
        try:
            services.tipster_reply(
                tip=tip, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"]
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            return _thread(request, tip, sent=True)
    return _thread(request, tip, reply_form=_rearmed(form, tip), status=400)


def _rearmed(form: ReplyForm, tip: Tip) -> ReplyForm:
    """The answer form shown again as typed, with a fresh access token for the next send."""
    form.data = form.data.copy()
    form.data["access"] = _access_token(tip)
    return form
