"""Every shipped language: the templates English has, rendered with realistic values, within two SMS
segments at their longest, dates and numbers the local way, and the operator's texts per language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reminder.config import FileSettings, load_settings
from reminder.config_messages import Messages
from reminder.links import html_templates
from reminder.render import SHIPPED_LANGUAGES, Renderer, RenderError, default_templates_dir
from reminder.sms import Encoding, count_segments
from tests.test_render import CASE_IDS, CASES, dose_context, reply_context
from tests.test_sms_segments import LONGEST_GSM7, REALISTIC_UCS2, SCHEDULED, stretched

OTHERS = [language for language in SHIPPED_LANGUAGES if language != "en"]
# Real crisis lines, at the length an operator writes them: Spain's 024, Germany's
# TelefonSeelsorge, France's 3114.
CRISIS = {
    "es": "Si piensas en hacerte daño, llama ahora al 024 (Línea 024, gratis, 24 h) o al 112."
    " No estás solo.",
    "de": "Wenn Sie daran denken, sich etwas anzutun: Rufen Sie jetzt die TelefonSeelsorge an,"
    " 0800 111 0 111 (kostenlos, rund um die Uhr), oder den Notruf 112.",
    "fr": "Si vous pensez à vous faire du mal, appelez maintenant le 3114 (gratuit, 24 h/24) ou"
    " le 15.",
}


def messages(values: dict[str, Any] | None = None) -> Messages:
    """The operator's texts: English's keys and a table per language, at the values' lengths."""
    values = values or {"sender_name": "Your care team", "help_contact": ""}
    texts = {"sender_name": values["sender_name"], "help_contact": values["help_contact"]}
    return Messages.model_validate(
        texts | {language: texts | {"crisis_text": CRISIS[language]} for language in OTHERS}
    )


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(messages=messages())


def files_of(language: str) -> set[str]:
    folder = default_templates_dir() / language
    return {str(path.relative_to(folder)) for path in folder.rglob("*.j2")}


@pytest.mark.parametrize("language", OTHERS)
def test_every_language_has_every_template_english_has(language: str) -> None:
    assert files_of(language) == files_of("en")


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
@pytest.mark.parametrize(("name", "context"), CASES, ids=CASE_IDS)
def test_every_template_renders_in_every_language(
    renderer: Renderer, language: str, name: str, context: dict[str, Any]
) -> None:
    sms = renderer.render("sms", name, language, context).body
    email = renderer.render("email", name, language, context)
    assert sms and "\n" not in sms and "None" not in sms and "  " not in sms
    assert email.subject and "\n" not in email.subject
    assert email.body.strip() and "None" not in email.body
    if language != "en":
        # Not a word of the English wording left: the same message in English differs.
        assert sms != renderer.render("sms", name, "en", context).body


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize(("name", "context"), CASES, ids=CASE_IDS)
def test_no_sms_names_a_drug_or_diagnosis_in_any_language(
    renderer: Renderer, language: str, name: str, context: dict[str, Any]
) -> None:
    body = renderer.render("sms", name, language, context).body
    for word in ("interferon", "interferón", "betaferon", "betaseron", "extavia", "sklerose"):
        assert word not in body.lower(), body
    for word in ("esclerosis", "sclérose", " EM ", " MS ", " SEP "):
        assert word.lower() not in f" {body.lower()} ", body


PHQ2_SEGMENTS = 5  # the Spanish and French items hold letters outside GSM-7


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize(("name", "context"), CASES, ids=CASE_IDS)
def test_every_sms_fits_in_two_segments_in_every_language(
    language: str, name: str, context: dict[str, Any]
) -> None:
    longest = Renderer(messages=messages(LONGEST_GSM7))
    body = longest.render("sms", name, language, stretched(context, LONGEST_GSM7)).body
    counted = count_segments(body)
    # The PHQ-2 keeps the two standard items in their published wording, whatever it costs.
    most = PHQ2_SEGMENTS if name == "phq2" else 2
    assert counted.count <= most, f"{counted.count} segments ({counted.encoding}): {body}"


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize(
    ("name", "context"),
    [case for case in CASES if case[0] in SCHEDULED]
    # August: "août" is outside GSM-7, so the French date alone makes the text UCS-2.
    + [("lab", {"tz": "America/Chicago", "name": "Ann", "on": "2026-08-30"})],
)
def test_scheduled_texts_fit_in_two_segments_even_in_ucs2(
    language: str, name: str, context: dict[str, Any]
) -> None:
    longest = Renderer(messages=messages(REALISTIC_UCS2))
    body = longest.render("sms", name, language, stretched(context, REALISTIC_UCS2)).body
    counted = count_segments(body)
    assert counted.encoding == Encoding.UCS2
    assert counted.count <= 2, f"{counted.count} segments ({counted.units} units): {body}"


# Thursday 3 December 2026, 19:30 in Chicago.
THURSDAY = "2026-12-04T01:30:00+00:00"


@pytest.mark.parametrize(
    ("language", "day", "sentence"),
    [
        ("en", "Thu 3 Dec", "Next: Thu 3 Dec at 19:30."),
        ("es", "jue, 3 dic", "Siguiente: jue, 3 dic a las 19:30."),
        ("de", "Do., 3. Dez.", "Nächste: Do., 3. Dez. um 19:30 Uhr."),
        ("fr", "jeu. 3 déc.", "Prochaine : jeu. 3 déc. à 19:30."),
    ],
)
def test_dates_and_times_are_written_the_local_way(
    renderer: Renderer, language: str, day: str, sentence: str
) -> None:
    body = renderer.render(
        "sms", "reply", language, reply_context("no_dose", {"next_at": THURSDAY})
    ).body
    assert sentence in body


def test_a_locale_that_writes_12_hour_times_gets_them(tmp_path: Path) -> None:
    us = Renderer(messages=Messages(locale="en_US"))
    body = us.render("sms", "reply", "en", reply_context("no_dose", {"next_at": THURSDAY})).body
    # Babel writes a narrow no-break space before PM; an SMS carries a plain one (GSM-7).
    assert "Next: Thu, Dec 3 at 7:30 PM." in body
    assert count_segments(body).encoding == Encoding.GSM7


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "0.25 mL"), ("es", "0,25 ml"), ("de", "0,25 ml"), ("fr", "0,25 ml")],
)
def test_volumes_use_the_local_decimal_mark(renderer: Renderer, language: str, shown: str) -> None:
    body = renderer.render("sms", "reminder", language, dose_context(volume_ml=0.25)).body
    assert shown in body


def test_the_lab_date_is_written_the_local_way(renderer: Renderer) -> None:
    context = {"tz": "America/Chicago", "name": "Ann", "on": "2026-08-30"}
    shown = {
        language: renderer.render("sms", "lab", language, context).body
        for language in SHIPPED_LANGUAGES
    }
    assert "30 Aug 2026" in shown["en"]
    assert "30 ago 2026" in shown["es"]
    assert "30.08.2026" in shown["de"]
    assert "30 août 2026" in shown["fr"]


@pytest.mark.parametrize("language", OTHERS)
def test_the_crisis_answer_is_the_languages_own_crisis_text(
    renderer: Renderer, language: str
) -> None:
    context = reply_context("crisis", {"crisis_text": "English text", "alerted": True})
    body = renderer.render("sms", "reply", language, context).body
    assert body.startswith(CRISIS[language])
    assert "English text" not in body


def test_a_language_table_in_the_config_holds_its_own_texts(tmp_path: Path) -> None:
    config = tmp_path / "reminder.toml"
    config.write_text(
        '[messages]\nsender_name = "Riverside MS Clinic"\n'
        '[messages.es]\nsender_name = "Clínica Riverside"\ncrisis_text = "Llama al 988."\n'
        'locale = "es_US"\n',
        encoding="utf-8",
    )
    settings = load_settings({"REMINDER_CONFIG": str(config)})
    spanish, german = settings.messages.texts("es"), settings.messages.texts("de")
    assert (spanish.sender_name, spanish.crisis_text, spanish.locale) == (
        "Clínica Riverside",
        "Llama al 988.",
        "es_US",
    )
    # What a language leaves out is the default's, except the crisis text: never English unasked.
    assert (german.sender_name, german.crisis_text, german.locale) == (
        "Riverside MS Clinic",
        None,
        "de",
    )


@pytest.mark.parametrize(
    ("table", "key"),
    [({"sender_nmae": "x"}, "sender_nmae"), ({"es": {"locale": "xx_QQ"}}, "xx_QQ")],
)
def test_a_bad_messages_key_is_refused(table: dict[str, Any], key: str) -> None:
    with pytest.raises(ValueError, match=key):
        FileSettings.model_validate({"messages": table})


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_every_web_page_and_the_email_layout_render_in_every_language(language: str) -> None:
    pages = html_templates(load_settings({}), language)
    english = html_templates(load_settings({}), "en")
    contexts: list[tuple[str, dict[str, Any]]] = [
        ("web/checkin.html.j2", {"name": "Ann", "scores": range(11), "values": {}, "errors": []}),
        (
            "web/checkin.html.j2",
            {
                "name": "",
                "scores": range(11),
                "values": {"flu": "3"},
                "errors": ["site", "neuro", "fever"],
            },
        ),
        *[("web/done.html.j2", {"outcome": o}) for o in ("recorded", "closed", "unknown")],
        ("web/done.html.j2", {"outcome": "unsubscribed"}),
        *[("web/problem.html.j2", {"reason": r}) for r in ("tampered", "expired", "used")],
        ("web/taken.html.j2", {"name": "Ann"}),
        ("web/unsubscribe.html.j2", {"name": "Ann"}),
        (
            "email/layout.html.j2",
            {
                "subject": "S",
                "paragraphs": ["Hola"],
                "links": {"taken": "u", "checkin": "u", "unsubscribe": "u"},
                "sender_name": "Us",
            },
        ),
    ]
    for name, context in contexts:
        html = pages.get_template(name).render(context, language=language)
        assert f'<html lang="{language}">' in html
        if language != "en":
            assert html != english.get_template(name).render(context, language="en"), name


def test_an_unknown_language_has_no_pages() -> None:
    with pytest.raises(Exception, match="no templates for language 'pt'"):
        html_templates(load_settings({}), "pt")


def test_a_language_folder_of_the_operators_own_is_used(tmp_path: Path) -> None:
    italian = tmp_path / "it"
    for path in (default_templates_dir() / "en").rglob("*.j2"):
        target = italian / path.relative_to(default_templates_dir() / "en")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (italian / "sms" / "nudge.txt.j2").write_text(
        "{{ name }}, ricordati la dose delle {{ at|hm }}."
    )
    renderer = Renderer(
        tmp_path, Messages.model_validate({"it": {"crisis_text": "Chiama il 112."}})
    )
    assert "it" in renderer.languages()
    assert renderer.render("sms", "nudge", "it", dose_context()).body == (
        "Ann, ricordati la dose delle 19:30."
    )
    with pytest.raises(RenderError, match="no templates for language 'pt'"):
        renderer.render("sms", "nudge", "pt", dose_context())


def test_the_built_in_sender_name_is_said_in_each_language_until_the_operator_names_one() -> None:
    context = reply_context("opted_out", {})
    built_in = Renderer()
    assert "from Your care team." in built_in.render("sms", "reply", "en", context).body
    assert "von Ihr Behandlungsteam." in built_in.render("sms", "reply", "de", context).body
    assert "de Tu equipo de salud." in built_in.render("sms", "reply", "es", context).body
    named = Renderer(messages=Messages(sender_name="Riverside MS Clinic"))
    assert "von Riverside MS Clinic." in named.render("sms", "reply", "de", context).body


def test_a_words_file_missing_what_the_renderer_reads_is_refused_at_start(tmp_path: Path) -> None:
    from reminder.languages import LanguageError, check_templates

    words = (default_templates_dir() / "de" / "words.j2").read_text(encoding="utf-8")
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "words.j2").write_text(
        words.replace('{% set volume_unit = "ml" %}', ""), encoding="utf-8"
    )
    with pytest.raises(LanguageError, match="^de/words.j2: volume_unit is not set$"):
        check_templates(Renderer(tmp_path))
