import io

from PIL import Image

from repair_portal.integrations.qr import qr_image, qr_png

from .document_fixtures import decode_qr_codes

URL = "https://repairs.example.com/track/kcc_UZBmhKcZvUT41cfKHQNThC0"


def test_qr_png_is_a_png_that_decodes_to_the_exact_url():
    data = qr_png(URL)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert decode_qr_codes(image) == [URL]


def test_box_size_and_border_control_the_pixel_size():
    small = Image.open(io.BytesIO(qr_png(URL, box_size=4, border=1)))
    large = Image.open(io.BytesIO(qr_png(URL, box_size=10, border=4)))
    modules = small.width // 4 - 2
    assert small.width == (modules + 2) * 4
    assert large.width == (modules + 8) * 10
    assert decode_qr_codes(small) == [URL]


def test_qr_image_is_greyscale_for_pdfs_and_decodes():
    image = qr_image(URL)
    assert image.mode == "L"
    assert decode_qr_codes(image) == [URL]
