"""Service requests' writes. Callers write `from service_requests import services` and
`services.request_submit(...)`.

- `submit`: taking a request (`request_submit`), every rule of what a resident may send,
  with the answers' rules in `answers` (`attribute_field`) and the place's in `place`
  (`place_resolve`);
- `workflow`: staff's changes (`request_transition`, `request_assign`, `request_note_add`,
  `request_message_send`, `request_merge`, `request_bulk_close`);
- `follow`: a resident following a request already reported (`request_follow`);
- `digest`: the supervisors' daily digest (`digest_send`).
"""

from service_requests.services.answers import attribute_field
from service_requests.services.common import TRACK, expected_at, tracking_path, tracking_url
from service_requests.services.digest import digest_send
from service_requests.services.follow import request_follow
from service_requests.services.place import place_resolve
from service_requests.services.submit import request_submit
from service_requests.services.workflow import (
    request_assign,
    request_bulk_close,
    request_merge,
    request_message_send,
    request_note_add,
    request_transition,
    request_update,
)

__all__ = [
    "TRACK",
    "attribute_field",
    "digest_send",
    "expected_at",
    "place_resolve",
    "request_assign",
    "request_bulk_close",
    "request_follow",
    "request_merge",
    "request_message_send",
    "request_note_add",
    "request_submit",
    "request_transition",
    "request_update",
    "tracking_path",
    "tracking_url",
]
