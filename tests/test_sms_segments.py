"""SMS segments: how a text is counted (GSM-7 or UCS-2), and every SMS template held to two segments
with the longest realistic values."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder.config_messages import Messages
from reminder.regimen import SITE_LABELS
from reminder.render import Renderer, default_templates_dir
from reminder.replies import parse
from reminder.sms import GSM7_BASIC, Encoding, count_segments
from tests.test_render import CASES, dose_context

# --- counting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "segments"), [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3)]
)
def test_plain_text_is_160_characters_alone_and_153_a_part_when_longer(
    length: int, segments: int
) -> None:
    counted = count_segments("a" * length)
    assert (counted.encoding, counted.units, counted.count) == (Encoding.GSM7, length, segments)


def test_an_extension_character_costs_two_septets() -> None:
    assert count_segments("{" * 80).units == 160
    assert count_segments("{" * 80).count == 1
    assert count_segments("€" * 81).count == 2


def test_an_escape_pair_is_never_split_between_parts() -> None:
    # 306 septets would fill two parts exactly, but the euro's escape pair cannot start at the
    # last septet of the first part: it moves to the second, and one "a" spills into a third.
    text = "a" * 152 + "€" + "a" * 152
    assert count_segments(text).units == 306
    assert count_segments(text).count == 3


@pytest.mark.parametrize(
    ("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_one_character_outside_gsm7_makes_the_whole_text_ucs2(length: int, segments: int) -> None:
    text = "ł" + "a" * (length - 1)
    counted = count_segments(text)
    assert (counted.encoding, counted.units, counted.count) == (Encoding.UCS2, length, segments)


def test_an_emoji_takes_two_units_and_is_never_split_between_parts() -> None:
    assert count_segments("👍").units == 2
    assert count_segments("a" * 68 + "👍").count == 1  # 70 units
    assert count_segments("a" * 66 + "👍" + "a" * 66).count == 3  # 134 units, but the pair moves


def test_the_gsm7_letters_that_look_foreign_stay_gsm7() -> None:
    assert count_segments("Zoé, Åsa, Jürgen, Niño, ß, Ø, ¿qué? 5 £/€").encoding == Encoding.GSM7
    for outside in "íúçłŁōńšžę’“…":  # curly quotes and the ellipsis too: they cost a whole text
        assert count_segments(f"ok {outside}").encoding == Encoding.UCS2, outside


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Añade FIEBRE, médico, Gesäß, fièvre, déjà", Encoding.GSM7),
        ("inyección", Encoding.UCS2),  # ó has no septet
        ("7:30\u202fPM", Encoding.UCS2),  # Babel's narrow no-break space
        ("19:30\u00a0Uhr", Encoding.UCS2),  # a no-break space neither
        ("août", Encoding.UCS2),
    ],
)
def test_the_letters_of_the_shipped_languages_are_counted_honestly(
    text: str, encoding: Encoding
) -> None:
    assert count_segments(text).encoding == encoding


@given(st.text(st.sampled_from(sorted(GSM7_BASIC)), max_size=800))
def test_plain_gsm7_text_needs_exactly_the_parts_its_length_fills(text: str) -> None:
    length = len(text)
    expected = 0 if not length else 1 if length <= 160 else -(-length // 153)
    assert count_segments(text).count == expected


@given(st.text(max_size=600))
def test_no_part_is_ever_overfilled(text: str) -> None:
    counted = count_segments(text)
    part = 153 if counted.encoding == Encoding.GSM7 else 67
    single = 160 if counted.encoding == Encoding.GSM7 else 70
    if counted.units <= single:
        assert counted.count == (1 if text else 0)
    else:
        assert -(-counted.units // part) <= counted.count <= -(-counted.units // (part - 1))


# --- the templates ------------------------------------------------------------------------------

# The longest values each field realistically takes, all in GSM-7. The operator's texts are at the
# longest config allows (messages.sender_name 40, messages.help_contact 80 characters).
LONGEST_GSM7: dict[str, Any] = {
    "name": "Maximilian-Alexander",
    "sender_name": "Riverside Neurology and Infusion Clinic.",
    "help_contact": "call 312-555-0100 (Mon-Fri 9-5) or write to nurse.team@riverside-neurology.org",
    "site_text": "inner left forearm",
    "volume_ml": 0.75,
    "on": "2026-12-30",
}
# A name with a letter outside GSM-7 turns the whole text into UCS-2, 67 characters a part.
REALISTIC_UCS2: dict[str, Any] = LONGEST_GSM7 | {"name": "Małgorzata", "volume_ml": 0.25}
# Only ASCII: what every template's own wording must stay within.
PLAIN: dict[str, Any] = LONGEST_GSM7 | {"help_contact": "call 312-555-0100"}
# The widest day and time the filters print: "Tue 29 Sep" at "19:30" in Chicago.
WIDE_MOMENT = "2026-09-30T00:30:00+00:00"
_ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT")
# The texts every patient gets every other day (and the lab reminder): held to two parts even in
# UCS-2. Answers and check-in questions are longer; in UCS-2 they may take a third part.
SCHEDULED = ("reminder", "nudge", "lab")


def stretched(context: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The case's context with every field the values know at its longest, and every time at the
    widest; optional texts the case leaves empty stay empty, except the operator's help contact."""
    out = dict(context)
    for key, value in values.items():
        if key in out and (out[key] or key == "help_contact"):
            out[key] = value
    if "answer" in out:
        out["help_contact"] = values["help_contact"]
    for key, value in out.items():
        if isinstance(value, str) and _ISO_MOMENT.match(value):
            out[key] = WIDE_MOMENT
    return out


CASE_IDS = [f"{name}-{context.get('answer', '')}-{i}" for i, (name, context) in enumerate(CASES)]


def texts_of(values: dict[str, Any]) -> Messages:
    """The operator's texts at the values' lengths: the renderer, not the context, supplies them."""
    return Messages(sender_name=values["sender_name"], help_contact=values["help_contact"])


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(messages=texts_of(LONGEST_GSM7))


def test_the_cases_cover_every_sms_template() -> None:
    folder = default_templates_dir() / "en" / "sms"
    shipped = {path.name.removesuffix(".txt.j2") for path in folder.glob("*.txt.j2")}
    assert shipped == {name for name, _ in CASES}


@pytest.mark.parametrize(("name", "context"), CASES, ids=CASE_IDS)
def test_every_sms_fits_in_two_segments_with_the_longest_realistic_values(
    renderer: Renderer, name: str, context: dict[str, Any]
) -> None:
    body = renderer.render("sms", name, "en", stretched(context, LONGEST_GSM7)).body
    counted = count_segments(body)
    assert counted.encoding == Encoding.GSM7
    assert counted.count <= 2, f"{counted.count} segments ({counted.units} septets): {body}"


@pytest.mark.parametrize(("name", "context"), CASES, ids=CASE_IDS)
def test_no_template_wording_needs_ucs2(
    renderer: Renderer, name: str, context: dict[str, Any]
) -> None:
    # One curly quote or ellipsis in a template would halve every text's room, for everyone.
    body = (
        Renderer(messages=texts_of(PLAIN)).render("sms", name, "en", stretched(context, PLAIN)).body
    )
    assert count_segments(body).encoding == Encoding.GSM7, [
        ch for ch in body if count_segments(ch).encoding == Encoding.UCS2
    ]


@pytest.mark.parametrize(
    ("name", "context"),
    [case for case in CASES if case[0] in SCHEDULED],
    ids=[case_id for case_id, case in zip(CASE_IDS, CASES, strict=True) if case[0] in SCHEDULED],
)
def test_scheduled_texts_fit_in_two_segments_even_when_the_name_needs_ucs2(
    renderer: Renderer, name: str, context: dict[str, Any]
) -> None:
    body = renderer.render("sms", name, "en", stretched(context, REALISTIC_UCS2)).body
    counted = count_segments(body)
    assert counted.encoding == Encoding.UCS2
    assert counted.count <= 2, f"{counted.count} segments ({counted.units} units): {body}"


def test_the_reminder_fits_one_segment_in_gsm7(renderer: Renderer) -> None:
    for site in (*SITE_LABELS, None):
        for snoozed in (False, True):
            context = stretched(dose_context(site=site, snoozed=snoozed), LONGEST_GSM7)
            body = renderer.render("sms", "reminder", "en", context).body
            assert count_segments(body).count == 1, body


def test_a_quoted_site_word_is_cut_short_so_a_long_one_cannot_grow_the_answer(
    renderer: Renderer,
) -> None:
    context = {
        "tz": "America/Chicago",
        "answer": "taken",
        "help_contact": "",
        "sender_name": "Your care team",
        "taken_at": WIDE_MOMENT,
        "site": None,
        "site_text": "supercalifragilisticexpialidocious elbow region",
        "next_at": WIDE_MOMENT,
    }
    body = renderer.render("sms", "reply", "en", context).body
    assert '"supercalifragilistice..."' in body
    assert count_segments(body).count == 1


@pytest.mark.parametrize("site", sorted(SITE_LABELS))
def test_the_site_code_a_reminder_suggests_records_that_site(renderer: Renderer, site: str) -> None:
    body = renderer.render("sms", "reminder", "en", dose_context(site=site)).body
    [code] = re.findall(r"Reply (DONE [A-Z]+) when taken", body)
    assert parse(code).site == site
