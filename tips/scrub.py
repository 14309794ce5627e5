"""The tip line's policy for files; checking and cleaning them is the kernel's (portal/scrub.py).

- Photos (JPEG, PNG, WebP), PDF and video (MP4, MOV, WebM), read from the content.
- Limits, shown on the form before upload: FILE_LIMITS per kind, MAX_FILES per tip, MAX_TOTAL
  for all the files of one tip.
- The clean copy investigators open is made by `portal.scrub.clean` in a Celery task
  (tips.tasks), not in the request; the encrypted original is kept for
  settings.TIPS_ORIGINAL_RETENTION_DAYS, then purged (tips.services.attachment_originals_purge).
"""

from portal import scrub as kernel

MB = kernel.MB
FILE_LIMITS = {"image": 15 * MB, "pdf": 15 * MB, "video": 100 * MB}
MAX_FILES = 5
MAX_TOTAL = 150 * MB
MAX_PDF_PAGES = kernel.MAX_PDF_PAGES

Checked = kernel.FileInfo


def check_file(data: bytes) -> kernel.FileInfo:
    """What the file really is, or a DomainError on the "attachments" field saying why not."""
    return kernel.check_file(
        data, limits=FILE_LIMITS, max_pdf_pages=MAX_PDF_PAGES, field="attachments"
    )


def scrub(kind: str, data: bytes) -> tuple[bytes, str]:
    """The clean copy of an attachment and its content type."""
    clean = kernel.clean(data, kind)
    return clean.data, clean.content_type
