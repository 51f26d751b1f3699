"""How many SMS segments a text costs: GSM-7 when every character has a septet, else UCS-2.

Pure: text in, numbers out. Carriers bill and deliver per segment, and a long multi-part text
arrives late or out of order on some phones, so the templates are held to a segment budget.

- GSM-7 (3GPP TS 23.038): 160 septets in a single SMS, 153 per part when concatenated (the
  user-data header takes 7). The extension table characters (``^{}\\[~]|€`` and form feed) cost two
  septets, an escape and the character, and an escape pair is never split across parts.
- UCS-2 (UTF-16 on the wire): as soon as one character is outside GSM-7, the whole text is; 70
  code units single, 67 per part. A character outside the Basic Multilingual Plane (most emoji)
  takes two code units, a surrogate pair that is never split across parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


class Encoding(StrEnum):
    GSM7 = "gsm7"  # every character is in the GSM 03.38 alphabet (basic or extension table)
    UCS2 = "ucs2"  # at least one character is not: the whole message goes as UTF-16


@dataclass(frozen=True)
class Segments:
    """What a text costs: its encoding, its length in that encoding's units, and its parts."""

    encoding: Encoding
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    count: int  # 0 for an empty text


def encoding_of(text: str) -> Encoding:
    gsm = GSM7_BASIC | GSM7_EXTENSION
    return Encoding.GSM7 if all(ch in gsm for ch in text) else Encoding.UCS2


def count_segments(text: str) -> Segments:
    """The encoding, length and number of SMS parts ``text`` is sent as."""
    encoding = encoding_of(text)
    if encoding is Encoding.GSM7:
        sizes = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        single, part = GSM7_SINGLE, GSM7_PART
    else:
        sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, part = UCS2_SINGLE, UCS2_PART
    units = sum(sizes)
    if units == 0:
        return Segments(encoding, 0, 0)
    if units <= single:
        return Segments(encoding, units, 1)
    # Fill each part greedily; a two-unit character that does not fit starts the next part.
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return Segments(encoding, units, count)
