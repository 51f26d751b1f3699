"""Tests for reminder.replies: reading SMS and email replies into intents, sites and durations."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder.replies import Intent, Reply, parse, parse_site

SITES = (
    "left_arm",
    "right_arm",
    "left_abdomen",
    "right_abdomen",
    "left_buttock",
    "right_buttock",
    "left_thigh",
    "right_thigh",
)


@pytest.mark.parametrize(
    "text",
    [
        "DONE",
        "Done!",
        " dOnE. ",
        "done\n",
        "Taken",
        "taken ✅",
        "Taken ✅️",
        "did it",
        "I did it!",
        "took it",
        "I took it",
        "injected",
        "I've done it",
        "I’ve taken it",
        "i have taken it",
        "it's done",
        "all done",
        "just done",
        "already done",
        "ok done",
        "yes done",
        "Yes, all done thanks",
        "done thank you",
        "done now",
        "my shot is done",
        "injection done",
        "ＤＯＮＥ",
    ],
)
def test_a_plain_statement_of_the_dose_is_taken(text: str) -> None:
    assert parse(text) == Reply(Intent.TAKEN)


@pytest.mark.parametrize(
    ("text", "site"),
    [
        ("DONE left thigh", "left_thigh"),
        ("DONE LT", "left_thigh"),
        ("DONE,LT", "left_thigh"),
        ("done - left thigh", "left_thigh"),
        ("done in the left thigh thanks", "left_thigh"),
        ("Taken: R arm", "right_arm"),
        ("did it, right upper arm", "right_arm"),
        ("injected belly left", "left_abdomen"),
        ("done RAB", "right_abdomen"),
        ("done, right buttock", "right_buttock"),
        ("Y LT", "left_thigh"),
        ("YES left thigh", "left_thigh"),
        ("yes rb please", "right_buttock"),
        ("done left leg, sore", "left_thigh"),
        ("Taken LT - stung a bit", "left_thigh"),
    ],
)
def test_done_with_a_site_records_the_site(text: str, site: str) -> None:
    assert parse(text) == Reply(Intent.TAKEN, site=site)


@pytest.mark.parametrize(
    ("text", "site_text"),
    [
        ("done elbow", "elbow"),
        ("DONE left elbow", "left elbow"),
        ("done thigh", "thigh"),
        ("taken left", "left"),
        ("done left right arm", "left right arm"),
    ],
)
def test_done_with_words_that_are_no_site_keeps_them_to_quote_back(
    text: str, site_text: str
) -> None:
    assert parse(text) == Reply(Intent.TAKEN, site_text=site_text)


@pytest.mark.parametrize("text", ["done left arm right arm", "done lt, or was it rt", "y lt rt"])
def test_a_reply_naming_two_sites_records_neither(text: str) -> None:
    assert parse(text).site is None


@pytest.mark.parametrize(
    "text",
    [
        "not done",
        "Not done yet",
        "haven't done it",
        "havent done it",
        "I haven’t taken it",
        "I have not done it",
        "didn't take it",
        "didnt do it",
        "don't think I did it",
        "never took it",
        "no not yet",
        "no, done",
        "done? no",
        "done? not yet",
        "Done?",
        "did it?",
        "done yet",
        "done not yet",
        "done later",
        "done in an hour",
        "done in 10 min",
        "done tomorrow",
        "taken 2 hours ago",
        "done 8",
        "will do it later",
        "almost done",
        "half done",
        "have I taken it",
        "is it done",
        "yes not yet",
        "y?",
        "yes not lt",
        "done with work for the day",
        "done, stop texting me",
        "skip, not done",
    ],
)
def test_a_negated_or_doubtful_reply_is_never_taken(text: str) -> None:
    assert parse(text).intent is not Intent.TAKEN


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("not done", Intent.UNKNOWN),
        ("haven't done it", Intent.UNKNOWN),
        ("didn't take it", Intent.UNKNOWN),
        ("not sure", Intent.UNKNOWN),
        ("no not yet", Intent.NO),
        ("no, I haven't", Intent.NO),
        ("done? no", Intent.UNKNOWN),
    ],
)
def test_only_a_plain_no_is_no_because_no_also_means_no_symptom(text: str, intent: Intent) -> None:
    assert parse(text).intent is intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Y", Intent.YES),
        ("yes", Intent.YES),
        ("YES!", Intent.YES),
        (" Yep ", Intent.YES),
        ("yeah thanks", Intent.YES),
        ("yes I did", Intent.YES),
        ("N", Intent.NO),
        ("no", Intent.NO),
        ("No.", Intent.NO),
        ("nope", Intent.NO),
        ("no thanks", Intent.NO),
        ("no not really", Intent.NO),
        ("yes but it hurts", Intent.UNKNOWN),
        ("no idea", Intent.UNKNOWN),
        ("no?", Intent.UNKNOWN),
    ],
)
def test_yes_and_no_are_the_word_alone_or_with_filler(text: str, intent: Intent) -> None:
    assert parse(text) == Reply(intent)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("SKIP", Intent.SKIP),
        ("skip today", Intent.SKIP),
        ("Skipping.", Intent.SKIP),
        ("skipped this one", Intent.SKIP),
        ("skip?", Intent.UNKNOWN),
        ("skip yesterday's and today's", Intent.UNKNOWN),
        ("START", Intent.START),
        ("start again please", Intent.START),
        ("Unstop", Intent.START),
        ("HELP", Intent.HELP),
        ("help!", Intent.HELP),
        ("help me", Intent.HELP),
        ("info", Intent.HELP),
        ("RESUME", Intent.RESUME),
        ("resume reminders please", Intent.RESUME),
        ("unpause", Intent.RESUME),
        ("resume the thing from before", Intent.UNKNOWN),
    ],
)
def test_command_words_are_read_with_filler_and_nothing_else(text: str, intent: Intent) -> None:
    assert parse(text) == Reply(intent)


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        "Stop.",
        "STOP!!!",
        "  stop  ",
        "stop please",
        "please stop",
        "STOP ALL",
        "stopall",
        "stop texting me",
        "stop sending me messages",
        "stop it",
        "UNSUBSCRIBE",
        "unsubscribe me",
        "cancel",
        "END",
        "quit",
        "revoke",
        "optout",
        "opt-out",
        "opt out",
        "stop?",
    ],
)
def test_an_opt_out_word_is_stop(text: str) -> None:
    assert parse(text) == Reply(Intent.STOP)


@pytest.mark.parametrize(
    "text",
    [
        "end it all",
        "I want to end it",
        "stop taking it",
        "quit my job",
        "cancel snooze",
        "stop the",
    ],
)
def test_an_opt_out_word_inside_a_sentence_is_not_stop(text: str) -> None:
    assert parse(text).intent is not Intent.STOP


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("LATER", None),
        ("snooze", None),
        ("remind me later", None),
        ("later please", None),
        ("SNOOZE 2h", 120),
        ("later 30 min", 30),
        ("snooze 90m", 90),
        ("snooze 1.5h", 90),
        ("snooze 1,5h", 90),
        ("snooze 2 hours", 120),
        ("snooze for an hour", 60),
        ("snooze half an hour", 30),
        ("snooze 1h30", 90),
        ("snooze 1 hour 15 minutes", 75),
        ("remind me in 45 mins", 45),
        ("snooze two hours", 120),
        ("snooze 2", 120),
        ("snooze 12", 720),
        ("snooze 13", 13),
        ("snooze 1.5", 90),
        ("snooze 0", None),
        ("snooze -30", 30),
        ("snooze 0.001", 1),
        ("snooze 30 hours", 1440),
        ("snooze 3 days", 1440),
        ("snooze " + "9" * 400, 1440),
        ("snooze until tonight", None),
    ],
)
def test_snooze_reads_its_length_in_minutes(text: str, minutes: int | None) -> None:
    assert parse(text) == Reply(Intent.SNOOZE, minutes=minutes)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("PAUSE", None),
        ("pause please", None),
        ("PAUSE 7", 7),
        ("pause 7 days", 7),
        ("pause for 10d", 10),
        ("pause 2 weeks", 14),
        ("pause a week", 7),
        ("pause for one month", 30),
        ("pause 1.5", 2),
        ("pause 48h", 2),
        ("pause 0", None),
        ("pause 365", 365),
        ("pause 1000", 365),
        ("pause 60 weeks", 365),
        ("pause " + "9" * 400, 365),
    ],
)
def test_pause_reads_its_length_in_days(text: str, days: int | None) -> None:
    assert parse(text) == Reply(Intent.PAUSE, days=days)


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("OK", None),
        ("ok.", None),
        ("Okay", None),
        ("ok thanks", None),
        ("ok got it", None),
        ("OK 12", 12),
        ("ok #12", 12),
        ("ok alert 12 thanks", 12),
        ("ack 12", 12),
        ("ACK", None),
        ("k 7", 7),
    ],
)
def test_ok_acknowledges_an_alert_with_its_number(text: str, ref: int | None) -> None:
    assert parse(text) == Reply(Intent.OK, ref=ref)


@pytest.mark.parametrize(
    "text", ["ok?", "OK 12?", "ok 12 13", "ok 1.5", "ok " + "1" * 19, "ok what happened"]
)
def test_a_question_or_a_stray_word_does_not_acknowledge_an_alert(text: str) -> None:
    assert parse(text) == Reply(Intent.UNKNOWN)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "?", "!!!", "✅", "hello", "3 1", "flu 3 site 1", "d o n e", "1.5", "what"],
)
def test_anything_else_is_unknown(text: str) -> None:
    assert parse(text) == Reply(Intent.UNKNOWN)


@pytest.mark.parametrize(
    ("text", "site"),
    [
        ("left thigh", "left_thigh"),
        ("LT", "left_thigh"),
        ("thigh left", "left_thigh"),
        ("l thigh", "left_thigh"),
        ("Left-Leg", "left_thigh"),
        ("RT", "right_thigh"),
        ("R arm", "right_arm"),
        ("right upper arm", "right_arm"),
        ("back of the left arm", "left_arm"),
        ("LA", "left_arm"),
        ("ra", "right_arm"),
        ("left abdomen", "left_abdomen"),
        ("LAB", "left_abdomen"),
        ("RAB", "right_abdomen"),
        ("right belly", "right_abdomen"),
        ("stomach, left side", "left_abdomen"),
        ("tummy r", "right_abdomen"),
        ("left abd", "left_abdomen"),
        ("left butt", "left_buttock"),
        ("bum right", "right_buttock"),
        ("right glute", "right_buttock"),
        ("left hip", "left_buttock"),
        ("LB", "left_buttock"),
        ("rb", "right_buttock"),
        ("my left buttock", "left_buttock"),
        ("thigh", None),
        ("arm", None),
        ("belly", None),
        ("left", None),
        ("upper", None),
        ("left arm right arm", None),
        ("left right arm", None),
        ("left elbow", None),
        ("tingling in left leg", None),
        ("", None),
    ],
)
def test_parse_site_knows_the_aliases_and_refuses_to_guess_a_side(
    text: str, site: str | None
) -> None:
    assert parse_site(text) == site


@pytest.mark.parametrize("side", ["left", "L", "right", "r"])
@pytest.mark.parametrize("part", ["arm", "upper arm", "belly", "stomach", "bum", "hip", "leg"])
def test_every_site_parse_site_names_is_one_of_the_eight(side: str, part: str) -> None:
    assert parse_site(f"{side} {part}") in SITES
    assert parse_site(f"{part} {side}") in SITES


def test_only_the_first_500_characters_are_read() -> None:
    assert parse(" " * 500 + "stop") == Reply(Intent.UNKNOWN)
    assert parse("done" + " " * 600 + "not") == Reply(Intent.TAKEN)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_never_raises_on_any_text(text: str) -> None:
    reply = parse(text)
    assert isinstance(reply, Reply)
    assert isinstance(reply.intent, Intent)
    assert reply.site is None or reply.site in SITES


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=()), max_size=2000))
def test_parse_never_raises_on_any_code_points_including_surrogates(text: str) -> None:
    assert isinstance(parse(text).intent, Intent)
    assert parse_site(text) in (None, *SITES)


@settings(max_examples=100, deadline=None)
@given(st.text(string.printable))
def test_case_does_not_matter(text: str) -> None:
    assert parse(text) == parse(text.upper()) == parse(text.swapcase())


_DECORATION = st.text(" \t\n\r\u00a0\u3000!.,;:-_*~()[]\"'…✅👍", max_size=4)


@st.composite
def _decorated(draw: st.DrawFn, phrase: str) -> str:
    """The phrase in random case, with random punctuation and space around and between words."""
    words = [
        "".join(c.upper() if draw(st.booleans()) else c for c in word) for word in phrase.split()
    ]
    between = [draw(_DECORATION) + draw(st.sampled_from(" ,-.")) for _ in words[1:]]
    body = words[0] + "".join(gap + word for gap, word in zip(between, words[1:], strict=True))
    return draw(_DECORATION) + body + draw(_DECORATION)


_PHRASES = [
    ("stop", Reply(Intent.STOP)),
    ("stop all", Reply(Intent.STOP)),
    ("unsubscribe", Reply(Intent.STOP)),
    ("done", Reply(Intent.TAKEN)),
    ("done lt", Reply(Intent.TAKEN, site="left_thigh")),
    ("taken right arm", Reply(Intent.TAKEN, site="right_arm")),
    ("yes", Reply(Intent.YES)),
    ("no", Reply(Intent.NO)),
    ("skip", Reply(Intent.SKIP)),
    ("snooze 2 h", Reply(Intent.SNOOZE, minutes=120)),
    ("pause 7", Reply(Intent.PAUSE, days=7)),
    ("resume", Reply(Intent.RESUME)),
    ("start", Reply(Intent.START)),
    ("help", Reply(Intent.HELP)),
    ("ok 12", Reply(Intent.OK, ref=12)),
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_PHRASES).flatmap(lambda pair: st.tuples(_decorated(pair[0]), st.just(pair[1])))
)
def test_keywords_survive_random_case_punctuation_and_spacing(case: tuple[str, Reply]) -> None:
    text, expected = case
    assert parse(text) == expected


_VOCABULARY = [
    "done", "taken", "did", "took", "it", "i", "have", "yes", "y", "ok", "just", "lt", "left",
    "thigh", "arm", "thanks", "now", "my", "shot", "all", "already",
]  # fmt: skip
_NEGATIONS = ["not", "no", "n", "didn't", "haven't", "don’t", "never", "yet", "later", "tomorrow"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_VOCABULARY), max_size=6),
    st.sampled_from(_NEGATIONS),
    st.integers(min_value=0, max_value=6),
)
def test_a_negation_anywhere_means_not_taken(words: list[str], negation: str, at: int) -> None:
    words.insert(min(at, len(words)), negation)
    assert parse(" ".join(words)).intent is not Intent.TAKEN
