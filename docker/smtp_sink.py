"""An SMTP sink for the smoke check (docker/smoke.py): accepts every message, keeps it in memory,
and lists what it received as JSON over HTTP. Standard library only, so it runs from the portal's
image (the `mail` service of docker/compose.smoke.yml) or from any Python 3.11 on the host.

    python docker/smtp_sink.py [--host 127.0.0.1] [--smtp-port 1025] [--http-port 8025]

    GET  /messages   [{"from", "to": [...], "subject", "body"}, ...], oldest first
    DELETE /messages forget them all

Never for production: no authentication, no TLS, and whoever reaches the HTTP port reads the mail.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import threading
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

logger = logging.getLogger("smtp_sink")
MAX_MESSAGE = 10 * 1024 * 1024

_messages: list[dict] = []
_lock = threading.Lock()


def _keep(sender: str, recipients: list[str], raw: bytes) -> None:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    part = message.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    with _lock:
        _messages.append(
            {
                "from": sender,
                "to": recipients,
                "subject": str(message.get("Subject", "")),
                "body": body,
            }
        )
    logger.info("received %r for %s", message.get("Subject", ""), ", ".join(recipients))


async def _session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    async def reply(line: str) -> None:
        writer.write(line.encode() + b"\r\n")
        await writer.drain()

    sender, recipients = "", []
    await reply("220 smtp-sink ESMTP")
    try:
        while line := await reader.readline():
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                await reply(f"250-smtp-sink\r\n250-SIZE {MAX_MESSAGE}\r\n250 8BITMIME")
            elif command.upper().startswith("MAIL FROM:"):
                sender, recipients = command[10:].strip().split(" ")[0].strip("<>"), []
                await reply("250 OK")
            elif command.upper().startswith("RCPT TO:"):
                recipients.append(command[8:].strip().split(" ")[0].strip("<>"))
                await reply("250 OK")
            elif verb == "DATA":
                if not recipients:
                    await reply("503 RCPT first")
                    continue
                await reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                size = 0
                while True:
                    data = await reader.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    size += len(data)
                    if size > MAX_MESSAGE:
                        await reply("552 Too big")
                        return
                    lines.append(data[1:] if data.startswith(b"..") else data)
                _keep(sender, recipients, b"".join(lines))
                sender, recipients = "", []
                await reply("250 OK: kept")
            elif verb == "RSET":
                sender, recipients = "", []
                await reply("250 OK")
            elif verb == "NOOP":
                await reply("250 OK")
            elif verb == "QUIT":
                await reply("221 Bye")
                break
            else:
                await reply("502 Not implemented")
    finally:
        writer.close()


class _Listing(BaseHTTPRequestHandler):
    def _json(self, status: int, value) -> None:
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.rstrip("/") != "/messages":
            return self._json(404, {"error": "GET /messages"})
        with _lock:
            return self._json(200, list(_messages))

    def do_DELETE(self):
        with _lock:
            _messages.clear()
        return self._json(200, [])

    def log_message(self, format, *args):
        pass


async def _serve(host: str, smtp_port: int) -> None:
    server = await asyncio.start_server(_session, host, smtp_port)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s smtp-sink %(message)s")
    http = ThreadingHTTPServer((args.host, args.http_port), _Listing)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    logger.info(
        "SMTP on %s:%d, listing on http://%s:%d/messages",
        args.host,
        args.smtp_port,
        args.host,
        args.http_port,
    )
    asyncio.run(_serve(args.host, args.smtp_port))


if __name__ == "__main__":
    main()
