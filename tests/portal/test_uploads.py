"""Oversized bodies are refused before they are read; large files are never spooled in clear."""

import io

import pytest
from django.core.files.uploadhandler import StopUpload
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from portal import registry
from portal.uploads import (
    EncryptedSpoolUploadHandler,
    EncryptedUploadedFile,
    RequestBodyLimitMiddleware,
)

MARKER = b"GPS 41.7658 -72.6734 Ana Ruiz "


class _Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = read


def _post(path, length):
    request = RequestFactory().post(path, data=b"", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(length)
    request.META["wsgi.input"] = _Unreadable()
    return request


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_before_it_is_read(settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    middleware = RequestBodyLimitMiddleware(lambda request: HttpResponse("read it"))
    response = middleware(_post("/records/request/", 140 * 1024 * 1024))
    assert response.status_code == 413
    assert "Nothing was saved" in response.content.decode()


@pytest.mark.django_db
def test_the_refusal_speaks_the_visitors_language(settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    middleware = RequestBodyLimitMiddleware(lambda request: HttpResponse("read it"))
    response = middleware(_post("/es/records/request/", 5000))
    assert response.status_code == 413
    assert "Nada se guardó" in response.content.decode()


def test_a_feature_may_accept_more_on_its_own_paths(settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    registry.body_limits.register(
        registry.BodyLimit(key="test-big", prefixes=("/big/",), max_bytes=10_000)
    )
    try:
        middleware = RequestBodyLimitMiddleware(lambda request: HttpResponse("ok"))
        assert middleware(_post("/big/form/", 5000)).status_code == 200
        assert middleware(_post("/small/form/", 5000)).status_code == 413
    finally:
        registry.body_limits.unregister("test-big")


def _parse(settings, payload: bytes, limit: int = 50 * 1024 * 1024):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = encode_multipart(BOUNDARY, {"note": "hello", "photo": _named(payload)})
    request = RequestFactory().generic("POST", "/form/", body, content_type=MULTIPART_CONTENT)
    request.upload_limit = limit
    handler = EncryptedSpoolUploadHandler(request)
    parser = MultiPartParser(request.META, io.BytesIO(body), [handler], "utf-8")
    return parser.parse()


def _named(payload: bytes):
    upload = io.BytesIO(payload)
    upload.name = "photo.jpg"
    return upload


def test_a_large_upload_is_spooled_to_disk_encrypted_and_reads_back_whole(settings):
    payload = MARKER * 200_000  # about 6 MB, well over the in-memory size
    post, files = _parse(settings, payload)
    photo = files["photo"]
    assert isinstance(photo, EncryptedUploadedFile)
    spooled = photo._spool._file
    spooled.seek(0)
    on_disk = spooled.read()
    assert len(on_disk) == len(payload)
    assert b"GPS 41.7658" not in on_disk
    assert photo.read() == payload
    assert post["note"] == "hello"


def test_a_small_upload_stays_in_memory(settings):
    _post_data, files = _parse(settings, MARKER * 10)
    assert files["photo"].read() == MARKER * 10


def test_a_body_without_a_length_is_cut_off_at_the_limit(settings):
    with pytest.raises(StopUpload):
        handler = EncryptedSpoolUploadHandler(RequestFactory().post("/form/"))
        handler.request.upload_limit = 1000
        handler.handle_raw_input(None, {}, 0, b"x")
        handler.new_file("photo", "photo.jpg", "image/jpeg", 0)
        handler.receive_data_chunk(b"x" * 2000, 0)
