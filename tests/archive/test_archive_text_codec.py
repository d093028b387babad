"""versions.text_z packing: round trip, the preset dictionary pays, bad blobs fail clearly."""
from __future__ import annotations

import zlib

import pytest

from archive.text_codec import pack_text, unpack_text

from archive_helpers import seed_text


def test_text_round_trips_smaller_than_plain_zlib() -> None:
    text = seed_text()
    packed = pack_text(text)
    assert unpack_text(packed) == text
    # the dictionary of standard labels saves a fifth or more over zlib alone
    assert len(packed) < 0.85 * len(zlib.compress(text.encode("utf-8"), 9))


def test_texts_without_a_dictionary_and_none_still_read() -> None:
    assert unpack_text(zlib.compress("宜春市".encode("utf-8"))) == "宜春市"
    assert unpack_text(None) is None and pack_text(None) is None


def test_unknown_dictionary_is_a_clear_error() -> None:
    packer = zlib.compressobj(9, zdict="另一部词典".encode("utf-8"))
    blob = packer.compress("宜春市".encode("utf-8")) + packer.flush()
    with pytest.raises(ValueError, match="unknown dictionary"):
        unpack_text(blob)
