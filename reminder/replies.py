"""Read an SMS or email reply into a Reply: what the patient or contact asked for, with any
injection site, snooze or pause length, or alert number it names.

Pure: text in, value out. No database, network or clock, and no input makes it raise.
"""

import re
import unicodedata
from dataclasses import dataclass
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
    UNKNOWN = "unknown"  # anything else; the caller stores the raw text and answers with help


@dataclass(frozen=True)
class Reply:
    """What a reply asked for. Fields other than intent are None unless the reply said them."""

    intent: Intent
    site: str | None = None  # one of the 8 site names, when a TAKEN names one
    minutes: int | None = None  # SNOOZE length, 1..1440 (None: the caller's default)
    days: int | None = None  # PAUSE length, 1..365 (None: the caller's default)
    ref: int | None = None  # "OK 12" -> 12
    site_text: str | None = None  # TAKEN words that did not name a site, to quote back


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
_ANSWERS = frozenset((Intent.TAKEN, Intent.YES, Intent.NO, Intent.SKIP, Intent.OK))
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
    """Read one reply. Never raises; anything not understood is Reply(Intent.UNKNOWN)."""
    words, question = _normalise(text)
    reply = _classify(words)
    if question and reply.intent in _ANSWERS:
        return _UNKNOWN
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


def _classify(words: list[str]) -> Reply:
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
        return Reply(Intent.TAKEN, site=site) if site else _UNKNOWN
    if first in _SNOOZE:
        return Reply(Intent.SNOOZE, minutes=_clamp(_minutes(rest, 60, 1), 1440))
    if first == "pause":
        days = _minutes(rest, 1440, 1440)
        return Reply(Intent.PAUSE, days=_clamp(None if days is None else days / 1440, 365))
    if first in _OK:
        refs = [w for w in rest if w not in _OK_FILLER]
        if len(refs) == 1 and _REF.fullmatch(refs[0]):
            return Reply(Intent.OK, ref=int(refs[0]))
        return _UNKNOWN if refs else Reply(Intent.OK)
    for intent, keywords, filler in _SIMPLE:
        if first in keywords:
            return Reply(intent) if all(w in filler or w in _POLITE for w in rest) else _UNKNOWN
    return _UNKNOWN


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
