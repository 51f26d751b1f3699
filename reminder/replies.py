"""Read an SMS or email reply into a Reply: what the patient or contact asked for, with any
injection site, snooze or pause length, alert number or check-in answers it names, and whether it
holds words of self-harm or of an injured injection site.

Pure: text in, value out. No database, network or clock, and no input makes it raise.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum

_MAX_CHARS = 500  # a reply is one SMS or the top of an email; bounds the work on any input


class Intent(StrEnum):
    """What a reply asks for."""

    TAKEN = "taken"  # DONE / TAKEN / DID IT: dose taken now, maybe with a site
    YES = "yes"  # Y / YES alone: "taken" to a reminder, "present" to a yes/no question
    NO = "no"  # N / NO
    SKIP = "skip"  # SKIP: dose skipped today
    SNOOZE = "snooze"  # LATER / SNOOZE [duration]
    PAUSE = "pause"  # PAUSE [days]
    RESUME = "resume"  # RESUME
    STOP = "stop"  # carrier opt-out words: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, ...
    START = "start"  # START, UNSTOP: opt back in
    HELP = "help"  # HELP, INFO
    OK = "ok"  # OK [alert id] from a contact acknowledging an alert
    CHECKIN = "checkin"  # scores, FEVER or symptom words for a check-in: see Reply.answers
    HEALED = "healed"  # HEALED [site]: an injured injection site has healed
    UNKNOWN = "unknown"  # anything else; the caller stores the raw text and answers with help


class Problem(StrEnum):
    """Why check-in answers cannot be read; the caller answers with a specific correction."""

    OUT_OF_RANGE = "out_of_range"  # a score above 10 or below 0
    DECIMAL = "decimal"  # 2.5: scores are whole numbers
    TOO_MANY = "too_many"  # more than two scores
    TWICE = "twice"  # two values for one question ("flu 3 flu 5", "fever no fever")
    YES_AND_NO = "yes_and_no"  # Y and N, or N and a named symptom
    WHICH_SCORE = "which_score"  # one bare number while both scores are missing


@dataclass(frozen=True)
class Answers:
    """Check-in answers one reply gives. ``bare`` holds unlabelled scores in the order written;
    ``read_scores`` places them once the caller knows which scores are still missing."""

    flu: int | None = None  # "flu 3"
    site: int | None = None  # "site 1"
    bare: tuple[int, ...] = ()  # "3 1"
    neuro: bool | None = None  # Y / N, or a named symptom
    fever: bool | None = None  # FEVER / no fever
    symptoms: frozenset[str] = frozenset()  # of NEURO_SYMPTOMS
    problem: Problem | None = None
    detail: str = ""  # what the problem is about, quoted back: "12", "2.5", "3 1 5"


@dataclass(frozen=True)
class Reply:
    """What a reply asked for. Fields other than intent are None unless the reply said them."""

    intent: Intent
    site: str | None = None  # one of the 8 site names, when a TAKEN names one
    minutes: int | None = None  # SNOOZE length, 1..1440 (None: the caller's default)
    days: int | None = None  # PAUSE length, 1..365 (None: the caller's default)
    ref: int | None = None  # "OK 12" -> 12
    site_text: str | None = None  # TAKEN words that did not name a site, to quote back
    answers: Answers | None = None  # CHECKIN: what the reply answers
    # Whatever the intent: words of self-harm or suicide, and words of an injured injection site.
    self_harm: bool = False
    site_words: tuple[str, ...] = field(default=())


_UNKNOWN = Reply(Intent.UNKNOWN)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The same strings as regimen.SITES, spelled out so this module stands on its own.
_SITES = ("left_arm", "right_arm", "left_abdomen", "right_abdomen")
_SITES += ("left_buttock", "right_buttock", "left_thigh", "right_thigh")
_SITE_OF = {tuple(site.split("_")): site for site in _SITES}  # ("left", "arm") -> "left_arm"
_SIDES = dict.fromkeys(_words("left l lft"), "left") | dict.fromkeys(_words("right r rgt"), "right")
_PARTS = {
    **dict.fromkeys(_words("arm arms tricep triceps"), "arm"),
    **dict.fromkeys(_words("abdomen abdominal abd ab abs belly stomach tummy tum"), "abdomen"),
    **dict.fromkeys(_words("buttock buttocks butt bum glute glutes hip bottom"), "buttock"),
    **dict.fromkeys(_words("thigh thighs leg"), "thigh"),
}
# LA/RA arm, LAB/RAB abdomen, LB/RB buttock, LT/RT thigh.
_SITE_CODES = {
    side[0] + code: (side, part)
    for side in ("left", "right")
    for code, part in (("a", "arm"), ("ab", "abdomen"), ("b", "buttock"), ("t", "thigh"))
}
_SITE_WORDS = frozenset(_SIDES) | frozenset(_PARTS) | frozenset(_SITE_CODES)
# Words that may sit around a side and a part: "back of the upper left arm".
_SITE_FILLER = _words("upper outer inner lower front back top side area of the my on in at into")

_POLITE = _words("thanks thank you thankyou thx ty please pls cheers")
# An injection is recorded only on a plain statement that it happened: an optional "ok"/"yes",
# a subject ("I have", "it's", "my shot is"), "just/all/already", then the verb.
_TAKEN = re.compile(
    r"(?:(?:ok|okay|k|yes|y|yep|yeah|yup)\s)?"
    r"(?:i\s(?:have\s)?|ive\s|it\s(?:is\s)?|its\s|(?:my\s)?(?:injection|shot|jab|dose)\s(?:is\s)?)?"
    r"(?:(?:just|all|already)\s)*"
    r"(?:done|taken|injected|(?:did|took)\s(?:it|mine|my))(?:\s|$)"
)
_TAKEN_FILLER = _POLITE | _words(
    "ok okay now just it my dose shot injection jab today in on the at into this time"
)
# A false TAKEN moves the patient's schedule, so any of these anywhere after the verb ("done? not
# yet", "done in an hour", "done later", "done 2 hours ago") makes the reply UNKNOWN: the caller
# answers with help and the patient can say it plainly.
_NOT_TAKEN = _words(
    "no not n nope nah never dont didnt havent hasnt hadnt cant cannot couldnt wont wasnt isnt"
    " arent aint nor yet later soon tonight tomorrow tmrw will gonna going about almost nearly"
    " after before when until till if hour hours hr hrs min mins minute minutes ago skip skipped"
    " skipping missed forgot forgotten stop snooze pause wrong mistake oops undo half partial partly"
)
_MAX_SITE_WORDS = 3  # "done left elbow" quotes a site; "done with work for today" is a sentence

_YES = _words("y yes yep yeah yup ya yea")
_YES_FILLER = _POLITE | _words("i did have am it ok okay sure")

# STOP is honoured at once (carrier rules), so only a message that is nothing but an opt-out is
# one. Only STOP/UNSUBSCRIBE/OPTOUT take extra words: "end it all" must reach a person, not
# silence the patient's reminders.
_STOP_ALONE = _words("stopall cancel end quit revoke")
_STOP_WORDS = _words("stop unsubscribe optout")
_STOP_FILLER = _POLITE | _STOP_WORDS | _words("all now message messages text texts texting me it")
_STOP_FILLER |= _words("sending reminders reminding this")

_NO_FILLER = _words("not yet i it im am didnt havent dont no nope n sorry really")
_SKIP_FILLER = _words("today tonight it this one dose shot injection time")
# Keywords whose reply is the keyword plus, at most, polite words and words that do not change
# its meaning: "no not yet" is NO, "no idea" is not.
_SIMPLE: tuple[tuple[Intent, frozenset[str], frozenset[str]], ...] = (
    (Intent.NO, _words("n no nope nah"), _NO_FILLER),
    (Intent.SKIP, _words("skip skipping skipped"), _SKIP_FILLER),
    (Intent.START, _words("start unstop"), _words("again me all")),
    (Intent.HELP, _words("help info"), _words("me")),
    (Intent.RESUME, _words("resume unpause"), _words("reminders messages texts now again")),
)
_SNOOZE = _words("snooze later remind")
_OK = _words("ok okay okey k kk ack acknowledged")
_OK_FILLER = _POLITE | _words("alert got it")
_REF = re.compile(r"[0-9]{1,18}")  # fits a bigint id; a longer number is not an alert id

# A reply that answers something. Followed by "?" it is a question, not an answer: "done?" must
# not record a dose, nor "ok?" close an alert.
_ANSWERS = frozenset(
    (Intent.TAKEN, Intent.YES, Intent.NO, Intent.SKIP, Intent.OK, Intent.CHECKIN, Intent.HEALED)
)
_QUESTION_MARKS = frozenset("?\u00bf\u061f")

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NUMERALS = "one two three four five six seven eight nine ten".split()
_NUMBER_WORDS: dict[str, float] = {"half": 0.5, **{w: n for n, w in enumerate(_NUMERALS, 1)}}
_UNITS = {  # in minutes
    **dict.fromkeys(_words("m min mins minute minutes"), 1),
    **dict.fromkeys(_words("h hr hrs hour hours"), 60),
    **dict.fromkeys(_words("d day days"), 1440),
    **dict.fromkeys(_words("w wk wks week weeks"), 7 * 1440),
    **dict.fromkeys(_words("month months"), 30 * 1440),
}
_APOSTROPHES = frozenset("'`\u00b4\u2018\u2019\u02bc")


def parse(text: str) -> Reply:
    """Read one reply. Never raises; anything not understood is Reply(Intent.UNKNOWN).

    ``self_harm`` and ``site_words`` are read from any reply, whatever else it says or fails to say.
    """
    words, question = _normalise(text)
    reply = _classify(words, text)
    if question and reply.intent in _ANSWERS:
        reply = _UNKNOWN
    joined = " ".join(words)
    harm = any(pattern.search(joined) for pattern in _SELF_HARM)
    injured = _injury_words(words)
    if harm or injured:
        reply = replace(reply, self_harm=harm, site_words=injured)
    return reply


def parse_site(text: str) -> str | None:
    """The site named by text ("left thigh", "LT", "R arm", "belly left"), or None.

    A part without a side ("thigh") is None: guessing the side would corrupt the rotation.
    """
    return _site(_normalise(text)[0])


def _normalise(text: str) -> tuple[list[str], bool]:
    """The reply's words (NFKC, casefolded, punctuation and emoji as spaces, "2h" as "2", "h"),
    and whether it asked a question."""
    text = unicodedata.normalize("NFKC", text[:_MAX_CHARS]).casefold()
    chars: list[str] = []
    for i, ch in enumerate(text):
        digit = unicodedata.decimal(ch, None)
        category = unicodedata.category(ch)
        if digit is not None:
            chars.append(str(digit))
        elif ch in ".," and _is_digit(text[i - 1 : i]) and _is_digit(text[i + 1 : i + 2]):
            chars.append(".")  # "1.5h", "1,5h"
        elif category[0] in "LN":
            chars.append(ch)
        elif ch in _APOSTROPHES or category[0] == "M" or category == "Cf":
            continue  # "didn't" stays one word; emoji variation selectors and joiners vanish
        else:
            chars.append(" ")
    words = re.findall(r"[0-9]+(?:\.[0-9]+)?|[^ 0-9.]+", "".join(chars))
    return words, any(ch in _QUESTION_MARKS for ch in text)


def _is_digit(ch: str) -> bool:
    return len(ch) == 1 and unicodedata.decimal(ch, None) is not None


def _classify(words: list[str], text: str) -> Reply:
    if not words:
        return _UNKNOWN
    if _is_stop(words):
        return Reply(Intent.STOP)
    joined = " ".join(words)
    if taken := _TAKEN.match(joined):
        return _taken(joined[taken.end() :].split())
    first, rest = words[0], words[1:]
    if first in _YES:
        rest = [w for w in rest if w not in _YES_FILLER]
        if not rest:
            return Reply(Intent.YES)
        site = _site(rest)  # "Y LT": yes, taken, in the left thigh
        return Reply(Intent.TAKEN, site=site) if site else _checkin_reply(text)
    if first in _SNOOZE:
        return Reply(Intent.SNOOZE, minutes=_clamp(_minutes(rest, 60, 1), 1440))
    if first == "pause":
        days = _minutes(rest, 1440, 1440)
        return Reply(Intent.PAUSE, days=_clamp(None if days is None else days / 1440, 365))
    if "healed" in words:
        return _healed(words)
    if first in _OK:
        refs = [w for w in rest if w not in _OK_FILLER]
        if len(refs) == 1 and _REF.fullmatch(refs[0]):
            return Reply(Intent.OK, ref=int(refs[0]))
        return _UNKNOWN if refs else Reply(Intent.OK)
    for intent, keywords, filler in _SIMPLE:
        if first in keywords:
            if all(w in filler or w in _POLITE for w in rest):
                return Reply(intent)
            # "N 3 1", "no fever": a no that answers a check-in.
            return _checkin_reply(text) if intent == Intent.NO else _UNKNOWN
    return _checkin_reply(text)


def _checkin_reply(text: str) -> Reply:
    answers = _checkin(text)
    return _UNKNOWN if answers is None else Reply(Intent.CHECKIN, answers=answers)


def _is_stop(words: list[str]) -> bool:
    if words[0] in ("please", "pls"):
        words = words[1:]
    if words[:2] == ["opt", "out"]:
        words = ["optout", *words[2:]]
    if not words:
        return False
    if words[0] in _STOP_ALONE:
        return len(words) == 1
    return words[0] in _STOP_WORDS and all(w in _STOP_FILLER for w in words[1:])


def _taken(rest: list[str]) -> Reply:
    """A TAKEN from the words after the verb: a site, nothing, or words to quote back."""
    if any(w in _NOT_TAKEN or w[0] in "0123456789" for w in rest):
        return _UNKNOWN
    rest = [w for w in rest if w not in _TAKEN_FILLER]
    if not rest:
        return Reply(Intent.TAKEN)
    # "left leg, sore": a site, then a remark; but "left arm right arm" names no one site.
    for end in range(len(rest), 0, -1):
        if (site := _site(rest[:end])) and not _SITE_WORDS.intersection(rest[end:]):
            return Reply(Intent.TAKEN, site=site)
    if len(rest) > _MAX_SITE_WORDS:
        return _UNKNOWN
    return Reply(Intent.TAKEN, site_text=" ".join(rest))


def _site(words: list[str]) -> str | None:
    sides: set[str] = set()
    parts: set[str] = set()
    for word in words:
        if word in _SITE_CODES:
            side, part = _SITE_CODES[word]
            sides.add(side)
            parts.add(part)
        elif word in _SIDES:
            sides.add(_SIDES[word])
        elif word in _PARTS:
            parts.add(_PARTS[word])
        elif word not in _SITE_FILLER:
            return None
    if len(sides) != 1 or len(parts) != 1:
        return None  # no side, no part, or two of either: ambiguous
    return _SITE_OF[(sides.pop(), parts.pop())]


def _minutes(words: list[str], small: int, large: int) -> float | None:
    """The duration the words give, in minutes, or None if they give none.

    A bare number is `small` minutes per unit when <= 12, else `large` (snooze: "2" is two hours,
    "30" thirty minutes). A unit takes the number before it ("2 h"), or counts once alone
    ("an hour"); "1h30" is an hour and thirty minutes.
    """
    quantities: list[tuple[float, int]] = []  # (value, minutes per unit; 0 = no unit yet)
    for word in words:
        if word in _UNITS:
            if quantities and quantities[-1][1] == 0:
                quantities[-1] = (quantities[-1][0], _UNITS[word])
            else:
                quantities.append((1.0, _UNITS[word]))
        elif _NUMBER.fullmatch(word):
            quantities.append((min(float(word), 1e6), 0))  # float("9" * 400) is inf
        elif word in _NUMBER_WORDS:
            quantities.append((_NUMBER_WORDS[word], 0))
    total: float | None = None
    last_unit = 0
    for value, unit in quantities:
        if not unit:
            if last_unit == 60:
                unit = 1
            elif total is None:
                unit = small if value <= 12 else large
            else:
                continue  # a second bare number has no clear unit
        total = (total or 0.0) + value * unit
        last_unit = unit
    return total


def _clamp(value: float | None, top: int) -> int | None:
    """Round half up into 1..top; nothing or nothing positive means the caller's default."""
    if value is None or value <= 0:
        return None
    return max(1, min(top, int(value + 0.5)))


_HEALED_FILLER = _POLITE | _words("it its is has have all now the site my spot skin fine ok okay")
_HEALED_NOT = _words("not no nt isnt hasnt havent yet nearly almost")


def _healed(words: list[str]) -> Reply:
    """HEALED, "it's healed", "LT healed": healed, maybe naming the site; "not healed yet" is NO."""
    if _HEALED_NOT.intersection(words):
        rest = [w for w in words if w not in _HEALED_NOT | _HEALED_FILLER | {"healed"}]
        return _UNKNOWN if rest and _site(rest) is None else Reply(Intent.NO)
    rest = [w for w in words if w not in _HEALED_FILLER and w != "healed"]
    if not rest:
        return Reply(Intent.HEALED)
    site = _site(rest)
    return Reply(Intent.HEALED, site=site) if site else _UNKNOWN


# Check-in answers: "3 1", "3,1 N", "flu 3 site 1 fever", "3/10 1/10 Y numbness", "no fever".

NEURO_SYMPTOMS = ("vision", "numbness", "weakness", "balance", "bladder")
_SYMPTOM_OF = {
    **dict.fromkeys(
        _words("vision visual eye eyes sight blurred blurry blurring double blind"), "vision"
    ),
    **dict.fromkeys(
        _words("numb numbness tingling tingle tingly tingles pins needles"), "numbness"
    ),
    **dict.fromkeys(_words("weak weakness weaker"), "weakness"),
    **dict.fromkeys(
        _words("balance dizzy dizziness walking walk unsteady wobbly falling fell clumsy vertigo"),
        "balance",
    ),
    **dict.fromkeys(_words("bladder urine urinary pee peeing incontinence incontinent"), "bladder"),
}
_FLU_LABELS = _words("flu f flulike fluish aches achy ache")
_SITE_LABELS = _words("site s inj injection skin reaction jab shot")
_FEVER_WORDS = _words("fever feverish temp temperature febrile")
_CHECKIN_YES = _words("y yes yep yeah yup")
_CHECKIN_NO = _words("n no nope nah")
# "no fever", "without numbness"; a lone "N" before FEVER is the answer N, then FEVER.
_NEGATORS = _words("no not nope without")
# Words that may sit around the answers without changing them. A word outside every list makes
# the reply something else: better a help text than a score read from a sentence.
_CHECKIN_FILLER = (
    _POLITE
    | _SITE_WORDS
    | _SITE_FILLER
    | _words(
        "and but a bit little i im am feel feeling have had has got some very quite today this"
        " morning my is it its for score scores like symptom symptoms new worse nerve neuro"
        " neurological ok okay fine then also sore red swollen itchy bruise bruised tired"
        " out of with actually now still again there slight slightly mild"
    )
)
_SCORE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_OUT_OF_TEN = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(?:/|out\s+of)\s*10(?![0-9])")
_MAX_SCORE = 10


def _checkin_tokens(text: str) -> list[str]:
    """Words and numbers, with "," ";" "/" as separators ("3,1" is two scores, not 3.1), "3/10"
    as 3, and a minus sign kept on a number so that -2 can be refused rather than read as 2."""
    text = unicodedata.normalize("NFKC", text[:_MAX_CHARS]).casefold()
    chars: list[str] = []
    for i, ch in enumerate(text):
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            chars.append(str(digit))
        elif ch == "." and _is_digit(text[i - 1 : i]) and _is_digit(text[i + 1 : i + 2]):
            chars.append(".")
        elif ch in "-\u2212" and _is_digit(text[i + 1 : i + 2]) and not text[i - 1 : i].isalnum():
            chars.append("-")
        elif ch == "/":
            chars.append("/")
        elif unicodedata.category(ch)[0] in "LN":
            chars.append(ch)
        elif ch in _APOSTROPHES or unicodedata.category(ch)[0] == "M":
            continue
        else:
            chars.append(" ")
    joined = _OUT_OF_TEN.sub(r"\1", "".join(chars)).replace("/", " ")
    return re.findall(r"-?[0-9]+(?:\.[0-9]+)?|[^\s0-9.\-]+", joined)


def _checkin(text: str) -> Answers | None:
    """The check-in answers in ``text``, or None when it is not (only) check-in answers."""
    # Injury words are read by _injury_words whatever the intent; here they only sit beside answers.
    ignored = _CHECKIN_FILLER | frozenset(_INJURY) | {"open"}
    tokens = [t for t in _checkin_tokens(text) if t not in ignored or t in _SYMPTOM_OF]
    if not any(
        _SCORE.fullmatch(t.lstrip("-")) or t in _FEVER_WORDS or t in _SYMPTOM_OF for t in tokens
    ):
        return None  # "yes but it hurts" stays what it was; only answers with substance are answers
    labelled: dict[str, list[str]] = {"flu": [], "site": []}
    bare: list[str] = []
    neuro: set[bool] = set()
    fever: set[bool] = set()
    symptoms: set[str] = set()
    used = [False] * len(tokens)
    for i, token in enumerate(tokens):
        if used[i]:
            continue
        used[i] = True
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if _SCORE.fullmatch(token.lstrip("-")):
            bare.append(token)
        elif token in _FLU_LABELS or token in _SITE_LABELS:
            name = "flu" if token in _FLU_LABELS else "site"
            if following is not None and _SCORE.fullmatch(following.lstrip("-")):
                labelled[name].append(following)
                used[i + 1] = True
            elif bare and i > 0 and tokens[i - 1] == bare[-1]:
                labelled[name].append(bare.pop())  # "3 flu 1 site"
            else:
                return None  # a label with no score: "site is sore"
        elif token in _FEVER_WORDS:
            fever.add(True)
        elif token in _NEGATORS and following in _FEVER_WORDS:
            fever.add(False)
            used[i + 1] = True
        elif token in _NEGATORS and following in _SYMPTOM_OF:
            neuro.add(False)  # "no numbness": a no, and no symptom named
            used[i + 1] = True
        elif token in _CHECKIN_NO or token == "not":
            neuro.add(False)
        elif token in _CHECKIN_YES:
            neuro.add(True)
        elif token in _SYMPTOM_OF:
            neuro.add(True)
            symptoms.add(_SYMPTOM_OF[token])
        else:
            return None
    numbers = [n for values in labelled.values() for n in values] + bare
    answers = Answers(
        neuro=neuro.pop() if len(neuro) == 1 else None,
        fever=fever.pop() if len(fever) == 1 else None,
        symptoms=frozenset(symptoms),
    )
    problem: tuple[Problem, str] | None = None
    if bad := [n for n in numbers if "." in n]:
        problem = (Problem.DECIMAL, bad[0])
    elif bad := [n for n in numbers if n.startswith("-") or int(n) > _MAX_SCORE]:
        problem = (Problem.OUT_OF_RANGE, bad[0])
    elif len(labelled["flu"]) > 1 or len(labelled["site"]) > 1 or len(fever) > 1:
        problem = (Problem.TWICE, " ".join(numbers))
    elif len(numbers) > 2:
        problem = (Problem.TOO_MANY, " ".join(numbers))
    elif len(neuro) > 1:
        problem = (Problem.YES_AND_NO, "")
    if problem is not None:
        return replace(answers, problem=problem[0], detail=problem[1][:20])
    return replace(
        answers,
        flu=int(labelled["flu"][0]) if labelled["flu"] else None,
        site=int(labelled["site"][0]) if labelled["site"] else None,
        bare=tuple(int(n) for n in bare),
    )


def read_scores(
    answers: Answers, *, flu_known: bool, site_known: bool
) -> tuple[int | None, int | None, Problem | None]:
    """Place the reply's scores: (flu, site, problem). Labelled scores go where they say; unlabelled
    ones fill the questions the reply did not label, flu first. One bare number is placed only when
    exactly one score is still unknown; otherwise the caller must ask which, never guess."""
    flu, site = answers.flu, answers.site
    open_fields = [name for name, value in (("flu", flu), ("site", site)) if value is None]
    bare = list(answers.bare)
    if len(bare) > len(open_fields):
        return None, None, Problem.TOO_MANY
    if len(bare) == 1 and len(open_fields) == 2:
        missing = [name for name, known in (("flu", flu_known), ("site", site_known)) if not known]
        if len(missing) != 1:
            return None, None, Problem.WHICH_SCORE
        open_fields = missing
    for name, value in zip(open_fields, bare, strict=False):
        if name == "flu":
            flu = value
        else:
            site = value
    return flu, site, None


# Self-harm and suicide: any of these, anywhere, in any reply, reaches a person at once. A negation
# does not cancel one ("not suicidal" is still read): a person can judge, the parser cannot.
_SELF_HARM = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bsuicid",
        r"\bkill(?:ing)? my ?self\b",
        r"\bkms\b",
        r"\b(?:end|ending|take|taking) (?:my|my own) life\b",
        r"\bend(?:ing)? it all\b",
        r"\b(?:want|wanna|wish|wished|going|ready|deserve) (?:to )?(?:die|be dead)\b",
        r"\bbetter off (?:dead|without me)\b",
        r"\b(?:hurt|hurting|harm|harming|cut|cutting) my ?self\b",
        r"\bself (?:harm|harming|injury|injure)\b|\bselfharm",
        r"\bno (?:reason|point) (?:to|in) (?:live|living|going on|carry on)\b",
        r"\b(?:dont|do not) want to (?:live|be alive|be here any ?more|wake up)\b",
        r"\b(?:not|isnt) worth living\b",
        r"\boverdose on purpose\b",
    )
)
# Words of an injured injection site (PRODUCT.md: open, wound, drain, pus, black, blister). "Open" is
# common in other senses, so it counts only beside a word about skin.
_INJURY = {
    **dict.fromkeys(_words("pus oozing ooze oozes weeping"), "pus"),
    **dict.fromkeys(_words("wound wounds ulcer ulcers ulcerated"), "wound"),
    **dict.fromkeys(_words("drain drains draining drainage"), "drain"),
    **dict.fromkeys(_words("black blackened necrosis necrotic"), "black"),
    **dict.fromkeys(_words("blister blisters blistered blistering abscess"), "blister"),
}
_OPEN_CONTEXT = _words("sore wound skin site spot area patch hole cut lump bump")


def _injury_words(words: list[str]) -> tuple[str, ...]:
    found: list[str] = []
    for i, word in enumerate(words):
        if word in _INJURY:
            found.append(_INJURY[word])
        elif word == "open" and _OPEN_CONTEXT.intersection(words[max(i - 2, 0) : i + 3]):
            found.append("open")
    return tuple(dict.fromkeys(found))
