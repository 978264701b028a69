"""apps.core.uploads: images are checked by content, normalized and stripped of metadata."""

import io
import struct
import zlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from apps.core.uploads import (
    ImageUploadField,
    MultipleImageField,
    RandomFileName,
    process_image,
    validate_image_upload,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def image_bytes(fmt="JPEG", size=(120, 80), mode="RGB", exif=None) -> bytes:
    out = io.BytesIO()
    color = (10, 120, 200, 128) if mode == "RGBA" else (10, 120, 200)
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new(mode, size, color).save(out, format=fmt, **kwargs)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def exif_with_gps(orientation=1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (33.0, 51.0, 0.0), 3: "E", 4: (113.0, 29.0, 0.0)})
    return exif.tobytes()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming `width`×`height` pixels with almost no data: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def test_a_real_small_jpeg_is_accepted_with_gps_and_exif_removed():
    data = image_bytes(exif=exif_with_gps())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the input has GPS
    processed = process_image(upload(data))
    image = Image.open(io.BytesIO(processed.file.getvalue()))
    assert image.format == "JPEG"
    assert (processed.width, processed.height) == (120, 80) == image.size
    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD)
    assert 0x010F not in exif
    assert "exif" not in image.info


def noisy_jpeg(size=(200, 150), **options) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(out, format="JPEG", **options)
    return out.getvalue()


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


@pytest.mark.parametrize("progressive", [False, True])
def test_an_upright_jpeg_within_the_size_is_stored_as_encoded_without_its_metadata(
    progressive,
):
    # given a camera JPEG: EXIF with GPS, an XMP block, a comment, bytes after its end
    plain = noisy_jpeg(progressive=progressive, quality=90)
    exif = segment(0xE1, b"Exif\x00\x00" + exif_with_gps())
    xmp = segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPS</x:xmpmeta>")
    comment = segment(0xFE, b"taken at home")
    data = plain[:2] + exif + xmp + comment + plain[2:] + b"PK\x03\x04 appended archive"
    # when
    processed = process_image(upload(data))
    stored = processed.file.getvalue()
    # then the same encoded pixels (no second encoding), and nothing else
    image = Image.open(io.BytesIO(stored))
    original = Image.open(io.BytesIO(plain))
    assert image.tobytes() == original.tobytes()
    assert stored == plain  # Pillow writes only JFIF, tables, frame and scans
    assert b"Exif" not in stored and b"xmpmeta" not in stored and b"taken at home" not in stored
    assert stored.endswith(b"\xff\xd9")
    assert (processed.width, processed.height) == (200, 150)


def test_free_bytes_of_the_kept_application_blocks_are_dropped_too():
    # given a payload in a JFXX APP0, after the fields of JFIF's APP0 (its "thumbnail")
    # and after the fields of Adobe's APP14: blocks a decoder reads, so they are kept
    payload = b"<html><script>alert(1)</script></html>"
    plain = noisy_jpeg()
    jfif_length = int.from_bytes(plain[4:6], "big")
    jfif, rest = plain[6 : 4 + jfif_length], plain[4 + jfif_length :]
    assert jfif.startswith(b"JFIF\x00")
    adobe = b"Adobe\x00\x64\x00\x00\x00\x00\x00"
    crafted = (
        plain[:2]
        + segment(0xE0, jfif[:12] + b"\x00\x00" + payload)
        + segment(0xE0, b"JFXX\x00\x10" + payload)
        + segment(0xEE, adobe + payload)
        + rest
    )
    # when
    stored = process_image(upload(crafted)).file.getvalue()
    # then the pixels as encoded, the fixed fields only, no payload
    assert payload not in stored and b"JFXX" not in stored and b"<html>" not in stored
    assert stored == plain[:2] + segment(0xE0, jfif) + segment(0xEE, adobe) + rest
    image = Image.open(io.BytesIO(stored))
    assert image.tobytes() == Image.open(io.BytesIO(plain)).tobytes()


def test_a_jpeg_keeps_its_colour_profile_when_stored_as_encoded():
    profile = b"\x00" * 128  # the APP2 block travels as it is; only its name is read
    plain = noisy_jpeg()
    icc = segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + profile)
    flashpix = segment(0xE2, b"FPXR\x00" + b"\x01" * 16)  # another APP2 block: dropped
    processed = process_image(upload(plain[:2] + icc + flashpix + plain[2:]))
    assert processed.file.getvalue() == plain[:2] + icc + plain[2:]


def test_a_jpeg_needing_work_is_encoded_again():
    # rotated by its EXIF, or larger than the limit: decoded, transformed, encoded
    rotated = process_image(upload(noisy_jpeg(exif=exif_with_gps(6))))
    assert (rotated.width, rotated.height) == (150, 200)
    assert b"Exif" not in rotated.file.getvalue()
    large = process_image(upload(noisy_jpeg(size=(2400, 300))))
    assert (large.width, large.height) == (2000, 250)


def test_the_exif_orientation_is_applied_before_it_is_dropped():
    processed = process_image(upload(image_bytes(size=(120, 80), exif=exif_with_gps(6))))
    assert (processed.width, processed.height) == (80, 120)


def test_stored_names_are_random_and_keep_no_part_of_the_uploaded_name():
    first = process_image(upload(image_bytes(), name="张三家门牌号.jpg"))
    second = process_image(upload(image_bytes(), name="张三家门牌号.jpg"))
    assert first.name != second.name
    assert "张三" not in first.name and first.name.endswith(".jpg")
    assert first.thumbnail.name.endswith(".jpg")
    assert first.original_name == "张三家门牌号.jpg"


def test_a_large_image_is_resized_to_2000_px_with_a_small_thumbnail():
    processed = process_image(upload(image_bytes(size=(3000, 1500))))
    assert (processed.width, processed.height) == (2000, 1000)
    thumb = Image.open(io.BytesIO(processed.thumbnail.file.getvalue()))
    assert max(thumb.size) == 480
    assert thumb.format == "JPEG"


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("WEBP", "webp")])
def test_png_and_webp_are_accepted_and_keep_their_format_and_alpha(fmt, ext):
    processed = process_image(upload(image_bytes(fmt, mode="RGBA"), name=f"x.{ext}"))
    image = Image.open(io.BytesIO(processed.file.getvalue()))
    assert image.format == fmt
    assert image.mode == "RGBA"
    assert processed.name.endswith(f".{ext}")
    assert processed.content_type == f"image/{ext}"


def test_png_metadata_chunks_are_dropped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "家庭住址：某某村")
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, format="PNG", pnginfo=info, exif=exif_with_gps())
    source = Image.open(io.BytesIO(out.getvalue()))
    source.load()
    assert "Comment" in source.info and source.getexif().get_ifd(GPS_IFD)
    processed = process_image(upload(out.getvalue(), name="a.png"))
    image = Image.open(io.BytesIO(processed.file.getvalue()))
    image.load()
    assert "Comment" not in image.info
    assert not image.getexif().get_ifd(GPS_IFD)


def test_the_extension_does_not_matter_the_content_does():
    # A PNG named .jpg is a PNG.
    processed = process_image(upload(image_bytes("PNG"), name="disguised.jpg"))
    assert processed.image_format == "PNG"


def test_a_text_file_named_jpg_is_refused_in_chinese():
    with pytest.raises(ValidationError) as caught:
        process_image(upload(b"just some text, not an image\n" * 10, name="notes.jpg"))
    message = caught.value.messages[0]
    assert "“notes.jpg”不是 JPEG、PNG 或 WebP 格式的图片" in message
    assert caught.value.error_list[0].code == "invalid_image"


def test_a_gif_is_refused_although_pillow_reads_it():
    with pytest.raises(ValidationError, match="不是 JPEG、PNG 或 WebP"):
        process_image(upload(image_bytes("GIF", mode="P"), name="a.gif"))


def test_a_truncated_jpeg_is_refused():
    data = image_bytes(size=(400, 300))
    with pytest.raises(ValidationError, match="不是 JPEG、PNG 或 WebP"):
        process_image(upload(data[: len(data) // 3]))


def test_an_oversized_file_is_refused_before_it_is_decoded(settings):
    settings.UPLOAD_IMAGE_MAX_MB = 1
    big = upload(b"\xff\xd8" + b"\x00" * (1024 * 1024), name="big.jpg")
    with pytest.raises(ValidationError) as caught:
        process_image(big)
    assert "“big.jpg”超过 1 MB" in caught.value.messages[0]
    assert caught.value.error_list[0].code == "too_large"


def test_the_default_limit_is_ten_megabytes(settings):
    assert settings.UPLOAD_IMAGE_MAX_MB == 10


def test_a_decompression_bomb_is_refused_by_our_pixel_limit():
    with pytest.raises(ValidationError) as caught:
        process_image(upload(png_header_only(30000, 30000), name="bomb.png"))
    assert "像素过多" in caught.value.messages[0]
    assert caught.value.error_list[0].code == "too_many_pixels"


@pytest.mark.parametrize("side", [10_000, 20_000])
def test_pillows_own_bomb_checks_are_refusals_too(settings, side):
    """Above Image.MAX_IMAGE_PIXELS Pillow warns, above twice that it raises: both refuse."""
    settings.UPLOAD_IMAGE_MAX_PIXELS = 10**12
    assert side * side > Image.MAX_IMAGE_PIXELS
    with pytest.raises(ValidationError) as caught:
        process_image(upload(png_header_only(side, side), name="bomb.png"))
    assert caught.value.error_list[0].code == "too_many_pixels"


def test_validator_form_of_the_checks():
    validate_image_upload(upload(image_bytes()))
    with pytest.raises(ValidationError):
        validate_image_upload(upload(b"nope", name="x.png"))


class PhotoForm(forms.Form):
    title = forms.CharField()
    photo = ImageUploadField(required=False)
    photos = MultipleImageField(required=False, max_files=2)


def test_single_field_cleans_to_a_processed_image_and_keeps_other_input():
    good = PhotoForm({"title": "t"}, {"photo": upload(image_bytes())})
    assert good.is_valid(), good.errors
    assert good.cleaned_data["photo"].width == 120
    bad = PhotoForm({"title": "保留的标题"}, {"photo": upload(b"text", name="x.jpg")})
    assert not bad.is_valid()
    assert "不是 JPEG" in bad.errors["photo"][0]
    assert bad["title"].value() == "保留的标题"


def test_multiple_field_reports_each_bad_file_and_the_count_limit():
    from django.utils.datastructures import MultiValueDict

    files = MultiValueDict(
        {"photos": [upload(image_bytes(), name="ok.jpg"), upload(b"x", name="bad.jpg")]}
    )
    form = PhotoForm({"title": "t"}, files)
    assert not form.is_valid()
    assert len(form.errors["photos"]) == 1 and "bad.jpg" in form.errors["photos"][0]
    too_many = MultiValueDict({"photos": [upload(image_bytes()) for _ in range(3)]})
    form = PhotoForm({"title": "t"}, too_many)
    assert not form.is_valid()
    assert "最多上传 2 张" in form.errors["photos"][0]
    two = MultiValueDict({"photos": [upload(image_bytes()) for _ in range(2)]})
    form = PhotoForm({"title": "t"}, two)
    assert form.is_valid()
    assert len(form.cleaned_data["photos"]) == 2


def test_file_inputs_accept_only_the_three_types():
    html = str(PhotoForm()["photos"])
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert "multiple" in html


def test_random_file_name_upload_to():
    upload_to = RandomFileName("sessions/photos")
    first = upload_to(None, "x.JPG")
    assert first.startswith("sessions/photos/") and first.endswith(".jpg")
    assert first != upload_to(None, "x.JPG")
    assert upload_to(None, "evil.php").endswith(".bin")
    assert RandomFileName("a/") == RandomFileName("a")
