"""English phrases that place a reply in its situation: a time or a temperature said in words
("quarter to 8", "thirty eight point five"), someone else giving the dose, therapy stopped, a
patient away until a day, the weather's heat, another person's fever and a symptom the person
always has. Part of reminder.lexicon.en_phrases, in its place in the order (after lab tests, before
the supply words).
"""

_QUIT = (
    r"stopped|stop|quit|quitting|stopping|given up|giving up|gave up|give up|come off|came off|coming off"
    r"|gone off|went off|taken off|been taken off|switched off|discontinued|discontinuing"
    r"|(?:took|taken|taking|take|switched|switching|moved|moving) (?:me|her|him|them) off"
)
_DRUG = (
    r"(?:(?:the|my|these|those|this|her|his|all) )?(?:injections?|shots?|jabs?|meds|medication|medicine"
    r"|drug|treatment|therapy|interferon)|betaseron|betaferon|extavia|interferon"
    r"|(?:on )?(?:the |my |these |those )?(?:injections?|shots?|jabs?)"
)
_OTHERS = (
    r"daughter|son|kids?|children|child|baby|babies|grandson|granddaughter|grandkids|grandchildren"
    r"|toddler|little one|boys|girls|twins|family|dog|cat"
)
_HOURS = "one two three four five six seven eight nine ten eleven twelve".split()
_MINUTE_WORDS = ((5, "five"), (10, "ten"), (20, "twenty"), (25, "twenty five"))
_DIGITS = "zero one two three four five six seven eight nine".split()
_TEMP_TENS = (
    ("thirty", 30, tuple((w, n) for n, w in enumerate(_DIGITS) if n >= 5 and w != "zero")),
    ("forty", 40, (("one", 1), ("two", 2))),
    ("ninety", 90, tuple((w, n) for n, w in enumerate(_DIGITS) if n >= 5)),
    (
        "(?:a |one )?hundred(?: and)?",
        100,
        tuple((w, n) for n, w in enumerate(_DIGITS) if 1 <= n <= 4),
    ),
)

CONTEXT_PHRASES = (
    (r"(?:in )?(?:the|this|tha) arvo|arvo", "this afternoon"),
    # "arvo i did it": when, opening the sentence
    (
        r"^(?:this afternoon|this morning|this evening|earlier)(?= (?:i|ive|she|shes|he|hes|we) )",
        "",
    ),
    # therapy stopped, not a dose to come: never a snooze; stored and answered with where to ask,
    # for a nurse must know ("I've stopped taking it", "not doing these injections anymore")
    (
        rf"(?:(?:ive|i have|i|weve|we have|shes|she has|she|hes|he has|he) )?(?:{_QUIT})"
        rf"(?: (?:taking|doing|using|having|on))? (?:{_DRUG})"
        rf"|(?:im|i am|shes|she is|hes|he is|were|we are) (?:now )?off (?:{_DRUG})"
        rf"|(?:dont|do not) want to (?:do|take|have) (?:{_DRUG}|these|them|it) any ?more"
        rf"|(?:im|i am) (?:done|finished) with (?:{_DRUG})"
        rf"|(?:not|no longer|never) (?:taking|doing|using|having|going to (?:take|do)) (?:{_DRUG})"
        rf" (?:any ?more|ever again|again|for good|altogether)"
        rf"|(?:{_QUIT}) (?:(?:taking|doing|using|having) )?(?:it|them|these|this)"
        rf"(?= (?:for good|altogether|completely|permanently|now|any ?more|because|cos|as)|$)",
        "stoppedtherapy",
    ),
    # weather, not a body: "its been 35 degrees", "30 degrees outside" (35 is no body's heat here)
    (
        r"(?:its been|it has been|its|it is|it was|been)(?: like| about| over| nearly| almost| around)?"
        r" (?:[12][0-9]|3[0-6]|4[3-9]|5[0-9])(?: degrees| deg| c| celsius)?"
        r"|(?:its|it is|it was|its been|it has been)?(?: like| about| over| nearly| almost| around)?"
        r" ?[0-9]{2}(?: degrees| deg)? (?:out|outside|in the shade|here today)"
        r"|[0-9]{2} (?:degrees|deg) (?:here|all week|all day|today)"
        r"|(?:the|this) (?:heat|heatwave|hot weather|weather)",
        "",
    ),
    # a patient away until a day: a pause to that day; a contact away cannot be reached
    (
        r"(?:(?:im|i am|ill be|i will be|will be|were|we are|well be|shes|she is|hes|he is) )?(?:in hospital"
        r"|in the hospital|in a hospital|hospital|admitted|on holiday|on hols|on vacation|away|travelling|traveling"
        r"|abroad|out of the country)(?: (?:in|at|to|with) [a-z]+(?: [a-z]+)?)?(?: for (?:a bit|a while"
        r"|some time))?(?= (?:until|till|til|untill) )",
        "unreached pause",
    ),
    (r"(?:im|i am) in (?:the )?hospital(?= (?:can|could|so|please|pls) (?:you )?pause)", ""),
    # another's fever: "the kids have all got a temperature", "my daughter has a fever"
    (
        rf"(?:(?:my|our|the|both) )?(?:{_OTHERS})(?: (?:both|all))? (?:has|have|has got|have got|got|had|has had"
        rf"|have had|is running|are running|are|is|are all|have all got|all have|all got|both have)"
        rf"(?: got)? (?:a |the )?(?:slight |high |bit of a |little |mild )?(?:fever|fevers|temp|temps"
        rf"|temperature|temperatures|feverish|febrile)",
        "",
    ),
    # a symptom the person always has: "my usual numbness", "numb feet but that's normal for me";
    # replies reads it as nothing new, unless the same clause says it is back or worse
    (
        r"(?:thats|that is|which is|its|it is|this is|thats all|all) (?:normal|usual|typical|standard)"
        r" for me|(?:i )?(?:always|normally|usually) (?:have|get|got) (?:that|it|this)(?: anyway)?"
        r"|(?:ive |i have )?had (?:that|it|this) for (?:years|ages|months)|nothing out of the ordinary"
        r"|(?:thats|that is|its|it is) my (?:baseline|normal)"
        r"|(?:its |its been |been |it has been )?like (?:that|this) for (?:years|ages|months)",
        "usualforme",
    ),
    (
        r"(?:my |the |same )?(?:usual|same old|everyday|baseline)(?= [a-z])|my (?:normal|regular|old)(?= [a-z])",
        "usual",
    ),
    # not tonight, said of the dose to come: a skip, not a snooze
    (
        r"(?:im |i am )?(?:not|never) (?:going to|gonna) (?:do|take) (?:it|mine)(?: tonight| today)?"
        r"|(?:refused|refuses|wont let me do|wouldnt let me do|wont have|wouldnt have)"
        r"(?: it| (?:his|her|their|the|my) (?:injection|shot|jab|dose))?",
        "skip",
    ),
    # another does it: "wife did it for me", "mum's had hers"; a nurse on a ward does them now
    (
        r"(?:my |the |her |his )?(?:wife|husband|hubby|partner|mum|mom|dad|son|daughter|carer|nurse|friend)"
        r" (?:did|gave|done|injected|has done|has given)(?: it| me| mine| my (?:shot|injection|jab))?"
        r"(?: for me)?|(?:mums|moms|dads|shes|hes|hubbys|wifes) (?:had|done|taken) (?:hers|his|it|theirs)",
        "done",
    ),
    (r"done(?: and)? done", "done"),  # "done wife did it for me"
    (
        r"(?:the )?nurses? (?:are |is )?(?:doing|giving) (?:it|them|my (?:shots|injections|jabs))",
        "",
    ),
    (r"last nite|lastnight", "last night"),
    (
        r"(?:(?:ive|i have|i|weve|we have) )?(?:ran|run) out(?: of (?:my |the )?(?:vials|injections|meds"
        r"|medication|betaseron|betaferon|extavia)|$)",
        "vials 0",
    ),
    # "done this afternoon": when, not a site
    (
        r"(done|did it|took it|taken|injected|jabbed|did mine|took mine) (?:this|in the)"
        r" (?:afternoon|evening|morning)$",
        r"\1",
    ),
    # "ten past eight", "twenty to nine": minutes said in words
    *(
        (rf"(?:at |around |about )?{mins} past (?:{word}|{n})", f"at {n}:{m:02d}")
        for m, mins in _MINUTE_WORDS
        for n, word in enumerate(_HOURS, 1)
    ),
    *(
        (rf"(?:at |around |about )?{mins} to (?:{word}|{n})", f"at {(n - 2) % 12 + 1}:{60 - m:02d}")
        for m, mins in _MINUTE_WORDS
        for n, word in enumerate(_HOURS, 1)
    ),
    # a relapse now (not one asked about or past): a new symptom for the nurse
    (
        r"(?:having|had|have|got|with|in|think im having|think i am having|think its|think this is|its"
        r"|it is|another|new|starting|going through)(?: an?| another)? (?:ms )?(?:relapse|flare up"
        r"|flareup|flare|ms attack|exacerbation)",
        "relapsenow",
    ),
    # "about 50/50": part better, part still there
    (r"50 50|fifty fifty", "better still"),
    # a temperature said in words: "thirty eight point five"
    *(
        (rf"{tens} {unit}(?= point )", str(tens_n + unit_n))
        for tens, tens_n, units in _TEMP_TENS
        for unit, unit_n in units
    ),
    *((rf"([0-9]{{2,3}}) point {digit}", f"\\1.{n}") for n, digit in enumerate(_DIGITS)),
    *(
        (rf"(temp|temperature|fever|of) {tens} {unit}", f"\\1 {tens_n + unit_n}")
        for tens, tens_n, units in _TEMP_TENS
        for unit, unit_n in units
    ),
    # a clock time in words: "at seven thirty", "quarter to 8", "done at nine", "half eight"
    *(
        (rf"(?:at |around |about )?{word} (?:thirty|30)", f"at {n}:30")
        for n, word in enumerate(_HOURS, 1)
    ),
    *(
        (rf"(?:at |around |about )?{word} (?:fifteen|15)", f"at {n}:15")
        for n, word in enumerate(_HOURS, 1)
    ),
    *(
        (rf"(?:at |around |about )?{word} (?:forty five|45)", f"at {n}:45")
        for n, word in enumerate(_HOURS, 1)
    ),
    *(
        (rf"(?:at |around |about )?(?:a )?quarter to (?:{word}|{n})", f"at {(n - 2) % 12 + 1}:45")
        for n, word in enumerate(_HOURS, 1)
    ),
    *((rf"half (?:past )?{word}", f"{n}:30") for n, word in enumerate(_HOURS, 1)),
    *((rf"(?:a )?quarter past {word}", f"{n}:15") for n, word in enumerate(_HOURS, 1)),
    *(
        (
            rf"(at|around|about) {word}(?: (?:o clock|oclock))?(?=$| (?!point|stage|time|of|side))",
            f"\\1 {n}",
        )
        for n, word in enumerate(_HOURS, 1)
    ),
)
