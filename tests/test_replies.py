"""Tests for reminder.replies: reading SMS and email replies into intents, sites and durations."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder.replies import Answers, Intent, Problem, Reply, parse, parse_site, read_scores

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
    ["", "   ", "?", "!!!", "✅", "hello", "d o n e", "what", "Y N", "3 1?", "site is sore"],
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


# Check-in answers


def checkin(text: str) -> Answers:
    reply = parse(text)
    assert reply.intent is Intent.CHECKIN, reply
    assert reply.answers is not None
    return reply.answers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 1", Answers(bare=(3, 1))),
        ("3,1", Answers(bare=(3, 1))),
        ("3,1 N", Answers(bare=(3, 1), neuro=False)),
        ("3, 1, n", Answers(bare=(3, 1), neuro=False)),
        ("flu 3 site 1", Answers(flu=3, site=1)),
        ("flu 3 site 1 fever", Answers(flu=3, site=1, fever=True)),
        ("Flu: 3, Site: 1", Answers(flu=3, site=1)),
        ("site 1 flu 3", Answers(flu=3, site=1)),
        ("f3 s1 y", Answers(flu=3, site=1, neuro=True)),
        ("flu-like 7", Answers(flu=7)),
        ("3/10 1/10", Answers(bare=(3, 1))),
        ("3 out of 10, 1 out of 10", Answers(bare=(3, 1))),
        ("0 0 N thanks", Answers(bare=(0, 0), neuro=False)),
        ("10 10 Y", Answers(bare=(10, 10), neuro=True)),
        ("3 1 no fever", Answers(bare=(3, 1), fever=False)),
        ("3 1 N FEVER", Answers(bare=(3, 1), neuro=False, fever=True)),
        ("3", Answers(bare=(3,))),
        ("site 8, left thigh a bit red", Answers(site=8)),
        ("٣ ١", Answers(bare=(3, 1))),
    ],
)
def test_check_in_scores_are_read_in_the_compact_forms(text: str, expected: Answers) -> None:
    assert checkin(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FEVER", Answers(fever=True)),
        ("fever!", Answers(fever=True)),
        ("no fever", Answers(fever=False)),
        ("numbness", Answers(neuro=True, symptoms=frozenset({"numbness"}))),
        ("Y numbness in my left leg", Answers(neuro=True, symptoms=frozenset({"numbness"}))),
        ("yes blurred vision", Answers(neuro=True, symptoms=frozenset({"vision"}))),
        ("y dizzy and weak", Answers(neuro=True, symptoms=frozenset({"balance", "weakness"}))),
        ("N no numbness", Answers(neuro=False)),
        ("Y fever", Answers(neuro=True, fever=True)),
        ("N, no fever", Answers(neuro=False, fever=False)),
    ],
)
def test_symptom_and_fever_words_answer_without_scores(text: str, expected: Answers) -> None:
    assert checkin(text) == expected


@pytest.mark.parametrize(
    ("text", "problem", "detail"),
    [
        ("12", Problem.OUT_OF_RANGE, "12"),
        ("3 11", Problem.OUT_OF_RANGE, "11"),
        ("-1 2", Problem.OUT_OF_RANGE, "-1"),
        ("flu 30 site 1", Problem.OUT_OF_RANGE, "30"),
        ("2.5 1", Problem.DECIMAL, "2.5"),
        ("3 1 5", Problem.TOO_MANY, "3 1 5"),
        ("flu 3 flu 4", Problem.TWICE, "3 4"),
        ("fever no fever", Problem.TWICE, ""),
        ("3 1 Y N", Problem.YES_AND_NO, ""),
        ("3 1 N numbness", Problem.YES_AND_NO, ""),
    ],
)
def test_scores_that_cannot_be_read_are_a_problem_never_a_guess(
    text: str, problem: Problem, detail: str
) -> None:
    answers = checkin(text)
    assert (answers.problem, answers.detail) == (problem, detail)
    assert (answers.flu, answers.site, answers.bare) == (None, None, ())


@pytest.mark.parametrize(
    "text",
    [
        "I took 2 paracetamol",
        "call me at 5",
        "site is sore",
        "flu",
        "done 3 1",
        "snooze 3",
        "ok 3 1",
        "3 1?",
        "is 7 bad?",
        "yes but it hurts",
    ],
)
def test_a_sentence_with_numbers_is_not_read_as_check_in_answers(text: str) -> None:
    assert parse(text).intent is not Intent.CHECKIN


@pytest.mark.parametrize(
    ("answers", "flu_known", "site_known", "expected"),
    [
        (Answers(bare=(3, 1)), False, False, (3, 1, None)),
        (Answers(bare=(3, 1)), True, True, (3, 1, None)),  # a second full answer corrects both
        (Answers(bare=(5,)), True, False, (None, 5, None)),
        (Answers(bare=(5,)), False, True, (5, None, None)),
        (Answers(bare=(5,)), False, False, (None, None, Problem.WHICH_SCORE)),
        (Answers(bare=(5,)), True, True, (None, None, Problem.WHICH_SCORE)),
        (Answers(flu=3, bare=(1,)), False, False, (3, 1, None)),
        (Answers(site=1, bare=(3,)), False, False, (3, 1, None)),
        (Answers(flu=3, bare=(1, 2)), False, False, (None, None, Problem.TOO_MANY)),
        (Answers(flu=3, site=1), False, False, (3, 1, None)),
        (Answers(neuro=True), False, False, (None, None, None)),
    ],
)
def test_read_scores_places_bare_numbers_only_where_they_cannot_be_mistaken(
    answers: Answers, flu_known: bool, site_known: bool, expected: tuple[object, ...]
) -> None:
    assert read_scores(answers, flu_known=flu_known, site_known=site_known) == expected


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("HEALED", Reply(Intent.HEALED)),
        ("healed!", Reply(Intent.HEALED)),
        ("it's healed, thanks", Reply(Intent.HEALED)),
        ("healed LT", Reply(Intent.HEALED, site="left_thigh")),
        ("left thigh has healed", Reply(Intent.HEALED, site="left_thigh")),
        ("not healed yet", Reply(Intent.NO)),
        ("it hasn't healed", Reply(Intent.NO)),
        ("healed?", Reply(Intent.UNKNOWN)),
        ("healed my elbow", Reply(Intent.UNKNOWN)),
    ],
)
def test_healed_names_the_site_when_it_can(text: str, reply: Reply) -> None:
    assert parse(text) == reply


# Words that must reach a person, whatever else a reply says


@pytest.mark.parametrize(
    "text",
    [
        "I want to die",
        "i wanna die",
        "I'm going to kill myself",
        "thinking about killing my self",
        "I want to end it all",
        "I feel suicidal",
        "suicide",
        "I just want to end my life",
        "everyone would be better off without me",
        "I have been cutting myself",
        "self-harm again",
        "I don't want to live anymore",
        "there's no point in living",
        "DONE. I want to die",
        "3 1 N and I want to die",
        "should I just kill myself?",
        "not suicidal, just tired",  # a person judges; the parser does not read negations here
        "KMS",
    ],
)
def test_words_of_self_harm_are_found_in_any_reply(text: str) -> None:
    assert parse(text).self_harm


@pytest.mark.parametrize(
    "text",
    [
        "done",
        "this shot is killing me",
        "dying for a coffee",
        "end",
        "stop",
        "the pain killer helped",
        "I could die of boredom waiting",
        "cut the dose?",
        "3 1 N",
    ],
)
def test_everyday_words_are_not_read_as_self_harm(text: str) -> None:
    assert not parse(text).self_harm


def test_an_end_it_all_message_is_neither_stop_nor_silence() -> None:
    reply = parse("end it all")
    assert reply.intent is not Intent.STOP
    assert reply.self_harm


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("there's a blister where I injected", ("blister",)),
        ("3 8 N, it has pus", ("pus",)),
        ("the spot is black and draining", ("black", "drain")),
        ("open sore on my left thigh", ("open",)),
        ("the skin is open", ("open",)),
        ("DONE LT, the old site is an open wound", ("open", "wound")),
        ("the clinic is open tomorrow", ()),
        ("3 1 N", ()),
        ("red and itchy", ()),
    ],
)
def test_words_of_an_injured_site_are_found_in_any_reply(text: str, words: tuple[str, ...]) -> None:
    assert parse(text).site_words == words


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 10),
    st.integers(0, 10),
    st.sampled_from([None, True, False]),
    st.sampled_from([None, True, False]),
    st.sampled_from([", ", " ", ",", "; ", " - "]),
    st.booleans(),
)
def test_any_compact_check_in_answer_is_read_exactly(
    flu: int, site: int, neuro: bool | None, fever: bool | None, gap: str, labelled: bool
) -> None:
    text = f"flu {flu}{gap}site {site}" if labelled else f"{flu}{gap}{site}"
    if neuro is not None:
        text += gap + ("Y" if neuro else "N")
    if fever is not None:
        text += " " + ("FEVER" if fever else "no fever")
    answers = checkin(text)
    placed = read_scores(answers, flu_known=False, site_known=False)
    assert placed == (flu, site, None)
    assert (answers.neuro, answers.fever, answers.problem) == (neuro, fever, None)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_check_in_answers_are_in_range_or_a_problem_on_any_text(text: str) -> None:
    answers = parse(text).answers
    if answers is None:
        return
    if answers.problem is not None:
        assert (answers.flu, answers.site, answers.bare) == (None, None, ())
    for score in (answers.flu, answers.site, *answers.bare):
        assert score is None or 0 <= score <= 10
    flu, site, problem = read_scores(answers, flu_known=False, site_known=True)
    assert problem is not None or flu is not None or site is not None or not answers.bare


# Carrier compliance words (CTIA / Twilio): honoured however they are typed.
_COMPLIANCE = [
    *(
        (word, Intent.STOP)
        for word in "stop stopall unsubscribe cancel end quit revoke optout".split()
    ),
    ("opt out", Intent.STOP),
    ("start", Intent.START),
    ("unstop", Intent.START),
    ("help", Intent.HELP),
    ("info", Intent.HELP),
]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(_COMPLIANCE).flatmap(
        lambda pair: st.tuples(_decorated(pair[0]), st.just(pair[1]))
    )
)
def test_compliance_words_are_read_in_any_case_spacing_and_punctuation(
    case: tuple[str, Intent],
) -> None:
    text, intent = case
    assert parse(text).intent == intent


_STOP_COMPANY = ["please", "now", "all", "texts", "messages", "me", "thanks", "stop", "unsubscribe"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["stop", "unsubscribe", "optout"]).flatmap(_decorated),
    st.lists(st.sampled_from(_STOP_COMPANY).flatmap(_decorated), max_size=4),
    st.booleans(),
)
def test_stop_wins_whatever_polite_or_repeated_words_come_with_it(
    stop: str, company: list[str], please_first: bool
) -> None:
    text = " ".join((["Please"] if please_first else []) + [stop, *company])
    assert parse(text).intent == Intent.STOP
