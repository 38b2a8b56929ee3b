"""Uploaded files: one size limit, images checked by their content, and one safe way to serve them.

Every form that takes a file uses `UploadField` (a document of any kind, at most
settings.GONGHUI_MAX_UPLOAD_MB) or `ImageUploadField` (the same, and Pillow must read it as a
JPEG, PNG, GIF or WebP picture: an SVG or an HTML page named photo.jpg is refused).

Every view that hands a stored file back uses `serve_stored_file`: a picture is checked again with
Pillow (old rows may hold anything) and shown inline as the image type Pillow named; everything
else goes out as a download (`Content-Disposition: attachment`, application/octet-stream). Every
file response carries `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy,
so even a file a browser did render could run no script and reach nothing.
"""

from __future__ import annotations

from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Pillow's format name -> the Content-Type the picture is served with.
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
IMAGE_ACCEPT = ",".join(IMAGE_TYPES.values())
FILE_CSP = "sandbox; default-src 'none'"
DOWNLOAD_TYPE = "application/octet-stream"


def max_upload_bytes() -> int:
    """The one upload limit of the site (settings.GONGHUI_MAX_UPLOAD_MB), read when used; the
    import pipeline (core.imports.jobs) checks its workbooks against the same function."""
    return int(getattr(settings, "GONGHUI_MAX_UPLOAD_MB", 20)) * 1024 * 1024


def validate_upload(file: Any) -> None:
    """Refuse a file larger than the one limit of settings.GONGHUI_MAX_UPLOAD_MB."""
    size = getattr(file, "size", None)
    if size is not None and size > max_upload_bytes():
        raise ValidationError(
            _("文件不能超过%(mb)sMB。") % {"mb": getattr(settings, "GONGHUI_MAX_UPLOAD_MB", 20)},
            code="file_too_large",
        )


def image_type(handle: IO[bytes]) -> str | None:
    """The Content-Type of the JPEG/PNG/GIF/WebP picture in `handle`, or None when Pillow does not
    read it as one of them (an SVG, an HTML page, a broken file). Leaves `handle` at its start."""
    try:
        handle.seek(0)
        with Image.open(handle) as image:
            kind = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        handle.seek(0)
    return IMAGE_TYPES.get(kind)


def validate_image(file: Any) -> None:
    """Refuse anything Pillow does not read as a JPEG, PNG, GIF or WebP picture."""
    if image_type(file) is None:
        raise ValidationError(_("请上传 JPG、PNG、GIF 或 WebP 格式的图片。"), code="not_an_image")


class UploadField(forms.FileField):
    """A file of any kind, within the one upload limit."""

    default_validators = [validate_upload]


class ImageUploadField(UploadField):
    """A picture (JPEG, PNG, GIF or WebP, checked by its content), within the one upload limit."""

    default_validators = [validate_upload, validate_image]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("accept", IMAGE_ACCEPT)
        return attrs


def serve_stored_file(file: FieldFile, name: str, *, inline_image: bool = False) -> FileResponse:
    """A stored file as a response that a browser cannot turn into a page.

    With `inline_image`, a file Pillow reads as a JPEG/PNG/GIF/WebP picture is shown inline as
    that image type; anything else (and every file without `inline_image`) is a download of
    application/octet-stream. A record whose file the storage no longer has is a 404.
    """
    try:
        handle = file.open("rb")
    except FileNotFoundError:  # the record names a file the storage no longer has
        raise Http404 from None
    picture = image_type(handle) if inline_image else None
    if picture is not None:
        response = FileResponse(handle, filename=name, content_type=picture)
    else:
        response = FileResponse(handle, as_attachment=True, filename=name, content_type=DOWNLOAD_TYPE)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    return response
