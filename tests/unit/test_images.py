import io

import pytest
from PIL import Image

from repair_portal.integrations.images import MAX_UPLOAD_BYTES, ImageRejected, store_photo


def _jpeg_with_gps(size=(800, 600)) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_re_encoded_without_metadata_under_a_server_chosen_name(tmp_path):
    raw = _jpeg_with_gps()
    assert b"PhoneMaker" in raw
    stored = store_photo(raw, tmp_path)
    data = (tmp_path / stored.storage_name).read_bytes()
    assert b"PhoneMaker" not in data
    with Image.open(tmp_path / stored.storage_name) as img:
        assert img.format == "JPEG" and not img.getexif()
        assert (img.width, img.height) == (stored.width, stored.height) == (800, 600)
    assert stored.storage_name.endswith(".jpg") and len(stored.storage_name) == 36


@pytest.mark.parametrize(
    "payload,message",
    [
        (b"", "empty"),
        (b"%PDF-1.7 not an image", "not a readable image"),
        (b"GIF89a" + b"\x00" * 20, "not a readable image"),
        (b"<?php echo 1; ?>", "not a readable image"),
    ],
)
def test_fake_images_are_refused(tmp_path, payload, message):
    with pytest.raises(ImageRejected, match=message):
        store_photo(payload, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_oversized_files_are_refused_before_decoding(tmp_path):
    with pytest.raises(ImageRejected, match="larger than"):
        store_photo(b"\xff\xd8" + b"0" * MAX_UPLOAD_BYTES, tmp_path)


def test_decompression_bombs_are_refused_by_pixel_count(tmp_path):
    out = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(out, format="PNG")  # tiny file, 50 MP
    assert len(out.getvalue()) < 200_000
    with pytest.raises(ImageRejected, match="too many pixels"):
        store_photo(out.getvalue(), tmp_path)


def test_huge_photos_are_scaled_down(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), "navy").save(out, format="PNG")
    stored = store_photo(out.getvalue(), tmp_path)
    assert max(stored.width, stored.height) == 2560
