"""Uploaded photos and logos, made small before they are stored.

Public pages have a weight budget (60 KB for a first visit), so an uploaded image is scaled
down to fit a box and stored as WebP (alpha kept for logos). The original file is not kept.
"""

from __future__ import annotations

import io
from pathlib import PurePath

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps

PHOTO_BOX = (320, 320)
LOGO_BOX = (480, 240)


def image_shrink(upload, *, box: tuple[int, int], quality: int = 78) -> SimpleUploadedFile:  # type: ignore[no-untyped-def]
    """A WebP copy of the uploaded image scaled to fit ``box`` (never enlarged), upright by its EXIF."""
    upload.seek(0)
    with Image.open(upload) as opened:
        image = ImageOps.exif_transpose(opened)
        image.thumbnail(box)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("LA", "PA", "P") else "RGB")
        out = io.BytesIO()
        image.save(out, format="WEBP", quality=quality, method=4)
    name = PurePath(getattr(upload, "name", "image") or "image").stem[:80] + ".webp"
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/webp")
