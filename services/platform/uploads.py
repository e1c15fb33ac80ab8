"""Uploads (DESIGN: one of the shared mechanisms): a file is taken only within the size limit and
only of a type its content shows (never its name); an image is re-encoded, which drops whatever it
carried besides the picture; the file is stored outside static/ under a generated name and served
only as an attachment, after the caller has checked who may read it."""

import hashlib
import io
import os
import secrets
import unicodedata
from pathlib import Path

import filetype
from flask import current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from extensions import db
from models.platform.stored_file import StoredFile
from services.platform.errors import RefusedChange

# What the content may be (as filetype reads it) → the type it is served as.
DOCUMENT_TYPES = {
    "application/pdf": "application/pdf",
    "image/jpeg": "image/jpeg",
    "image/png": "image/png",
    "image/webp": "image/webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
IMAGE_TYPES = {kind: kind for kind in IMAGE_FORMATS}
MAX_PIXELS = 40_000_000
THUMBNAIL_SIDE = 480


class UploadError(RefusedChange):
    pass


def _directory():
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def shown_name(name):
    """The name people see: the file's last part, control characters out, at most 200 characters."""
    name = os.path.basename(str(name or "").replace("\\", "/"))
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    return name.strip()[:200] or "file"


def _reencoded(data, kind):
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UploadError(_l("The picture is too large."))
            image.load()
            picture = image.convert("RGBA" if kind == "image/png" and image.mode in ("RGBA", "LA", "P") else "RGB")
            out = io.BytesIO()
            picture.save(out, format=IMAGE_FORMATS[kind], quality=90)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise UploadError(_l("The picture cannot be read.")) from None


def store(upload, by, allowed=DOCUMENT_TYPES, sniff=None, refusal=None, field="file"):
    """A StoredFile of an uploaded file (werkzeug's FileStorage), flushed. Refused: UploadError, or
    the caller's own `refusal` class (a RefusedChange) with the message on the form's `field`.
    `sniff(data)`: the type of what no signature tells (a CSV table), or a refusal of its own."""
    try:
        return _store(upload, by, allowed, sniff)
    except UploadError as error:
        if refusal is None:
            raise
        raise refusal(error.message, status=error.status, errors={field: error.message}) from None


def _store(upload, by, allowed, sniff):
    if upload is None or not upload.filename:
        raise UploadError(_l("Choose a file."))
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if not data:
        raise UploadError(_l("The file is empty."))
    if len(data) > limit:
        raise UploadError(_l("The file is larger than %(size)s MB.", size=limit // (1024 * 1024)))
    guessed = filetype.guess(data)
    kind = guessed.mime if guessed else None
    if sniff is not None:
        kind = sniff(data)
    if kind not in allowed:
        if set(allowed) <= set(IMAGE_FORMATS):
            raise UploadError(_l("Only JPEG, PNG and WEBP pictures are taken; this one is not."))
        raise UploadError(_l("Only PDF, JPEG, PNG, WEBP, DOCX and XLSX files are taken; this one is not."))
    if kind in IMAGE_FORMATS:
        data = _reencoded(data, kind)
    return _kept(data, shown_name(upload.filename), allowed[kind], by)


def _kept(data, original_name, content_type, by):
    stored_name = secrets.token_hex(16)
    (_directory() / stored_name).write_bytes(data)
    record = StoredFile(stored_name=stored_name, original_name=original_name, content_type=content_type,
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(), created_by_id=by.id)  # fmt: skip
    db.session.add(record)
    db.session.flush()
    return record


def thumbnail(record, by, side=THUMBNAIL_SIDE):
    """A smaller re-encoded copy of a stored picture (at most `side` pixels on its long side), kept as
    a StoredFile of its own for the caller's record to point at; the picture itself if already small."""
    kind = record.content_type
    if kind not in IMAGE_FORMATS:
        raise ValueError(f"not a picture: {kind}")
    with Image.open(_directory() / record.stored_name) as image:
        image.load()
        if max(image.size) <= side:
            return record
        picture = image.copy()
    picture.thumbnail((side, side))
    out = io.BytesIO()
    picture.save(out, format=IMAGE_FORMATS[kind], quality=85)
    return _kept(out.getvalue(), f"thumb-{record.original_name}"[:200], kind, by)


def download(record):
    """The file as an attachment, never shown in the page; the caller has checked the reader."""
    response = send_file(_directory() / record.stored_name, mimetype=record.content_type, as_attachment=True,
                         download_name=record.original_name, max_age=0)  # fmt: skip
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def show_picture(record):
    """A re-encoded picture shown inline in a page (never anything else); the caller has checked the
    reader. Never kept by a cache (the page's own responses are no-store too)."""
    if record.content_type not in IMAGE_FORMATS:
        return download(record)
    response = send_file(_directory() / record.stored_name, mimetype=record.content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response
