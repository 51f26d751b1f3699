"""Replies in Spanish, German and French: each language's labelled corpus reads as labelled, English
reads the same whatever the patient's language, and carrier keywords work in every language."""

from __future__ import annotations

import importlib
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder.interpret import interpret
from reminder.lexicon import SHIPPED, Lexicon, fold, for_language
from reminder.regimen import SITES
from reminder.render import default_templates_dir
from reminder.replies import Prompt, Reading, parse, parse_site
from tests import reply_corpus, reply_corpus_de, reply_corpus_es, reply_corpus_fr
from tests.reply_cases import Case
from tests.test_reply_corpus import _FIELDS, _plain, expected

CORPORA = {"es": reply_corpus_es.CASES, "de": reply_corpus_de.CASES, "fr": reply_corpus_fr.CASES}
LABELLED = [(language, case) for language, cases in CORPORA.items() for case in cases]


def read(case: Case, language: str) -> dict[str, object]:
    reading = interpret(parse(case.text, language), Prompt(case.prompt))
    return {name: _plain(getattr(reading, name)) for name in _FIELDS}


def test_every_shipped_language_has_a_lexicon_and_a_corpus_of_at_least_80_texts() -> None:
    assert SHIPPED == ("en", "es", "de", "fr")
    for language in SHIPPED[1:]:
        module = importlib.import_module(f"reminder.lexicon.{language}")
        assert isinstance(module.LEXICON, Lexicon)
        assert len(CORPORA[language]) >= 80
        for case in CORPORA[language]:
            assert set(case.expected) <= set(_FIELDS), case
        prompts = {case.prompt for case in CORPORA[language]}
        assert prompts == {p.value for p in Prompt}, language


@pytest.mark.parametrize(
    ("language", "case"), LABELLED, ids=lambda v: v if isinstance(v, str) else v.text[:40]
)
def test_each_reply_reads_as_a_nurse_would_read_it_in_the_patients_language(
    language: str, case: Case
) -> None:
    got, want = read(case, language), expected(case)
    differs = {k: (got[k], want[k]) for k in _FIELDS if got[k] != want[k]}
    assert not differs, f"{case.text!r} ({language}) at {case.prompt}: (read, labelled) {differs}"


@pytest.mark.parametrize("language", SHIPPED[1:])
def test_english_reads_the_same_whatever_the_patients_language(language: str) -> None:
    changed = [
        case.text
        for case in reply_corpus.CASES
        if interpret(parse(case.text, language), Prompt(case.prompt))
        != interpret(parse(case.text), Prompt(case.prompt))
    ]
    assert changed == []


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize(
    ("text", "compliance"),
    [
        ("STOP", "stop"),
        ("ALTO", "stop"),
        ("PARAR", "stop"),
        ("BAJA", "stop"),
        ("STOPP", "stop"),
        ("ARRÊT", "stop"),
        ("arret", "stop"),
        ("ABMELDEN", "stop"),
        ("Arrêter", "stop"),
        ("DÉSABONNER", "stop"),
        ("desinscrire", "stop"),
        ("HELP", "help"),
        ("AYUDA", "help"),
        ("HILFE", "help"),
        ("AIDE", "help"),
        ("START", "start"),
    ],
)
def test_carrier_keywords_and_their_local_forms_work_in_every_language(
    language: str, text: str, compliance: str
) -> None:
    assert parse(text, language).compliance == compliance


@pytest.mark.parametrize(
    ("language", "with_accents", "without"),
    [
        ("es", "sí, visión borrosa", "si, vision borrosa"),
        ("es", "ya se me pasó", "ya se me paso"),
        ("es", "37,9 grados, sin fiebre", "37,9 grados, sin fiebre"),
        ("de", "Gesäß links, später Schwindel", "Gesaess links, spater Schwindel"),
        ("fr", "fièvre 38,2, je vois flou", "fievre 38,2, je vois flou"),
        ("fr", "c'est passé", "c’est passe"),
    ],
)
def test_a_reply_reads_the_same_with_or_without_its_accents(
    language: str, with_accents: str, without: str
) -> None:
    assert parse(with_accents, language) == parse(without, language)


def test_folding_drops_accents_and_casefolds() -> None:
    assert [fold(w) for w in ("Fièvre", "ARRÊT", "Gesäß", "Sí")] == [
        "fievre",
        "arret",
        "gesass",
        "si",
    ]


@pytest.mark.parametrize("language", SHIPPED)
def test_every_lexicon_word_is_stored_folded(language: str) -> None:
    lexicon = for_language(language).lexicon
    assert all(fold(w) == w for w in lexicon.taken | lexicon.yes | lexicon.no | lexicon.stop)
    assert all(fold(w) == w for w in lexicon.symptoms)


def test_an_unknown_language_reads_as_english() -> None:
    assert parse("listo", "it") == parse("listo")
    assert parse("DONE", "it").dose == "taken"


SELF_HARM = {
    "es": [
        "me quiero morir",
        "tengo ganas de morirme",
        "quisiera no despertar",
        "estoy pensando en matarme",
        "no quiero seguir viviendo",
        "me corto los brazos",
        "mi familia estaría mejor sin mí",
        "quiero acabar con todo",
        "ya no aguanto más",
        "quisiera estar muerta",
        "me voy a tomar todas las pastillas",
    ],
    "de": [
        "ich möchte sterben",
        "ich denke daran mich umzubringen",
        "ich bringe mich um",
        "Selbstmordgedanken",
        "ich will mir was antun",
        "wäre lieber tot",
        "ich will nicht mehr",
        "ich nehme alle Tabletten",
        "das Leben hat keinen Sinn mehr",
        "ich möchte einschlafen und nicht mehr aufwachen",
    ],
    "fr": [
        "j'ai envie de mourir",
        "je pense à me suicider",
        "je vais me tuer",
        "je n'ai plus envie de vivre",
        "je préfèrerais être morte",
        "je me scarifie",
        "je vais avaler tous mes médicaments",
        "je veux mettre fin à mes jours",
        "je n'en peux plus",
        "je ne veux plus vivre",
    ],
}
IDIOMS = {
    "es": ["me muero de ganas de verte", "listo, me duele la pierna", "estoy mejor"],
    "de": ["erledigt, die Spritze tut weh", "ich will heute nicht spritzen", "mir geht es besser"],
    "fr": ["c'est fait, ça fait mal", "je suis mort de rire", "fait, j'ai mal au bras"],
}


@pytest.mark.parametrize(
    ("language", "text"), [(lang, t) for lang, texts in SELF_HARM.items() for t in texts]
)
def test_common_phrasings_of_self_harm_are_read_in_each_language(language: str, text: str) -> None:
    assert parse(text, language).self_harm


@pytest.mark.parametrize(
    ("language", "text"), [(lang, t) for lang, texts in IDIOMS.items() for t in texts]
)
def test_everyday_words_of_pain_or_dying_of_laughter_are_no_self_harm(
    language: str, text: str
) -> None:
    assert not parse(text, language).self_harm


def test_a_spanish_y_inside_a_sentence_is_and_and_alone_still_yes() -> None:
    # "2 1 y fiebre" is "2 1 and fever": the symptom question stays open and is asked again,
    # never guessed; a bare Y, or Y N, is read as in English.
    assert interpret(parse("2 1 y fiebre", "es"), Prompt.CHECKIN).neuro is None
    assert interpret(parse("2 1 Y", "es"), Prompt.CHECKIN).neuro is True
    assert interpret(parse("Y", "es"), Prompt.NEURO).neuro is True


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SHIPPED), st.text(st.characters(exclude_categories=()), max_size=600))
def test_parse_never_raises_in_any_language(language: str, text: str) -> None:
    reading = parse(text, language)
    assert isinstance(reading, Reading)
    assert reading.site is None or reading.site in SITES
    assert parse_site(text, language) in (None, *SITES)
    for prompt in Prompt:
        interpret(reading, prompt)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SHIPPED), st.text(string.printable + "áéíóúñüäöàèêçÁÉÑÜÄÖÀÈÇ'’"))
def test_case_does_not_matter_in_any_language(language: str, text: str) -> None:
    assert (
        parse(text, language) == parse(text.upper(), language) == parse(text.swapcase(), language)
    )


_NEGATED = {
    "es": (
        ["hormigueo", "mareos", "visión borrosa", "debilidad"],
        ["no tengo", "sin", "ya no tengo", "nada de"],
    ),
    "de": (
        ["Kribbeln", "Schwindel", "Sehstörungen", "Taubheit"],
        ["kein", "keine", "ohne", "nicht mehr"],
    ),
    "fr": (
        ["fourmillements", "vertiges", "vision floue", "engourdissement"],
        ["pas de", "plus de", "sans", "aucun"],
    ),
}


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(_NEGATED)).flatmap(
        lambda lang: st.tuples(
            st.just(lang), st.sampled_from(_NEGATED[lang][0]), st.sampled_from(_NEGATED[lang][1])
        )
    ),
    st.sampled_from(["", "3 1", "hoy", "heute", "aujourd'hui"]),
    st.sampled_from(["checkin", "neuro", "followup", "none", "dose"]),
)
def test_a_local_negation_never_makes_an_absent_symptom_present(
    case: tuple[str, str, str], around: str, prompt: str
) -> None:
    language, symptom, negation = case
    plain = interpret(parse(f"{around} {symptom}", language), Prompt(prompt))
    negated = interpret(parse(f"{around} {negation} {symptom}", language), Prompt(prompt))
    assert plain.symptoms, (language, symptom)
    assert not negated.symptoms
    assert negated.neuro is not True or plain.neuro is True


@pytest.mark.parametrize("language", ["en", "es", "de", "fr"])
def test_the_site_codes_a_reminder_offers_are_read_in_its_language(language: str) -> None:
    # The codes the templates print (templates/<lang>/words.j2 site_codes), each after DONE.
    words = (default_templates_dir() / language / "words.j2").read_text(encoding="utf-8")
    codes = dict(re.findall(r'"(\w+)": "([A-Z]{2,3})"', words))
    assert set(codes) == set(SITES)
    done = {"en": "done", "es": "listo", "de": "erledigt", "fr": "fait"}[language]
    for site, code in codes.items():
        reading = interpret(parse(f"{done} {code}", language), Prompt.DOSE)
        assert (reading.dose, reading.site) == ("taken", site), (language, code)


def test_a_spanish_possessive_is_no_site_code() -> None:
    reading = interpret(parse("listo, mi pierna izquierda", "es"), Prompt.DOSE)
    assert (reading.dose, reading.site) == ("taken", "left_thigh")


@pytest.mark.parametrize(
    ("language", "text", "prompt", "fact"),
    [
        # The reply words each language's templates tell the patient to use.
        *[("es", t, p, f) for t, p, f in [
            ("LISTO", "dose", ("dose", "taken")), ("LUEGO", "dose", ("dose", "not_yet")),
            ("SALTAR", "dose", ("dose", "skipped")), ("PAUSA 7", "none", ("pause", 7)),
            ("SEGUIR", "none", ("resume", True)), ("FIEBRE", "followup", ("fever", True)),
            ("CURADA", "site_heal", ("healed", True)), ("S", "neuro", ("neuro", True)),
            ("AYUDA", "none", ("compliance", "help")), ("gripe 3 zona 1", "checkin", ("flu", 3)),
        ]],
        *[("de", t, p, f) for t, p, f in [
            ("ERLEDIGT", "dose", ("dose", "taken")), ("SPÄTER", "dose", ("dose", "not_yet")),
            ("AUSLASSEN", "dose", ("dose", "skipped")), ("PAUSE 7", "none", ("pause", 7)),
            ("WEITER", "none", ("resume", True)), ("FIEBER", "followup", ("fever", True)),
            ("VERHEILT", "site_heal", ("healed", True)), ("J", "neuro", ("neuro", True)),
            ("HILFE", "none", ("compliance", "help")), ("Grippe 3 Stelle 1", "checkin", ("site_score", 1)),
        ]],
        *[("fr", t, p, f) for t, p, f in [
            ("FAIT", "dose", ("dose", "taken")), ("PLUS TARD", "dose", ("dose", "not_yet")),
            ("SAUTER", "dose", ("dose", "skipped")), ("PAUSE 7", "none", ("pause", 7)),
            ("REPRISE", "none", ("resume", True)), ("FIEVRE", "followup", ("fever", True)),
            ("GUERI", "site_heal", ("healed", True)), ("O", "neuro", ("neuro", True)),
            ("AIDE", "none", ("compliance", "help")), ("grippe 3 point 1", "checkin", ("site_score", 1)),
        ]],
    ],
)  # fmt: skip
def test_the_words_our_templates_advertise_are_read(
    language: str, text: str, prompt: str, fact: tuple[str, object]
) -> None:
    reading = interpret(parse(text, language), Prompt(prompt))
    assert getattr(reading, fact[0]) == fact[1]
