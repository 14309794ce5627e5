"""The smoke check of a running portal: a tip with a photo and a records request go in, the worker
does its work, and the mail comes out at an SMTP sink (docker/smtp_sink.py).

    python3 docker/smoke.py --base-url http://127.0.0.1:8000 --mail-url http://127.0.0.1:8025 \
        [--manage "podman-compose exec -T web python manage.py"]

Standard library only: it runs from the host against the compose stack (`make smoke`, which
starts the stack with docker/compose.smoke.yml) or against processes started by hand.

1. Waits for /healthz/ready.
2. With --manage (a command that runs manage.py inside the stack): makes a throw-away tip
   investigator (no password, so no one can sign in as it) on duty for one category.
3. Sends a tip in that category with a JPEG that carries GPS coordinates and an MP4 with a location
   tag, through the public form (the web process probes the video with ffprobe).
4. Sends a records request (a copy of a police report) through the public form, with its CSRF token.
5. Waits for the requester's "We received your request" e-mail at the sink; with --manage also for
   the investigators' "New tip" notice, and checks through manage.py that the scrubber cleaned both
   files (a clean copy of each, with no GPS block and no location tag: ffmpeg did the video).
6. With --manage, removes the throw-away investigator. Exits 0 when everything was found.
"""

from __future__ import annotations

import argparse
import base64
import html
import http.cookiejar
import json
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date, timedelta
from html.parser import HTMLParser

# 32x24 JPEG with an EXIF GPS block (latitude/longitude): what the scrubber must remove.
PHOTO = base64.b64decode(
    """
/9j/4AAQSkZJRgABAQAAAQABAAD/4QDORXhpZgAATU0AKgAAAAgAAwEPAAIAAAARAAAAMgE7AAIAAAAbAAAARIglAAQAAAAB
AAAAYAAAAABNYXJrZXJQaG9uZU1ha2VyAABNQVJLRVItQVJUSVNULUphbmUtVGlwc3RlcgAAAAQAAQACAAAAAk4AAAAAAgAF
AAAAAwAAAJYAAwACAAAAAlcAAAAABAAFAAAAAwAAAK4AAAAAAAAAKQAAAAEAAAAtAAAAAQAAADkAAAABAAAASAAAAAEAAAAo
AAAAAQAAAB4AAAAB/9sAQwAIBgYHBgUIBwcHCQkICgwUDQwLCwwZEhMPFB0aHx4dGhwcICQuJyAiLCMcHCg3KSwwMTQ0NB8n
OT04MjwuMzQy/9sAQwEJCQkMCwwYDQ0YMiEcITIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIy
MjIyMjIy/8AAEQgAGAAgAwEiAAIRAQMRAf/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMF
BQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElK
U1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV
1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/EAB8BAAMBAQEBAQEBAQEAAAAAAAABAgMEBQYHCAkKC//EALURAAIBAgQEAwQH
BQQEAAECdwABAgMRBAUhMQYSQVEHYXETIjKBCBRCkaGxwQkjM1LwFWJy0QoWJDThJfEXGBkaJicoKSo1Njc4OTpDREVGR0hJ
SlNUVVZXWFlaY2RlZmdoaWpzdHV2d3h5eoKDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT
1NXW19jZ2uLj5OXm5+jp6vLz9PX29/j5+v/aAAwDAQACEQMRAD8A5CiiivFP0wKKKKACiiigAooooA//2Q==
"""
)

# One second of 64x48 H.264 in MP4 with a location tag (ISO 6709, as phones write it): the
# scrubber re-muxes it with ffmpeg and must drop the tag. ffprobe checks it at the form already.
VIDEO = base64.b64decode(
    """
AAAAIGZ0eXBpc29tAAACAGlzb21pc28yYXZjMW1wNDEAAAOZbW9vdgAAAGxtdmhkAAAAAAAAAAAAAAAAAAAD6AAAA+gAAQAA
AQAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
AAAAAgAAAqB0cmFrAAAAXHRraGQAAAADAAAAAAAAAAAAAAABAAAAAAAAA+gAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAA
AAAAAAABAAAAAAAAAAAAAAAAAABAAAAAAEAAAAAwAAAAAAAkZWR0cwAAABxlbHN0AAAAAAAAAAEAAAPoAAAQAAABAAAAAAIY
bWRpYQAAACBtZGhkAAAAAAAAAAAAAAAAAAAoAAAAKABVxAAAAAAALWhkbHIAAAAAAAAAAHZpZGUAAAAAAAAAAAAAAABWaWRl
b0hhbmRsZXIAAAABw21pbmYAAAAUdm1oZAAAAAEAAAAAAAAAAAAAACRkaW5mAAAAHGRyZWYAAAAAAAAAAQAAAAx1cmwgAAAA
AQAAAYNzdGJsAAAAv3N0c2QAAAAAAAAAAQAAAK9hdmMxAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAEAAMABIAAAASAAAAAAA
AAABFUxhdmM1OS4zNy4xMDAgbGlieDI2NAAAAAAAAAAAAAAAGP//AAAANWF2Y0MBZAAK/+EAGGdkAAqs2UR7ARAAAAMAEAAA
AwCg8SJZYAEABmjr4E0si/34+AAAAAAQcGFzcAAAAAEAAAABAAAAFGJ0cnQAAAAAAAAgAAAAIAAAAAAYc3R0cwAAAAAAAAAB
AAAABQAACAAAAAAUc3RzcwAAAAAAAAABAAAAAQAAADhjdHRzAAAAAAAAAAUAAAABAAAQAAAAAAEAACgAAAAAAQAAEAAAAAAB
AAAAAAAAAAEAAAgAAAAAHHN0c2MAAAAAAAAAAQAAAAEAAAAFAAAAAQAAAChzdHN6AAAAAAAAAAAAAAAFAAADpgAAADYAAAAM
AAAADAAAAAwAAAAUc3RjbwAAAAAAAAABAAADyQAAAIV1ZHRhAAAAWm1ldGEAAAAAAAAAIWhkbHIAAAAAAAAAAG1kaXJhcHBs
AAAAAAAAAAAAAAAALWlsc3QAAAAlqXRvbwAAAB1kYXRhAAAAAQAAAABMYXZmNTkuMjcuMTAwAAAAI2xvY2kAAAAAAAAAAP+3
WV8AKY7mAAAAAGVhcnRoAAAAAAAIZnJlZQAABAhtZGF0AAACrQYF//+p3EXpvebZSLeWLNgg2SPu73gyNjQgLSBjb3JlIDE2
NCByMzA5NSBiYWVlNDAwIC0gSC4yNjQvTVBFRy00IEFWQyBjb2RlYyAtIENvcHlsZWZ0IDIwMDMtMjAyMiAtIGh0dHA6Ly93
d3cudmlkZW9sYW4ub3JnL3gyNjQuaHRtbCAtIG9wdGlvbnM6IGNhYmFjPTEgcmVmPTMgZGVibG9jaz0xOjA6MCBhbmFseXNl
PTB4MzoweDExMyBtZT1oZXggc3VibWU9NyBwc3k9MSBwc3lfcmQ9MS4wMDowLjAwIG1peGVkX3JlZj0xIG1lX3JhbmdlPTE2
IGNocm9tYV9tZT0xIHRyZWxsaXM9MSA4eDhkY3Q9MSBjcW09MCBkZWFkem9uZT0yMSwxMSBmYXN0X3Bza2lwPTEgY2hyb21h
X3FwX29mZnNldD0tMiB0aHJlYWRzPTEgbG9va2FoZWFkX3RocmVhZHM9MSBzbGljZWRfdGhyZWFkcz0wIG5yPTAgZGVjaW1h
dGU9MSBpbnRlcmxhY2VkPTAgYmx1cmF5X2NvbXBhdD0wIGNvbnN0cmFpbmVkX2ludHJhPTAgYmZyYW1lcz0zIGJfcHlyYW1p
ZD0yIGJfYWRhcHQ9MSBiX2JpYXM9MCBkaXJlY3Q9MSB3ZWlnaHRiPTEgb3Blbl9nb3A9MCB3ZWlnaHRwPTIga2V5aW50PTI1
MCBrZXlpbnRfbWluPTUgc2NlbmVjdXQ9NDAgaW50cmFfcmVmcmVzaD0wIHJjX2xvb2thaGVhZD00MCByYz1jcmYgbWJ0cmVl
PTEgY3JmPTQ1LjAgcWNvbXA9MC42MCBxcG1pbj0wIHFwbWF4PTY5IHFwc3RlcD00IGlwX3JhdGlvPTEuNDAgYXE9MToxLjAw
AIAAAADxZYiEAJ/OEV8JdDdl6J63yJem6w2D7J9l+nMLrG28hzaX9Usjvuf3oA11psZ/pQbhXvEzlvWuu+p2RtFjjmvyAQw1
uE6pxFjYOOTn0seWky8krFTisoSaNKxQdif9weO3ETUZMpUAIdLfqk5++E/M7pwPDzn+RcTHiEtBktqIMLKzQzxvNw3/D1AT
tcNKm/c7zyldLdx6XZxaPoSkb/y6JHDd5hztgjFeSEazn8ePQ7zAoEuzvY5GRTbuwWpQRRiwhoMjRxoxZPA2pN6Qgj9qUVe8
IyCk//zUlaCamsVt/10GEunBpbpz6iUjQ/VnykxozQAAADJBmiRsRn+hu10461ysnZLxZKngma5PVZcHsmtKOibRi74m5KFB
CaANBMJHP4Tm7BCJwAAAAAhBnkJ4iP+3gQAAAAgBnmF0Rn+7gAAAAAgBnmNqRn+7gQ==
"""
)

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from portal import roles
from tips.models import TipCategory
user, _ = get_user_model().objects.get_or_create(username=%(username)r)
user.email = %(email)r
user.is_active = True
user.set_unusable_password()
user.save()
user.groups.add(Group.objects.get_or_create(name=roles.TIP_INVESTIGATORS)[0])
category = TipCategory.objects.order_by("pk").first()
category.on_duty.add(user)
print("SMOKE" + json.dumps({"category": category.pk}))
"""

CHECK_FILES = """
import io, json, subprocess
from PIL import Image
from tips import crypto
from tips.models import Tip
tip = Tip.objects.get(number=%(number)r)
found = []
for attachment in tip.attachments.order_by("pk"):
    located = None
    if attachment.clean:
        data = crypto.KEYRING.decrypt_file(attachment.clean)
        if attachment.kind == "video":
            probe = subprocess.run(
                ["ffprobe", "-v", "quiet", "-print_format", "json", "-show_format", "-"],
                input=data, capture_output=True, check=True,
            )
            tags = json.loads(probe.stdout)["format"].get("tags", {})
            located = any(key.startswith("location") for key in tags)
        else:
            located = bool(Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825))
    found.append({
        "kind": attachment.kind, "status": attachment.status,
        "clean": bool(attachment.clean), "located": located,
    })
print("SMOKE" + json.dumps(found))
"""

TEARDOWN = """
from django.contrib.auth import get_user_model
get_user_model().objects.filter(username=%(username)r).delete()
print("SMOKE" + "{}")
"""


class Form(HTMLParser):
    """The inputs, selects and options of the page's forms, by name."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "select":
            self._select = attrs.get("name")
            self.values.setdefault(self._select or "", [])
        elif tag == "option" and self._select:
            self.values[self._select].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def parse_form(page: str) -> dict[str, list[str]]:
    form = Form()
    form.feed(page)
    return form.values


class Smoke:
    def __init__(self, args):
        self.base = args.base_url.rstrip("/")
        self.mail = args.mail_url.rstrip("/")
        self.manage = shlex.split(args.manage) if args.manage else None
        self.timeout = args.timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.run_id = uuid.uuid4().hex[:10]

    def say(self, message: str) -> None:
        print(f"[smoke] {message}", flush=True)

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(  # noqa: S310 - the http(s) address the operator gave
            self.base + path, data=data, headers=headers or {}
        )
        with self.opener.open(req, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode("utf-8", "replace")

    def manage_py(self, code: str) -> object:
        done = subprocess.run(  # noqa: S603 - the operator's own --manage command
            [*self.manage, "shell", "-c", code],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        for line in done.stdout.splitlines():
            if line.startswith("SMOKE"):
                return json.loads(line[5:])
        raise SystemExit(
            f"manage.py shell failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                status, _, _ = self.request("/healthz/ready")
                if status == 200:
                    self.say("portal ready (/healthz/ready answered 200)")
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                last = exc
            if time.monotonic() > deadline:
                raise SystemExit(f"the portal was not ready in {self.timeout}s: {last}")
            time.sleep(2)

    def send_tip(self, category: str | None) -> str:
        _, _, page = self.request("/tips/")
        choices = [value for value in parse_form(page).get("category", []) if value]
        if not choices:
            raise SystemExit("the tip form offers no category (load the demo data or add one)")
        boundary = "smoke" + uuid.uuid4().hex
        fields = {
            "category": category or choices[0],
            "what": f"Loud engines on the rail trail after dark, most evenings. ({self.run_id})",
            "send_as_is": "True",
        }
        body = b""
        for name, value in fields.items():
            body += (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
        for filename, content_type, data in (
            ("photo.jpg", "image/jpeg", PHOTO),
            ("clip.mp4", "video/mp4", VIDEO),
        ):
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
                    f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
                ).encode()
                + data
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        status, _, page = self.request(
            "/tips/", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        found = re.search(r'data-testid="tip-number">\s*([^<\s]+)\s*<', page)
        if status != 200 or not found:
            errors = re.findall(r'class="usa-error-message"[^>]*>(.*?)<', page, re.S)
            raise SystemExit(f"the tip was not taken (HTTP {status}): {errors or page[:500]}")
        number = html.unescape(found.group(1))
        self.say(f"tip sent with a photo and a video: number {number}")
        return number

    def send_records_request(self, email: str) -> None:
        path = "/records/request/police-report/"
        _, _, page = self.request(path)
        values = parse_form(page)
        data = {
            "csrfmiddlewaretoken": values["csrfmiddlewaretoken"][0],
            "requester_name": "Smoke Check",
            "requester_email": email,
            "case_number": f"SMOKE-{self.run_id}",
            # A week back: today here may be tomorrow in the department's time zone.
            "incident_date": (date.today() - timedelta(days=7)).isoformat(),
            "location": "Main Street",
            "relation": next(v for v in values["relation"] if v),
        }
        status, url, page = self.request(
            path,
            urllib.parse.urlencode(data).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path},
        )
        if "/records/track/" not in url:
            errors = re.findall(r'class="usa-error-message"[^>]*>(.*?)<', page, re.S)
            raise SystemExit(f"the records request was not taken (HTTP {status}): {errors}")
        self.say(f"records request sent for {email}; redirected to its tracking page")

    def wait_mail(self, recipient: str, subject_part: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            with urllib.request.urlopen(self.mail + "/messages", timeout=30) as response:  # noqa: S310
                for message in json.load(response):
                    if recipient in message["to"] and subject_part in message["subject"]:
                        return message
            time.sleep(2)
        raise SystemExit(f"no mail to {recipient} with {subject_part!r} within {self.timeout}s")

    def run(self) -> None:
        started = time.monotonic()
        self.wait_ready()
        requester = f"requester-{self.run_id}@example.org"
        investigator = f"investigator-{self.run_id}@example.org"
        username = f"smoke-{self.run_id}"
        category = None
        if self.manage:
            category = str(
                self.manage_py(SETUP % {"username": username, "email": investigator})["category"]
            )
            self.say(f"throw-away investigator {username} on duty for category {category}")
        try:
            number = self.send_tip(category)
            self.send_records_request(requester)
            mail = self.wait_mail(requester, "We received your request")
            self.say(f"mail at the sink: {mail['subject']!r} to {requester}")
            if self.manage:
                mail = self.wait_mail(investigator, number)
                self.say(f"mail at the sink: {mail['subject']!r} to the investigator")
                deadline = time.monotonic() + self.timeout
                while True:
                    files = self.manage_py(CHECK_FILES % {"number": number})
                    if files and all(f["status"] != "pending" for f in files):
                        break
                    if time.monotonic() > deadline:
                        raise SystemExit(f"the tip's files were not processed: {files}")
                    time.sleep(2)
                kinds = sorted(f["kind"] for f in files)
                if kinds != ["image", "video"] or not all(
                    f["clean"] and f["located"] is False for f in files
                ):
                    raise SystemExit(f"the tip's files were not cleaned: {files}")
                self.say(
                    f"the scrubber cleaned the photo and the video (no location left): {files}"
                )
        finally:
            if self.manage:
                self.manage_py(TEARDOWN % {"username": username})
        self.say(f"PASSED in {time.monotonic() - started:.1f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description="Smoke check of a running portal.")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--mail-url", default="http://127.0.0.1:8025")
    parser.add_argument("--manage", default="", help="Command that runs manage.py in the stack.")
    parser.add_argument("--timeout", type=int, default=180, help="Seconds to wait for each step.")
    Smoke(parser.parse_args()).run()


if __name__ == "__main__":
    try:
        main()
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            print(f"[smoke] FAILED: {exit_.code}", file=sys.stderr, flush=True)
            sys.exit(1)
        raise
