"""Uploaded images, checked by their content and normalized before they are stored.

Any form may use `ImageUploadField` (one image, e.g. a member photo on a ModelForm) or
`MultipleImageField` (several, e.g. session photos); both clean to `ProcessedImage`
objects. The rules, for every upload:

- the file must decode as JPEG, PNG or WebP (Pillow reads the content; the extension
  and the browser's content type are ignored);
- at most `UPLOAD_IMAGE_MAX_MB` megabytes and `UPLOAD_IMAGE_MAX_PIXELS` pixels; Pillow's
  decompression-bomb check refuses anything bigger than `Image.MAX_IMAGE_PIXELS` too;
- the EXIF orientation is applied, then every metadata block (EXIF with GPS, XMP, text
  chunks) is dropped; only the colour profile is kept;
- resized to at most `UPLOAD_IMAGE_MAX_SIDE` pixels on the longest side, with a JPEG
  thumbnail of `UPLOAD_THUMBNAIL_SIDE` pixels for lists;
- stored under random names (`RandomFileName` as a model field's `upload_to`).

A refused file raises a `ValidationError` with a Chinese message naming the file, so the
form shows it next to the field and keeps everything else that was typed.

Documents (`DocumentUploadField`, `check_document`) are at most `UPLOAD_DOCUMENT_MAX_MB`
megabytes, recognised by their content: a PDF starts with `%PDF-`; a DOCX is a zip archive
holding `word/document.xml`; with `formats=LEGACY_DOCUMENT_FORMATS` (duty reports) an OLE2
compound file (legacy Word .doc, WPS .wps) is accepted too. Research reports take PDF and
DOCX only. The extension is ignored (a renamed text file or image is refused) and replaced
by the one of the detected format; an OLE file keeps ".doc" or ".wps" as uploaded (its
first bytes do not tell them apart), anything else becomes ".doc".
"""

from __future__ import annotations

import contextlib
import io
import uuid
import warnings
import zipfile
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> (file extension, content type).
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
ACCEPT = ",".join(content_type for _ext, content_type in FORMATS.values())
SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85, "method": 4},
}
# Extensions a stored name may keep; anything else is stored as ".bin".
SAFE_EXTENSIONS = {"jpg", "jpeg", "png", "webp", "pdf", "docx", "xlsx", "doc", "xls", "wps"}


class ProcessedImage(ContentFile):
    """The normalized image (a `File` with a random name, so a ModelForm can assign it to
    an ImageField as is), with its thumbnail and dimensions."""

    def __init__(
        self,
        content: bytes,
        *,
        name: str,
        thumbnail: ContentFile,
        width: int,
        height: int,
        image_format: str,
        original_name: str = "",
    ):
        super().__init__(content, name=name)
        self.thumbnail = thumbnail
        self.width = width
        self.height = height
        self.image_format = image_format
        self.content_type = FORMATS[image_format][1]
        self.original_name = original_name


def random_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


@deconstructible
class RandomFileName:
    """`upload_to` that stores `<prefix>/<yyyy>/<mm>/<random hex>.<ext>`: the stored path
    reveals nothing of the uploaded name and cannot be guessed."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        extension = PurePath(filename).suffix.lower().lstrip(".")
        if extension not in SAFE_EXTENSIONS:
            extension = "bin"
        return f"{self.prefix}/{timezone.now():%Y/%m}/{random_name(extension)}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomFileName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def _display_name(upload) -> str:
    return PurePath(getattr(upload, "name", "") or "").name[:80] or str(_("the file"))


def _not_an_image(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a JPEG, PNG or WebP image."),
        code="invalid_image",
        params={"name": name},
    )


def _bomb(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” has too many pixels (more than %(limit)s million) and was refused; "
            "please upload a smaller photo."
        ),
        code="too_many_pixels",
        params={"name": name, "limit": settings.UPLOAD_IMAGE_MAX_PIXELS // 1_000_000},
    )


def _normalized_mode(image: Image.Image, image_format: str) -> Image.Image:
    """A mode the output format stores, keeping transparency where the format has it."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    wanted: tuple[str, ...]
    if image_format == "JPEG":
        wanted = ("RGB", "L")
    else:
        wanted = ("RGB", "RGBA", "L", "LA") if image_format == "PNG" else ("RGB", "RGBA")
    if image.mode in wanted:
        return image
    return image.convert("RGBA" if has_alpha else "RGB")


def _thumbnail(image: Image.Image, side: int) -> ContentFile:
    thumb = image.copy()
    thumb.thumbnail((side, side), Image.Resampling.LANCZOS)
    if thumb.mode in ("RGBA", "LA"):
        background = Image.new("RGB", thumb.size, (255, 255, 255))
        background.paste(thumb, mask=thumb.getchannel("A"))
        thumb = background
    elif thumb.mode not in ("RGB", "L"):
        thumb = thumb.convert("RGB")
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=80, optimize=True)
    return ContentFile(out.getvalue(), name=random_name("jpg"))


# JPEG markers kept when an upload is stored without re-encoding: the image data and
# what decodes it (JFIF, the colour profile, Adobe's colour transform, tables, frame and
# scan headers, restart interval). Everything else (EXIF with GPS, XMP, comments, other
# application blocks) and anything after the end of the image is dropped.
_JPEG_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOF0–SOF15
_JPEG_KEEP = _JPEG_FRAMES | {0xE0, 0xE2, 0xEE, 0xDB, 0xC4, 0xCC, 0xDC, 0xDD}
# Of the application blocks kept, only the fixed fields a decoder reads: JFIF's version,
# units and density (its embedded thumbnail, and a JFXX or any other APP0, dropped) and
# Adobe's version, flags and colour transform. The rest of such a block is free bytes a
# crafted file could carry through (an HTML or archive payload), as a comment could.
_JFIF_FIELDS = 12  # b"JFIF\0", version (2), units (1), densities (4)
_ADOBE_FIELDS = 12  # b"Adobe", version (2), flags (4), transform (1)


def _kept_application_block(marker: int, payload: bytes) -> bytes | None:
    """The APP0 (JFIF) or APP14 (Adobe) block with its fixed fields only, else None."""
    if marker == 0xE0 and payload.startswith(b"JFIF\x00") and len(payload) >= 14:
        payload = payload[:_JFIF_FIELDS] + b"\x00\x00"  # no thumbnail
    elif marker == 0xEE and payload.startswith(b"Adobe") and len(payload) >= _ADOBE_FIELDS:
        payload = payload[:_ADOBE_FIELDS]
    else:
        return None
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


# The EXIF tag of the orientation (applied, then dropped with the rest).
ORIENTATION = 0x0112


def _jpeg_without_metadata(data: bytes) -> bytes | None:
    """The JPEG `data` with only the segments of `_JPEG_KEEP`, its scans and its end
    marker: the same pixels, without re-encoding them. None when the structure is not
    the plain one this reads (then the caller re-encodes)."""
    if not data.startswith(b"\xff\xd8"):
        return None
    out = [b"\xff\xd8"]
    i, n = 2, len(data)
    while i + 2 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:  # end of image: nothing after it is kept
            out.append(b"\xff\xd9")
            return b"".join(out)
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        end = i + 2 + length
        if i + 4 > n or length < 2 or end > n:
            return None
        if marker == 0xE2 and not data[i + 4 : i + 16].startswith(b"ICC_PROFILE"):
            pass  # APP2 that is not a colour profile (e.g. FlashPix): dropped
        elif marker in (0xE0, 0xEE):
            block = _kept_application_block(marker, data[i + 4 : end])
            if block:
                out.append(block)
        elif marker in _JPEG_KEEP or marker == 0xDA:
            out.append(data[i:end])
        if marker == 0xDA:  # a scan: its entropy-coded data runs to the next marker
            j = end
            while True:
                j = data.find(b"\xff", j)
                if j < 0 or j + 1 >= n:
                    return None
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    j += 2  # a stuffed byte or a restart marker: still the scan
                    continue
                break
            out.append(data[end:j])
            end = j
        i = end
    return None


def _keeps_its_encoding(source: Image.Image, image_format: str, max_side: int) -> bool:
    """Whether a decoded upload can be stored as uploaded, minus its metadata (a JPEG
    already within the size, upright, in a mode it keeps): re-encoding it would only
    cost time and quality."""
    return (
        image_format == "JPEG"
        and max(source.size) <= max_side
        and source.mode in ("RGB", "L")
        and source.getexif().get(ORIENTATION, 1) == 1
    )


def process_image(upload) -> ProcessedImage:
    """Check `upload` (an UploadedFile or any file object with `name` and `size`) by its
    content and return the normalized image; raise ValidationError otherwise.

    Memory: the header is read first and the pixel limit applied before decoding; a JPEG
    is decoded at the smallest scale that still gives the target size (`draft`)."""
    name = _display_name(upload)
    max_bytes = settings.UPLOAD_IMAGE_MAX_MB * 1024 * 1024
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than %(max)s MB."),
            code="too_large",
            params={"name": name, "max": settings.UPLOAD_IMAGE_MAX_MB},
        )
    max_side = settings.UPLOAD_IMAGE_MAX_SIDE
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=list(FORMATS)) as probe:
                image_format = probe.format
                if image_format not in FORMATS:  # only FORMATS are opened: never reached
                    raise _not_an_image(name)
                width, height = probe.size
                if width * height > settings.UPLOAD_IMAGE_MAX_PIXELS:
                    raise _bomb(name)
                probe.verify()
            upload.seek(0)
            with Image.open(upload, formats=[image_format]) as source:
                as_uploaded = _keeps_its_encoding(source, image_format, max_side)
                if image_format == "JPEG":
                    source.draft("RGB", (max_side, max_side))
                source.load()
                icc_profile = source.info.get("icc_profile")
                image = ImageOps.exif_transpose(source)
                if source.mode == "CMYK":  # converted to RGB below: the profile no longer fits
                    icc_profile = None
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb(name) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _not_an_image(name) from exc
    except Exception as exc:  # any other decoder failure on a crafted file
        raise _not_an_image(name) from exc

    image = _normalized_mode(image, image_format)
    content = None
    if as_uploaded:
        # Decoded above (the check by content), stored as encoded by the camera, its
        # metadata segments dropped: no second encoding, no loss of quality.
        upload.seek(0)
        content = _jpeg_without_metadata(upload.read())
    if content is None:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        # Drop every metadata block (EXIF and its GPS data, XMP, text chunks): the image
        # is saved from pixels only, plus its colour profile.
        image.info = {}
        options = dict(SAVE_OPTIONS[image_format])
        if icc_profile:
            options["icc_profile"] = icc_profile
        out = io.BytesIO()
        image.save(out, format=image_format, **options)
        content = out.getvalue()
    extension = FORMATS[image_format][0]
    return ProcessedImage(
        content,
        name=random_name(extension),
        thumbnail=_thumbnail(image, settings.UPLOAD_THUMBNAIL_SIDE),
        width=image.width,
        height=image.height,
        image_format=image_format,
        original_name=name,
    )


def validate_image_upload(upload) -> None:
    """A model or form field validator: the same checks as `process_image`."""
    process_image(upload)


class ImageUploadField(forms.FileField):
    """One image: cleans to a `ProcessedImage` (or the unchanged initial file)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("help_text", image_help_text())
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return process_image(upload)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several images in one input: cleans to a list of `ProcessedImage`. One bad file
    refuses the field with a message per file."""

    default_error_messages = {
        "too_many": _("Upload at most %(max)s photos at a time."),
    }

    def __init__(self, *, max_files: int = 12, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("help_text", image_help_text())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_files:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": self.max_files}
            )
        processed, errors = [], []
        for upload in uploads:
            try:
                processed.append(process_image(super().clean(upload, initial)))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return processed


def _image_help_text() -> str:
    return gettext("JPEG, PNG or WebP, at most %(max)s MB each.") % {
        "max": settings.UPLOAD_IMAGE_MAX_MB
    }


# Lazy: read in the user's language and with the setting of the moment.
image_help_text = lazy(_image_help_text, str)


# --- documents ------------------------------------------------------------------------------

# What `document_format` recognises: "pdf", "docx", or "ole" (an OLE2 compound file: a
# legacy Word .doc or a WPS .wps; the two cannot be told apart by their first bytes).
PDF, DOCX, OLE = "pdf", "docx", "ole"
# Research reports: PDF and DOCX only.
DOCUMENT_FORMATS = (PDF, DOCX)
# Duty reports: county offices also hand in legacy Word and WPS files.
LEGACY_DOCUMENT_FORMATS = (PDF, DOCX, OLE)
# Stored extension -> content type.
DOCUMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "wps": "application/vnd.ms-works",
}
# Extensions an OLE file keeps when it was uploaded with one of them; otherwise ".doc".
OLE_EXTENSIONS = ("doc", "wps")
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _extensions(formats) -> list[str]:
    return [ext for kind in formats for ext in (OLE_EXTENSIONS if kind == OLE else [kind])]


def document_accept(formats=DOCUMENT_FORMATS) -> str:
    """The `accept` attribute of a file input taking `formats`."""
    extensions = _extensions(formats)
    return ",".join(
        [f".{ext}" for ext in extensions] + [DOCUMENT_CONTENT_TYPES[ext] for ext in extensions]
    )


DOCUMENT_ACCEPT = document_accept()


def _not_a_document(name: str, formats) -> ValidationError:
    if OLE in formats:
        message = _("“%(name)s” is not a PDF, Word (.doc, .docx) or WPS (.wps) document.")
    else:
        message = _("“%(name)s” is not a PDF or Word (.docx) document.")
    return ValidationError(message, code="invalid_document", params={"name": name})


def document_format(upload) -> str | None:
    """ "pdf", "docx" or "ole" from the file's content, else None. Reads the first bytes
    and, for a zip, its central directory only (nothing is decompressed)."""
    try:
        upload.seek(0)
        head = upload.read(len(OLE_MAGIC))
        if head.startswith(PDF_MAGIC):
            return PDF
        if head == OLE_MAGIC:
            return OLE
        if not head.startswith(ZIP_MAGIC):
            return None
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
        return DOCX if "word/document.xml" in names else None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)


def _document_extension(kind: str, original: str) -> str:
    """The stored extension: the detected format's; an OLE file keeps ".doc" or ".wps"
    as uploaded, anything else becomes ".doc"."""
    if kind != OLE:
        return kind
    uploaded = PurePath(original).suffix.lower().lstrip(".")
    return uploaded if uploaded in OLE_EXTENSIONS else "doc"


def _check_document_content(upload, formats) -> str:
    """The size and format checks of `check_document`; returns the detected format."""
    name = _display_name(upload)
    max_mb = settings.UPLOAD_DOCUMENT_MAX_MB
    size = getattr(upload, "size", None)
    if size is not None and size > max_mb * 1024 * 1024:
        raise ValidationError(
            _("“%(name)s” is larger than %(max)s MB."),
            code="too_large",
            params={"name": name, "max": max_mb},
        )
    if not size:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    kind = document_format(upload)
    if kind is None or kind not in formats:
        raise _not_a_document(name, formats)
    return kind


def check_document(upload, *, formats=DOCUMENT_FORMATS):
    """Check `upload` (an UploadedFile) and return it renamed `<stem>.<extension>` (the
    detected format's; see `_document_extension` for OLE files), with `original_name`
    (the name as uploaded) and `document_format` (the extension) set; raise
    ValidationError otherwise. `formats`: `DOCUMENT_FORMATS` or `LEGACY_DOCUMENT_FORMATS`."""
    kind = _check_document_content(upload, formats)
    name = _display_name(upload)
    original = PurePath(getattr(upload, "name", "") or "").name[:200] or name
    stem = PurePath(original).stem or "document"
    extension = _document_extension(kind, original)
    upload.original_name = original
    upload.document_format = extension
    upload.name = f"{stem}.{extension}"
    upload.content_type = DOCUMENT_CONTENT_TYPES[extension]
    return upload


def validate_document_upload(upload) -> None:
    """A model or form field validator: the same checks as `check_document`."""
    check_document(upload)


@deconstructible
class DocumentFileValidator:
    """A model field validator: a newly assigned file must pass `check_document` with
    `formats` (without being renamed). A file already stored is not read again, so an
    old row stays editable whatever it holds."""

    def __init__(self, formats=DOCUMENT_FORMATS):
        self.formats = tuple(formats)

    def __call__(self, value) -> None:
        if getattr(value, "_committed", True):
            return
        _check_document_content(getattr(value, "file", value), self.formats)

    def __eq__(self, other) -> bool:
        return isinstance(other, DocumentFileValidator) and other.formats == self.formats

    def __hash__(self) -> int:
        return hash(self.formats)


def _document_help_text(formats=DOCUMENT_FORMATS) -> str:
    if OLE in formats:
        message = gettext("PDF, Word (.doc, .docx) or WPS (.wps), at most %(max)s MB.")
    else:
        message = gettext("PDF or Word (.docx), at most %(max)s MB.")
    return message % {"max": settings.UPLOAD_DOCUMENT_MAX_MB}


document_help_text = lazy(_document_help_text, str)


class DocumentUploadField(forms.FileField):
    """One document of `formats` (default PDF or DOCX; `LEGACY_DOCUMENT_FORMATS` adds
    .doc and .wps): cleans to the checked upload (or the unchanged initial file)."""

    def __init__(self, *, formats=DOCUMENT_FORMATS, **kwargs):
        self.formats = tuple(formats)
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": document_accept(self.formats)})
        )
        kwargs.setdefault("help_text", document_help_text(self.formats))
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return check_document(upload, formats=self.formats)
