from repair_portal.services.sms_text import measure


def test_plain_text_is_gsm7_in_160_then_153_a_part():
    assert measure("").segments == 0
    assert (measure("a" * 160).encoding, measure("a" * 160).segments) == ("GSM-7", 1)
    assert measure("a" * 161).segments == 2 and measure("a" * 306).segments == 2 and measure("a" * 307).segments == 3
    assert measure("Your repair R-10042 is ready: £54.00").encoding == "GSM-7"  # £ is in the basic set


def test_the_extension_characters_count_twice():
    assert measure("€" * 80).units == 160 and measure("€" * 80).segments == 1
    assert measure("€" * 81).segments == 2


def test_anything_else_is_ucs2_in_70_then_67_and_an_emoji_counts_twice():
    assert measure("Zoë ✓").encoding == "UCS-2"
    assert measure("ł" * 70).segments == 1 and measure("ł" * 71).segments == 2 and measure("ł" * 134).segments == 2
    assert measure("📱").units == 2
    assert measure("a" * 67 + "📱").segments == 1  # 69 units
    assert measure("x").summary == "1 character · 1 text · GSM-7"
    assert measure("ł" * 71).summary == "71 characters · 2 texts · UCS-2"
