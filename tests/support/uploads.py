"""A JPEG ready to upload: as a named file object for the test client's multipart post, or as a
file on disk for a browser's file input."""

import io
from pathlib import Path

from tests.support.files import jpeg_bytes


def jpeg_upload(name: str = "photo.jpg", **image) -> io.BytesIO:
    """A JPEG the test client posts as a file called `name`; `image` goes to jpeg_bytes (size,
    exif, color)."""
    upload = io.BytesIO(jpeg_bytes(**image))
    upload.name = name
    return upload


def jpeg_file(directory: Path, name: str = "photo.jpg", **image) -> Path:
    """A JPEG written to `directory`, for `page.set_input_files(selector, str(path))`."""
    path = directory / name
    path.write_bytes(jpeg_bytes(**image))
    return path
