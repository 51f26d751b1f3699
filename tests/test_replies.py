"""Tests for reminder.replies: a reply read into every fact it carries, then placed in context.

The labelled corpus of realistic replies is tests/reply_corpus.py (tests/test_reply_corpus.py);
these tests pin down each reading rule on its own, and hypothesis checks the rules hold on any text.
"""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder.interpret import interpret
from reminder.replies import Problem, Prompt, Reading, parse, parse_site

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


def read(text: str, prompt: str = "none") -> Reading:
    return interpret(parse(text), Prompt(prompt))


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
    assert read(text, "dose") == Reading(dose="taken")


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
    reading = read(text, "dose")
    assert (reading.dose, reading.site) == ("taken", site)


@pytest.mark.parametrize(
    ("text", "site_text"),
    [
        ("done elbow", "elbow"),
        ("DONE left elbow", "left elbow"),
        ("done thigh", "thigh"),
        ("taken left", "left"),
    ],
)
def test_done_with_words_that_are_no_site_keeps_them_to_quote_back(
    text: str, site_text: str
) -> None:
    assert parse(text) == Reading(dose="taken", site_text=site_text)


@pytest.mark.parametrize("text", ["done i think", "did it i guess", "done, i reckon"])
def test_a_hedge_after_done_is_no_site_to_quote_back(text: str) -> None:
    assert parse(text) == Reading(dose="taken")


@pytest.mark.parametrize("text", ["done left arm right arm", "done lt, or was it rt", "y lt rt"])
def test_a_reply_naming_two_sites_records_neither(text: str) -> None:
    assert parse(text).site is None


@pytest.mark.parametrize(
    ("text", "dose"),
    [
        ("not done", "not_yet"),
        ("Not done yet", "not_yet"),
        ("haven't done it", "not_yet"),
        ("I haven’t taken it", "not_yet"),
        ("I have not done it", "not_yet"),
        ("didn't take it", "not_yet"),
        ("don't think I did it", None),
        ("never took it", None),
        ("no not yet", "not_yet"),
        ("done? no", "not_yet"),
        ("done? not yet", "not_yet"),
        ("Done?", None),
        ("did it?", None),
        ("done yet", "not_yet"),
        ("done not yet", "not_yet"),
        ("done later", "not_yet"),
        ("done in an hour", "not_yet"),
        ("done in 10 min", "not_yet"),
        ("done tomorrow", "not_yet"),
        ("will do it later", "not_yet"),
        ("almost done", None),
        ("half done", None),
        ("have I taken it", None),
        ("is it done", None),
        ("yes not yet", "not_yet"),
        ("y?", None),
        ("done with work for the day", None),
        ("skip, not done", "skipped"),
    ],
)
def test_a_negated_doubtful_or_future_reply_is_never_taken(text: str, dose: str | None) -> None:
    assert read(text, "dose").dose == dose


@pytest.mark.parametrize(
    ("text", "taken_at", "taken_ago"),
    [
        ("taken at 7", "7:00", None),
        ("done at 7pm", "19:00", None),
        ("did it 19:45", "19:45", None),
        ("done 8", "8:00", None),
        ("taken 2 hours ago", None, 120),
        ("done half an hour ago", None, 30),
        ("took it about an hour ago LT", None, 60),
    ],
)
def test_a_stated_time_of_the_dose_is_read(
    text: str, taken_at: str | None, taken_ago: int | None
) -> None:
    reading = read(text, "dose")
    assert (reading.dose, reading.taken_at, reading.taken_ago) == ("taken", taken_at, taken_ago)


@pytest.mark.parametrize(
    ("text", "prompt", "expected"),
    [
        ("Y", "dose", Reading(dose="taken")),
        ("yes", "checkin", Reading(neuro=True)),
        ("Y", "neuro", Reading(neuro=True)),
        ("Y", "followup", Reading(neuro=True, course="still")),
        ("N", "followup", Reading(neuro=False, course="gone")),
        ("Y", "site_heal", Reading(healed=True)),
        ("nope", "site_heal", Reading(healed=False)),
        ("N", "dose", Reading(dose="not_yet")),
        ("Y", "none", Reading()),
        ("no", "none", Reading()),
        ("3 1", "checkin", Reading(flu=3, site_score=1)),
        ("3 1", "none", Reading()),
        ("3 1 N", "dose", Reading(flu=3, site_score=1, neuro=False)),
        ("5", "checkin", Reading(problem=Problem.WHICH_SCORE, detail="5")),
    ],
)
def test_context_places_only_what_is_ambiguous(text: str, prompt: str, expected: Reading) -> None:
    assert read(text, prompt) == expected


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("SKIP", Reading(dose="skipped")),
        ("skip today", Reading(dose="skipped")),
        ("Skipping.", Reading(dose="skipped")),
        ("skip?", Reading(question=True)),
        ("START", Reading(compliance="start")),
        ("start again please", Reading(compliance="start")),
        ("Unstop", Reading(compliance="start")),
        ("HELP", Reading(compliance="help")),
        ("help!", Reading(compliance="help")),
        ("help me", Reading(compliance="help")),
        ("info", Reading(compliance="help")),
        ("RESUME", Reading(resume=True)),
        ("resume reminders please", Reading(resume=True)),
        ("unpause", Reading(resume=True)),
        ("resume the thing from before", Reading()),
    ],
)
def test_command_words_are_read_with_filler_and_nothing_else(text: str, reading: Reading) -> None:
    assert read(text, "dose") == reading


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
    assert parse(text) == Reading(compliance="stop")


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
    assert parse(text).compliance != "stop"


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
        ("snooze 0.001", 1),
        ("snooze 30 hours", 1440),
        ("snooze 3 days", 1440),
        ("snooze " + "9" * 400, 1440),
        ("snooze until tonight", None),
    ],
)
def test_snooze_reads_its_length_in_minutes(text: str, minutes: int | None) -> None:
    assert parse(text) == Reading(dose="not_yet", snooze=minutes)


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
    assert parse(text) == Reading(pause=days or 0)


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
    assert read(text, "alert") == Reading(ok=True, ref=ref)


@pytest.mark.parametrize(
    "text", ["ok?", "OK 12?", "ok 12 13", "ok " + "1" * 19, "ok what happened"]
)
def test_a_question_or_a_stray_word_does_not_acknowledge_an_alert(text: str) -> None:
    assert not read(text, "alert").ok


def test_ok_from_a_patient_acknowledges_nothing() -> None:
    assert read("ok", "dose") == Reading()


@pytest.mark.parametrize(
    "text",
    ["", "   ", "?", "!!!", "✅", "hello", "d o n e", "what", "site is sore"],
)
def test_anything_else_carries_no_fact(text: str) -> None:
    assert not read(text, "dose").understood


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
    assert parse(" " * 500 + "stop") == Reading()
    assert parse("done" + " " * 600 + "not yet") == Reading(dose="taken")


# Check-in answers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 1", Reading(flu=3, site_score=1)),
        ("3,1", Reading(flu=3, site_score=1)),
        ("3,1 N", Reading(flu=3, site_score=1, neuro=False)),
        ("3, 1, n", Reading(flu=3, site_score=1, neuro=False)),
        ("flu 3 site 1", Reading(flu=3, site_score=1)),
        ("flu 3 site 1 fever", Reading(flu=3, site_score=1, fever=True)),
        ("Flu: 3, Site: 1", Reading(flu=3, site_score=1)),
        ("site 1 flu 3", Reading(flu=3, site_score=1)),
        ("f3 s1 y", Reading(flu=3, site_score=1, neuro=True)),
        ("flu-like 7", Reading(flu=7)),
        ("3/10 1/10", Reading(flu=3, site_score=1)),
        ("3 out of 10, 1 out of 10", Reading(flu=3, site_score=1)),
        ("0 0 N thanks", Reading(flu=0, site_score=0, neuro=False)),
        ("10 10 Y", Reading(flu=10, site_score=10, neuro=True)),
        ("3 1 no fever", Reading(flu=3, site_score=1, fever=False)),
        ("3 1 N FEVER", Reading(flu=3, site_score=1, neuro=False, fever=True)),
        ("site 8, left thigh a bit red", Reading(site_score=8)),
        ("٣ ١", Reading(flu=3, site_score=1)),
        ("three and one", Reading(flu=3, site_score=1)),
        (
            "2 1 temp 38.4",
            Reading(flu=2, site_score=1, fever=True, temperature=38.4, temp_unit="C"),
        ),
        (
            "2 1 N 99.5F",
            Reading(flu=2, site_score=1, neuro=False, fever=False, temperature=99.5, temp_unit="F"),
        ),
    ],
)
def test_check_in_scores_are_read_in_the_compact_forms(text: str, expected: Reading) -> None:
    assert read(text, "checkin") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FEVER", Reading(fever=True)),
        ("fever!", Reading(fever=True)),
        ("no fever", Reading(fever=False)),
        ("numbness", Reading(neuro=True, symptoms=frozenset({"numbness"}))),
        ("Y numbness in my left leg", Reading(neuro=True, symptoms=frozenset({"numbness"}))),
        ("yes blurred vision", Reading(neuro=True, symptoms=frozenset({"vision"}))),
        ("y dizzy and weak", Reading(neuro=True, symptoms=frozenset({"balance", "weakness"}))),
        ("N no numbness", Reading(neuro=False, denied=frozenset({"numbness"}))),
        ("Y fever", Reading(neuro=True, fever=True)),
        ("N, no fever", Reading(neuro=False, fever=False)),
        ("no new symptoms", Reading(neuro=False)),
        (
            "the tingling is gone",
            Reading(neuro=False, denied=frozenset({"numbness"}), course="gone"),
        ),
        ("not blurry anymore", Reading(neuro=False, denied=frozenset({"vision"}), course="gone")),
        ("tired and achy", Reading()),
        ("bad headache", Reading()),
    ],
)
def test_symptom_and_fever_words_answer_without_scores(text: str, expected: Reading) -> None:
    assert read(text, "neuro") == expected


@pytest.mark.parametrize(
    ("text", "problem", "detail"),
    [
        ("12 1", Problem.OUT_OF_RANGE, "12"),
        ("3 11", Problem.OUT_OF_RANGE, "11"),
        ("-1 2", Problem.OUT_OF_RANGE, "-1"),
        ("flu 30 site 1", Problem.OUT_OF_RANGE, "30"),
        ("2.5 1", Problem.DECIMAL, "2.5"),
        ("3 1 5", Problem.TOO_MANY, "3 1 5"),
        ("flu 3 flu 4", Problem.TWICE, "3 4"),
        ("fever no fever", Problem.TWICE, ""),
        ("3 1 Y N", Problem.YES_AND_NO, ""),
    ],
)
def test_scores_that_cannot_be_read_are_a_problem_never_a_guess(
    text: str, problem: Problem, detail: str
) -> None:
    reading = read(text, "checkin")
    assert (reading.problem, reading.detail) == (problem, detail)
    if problem != Problem.YES_AND_NO:
        assert (reading.flu, reading.site_score) == (None, None)


@pytest.mark.parametrize(
    "text",
    [
        "I took 2 paracetamol",
        "call me at 5",
        "site is sore",
        "flu",
        "snooze 3",
        "3 1?",
        "is 7 bad?",
        "yes but it hurts",
        "my son is 12",
        "slept 8 hours",
    ],
)
def test_a_sentence_with_numbers_is_not_read_as_scores(text: str) -> None:
    reading = read(text, "checkin")
    assert (reading.flu, reading.site_score, reading.problem) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("HEALED", Reading(healed=True)),
        ("healed!", Reading(healed=True)),
        ("it's healed, thanks", Reading(healed=True)),
        ("healed LT", Reading(healed=True, site="left_thigh")),
        ("left thigh has healed", Reading(healed=True, site="left_thigh")),
        ("not healed yet", Reading(healed=False)),
        ("it hasn't healed", Reading(healed=False)),
        ("healed?", Reading(question=True)),
    ],
)
def test_healed_names_the_site_when_it_can(text: str, reading: Reading) -> None:
    assert read(text, "site_heal") == reading


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
    reading = parse("end it all")
    assert reading.compliance is None
    assert reading.self_harm


def test_a_dose_and_self_harm_in_one_text_are_both_read() -> None:
    reading = read("Done. I keep thinking about ending it", "dose")
    assert (reading.dose, reading.self_harm) == ("taken", True)


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


# Properties that hold on any text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_never_raises_on_any_text(text: str) -> None:
    reading = parse(text)
    assert isinstance(reading, Reading)
    assert reading.site is None or reading.site in SITES
    for prompt in Prompt:
        interpret(reading, prompt)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=()), max_size=2000))
def test_parse_never_raises_on_any_code_points_including_surrogates(text: str) -> None:
    assert isinstance(parse(text), Reading)
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
    ("stop", Reading(compliance="stop")),
    ("stop all", Reading(compliance="stop")),
    ("unsubscribe", Reading(compliance="stop")),
    ("done", Reading(dose="taken")),
    ("done lt", Reading(dose="taken", site="left_thigh")),
    ("taken right arm", Reading(dose="taken", site="right_arm")),
    ("skip", Reading(dose="skipped")),
    ("snooze 2 h", Reading(dose="not_yet", snooze=120)),
    ("pause 7", Reading(pause=7)),
    ("resume", Reading(resume=True)),
    ("start", Reading(compliance="start")),
    ("help", Reading(compliance="help")),
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_PHRASES).flatmap(lambda pair: st.tuples(_decorated(pair[0]), st.just(pair[1])))
)
def test_keywords_survive_random_case_punctuation_and_spacing(case: tuple[str, Reading]) -> None:
    text, expected = case
    assert parse(text) == expected


_VOCABULARY = [
    "done", "taken", "did", "took", "it", "i", "have", "ok", "just", "lt", "left",
    "thigh", "arm", "thanks", "now", "my", "shot", "all", "already",
]  # fmt: skip
_NOT_YET = ["not", "didn't", "haven't", "never", "yet", "later", "tomorrow", "will", "gonna"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_VOCABULARY), max_size=6),
    st.sampled_from(_NOT_YET),
    st.integers(min_value=0, max_value=6),
)
def test_a_negation_or_future_word_in_a_dose_clause_means_not_taken(
    words: list[str], negation: str, at: int
) -> None:
    words.insert(min(at, len(words)), negation)
    assert parse(" ".join(words)).dose != "taken"


_SYMPTOM_WORDS = ["numbness", "tingling", "blurry", "double vision", "dizzy", "weakness", "numb"]
_NEGATIONS = ["no", "not", "without", "never had", "don't have", "no more"]
_AROUND = ["", "today", "3 1", "N", "really", "any"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_SYMPTOM_WORDS),
    st.sampled_from(_NEGATIONS),
    st.sampled_from(_AROUND),
    st.sampled_from(["checkin", "neuro", "followup", "none", "dose"]),
)
def test_adding_a_negation_never_makes_an_absent_symptom_present(
    symptom: str, negation: str, around: str, prompt: str
) -> None:
    plain = read(f"{around} {symptom}", prompt)
    negated = read(f"{around} {negation} {symptom}", prompt)
    assert not negated.symptoms - plain.symptoms
    assert not negated.symptoms
    assert negated.neuro is not True or plain.neuro is True


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.floats(35.0, 42.9).map(lambda t: f"{t:.1f}"),
        st.integers(95, 108).map(str),
        st.floats(95.0, 108.9).map(lambda t: f"{t:.1f}"),
    ),
    st.sampled_from(["", "temp ", "temperature ", "fever ", "had ", "i had a "]),
    st.sampled_from(["", "C", "°C", " F", "°", " degrees"]),
    st.sampled_from(["", "3 1 ", "3 1 N ", "N "]),
    st.sampled_from(["checkin", "neuro", "followup", "none", "dose"]),
)
def test_a_temperature_is_never_read_as_a_score(
    value: str, before: str, unit: str, scores: str, prompt: str
) -> None:
    if unit in ("C", "°C") and float(value) > 50 or unit == " F" and float(value) < 50:
        return
    reading = read(f"{scores}{before}{value}{unit}", prompt)
    score_values = {reading.flu, reading.site_score} - {None}
    assert float(value) not in score_values and reading.problem is None
    assert reading.temperature == float(value)
    cutoff = 38.0 if float(value) < 50 else 100.4
    assert reading.fever is (float(value) >= cutoff)


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
    reading = read(text, "checkin")
    assert (reading.flu, reading.site_score, reading.problem) == (flu, site, None)
    assert (reading.neuro, reading.fever) == (neuro, fever)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_scores_are_in_range_or_a_problem_on_any_text(text: str) -> None:
    reading = read(text, "checkin")
    for score in (reading.flu, reading.site_score):
        assert score is None or 0 <= score <= 10


# Carrier compliance words (CTIA / Twilio): honoured however they are typed.
_COMPLIANCE = [
    *((word, "stop") for word in "stop stopall unsubscribe cancel end quit revoke optout".split()),
    ("opt out", "stop"),
    ("start", "start"),
    ("unstop", "start"),
    ("help", "help"),
    ("info", "help"),
]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(_COMPLIANCE).flatmap(
        lambda pair: st.tuples(_decorated(pair[0]), st.just(pair[1]))
    )
)
def test_compliance_words_are_read_in_any_case_spacing_and_punctuation(
    case: tuple[str, str],
) -> None:
    text, compliance = case
    assert parse(text).compliance == compliance


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
    assert parse(text).compliance == "stop"


@pytest.mark.parametrize(
    ("language", "text", "symptom"),
    [
        ("en", "why is my vision blurry", "vision"),
        ("en", "is it normal that my leg is numb?", "numbness"),
        ("es", "¿por qué tengo la vista borrosa?", "vision"),
        ("de", "Warum ist mein Bein taub?", "numbness"),
        ("de", "Ist es normal, dass ich so schwache Beine habe?", "weakness"),
        ("fr", "pourquoi j'ai la jambe engourdie ?", "numbness"),
    ],
)
def test_a_question_that_tells_of_the_patients_own_symptom_records_it(
    language: str, text: str, symptom: str
) -> None:
    reading = interpret(parse(text, language), Prompt.NONE)
    assert reading.question and reading.neuro and symptom in reading.symptoms


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "should i inject if i have a fever?"),
        ("en", "is numbness a side effect?"),
        ("es", "¿puedo inyectarme si tengo fiebre?"),
        ("de", "Soll ich spritzen, wenn ich Fieber habe?"),
    ],
)
def test_a_question_of_what_might_happen_records_nothing(language: str, text: str) -> None:
    reading = interpret(parse(text, language), Prompt.DOSE)
    assert reading.question
    assert reading.neuro is None and reading.fever is None and not reading.symptoms


@pytest.mark.parametrize(
    ("language", "text", "schedule"),
    [
        ("en", "what dose is it tonight?", True),
        ("en", "which site do i use", True),
        ("en", "whats my dose this week?", True),
        ("en", "is it normal to feel this tired?", False),
        ("en", "whens my next blood test", False),
        ("es", "¿qué zona toca hoy?", True),
        ("de", "Wie viel muss ich spritzen?", True),
        ("fr", "combien je dois injecter ?", True),
    ],
)
def test_a_question_about_the_next_dose_is_told_apart(
    language: str, text: str, schedule: bool
) -> None:
    reading = interpret(parse(text, language), Prompt.DOSE)
    assert reading.question and reading.about_schedule is schedule


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "la zona de la inyección está dormida"),
        ("de", "Die Einstichstelle ist taub"),
        ("fr", "le site d'injection est engourdi"),
    ],
)
def test_numbness_where_the_needle_went_in_is_no_neurological_symptom(
    language: str, text: str
) -> None:
    reading = interpret(parse(text, language), Prompt.NONE)
    assert reading.neuro is None and not reading.symptoms


@pytest.mark.parametrize(
    ("text", "neuro"),
    [
        ("0 0 Y FEVER", True),  # the keywords: Y to the symptom question, and FEVER
        ("2 1 y fever 38", True),
        ("5 4 yes fever 38", None),  # "yes, fever 38": the yes is the fever's
        ("3 and 1 and yes fever 38.3", None),
    ],
)
def test_a_bare_y_answers_the_symptom_question_and_a_yes_with_the_fever_is_the_fevers(
    text: str, neuro: bool | None
) -> None:
    # English only: in Spanish a lone "y" before a word is "and"
    reading = interpret(parse(text), Prompt.CHECKIN)
    assert reading.fever is True and reading.neuro is neuro
