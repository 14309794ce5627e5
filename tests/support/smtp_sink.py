"""An SMTP server that keeps nothing but a line per accepted message: the time, its Message-ID
and the recipient. Fault tests and bench/snow_night.py run it as a process of their own:

    python -m tests.support.smtp_sink --port 2525 --log accepted.log --control control.json

The control file (JSON, read again whenever it changes) makes it misbehave on purpose:
`tempfail_until` (epoch seconds): every recipient gets 451 until then; `reject`: addresses
answered 550; `delay`: seconds spent on each message before it is accepted; `hold_before`
{address: seconds}: wait that long before accepting a message to the address (a client dying
meanwhile never had it accepted); `hold_after` {address: seconds}: accept it (the line is
written), then wait that long before saying so (a client dying meanwhile does not know).
"""

import argparse
import asyncio
import contextlib
import json
import re
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Handler:
    def __init__(self, log: Path, control: Path):
        self.log = log.open("a", buffering=1)
        self.control_path = control
        self.control: dict = {}
        self.control_mtime = 0.0

    def _control(self) -> dict:
        try:
            mtime = self.control_path.stat().st_mtime
        except FileNotFoundError:
            return {}
        if mtime != self.control_mtime:
            self.control_mtime = mtime
            with contextlib.suppress(ValueError):  # being written: keep the last one
                self.control = json.loads(self.control_path.read_text() or "{}")
        return self.control

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        control = self._control()
        if address in control.get("reject", ()):
            return "550 5.1.1 No such mailbox here"
        if time.time() < control.get("tempfail_until", 0):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        control = self._control()
        delay = control.get("delay", 0)
        if delay:
            await asyncio.sleep(delay)
        for recipient in envelope.rcpt_tos:
            if recipient in control.get("hold_before", {}):
                await asyncio.sleep(control["hold_before"][recipient])
                if session.transport is None or session.transport.is_closing():
                    return "421 4.4.2 Connection lost before acceptance"
        found = MESSAGE_ID.search(envelope.original_content or envelope.content)
        message_id = found.group(1).decode() if found else "-"
        for recipient in envelope.rcpt_tos:
            self.log.write(f"{time.time():.6f} {message_id} {recipient}\n")
        for recipient in envelope.rcpt_tos:
            if recipient in control.get("hold_after", {}):
                await asyncio.sleep(control["hold_after"][recipient])
        return "250 2.0.0 Accepted"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--control", type=Path, required=True)
    args = parser.parse_args()
    controller = Controller(
        Handler(args.log, args.control), hostname="127.0.0.1", port=args.port, ready_timeout=20
    )
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
