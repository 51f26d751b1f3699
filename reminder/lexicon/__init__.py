"""The words the reply parser reads, one module per language; English is always understood too.

A lexicon is data only: word sets, phrases rewritten to one canonical word before reading, and
self-harm patterns. ``for_language`` merges a language's lexicon over English, since patients mix
English into their own language, and folds accents out of every word and pattern: the parser
folds the reply the same way, so "si" matches "sí", "fievre" "fièvre" and "arret" "arrêt". A
lexicon is therefore written with its accents, as the language spells it; both spellings match.

A language is shipped when its module ``reminder/lexicon/<code>.py`` defines ``LEXICON`` and its
code is in ``SHIPPED``. Carrier keywords (STOP, HELP and their local forms) live in the English
lexicon, which every patient's parse merges, so they work whatever language a patient has.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass, field, fields
from functools import cache


@dataclass(frozen=True)
class Lexicon:
    """Every word list of one language. Words are casefolded, with apostrophes dropped ("dont",
    "cest"); accents may be written or not, both match (see ``fold``)."""

    # Phrases rewritten before reading, as (regular expression over the words, replacement):
    # "pins and needles" -> "tingling", "went away" -> "gone", "cant see" -> "blurry".
    phrases: tuple[tuple[str, str], ...] = ()
    # Dose words. A clause that opens with a taken word (after optional subject words) is a dose
    # report; "not done yet" or "done later" is not.
    taken: frozenset[str] = frozenset()  # done taken injected did took
    taken_subject: frozenset[str] = frozenset()  # i ive have it its my shot injection dose
    skip: frozenset[str] = frozenset()
    later: frozenset[str] = frozenset()  # later snooze remind
    not_yet: frozenset[str] = frozenset()  # yet forgot
    future: frozenset[str] = frozenset()  # will gonna soon tonight: not taken yet
    # Of the future words, those that only place the moment ("tonight", "when", "after"): in a
    # sentence in the past tense ("did it tonight", "took it after I got back") it happened.
    moment: frozenset[str] = frozenset()
    past: frozenset[str] = frozenset()  # did took got was: the past tense (not "left", a side)
    ago: frozenset[str] = frozenset()
    pause: frozenset[str] = frozenset()
    resume: frozenset[str] = frozenset()
    healed: frozenset[str] = frozenset()
    ok: frozenset[str] = frozenset()
    yes: frozenset[str] = frozenset()
    no: frozenset[str] = frozenset()
    # Carrier words: only a text that is nothing but one of these is one.
    stop: frozenset[str] = frozenset()  # may take filler words: "stop texting me"
    stop_alone: frozenset[str] = frozenset()  # only alone: "end" (not "end it all")
    stop_filler: frozenset[str] = frozenset()
    opt_out: tuple[str, ...] = ()  # regular expressions, each a whole text that opts out
    start: frozenset[str] = frozenset()
    help: frozenset[str] = frozenset()
    polite: frozenset[str] = frozenset()
    # Words that split a reply into clauses ("but"), and words that end a negation's reach inside
    # one ("and": "no fever and my leg is numb" denies the fever only).
    conjunctions: frozenset[str] = frozenset()
    coordinators: frozenset[str] = frozenset()
    # Elided words and their full form, read as two words: French "d'engourdissement" is "de
    # engourdissement", "c'est" "ce est". Other apostrophes vanish: "didn't" is "didnt".
    elisions: dict[str, str] = field(default_factory=dict)
    # Sites: sides, parts and two- or three-letter codes.
    left: frozenset[str] = frozenset()
    right: frozenset[str] = frozenset()
    parts: dict[str, str] = field(default_factory=dict)  # word -> arm | abdomen | buttock | thigh
    # The short codes a reminder offers after DONE (each language's words.j2 site_codes): "lt",
    # "mi". Codes that are also common words would be misread, so each language picks others.
    site_codes: dict[str, str] = field(default_factory=dict)  # code -> site
    site_filler: frozenset[str] = frozenset()
    # Symptoms: word -> kind; words that negate what follows or what came before; course words.
    symptoms: dict[str, str] = field(default_factory=dict)
    # Body parts that make a quality word a symptom of the face: "face numb" is face and numbness.
    face: frozenset[str] = frozenset()
    negators: frozenset[str] = frozenset()  # no not without never: negate what follows
    gone: frozenset[str] = frozenset()  # gone away resolved: negate what came before
    normal: frozenset[str] = frozenset()  # fine normal ok: "vision is fine" denies vision
    still: frozenset[str] = frozenset()
    better: frozenset[str] = frozenset()
    worse: frozenset[str] = frozenset()
    nothing_new: frozenset[str] = frozenset()  # canonical words for "no new symptoms"
    relapse: frozenset[str] = frozenset()  # a relapse said to be happening now: a new symptom
    # A clause that opens with one of these and then one of the subjects asks a question, with or
    # without its question mark: "can I have a glass of wine tonight".
    question_starts: frozenset[str] = frozenset()
    question_subjects: frozenset[str] = frozenset()
    # A question with one of these asks about the schedule ("what dose is it today?", "when is my
    # next shot"): its answer gives the next dose, its time and site, as the reminder would.
    schedule: frozenset[str] = frozenset()
    # A question that tells of the patient's own symptom ("why is my leg numb") has a word of the
    # first person (or "is it normal ...") and no conditional ("should I inject if I get a fever").
    first_person: frozenset[str] = frozenset()
    conditional: frozenset[str] = frozenset()
    # Numbness at the injection spot ("the site is numb", "numb where I injected") is the skin's,
    # not a neurological symptom: word sequences, matched within the clause's words.
    at_spot: tuple[str, ...] = ()
    fever: frozenset[str] = frozenset()
    temperature: frozenset[str] = frozenset()  # temp temperature: a number beside is degrees
    celsius: frozenset[str] = frozenset()
    fahrenheit: frozenset[str] = frozenset()
    flu_labels: frozenset[str] = frozenset()
    site_labels: frozenset[str] = frozenset()
    numbers: dict[str, int] = field(default_factory=dict)  # zero .. ten
    # Words that may sit among check-in answers without changing them.
    filler: frozenset[str] = frozenset()
    injury: dict[str, str] = field(default_factory=dict)  # word -> pus | wound | drain | ...
    open_context: frozenset[str] = frozenset()  # "open" counts beside one of these
    opened: frozenset[str] = frozenset(("open",))  # "open" as each language says it: "offen"
    # A site reaction that spreads ("red and spreading", "red streaks", "my whole arm is red") is
    # injury too, unless denied ("red but not spreading"): a reaction and a spreading word.
    reaction: frozenset[str] = frozenset()  # red redness swollen swelling rash
    # Eye words: "black" beside one is sight lost ("todo negro de un ojo"), not a black site.
    eyes: frozenset[str] = frozenset()
    spreading: frozenset[str] = frozenset()  # spreading streaks
    unhealed: frozenset[str] = frozenset()  # red sore hot: to "has it healed?", it has not
    self_harm: tuple[str, ...] = ()  # regular expressions over the words joined by spaces
    # A relative's illness ("mi hija tiene fiebre") in a text whose writer says they are well ("yo
    # estoy bien"): not the patient's, so those words are not read. Without the writer's own
    # "I'm fine" a carer's "mi hija tiene fiebre" is about the patient and is read.
    others_ill: tuple[str, ...] = ()  # regular expressions over a clause's words
    me_well: tuple[str, ...] = ()  # regular expressions over the whole text's words
    # Signs of a medical emergency (a severe allergic reaction, chest pain, fainting): the same.
    emergency: tuple[str, ...] = ()
    # Supply and lab words: REFILL [N] adds vials, VIALS N counts them; phrases make "lab done".
    refill: frozenset[str] = frozenset()  # refill refilled
    refill_not: frozenset[str] = frozenset()  # need order low: a refill asked about, not had
    vials: frozenset[str] = frozenset()  # vial vials
    # The PHQ-2 answer frequencies in words, as (regular expression over the words, score 0-3):
    # "not at all" 0, "several days" 1, "more than half the days" 2, "nearly every day" 3.
    phq_frequencies: tuple[tuple[str, int], ...] = ()
    # The PHQ-2 item labels in words, as (regular expression over the words, the English label
    # reminder.phq_reading reads): "la primera" "first", "beide" "both", "humeur" "mood".
    phq_labels: tuple[tuple[str, str], ...] = ()

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with ``other``'s words added."""
        values = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, dict):
                values[f.name] = {**mine, **theirs}
            elif isinstance(mine, tuple):
                values[f.name] = tuple(dict.fromkeys(mine + theirs))
            else:
                values[f.name] = mine | theirs
        return Lexicon(**values)

    def folded(self) -> Lexicon:
        """This lexicon with every word and pattern passed through ``fold``."""
        values: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            # Patterns lose their accents but keep their case: casefolding \S would make \s.
            if f.name in ("phrases", "phq_labels"):
                values[f.name] = tuple((_unaccented(p), _unaccented(r)) for p, r in value)
            elif f.name == "phq_frequencies":
                values[f.name] = tuple((_unaccented(p), score) for p, score in value)
            elif isinstance(value, dict):
                values[f.name] = {fold(k): v for k, v in value.items()}
            elif isinstance(value, tuple):
                values[f.name] = tuple(_unaccented(p) for p in value)
            else:
                values[f.name] = frozenset(fold(w) for w in value)
        return Lexicon(**values)


def fold(text: str) -> str:
    """Casefolded, with accents and other combining marks removed: "Fièvre" -> "fievre", "Gesäß"
    -> "gesass". The parser folds each reply the same way, so a patient may type accents or not."""
    return _unaccented(text.casefold())


def _unaccented(text: str) -> str:
    """Accents removed, case kept; "ß" as casefolding writes it, "ss"."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def kinds(**by_kind: str) -> dict[str, str]:
    """{"vision": "blurry blurred"} -> {"blurry": "vision", "blurred": "vision"}."""
    return {word: kind for kind, spelled in by_kind.items() for word in spelled.split()}


@dataclass(frozen=True)
class Compiled:
    """A lexicon with its phrases and self-harm patterns compiled once."""

    lexicon: Lexicon
    phrases: tuple[tuple[re.Pattern[str], str], ...]
    self_harm: tuple[re.Pattern[str], ...]
    emergency: tuple[re.Pattern[str], ...] = ()
    # One pattern over every PHQ-2 frequency phrase, group ``f{score}`` naming the score.
    phq: re.Pattern[str] | None = None


SHIPPED = ("en", "es", "de", "fr")


@cache
def for_language(language: str = "en") -> Compiled:
    """The lexicon for ``language`` merged over English; an unknown language reads as English."""
    english: Lexicon = importlib.import_module("reminder.lexicon.en").LEXICON
    lexicon = english
    if language != "en" and language in SHIPPED:
        lexicon = english.merged(importlib.import_module(f"reminder.lexicon.{language}").LEXICON)
    lexicon = lexicon.folded()
    return Compiled(
        lexicon,
        tuple((re.compile(rf"(?<!\S)(?:{p})(?!\S)"), r) for p, r in lexicon.phrases),
        tuple(re.compile(p) for p in lexicon.self_harm),
        emergency=tuple(re.compile(p) for p in lexicon.emergency),
        phq=_frequencies(lexicon.phq_frequencies),
    )


def _frequencies(phrases: tuple[tuple[str, int], ...]) -> re.Pattern[str] | None:
    """One pattern for all frequency phrases; the longest first, so "nearly every day" is read
    before "every day" could be."""
    if not phrases:
        return None
    ordered = sorted(phrases, key=lambda phrase: -len(phrase[0]))
    by_score: dict[int, list[str]] = {}
    for pattern, score in ordered:
        by_score.setdefault(score, []).append(pattern)
    groups = "|".join(f"(?P<f{score}>{'|'.join(p)})" for score, p in by_score.items())
    return re.compile(rf"(?<!\S)(?:{groups})(?!\S)")
