"""Parking lists every audit action it writes, once, in parking/audit.py."""

import pathlib
import re

from parking import audit
from parking.services import lookups
from portal import registry

PARKING = pathlib.Path(audit.__file__).parent
WRITTEN = re.compile(r'(?:action=|ACTION = )"(parking\.[a-z_]+\.[a-z_]+)"')


def test_every_action_parking_writes_is_registered():
    written = {
        name
        for path in PARKING.rglob("*.py")
        if "migrations" not in path.parts
        for name in WRITTEN.findall(path.read_text())
    }
    assert lookups.ACTION in written
    assert written == {key for key, _label in audit.ACTIONS}
    assert all(registry.audit_action_known(name) for name in written)
