"""Every shipped template renders from a realistic context, in the patient's zone, discreetly."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from reminder.config_messages import Messages
from reminder.regimen import SITE_LABELS
from reminder.render import Renderer, RenderError, default_templates_dir

# Tuesday 19:30 in Chicago, Wednesday 12:30 on Lord Howe Island (+11 in its southern summer).
EVENING = "2026-03-04T01:30:00+00:00"
NEXT = "2026-03-06T01:30:00+00:00"

# Every `answer` reminder/conversation.py queues, with the context it gives it.
REPLY_CONTEXTS: dict[str, dict[str, Any]] = {
    "taken": {"taken_at": EVENING, "site": "left_thigh", "site_text": None, "next_at": NEXT},
    "already_taken": {"taken_at": EVENING, "next_at": NEXT},
    "no_dose": {"next_at": NEXT},
    "skipped": {"next_at": NEXT},
    "snoozed": {"until": EVENING},
    "snooze_too_late": {"window_end": NEXT},
    "paused": {"until": NEXT},
    "resumed": {"next_at": NEXT},
    "not_paused": {"next_at": NEXT},
    "opted_out": {"sender_name": "Your care team"},
    "opted_in": {"sender_name": "Your care team"},
    "help": {"question": "dose"},
    "not_understood": {"question": "dose"},
    "picture": {"question": "dose"},
    "checkin_recorded": {
        "flu": 3,
        "site_score": 1,
        "neuro": False,
        "fever": False,
        "followup_at": None,
        "alerted": False,
        "injured_site": None,
    },
    "checkin_partial": {
        "flu": 3,
        "site_score": None,
        "neuro": None,
        "fever": False,
        "followup_at": None,
        "missing": ["site", "neuro"],
        "alerted": False,
        "injured_site": None,
    },
    "checkin_correction": {"problem": "out_of_range", "detail": "12"},
    "no_checkin": {"symptom": False},
    "followup_recorded": {"present": True, "fever": False, "alerted": True, "injured_site": None},
    "healed": {"site": "left_thigh"},
    "healed_which": {"sites": ["left_thigh", "right_arm"]},
    "not_injured": {},
    "not_healed": {"site": "left_thigh", "days": 7},
    "crisis": {"crisis_text": "Call or text 988 now. You are not alone.", "alerted": True},
    "emergency": {"alerted": True},
    "alert_acknowledged": {
        "alert_id": 12,
        "patient": "Ada Lovelace",
        "kind": "possible_relapse",
        "others": [],
    },
    "alert_not_found": {"ref": 12, "others": [{"id": 9, "patient": "Bob Brown"}]},
    "alert_passed_on": {
        "alert_id": 12,
        "patient": "Ada Lovelace",
        "kind": "possible_relapse",
        "passed": True,
    },
    "alert_still_open": {"alert_id": 12, "patient": "Ada Lovelace", "kind": "mood"},
    "no_open_alert": {},
    "symptom_reported": {
        "symptoms": ["vision", "speech"],
        "neuro": True,
        "fever": True,
        "followup_at": NEXT,
        "alerted": True,
    },
    "question": {"next_at": NEXT, "volume_ml": 0.5, "site": "right_arm", "due_now": False},
    "noted": {"alerted": True},
    "followup_noted": {"followup_at": NEXT},
    "phq2_recorded": {"alerted": True},
    "phq2_partial": {"missing": ["mood"]},
    "phq2_correction": {"problem": "phq_range", "detail": "5"},
    "refill_recorded": {"vials": 14, "run_out_on": NEXT},
    "vials_recorded": {"vials": 9, "run_out_on": NEXT},
    "lab_recorded": {"kinds": ["blood_count", "liver"], "next_on": NEXT},
    "flu_advice": {
        "advice": "Flu-like symptoms often ease with time. Ask your doctor whether a pain or fever "
        "reliever around the injection, or injecting in the evening, could help."
    },
}
ALERT_KINDS = [
    "possible_relapse",
    "pseudo_relapse",
    "injection_site",
    "tolerability",
    "mood",
    "adherence",
    "dosing",
    "depression_screen",
    "emergency",
]
QUESTIONS = ["dose", "checkin", "followup", "site_heal", "phq2"]
# The same answers when the optional parts are missing or odd: no next dose, an unknown site word.
REPLY_VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("taken", {"taken_at": EVENING, "site": None, "site_text": "elbow", "next_at": NEXT}),
    ("taken", {"taken_at": EVENING, "site": "left_arm", "site_text": None, "next_at": None}),
    (
        "taken",
        {
            "taken_at": EVENING,
            "site": "right_buttock",
            "site_text": None,
            "next_at": NEXT,
            "early": True,
            "hours": 37,
        },
    ),
    (
        "symptom_reported",
        {"symptoms": [], "neuro": False, "fever": True, "followup_at": None, "alerted": False},
    ),
    ("question", {"help_contact": "call 555 0100"}),
    ("question", {"next_at": None}),
    ("snoozed", {"until": NEXT, "held": True}),
    ("question", {"next_at": NEXT, "volume_ml": 1.0, "site": None, "due_now": True}),
    ("noted", {"alerted": False}),
    ("already_taken", {"taken_at": EVENING, "next_at": None}),
    ("no_dose", {"next_at": None}),
    ("skipped", {"next_at": None}),
    ("resumed", {"next_at": None}),
    ("not_paused", {"next_at": None}),
    ("help", {"question": None, "help_contact": "call 555 0100"}),
    ("not_understood", {"question": None}),
    ("picture", {"question": None}),
    *[
        (answer, {"question": q})
        for answer in ("help", "not_understood", "picture")
        for q in QUESTIONS
    ],
    (
        "checkin_recorded",
        {
            "flu": 0,
            "site_score": 8,
            "neuro": True,
            "fever": True,
            "followup_at": NEXT,
            "alerted": True,
            "injured_site": "right_abdomen",
        },
    ),
    *[
        (
            "checkin_partial",
            {
                "flu": flu,
                "site_score": site,
                "neuro": neuro,
                "fever": False,
                "followup_at": followup,
                "missing": missing,
                "alerted": False,
                "injured_site": None,
            },
        )
        for flu, site, neuro, followup, missing in [
            (None, None, True, NEXT, ["flu", "site"]),
            (3, 1, None, None, ["neuro"]),
            (None, 0, False, None, ["flu"]),
            (None, None, None, None, ["flu", "site", "neuro"]),
        ]
    ],
    *[
        ("checkin_correction", {"problem": problem, "detail": detail})
        for problem, detail in [
            ("decimal", "2.5"),
            ("too_many", "3 1 5"),
            ("twice", "3 4"),
            ("yes_and_no", ""),
            ("which_score", "5"),
        ]
    ],
    ("no_checkin", {"symptom": True}),
    ("followup_recorded", {"present": False, "fever": False, "alerted": False}),
    ("followup_recorded", {"present": None, "fever": True, "alerted": False}),
    ("followup_recorded", {"present": True, "fever": True, "alerted": False}),
    ("crisis", {"crisis_text": "Call or text 988 now.", "alerted": False}),
    ("emergency", {"alerted": False}),
    (
        "alert_acknowledged",
        {
            "alert_id": 12,
            "patient": "Ada Lovelace",
            "kind": "mood",
            "others": [{"id": 9, "patient": "Bob Brown"}, {"id": 10, "patient": "Cy Young"}],
        },
    ),
    ("alert_not_found", {"ref": 7, "others": []}),
    (
        "alert_passed_on",
        {"alert_id": 7, "patient": "Ada Lovelace", "kind": "mood", "passed": False},
    ),
    ("phq2_recorded", {"alerted": False}),
    ("phq2_partial", {"missing": ["interest"]}),
    ("phq2_correction", {"problem": "decimal", "detail": "1.5"}),
    ("phq2_correction", {"problem": "too_many", "detail": "1 2 3"}),
    ("refill_recorded", {"vials": 1, "run_out_on": None}),
    ("vials_recorded", {"vials": 0, "run_out_on": None}),
    ("lab_recorded", {"kinds": ["thyroid"], "next_on": None}),
]


def reply_context(
    answer: str, extra: dict[str, Any], tz: str = "America/Chicago"
) -> dict[str, Any]:
    # answer_message.queue_answer always adds these three, and enqueue adds the zone.
    return {
        "tz": tz,
        "answer": answer,
        "help_contact": "",
        "sender_name": "Your care team",
        **extra,
    }


def dose_context(
    tz: str = "America/Chicago",
    *,
    volume_ml: float = 1.0,
    dose_mcg: float = 250.0,
    site: str | None = "left_thigh",
    snoozed: bool = False,
) -> dict[str, Any]:
    """What planner._dose_context writes, plus the zone enqueue adds."""
    return {
        "tz": tz,
        "name": "Ann",
        "volume_ml": volume_ml,
        "dose_mcg": dose_mcg,
        "site": site,
        "at": EVENING,
        "snoozed": snoozed,
    }


# What triage.Finding.details holds for each kind, as escalation stores it on the alert.
ALERT_DETAILS: dict[str, list[dict[str, Any]]] = {
    "possible_relapse": [
        {"symptoms": ["numbness"], "reported": EVENING, "present": NEXT, "fever": False},
        {"symptoms": ["vision", "balance"], "reported": EVENING, "present": NEXT, "fever": False},
        {
            "symptoms": ["vision", "balance"],
            "reported": EVENING,
            "unanswered": NEXT,
            "fever": False,
        },
    ],
    "pseudo_relapse": [
        {"symptoms": [], "reported": EVENING, "present": NEXT, "fever": True},
        {"symptoms": ["weakness"], "reported": EVENING, "unanswered": NEXT, "fever": True},
    ],
    "mood": [{"at": EVENING, "quote": "I keep thinking about ending it"}],
    "emergency": [{"at": EVENING, "quote": "my throat is swelling and I can't breathe"}],
    "injection_site": [
        {"score": 8, "on": EVENING, "site": "left_thigh"},
        {"words": ["pus", "open"], "on": EVENING, "site": None},
    ],
    "tolerability": [{"scores": [8, 9, 7], "on": [EVENING, NEXT, NEXT], "threshold": 7}],
    "dosing": [{"first": EVENING, "second": NEXT, "hours": 24}],
    "depression_screen": [{"on": EVENING, "interest": 2, "mood": 2, "cutoff": 3}],
    "adherence": [
        {"doses": [[EVENING, "missed"], [NEXT, "skipped"]]},
        {"unanswered": [EVENING, NEXT, NEXT]},
        {"doses": [[EVENING, "missed"], [NEXT, "missed"]], "unanswered": [EVENING, NEXT, NEXT]},
    ],
}


def alert_context(
    kind: str = "possible_relapse",
    severity: str = "routine",
    escalated: bool = False,
    fallback: bool = False,
) -> dict[str, Any]:
    """What escalation._send writes, plus the zone enqueue adds."""
    return {
        "tz": "America/Chicago",
        "alert_id": 12,
        "patient": "Ada Lovelace",
        "kind": kind,
        "severity": severity,
        "reason": "new numbness or tingling reported on 3 Mar and still present on 4 Mar, no fever",
        "escalated": escalated,
        "fallback": fallback,
    }


def all_cases() -> list[tuple[str, dict[str, Any]]]:
    """(template, context) for every template and every branch worth rendering."""
    cases: list[tuple[str, dict[str, Any]]] = []
    for snoozed in (False, True):
        for site in (*SITE_LABELS, None):
            cases.append(("reminder", dose_context(site=site, snoozed=snoozed)))
    cases.append(("reminder", dose_context(volume_ml=0.25, dose_mcg=62.5)))
    cases.append(("nudge", dose_context(volume_ml=0.5, dose_mcg=125.0)))
    cases.append(("lab", {"tz": "America/Chicago", "name": "Ann", "on": "2026-04-03"}))
    for kinds in (["blood_count", "liver"], ["thyroid"]):
        lab = {"tz": "America/Chicago", "name": "Ann", "on": "2026-04-03", "kinds": kinds}
        cases.append(("lab", lab))
    for vials in (0, 1, 4):
        refill = {"tz": "America/Chicago", "name": "Ann", "vials": vials, "days": 2 * vials}
        cases.append(("refill", refill))
    for again in (False, True):
        cases.append(("checkin", {"tz": "America/Chicago", "name": "Ann", "again": again}))
        cases.append(("phq2", {"tz": "America/Chicago", "name": "Bartholomew", "again": again}))
        for symptoms in ([], ["numbness"], ["vision", "balance", "bladder", "weakness"]):
            followup = {"reported_at": EVENING, "symptoms": symptoms}
            cases.append(
                ("followup", {"tz": "America/Chicago", "name": "Ann", "again": again} | followup)
            )
        cases.append(
            (
                "site_heal",
                {"tz": "America/Chicago", "name": "Ann", "site": "left_thigh", "again": again},
            )
        )
    for kind in ALERT_KINDS:
        for severity, escalated, fallback in [
            ("routine", False, False),
            ("routine", True, False),
            ("urgent", False, True),
        ]:
            cases.append(("alert", alert_context(kind, severity, escalated, fallback)))
        if kind in ALERT_DETAILS:
            # The reason worded in the reader's language from its facts.
            for details in ALERT_DETAILS[kind]:
                cases.append(("alert", alert_context(kind) | {"details": details}))
        cases.append(
            (
                "alert_acknowledged",
                {
                    "tz": "America/Chicago",
                    "alert_id": 12,
                    "patient": "Ada Lovelace",
                    "kind": kind,
                    "by": "Grace Hopper (caregiver)",
                    "at": EVENING,
                },
            )
        )
    for answer, extra in REPLY_CONTEXTS.items():
        cases.append(("reply", reply_context(answer, extra)))
    for answer, extra in REPLY_VARIANTS:
        cases.append(("reply", reply_context(answer, extra)))
    return cases


CASES = all_cases()
CASE_IDS = [
    f"{name}-{context.get('answer', '')}-{index}" for index, (name, context) in enumerate(CASES)
]


def glued(text: str) -> list[str]:
    """Places where words run together or spacing is doubled, as a reader of the SMS would see."""
    text = text.replace("e.g.", "eg")
    patterns = [
        r"  ",  # doubled space
        r"\s[.,:;!?)]",  # space before punctuation
        r"\(\s",  # space after an opening bracket
        r"[.,;!?)][A-Za-z(]",  # "RT.Next", "taken,thanks", "(left thigh)today"
        r"(?<!\d):\S",  # "injection:1 mL" (but 19:30 is a time)
        r"[a-z]{2}[A-Z]",  # "injectionNext"
        r"\w\(",  # "thigh(left"
        r"\d(?:mL|mcg)\b",  # "1mL"
    ]
    return [match.group(0) for pattern in patterns for match in re.finditer(pattern, text)]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def test_the_shipped_templates_are_the_ones_tested() -> None:
    # The message templates the Renderer picks from; web pages are another module's concern.
    root = default_templates_dir() / "en"
    shipped = sorted(
        str(path.relative_to(root))
        for channel in ("sms", "email")
        for path in (root / channel).rglob("*.txt.j2")
        if path.name != "links.txt.j2"  # the email's link lines, rendered by the SMTP transport
    )
    tested = sorted(
        f"{channel}/{name}.txt.j2" for channel in ("email", "sms") for name in {c[0] for c in CASES}
    )
    assert shipped == tested


def test_every_answer_conversation_gives_has_a_case() -> None:
    package = Path(__file__).parent.parent / "reminder"
    modules = (
        "conversation.py",
        "contact_replies.py",
        "dose_replies.py",
        "checkin_replies.py",
        "care_replies.py",
        "status_replies.py",
        "crisis_replies.py",
    )
    source = "".join((package / name).read_text() for name in modules)
    answers = set(re.findall(r'(?:return |say\(\s*)"(\w+)",\s*(?!None\b)', source))
    assert answers == set(REPLY_CONTEXTS)


@pytest.mark.parametrize(("name", "context"), CASES, ids=CASE_IDS)
def test_every_sms_template_renders_as_one_clean_line(
    renderer: Renderer, name: str, context: dict[str, Any]
) -> None:
    rendered = renderer.render("sms", name, "en", context)
    assert rendered.subject is None
    assert rendered.body
    assert "\n" not in rendered.body
    assert rendered.body == rendered.body.strip()
    assert glued(rendered.body) == []
    assert "None" not in rendered.body


@pytest.mark.parametrize(("name", "context"), CASES, ids=CASE_IDS)
def test_every_email_template_renders_with_a_subject(
    renderer: Renderer, name: str, context: dict[str, Any]
) -> None:
    rendered = renderer.render("email", name, "en", context)
    assert rendered.subject
    assert "\n" not in rendered.subject
    assert rendered.body.strip()
    assert "None" not in rendered.body
    for line in rendered.body.splitlines():
        assert glued(line.strip()) == [], line


def test_the_email_subject_says_when_a_reminder_comes_again(renderer: Renderer) -> None:
    first = renderer.render("email", "reminder", "en", dose_context())
    again = renderer.render("email", "reminder", "en", dose_context(snoozed=True))
    assert first.subject == "Reminder: your injection today"
    assert again.subject == "Reminder again: your injection"
    # The subject is a header, not a line of the body.
    assert not first.body.startswith("Reminder")


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_the_reminder_names_the_volume_of_the_day_and_the_site(
    renderer: Renderer, channel: str
) -> None:
    full = renderer.render(channel, "reminder", "en", dose_context(site="right_abdomen")).body
    first_weeks = renderer.render(
        channel, "reminder", "en", dose_context(volume_ml=0.25, dose_mcg=62.5, site="left_arm")
    ).body
    assert "1 mL" in full
    assert SITE_LABELS["right_abdomen"] in full
    assert "0.25 mL" in first_weeks
    assert SITE_LABELS["left_arm"] in first_weeks
    # No site on record yet: a hint, not a blank.
    assert (
        "any site you have not used recently"
        in renderer.render(channel, "reminder", "en", dose_context(site=None)).body
    )


@pytest.mark.parametrize(
    ("volume_ml", "shown"), [(0.25, "0.25 mL"), (0.5, "0.5 mL"), (0.75, "0.75 mL"), (1.0, "1 mL")]
)
def test_volumes_read_as_printed_on_the_syringe(
    renderer: Renderer, volume_ml: float, shown: str
) -> None:
    body = renderer.render("sms", "reminder", "en", dose_context(volume_ml=volume_ml)).body
    assert f" {shown} " in f" {body} "
    assert "1.0 mL" not in body and "0.50" not in body


@pytest.mark.parametrize(("name", "context"), CASES, ids=CASE_IDS)
def test_no_sms_names_a_drug_or_diagnosis(
    renderer: Renderer, name: str, context: dict[str, Any]
) -> None:
    # Discreet by default: a text on a lock screen must not tell anyone what the patient has.
    body = renderer.render("sms", name, "en", context).body
    for word in ("interferon", "betaseron", "extavia", "multiple sclerosis", "sclerosis"):
        assert word not in body.lower(), body
    assert not re.search(r"\bMS\b", body), body


@pytest.mark.parametrize(
    ("tz", "time", "day"),
    [
        ("America/Chicago", "19:30", "Tue 3 Mar"),
        ("Australia/Lord_Howe", "12:30", "Wed 4 Mar"),
        ("UTC", "01:30", "Wed 4 Mar"),
    ],
)
@pytest.mark.parametrize("stamp", [EVENING, "2026-03-04T01:30Z"])
def test_times_show_in_the_patients_zone(
    renderer: Renderer, tz: str, time: str, day: str, stamp: str
) -> None:
    nudge = renderer.render("sms", "nudge", "en", dose_context(tz) | {"at": stamp}).body
    assert f"your {time} injection" in nudge
    answer = renderer.render(
        "sms", "reply", "en", reply_context("no_dose", {"next_at": stamp}, tz=tz)
    ).body
    assert f"Next: {day} at {time}." in answer
    if tz != "UTC":
        assert "01:30" not in nudge + answer


def test_a_time_after_the_dst_change_shows_the_same_wall_clock(renderer: Renderer) -> None:
    # 8 March 2026 Chicago springs forward: 19:30 CDT is 00:30 UTC, an hour earlier in UTC.
    context = reply_context("skipped", {"next_at": "2026-03-10T00:30:00+00:00"})
    body = renderer.render("sms", "reply", "en", context).body
    assert body == "OK, today's dose is marked skipped. Next reminder: Mon 9 Mar at 19:30."


def test_a_taken_answer_reads_as_separate_sentences(renderer: Renderer) -> None:
    context = reply_context(
        "taken", {"taken_at": EVENING, "site": None, "site_text": "elbow", "next_at": NEXT}
    )
    body = renderer.render("sms", "reply", "en", context).body
    assert body == (
        'Thanks, recorded at 19:30. I did not recognise the site "elbow"; '
        "sites are LA RA LAB RAB LB RB LT RT. Next injection: Thu 5 Mar at 19:30."
    )


def test_help_names_the_operators_contact_only_when_there_is_one(renderer: Renderer) -> None:
    # The operator's texts come from config at send time, in the reader's language.
    helpful = Renderer(messages=Messages(help_contact="call 555 0100"))
    with_contact = helpful.render("sms", "reply", "en", reply_context("help", {"question": None}))
    without = renderer.render("sms", "reply", "en", reply_context("help", {"question": None})).body
    assert with_contact.body.endswith("Reply STOP to opt out. Help: call 555 0100")
    assert without.endswith("Reply STOP to opt out.")
    assert "Your care team" in without


def test_the_email_reply_carries_the_same_answer_as_the_sms(renderer: Renderer) -> None:
    context = reply_context("snoozed", {"until": EVENING})
    sms = renderer.render("sms", "reply", "en", context).body
    email = renderer.render("email", "reply", "en", context)
    assert sms == "OK, I'll remind you again at 19:30."
    assert sms in email.body
    assert email.body.startswith("Hello,")


@pytest.mark.parametrize(
    ("name", "missing"),
    [
        ("reminder", "name"),
        ("reminder", "volume_ml"),
        ("reminder", "site"),
        ("reminder", "snoozed"),
        ("nudge", "tz"),
        ("nudge", "at"),
        ("lab", "on"),
    ],
)
@pytest.mark.parametrize("channel", ["sms", "email"])
def test_a_missing_context_variable_is_a_render_error(
    renderer: Renderer, channel: str, name: str, missing: str
) -> None:
    context = (
        {"tz": "America/Chicago", "name": "Ann", "on": "2026-04-03"}
        if name == "lab"
        else dose_context()
    )
    del context[missing]
    # The error names the template and the variable, so the failed message says what to fix.
    with pytest.raises(
        RenderError, match=f"^en/{channel}/{name}.txt.j2: '{missing}' is undefined$"
    ):
        renderer.render(channel, name, "en", context)


def test_a_missing_variable_in_a_reply_branch_is_a_render_error(renderer: Renderer) -> None:
    with pytest.raises(RenderError, match="'taken_at' is undefined"):
        renderer.render("sms", "reply", "en", reply_context("already_taken", {"next_at": NEXT}))


def test_an_unknown_template_is_a_render_error(renderer: Renderer) -> None:
    with pytest.raises(RenderError, match="no template en/sms/birthday.txt.j2"):
        renderer.render("sms", "birthday", "en", dose_context())


def test_templates_run_sandboxed(tmp_path: Path) -> None:
    (tmp_path / "en" / "sms").mkdir(parents=True)
    (tmp_path / "en" / "sms" / "reminder.txt.j2").write_text(
        "{{ name.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8"
    )
    with pytest.raises(RenderError, match="unsafe"):
        Renderer(tmp_path).render("sms", "reminder", "en", dose_context())


def write_templates(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_an_operators_templates_dir_replaces_the_built_in_wording(tmp_path: Path) -> None:
    operator = write_templates(
        tmp_path / "mine",
        {
            "en/sms/reminder.txt.j2": "{{ name }}: your {{ volume_ml|volume }} shot of Betaseron\n"
            "({{ site|site }}) at {{ at|hm }}.\n",
            "en/email/reminder.txt.j2": '{% set subject = "Betaseron tonight" %}Hi {{ name }}\n',
        },
    )
    custom = Renderer(operator)
    sms = custom.render("sms", "reminder", "en", dose_context()).body
    email = custom.render("email", "reminder", "en", dose_context())
    assert sms == f"Ann: your 1 mL shot of Betaseron ({SITE_LABELS['left_thigh']}) at 19:30."
    assert (email.subject, email.body) == ("Betaseron tonight", "Hi Ann")
    # The built-in renderer is untouched by the operator's folder.
    assert "Betaseron" not in Renderer().render("sms", "reminder", "en", dose_context()).body


def test_an_operators_file_replaces_only_that_template_of_that_language(tmp_path: Path) -> None:
    root = write_templates(
        tmp_path,
        {"es/sms/reminder.txt.j2": "Hola {{ name }}, {{ volume_ml|volume }} a las {{ at|hm }}."},
    )
    custom = Renderer(root)
    assert custom.render("sms", "reminder", "es", dose_context()).body == (
        "Hola Ann, 1 ml a las 19:30."
    )
    # Every other template, of Spanish and of the other languages, is still the shipped one.
    shipped = Renderer()
    for language, name in [("es", "nudge"), ("en", "reminder"), ("de", "reminder")]:
        assert (
            custom.render("sms", name, language, dose_context()).body
            == shipped.render("sms", name, language, dose_context()).body
        )


def test_a_language_without_templates_is_a_render_error_never_english(
    renderer: Renderer,
) -> None:
    with pytest.raises(RenderError, match="no templates for language 'pt'"):
        renderer.render("sms", "reminder", "pt", dose_context())


def test_an_answer_with_several_parts_says_each_in_one_message(renderer: Renderer) -> None:
    crisis = {"answer": "crisis", "crisis_text": "Call or text 988 now.", "alerted": True}
    taken = {"answer": "taken", "taken_at": EVENING, "site": None, "site_text": None}
    context = reply_context("crisis", crisis) | {"parts": [crisis, taken | {"next_at": NEXT}]}

    sms = renderer.render("sms", "reply", "en", context).body
    email = renderer.render("email", "reply", "en", context)

    # The crisis line is the operator's, in the reader's language, whatever the stored context said.
    assert sms.startswith("If you are thinking about harming yourself")
    assert "I've let your contact know. Thanks, recorded at" in sms
    assert "Next injection: Thu 5 Mar" in sms
    assert email.body.count("Hello,") == 1 and "recorded at 19:30" in email.body
    assert email.subject == "Re: your message"


@pytest.mark.parametrize(
    ("details", "words"),
    [
        (
            ALERT_DETAILS["possible_relapse"][1],
            "new vision problems and balance or walking problems",
        ),
        (
            ALERT_DETAILS["possible_relapse"][2],
            "new vision problems and balance or walking problems reported on Tue 3 Mar; asked twice"
            " whether it is still there, no answer by Thu 5 Mar.",
        ),
        (ALERT_DETAILS["dosing"][0], "doses on Tue 3 Mar and Thu 5 Mar, 24 h apart"),
        (ALERT_DETAILS["adherence"][0], "doses not taken: Tue 3 Mar (missed), Thu 5 Mar (skipped)"),
    ],
)
def test_an_alert_words_its_reason_from_its_facts(
    renderer: Renderer, details: dict[str, Any], words: str
) -> None:
    kind = next(k for k, listed in ALERT_DETAILS.items() if details in listed)
    body = renderer.render("sms", "alert", "en", alert_context(kind) | {"details": details}).body
    assert f"Why: {words}" in body
