"""Uploads: refused before they are read when too large, and never spooled in clear.

- `RequestBodyLimitMiddleware` stands first in MIDDLEWARE and answers 413 (a page in the
  visitor's language) when `Content-Length` is over the limit for the path, before Django reads a
  byte of the body: a 140 MB post to a form that takes 10 MB costs nothing but the headers. The
  limit is `REQUEST_BODY_MAX_BYTES`, or a larger one a feature registers for its own paths
  (`registry.body_limits`, e.g. the tip line's photos and videos). The TLS proxy should cap
  bodies too (docs/operations.md); this is the second line. A body without a length (chunked)
  is cut off by `EncryptedSpoolUploadHandler` at the same limit.
- `EncryptedSpoolUploadHandler` replaces Django's two upload handlers. A small file stays in
  memory; a larger one is written to a temporary file encrypted with a key made for that file
  and held only in memory (AES-256-CTR), so an identity document or a tipster's photo is never in
  clear on the server's disk, not even in /tmp while the request is parsed.
"""

from __future__ import annotations

import os
import tempfile
from io import BytesIO

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from portal import registry
from portal.views import request_too_large


def body_limit_for(path: str) -> int:
    limit = settings.REQUEST_BODY_MAX_BYTES
    for item in registry.body_limits.all():
        if path.startswith(item.prefixes):
            limit = max(limit, item.max_bytes)
    return limit


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit_for(request.path_info)
        request.upload_limit = limit
        if length > limit:
            return request_too_large(request, limit=limit)
        return self.get_response(request)


class _Spool:
    """A temporary file whose bytes on disk are AES-256-CTR ciphertext under a key that exists
    only in this object."""

    def __init__(self):
        self._key, self._nonce = os.urandom(32), os.urandom(16)
        self._file = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
        self._encryptor = self._cipher().encryptor()
        self.size = 0

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self._key), modes.CTR(self._nonce))

    def write(self, data: bytes) -> None:
        self._file.write(self._encryptor.update(data))
        self.size += len(data)

    def read_all(self) -> bytes:
        self._file.flush()
        self._file.seek(0)
        return self._cipher().decryptor().update(self._file.read())

    def close(self) -> None:
        self._file.close()


class EncryptedUploadedFile(UploadedFile):
    """An uploaded file spooled encrypted; reading it decrypts in memory."""

    def __init__(self, spool: _Spool, name, content_type, charset, content_type_extra=None):
        self._spool = spool
        super().__init__(BytesIO(), name, content_type, spool.size, charset, content_type_extra)
        self._loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self.file = BytesIO(self._spool.read_all())
            self._spool.close()
            self._loaded = True

    def open(self, mode=None):
        self._load()
        self.file.seek(0)
        return self

    def read(self, *args, **kwargs):
        self._load()
        return self.file.read(*args, **kwargs)

    def chunks(self, chunk_size=None):
        self._load()
        self.file.seek(0)
        yield from super().chunks(chunk_size)

    def multiple_chunks(self, chunk_size=None):
        return self.size > (chunk_size or self.DEFAULT_CHUNK_SIZE)

    def seek(self, *args):
        self._load()
        return self.file.seek(*args)

    def close(self):
        self._spool.close()
        return self.file.close()


class EncryptedSpoolUploadHandler(FileUploadHandler):
    """Keeps files up to FILE_UPLOAD_MAX_MEMORY_SIZE in memory and spools larger ones
    encrypted; stops the upload once the body passes the path's limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = getattr(self.request, "upload_limit", settings.REQUEST_BODY_MAX_BYTES)
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.memory = BytesIO()
        self.spool: _Spool | None = None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.spool:
                self.spool.close()
            raise StopUpload(connection_reset=True)
        if self.spool is None and start + len(raw_data) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
            self.spool = _Spool()
            self.spool.write(self.memory.getvalue())
            self.memory = None
        if self.spool is not None:
            self.spool.write(raw_data)
        else:
            self.memory.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self.spool is not None:
            return EncryptedUploadedFile(
                self.spool,
                self.file_name,
                self.content_type,
                self.charset,
                self.content_type_extra,
            )
        self.memory.seek(0)
        return InMemoryUploadedFile(
            self.memory,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )
