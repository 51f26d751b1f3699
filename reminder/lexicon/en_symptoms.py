"""English symptom phrases: a symptom said in several words ("pins and needles", "my leg gave
way"), or one that spreads to another part of the body ("now my other leg too"), rewritten to the
words the clause readers know. Part of reminder.lexicon.en_phrases, in its place in the order.
"""

# The parts of the body a symptom may spread to, and the words that say it is another one.
_BODY = (
    r"(?:legs?|arms?|hands?|feet|foot|eyes?|face|sides?|knees?|fingers?|toes?|waist|chest|back|hips?"
    r"|elbows?|shoulders?|thighs?|ankles?|calf|calves|wrists?|neck|cheek|lips?|jaw|tongue)"
)
_OTHER = r"(?:my|the|his|her) other"
_OWNER = (
    r"(?:(?:my|the|his|her|both|both of my|both my) )?(?:other |left |right |whole |lower |upper )?"
)

SYMPTOM_PHRASES = (
    # A symptom that reaches another part of the body is worse, whatever else is said of it ("still
    # there and now my other leg too", "gone up to my knee"); "not spreading" is no worse. The
    # body part stays, for the symptom readers below.
    (
        r"(?:not|isnt|is not|hasnt|has not|havent|never) (?:any |getting |gotten |got )?worse",
        "still",
    ),
    (r"(?:not|isnt|is not|hasnt|has not|havent|never) (?:spreading|spread|spreads)", ""),
    (
        rf"(?:moved|moving|moves|gone|going|went|goes|crept|creeping|creeps|travell?ed|travell?ing"
        rf"|spread|spreading|spreads|jumped|shifted|working its way|reached|got(?! to (?:my|his|her) feet)|gotten)"
        rf" (?:from {_OWNER}{_BODY} )?(?:up |down"
        rf" |into |to |over |across |along |round |around )+({_OWNER}{_BODY})",
        r"worse \1",
    ),
    (
        rf"now (?:its |it is |in |into |on |affecting |also |all )*(?:both|all|{_OTHER}) {_BODY}",
        r"worse \g<0>",
    ),
    (
        rf"now (?:its |it is |also )?(?:in|into|on|affecting|up to|down to) {_OWNER}{_BODY}",
        r"worse \g<0>",
    ),
    (rf"(?:both|{_OTHER}) {_BODY}(?= now| too| as well| also)", r"worse \g<0>"),
    (
        rf"(?:also|plus) (?:now )?(?:(?:in|on|into|affecting) {_OWNER}{_BODY}|{_OWNER}{_BODY}(?= now| too)"
        rf"|{_OTHER} {_BODY})",
        r"worse \g<0>",
    ),
    (rf"{_OWNER}{_BODY}(?: [a-z]+){{0,4}} (?:too|as well)(?= as|$| now)", r"worse \g<0>"),
    (rf"{_BODY} (?:now )?instead of", r"worse \g<0>"),  # "in my right leg now instead of the left"
    # "only in my fingers now", "gone down to just my toes": there still, in less of the body
    (r"(?:gone|going|come|came|moved) down to (?=(?:just|only) )", ""),
    (
        rf"(?:only|just) (?:(?:in|on) {_OWNER}{_BODY}|(?:my |the |his |her )?(?:left |right |big |little )?"
        rf"(?:hands?|fingers?|toes?|feet|foot|eyes?|face|knees?|ankles?|wrists?))",
        r"still better \g<0>",
    ),
    # "and now double too": another symptom on top of the one asked about
    (
        r"now (?!(?:[a-z]+ ){0,4}(?:gone|fine|ok|okay|normal|better|good|clear))(?:[a-z]+ ){0,4}"
        r"(?:too|as well)$",
        r"worse \g<0>",
    ),
    # "the scab fell off" is the site healing, not a fall
    (
        r"(?:scab|scabs|plaster|bandage|dressing|crust) (?:has |have )?(?:fell|fallen|come|came) off",
        "healed",
    ),
    # symptoms said in several words
    # "missed it, fell asleep": sleep, not a fall
    (r"(?:fell|fall|falling|falls) (?:back )?(?:asleep|to sleep|off to sleep)", "asleep"),
    # "my vision has gone funny", "my hand's gone clumsy": a symptom that came, not one that went
    (
        r"(vision|eyesight|sight|eyes?) (?:has |have |is |its )?(?:gone|going|went|turned) (?:all )?"
        r"(?:weird|strange|funny|odd|blurry|fuzzy|dim|hazy|misty|cloudy)",
        "blurry",
    ),
    (
        r"(hands?|arms?|legs?|foot|feet|face|fingers|toes) (?:has |have |is |are |s )?(?:gone|going|went|turned)"
        r" (?:all )?(?:weird|strange|funny|odd)",
        r"\1 numb",
    ),
    (
        r"(?:has |have |is |are |s )?(?:gone|going|went|turned) (?:all )?(blurry|fuzzy|numb|dead|wobbly|clumsy"
        r"|weak|tingly|double|heavy|floppy)",
        r"\1",
    ),
    # "it came back this morning": there again, not gone
    (
        r"(?:came|comes|coming) back(?: later(?: on)?)?(?! from| home| to| in| with| late| early| after| up| round"
        r"| over)|come back(?! from| home| to| in| with"
        r"| later)|back again",
        "still",
    ),
    # Uhthoff: "only when I get overheated", "after a hot shower": there, brought out by heat
    (
        r"(?:only |just )?(?:when|if|after|in) (?:i (?:am |get |feel )?|im (?:too |really )?|its |it is |it gets )?"
        r"(?:hot|warm|overheated|too hot|the heat|a hot (?:bath|shower|day)|hot (?:baths?|showers?|weather|days?))",
        "still",
    ),
    (
        r"(?:cant|cannot|couldnt|could not|didnt|did not) make it to the (?:loo|toilet|bathroom)",
        "bladder",
    ),
    (r"words (?:come|coming|came) out (?:wrong|jumbled|muddled|all wrong)", "slurred"),
    (
        r"(?:legs?|arms?|hands?) (?:wont|wouldnt|will not|dont|do not|didnt) (?:work|move|hold me up)",
        "weak",
    ),
    (r"pins (?:and|&|n) needles", "tingling"),
    (
        # "I can't see the point" is despair, not the eyes
        r"(?:cant|cannot|can not|couldnt|unable to) (?:see|read|focus)(?! (?:the|any|a|no) (?:point|way|end|future|reason)"
        r"| why| how| what| myself| a way| it happening)(?: properly| well| clearly| straight)?",
        "blurry",
    ),
    (r"(?:seeing|see|seen) (?:double|two of everything|things double)", "double"),
    (r"(?:grey|gray|dark|black) (?:patch|spot|area|shadow) in (?:my )?(?:eye|vision)", "blurry"),
    (
        r"(?:cant|cannot|couldnt|unable to) feel|no feeling (?:in|on)|(?:lost|losing) (?:the )?feeling",
        "numb",
    ),
    (r"(?:cant|cannot|couldnt|unable to) (?:walk|stand)(?: properly| straight| well)?", "unsteady"),
    (r"(?:giving|gave|gives|give) (?:way|out)", "weak unsteady"),
    (r"(?:dragging|drag|drags) (?:my |the )?(?:left |right )?(?:foot|leg)", "unsteady"),
    (
        r"(?:my |the )?(?:left |right )?(?:foot|leg) (?:dragged|drags|dragging|is dragging|keeps dragging|keep dragging)"
        r"|foot drop",
        "weak",
    ),
    (
        r"(?:can|could) (?:barely|hardly|only just) (?:walk|stand)|(?:trouble|difficulty|problems?) walking",
        "unsteady",
    ),
    (r"(?:i )?(?:had|have had) a fall|fell (?:over|down)|keep falling", "unsteady"),
    # the "MS hug": a band of tightness round the chest, a sensory symptom
    (r"(?:ms|the) hug|banding (?:round|around) my (?:chest|ribs|waist)", "numb"),
    (
        r"(?:hand|hands|arm|arms|leg|legs|foot|feet|face|fingers|toes) (?:feels|feel|is|are|felt|feeling)"
        r" (?:a bit |a little |kinda |kind of |really |so |very )?(?:weird|strange|funny|odd|different|wrong)",
        "numb",
    ),
    (
        r"(?:cant|cannot|couldnt|unable to|struggling to|struggle to|trouble|difficulty|hard to) (?:hold it"
        r"|hold it in|hold my (?:pee|wee|urine|bladder)|pee|peeing|wee|weeing|urinate|urinating"
        r"|urinate|empty my bladder|control my bladder)",
        "bladder",
    ),
    (
        r"(?:cant|cannot|couldnt|unable to|trouble|difficulty|hard to|struggling to|struggle to|problems?) (?:swallow|swallowing|speak|speaking|talk|talking|get my words out|getting my words out|find (?:my |the )?words|finding (?:my |the )?words)",
        "slurred",
    ),
    (
        r"(?:cant|cannot|couldnt|unable to) (?:grip|lift|hold (?:a|my|the|anything|things|onto)|use my (?:hand|arm|leg))",
        "weak",
    ),
    (r"(?:dropping|drop|dropped|drops) (?:things|stuff|my|everything|cups?|the)", "clumsy"),
    (
        r"(?:cant|cannot|couldnt|unable to|struggling to) move (?:my|his|her|the) (?:left |right )?"
        r"(?:arms?|legs?|hands?|foot|feet|fingers|side)",
        "weak",
    ),
    # "now its gone hard": a site reaction that got worse
    (r"(?:gone|going|turned|turning|got|getting) (?:hard|lumpy|hot|swollen|purple)", "worse"),
    (r"(?:heavy|dead) (?:leg|legs|arm|arms|foot|feet|hand|hands)", "weak"),
    (r"(?:legs?|arms?) (?:are |is |feel |feels |felt )?(?:like )?jelly|jelly legs", "weak"),
    (
        r"(?:leg|legs|arm|arms|foot|feet|hand|hands) (?:feels |feel |is |are |felt )?(?:so |really |very |a bit |quite )?"
        r"(?:heavy|dead|like lead)",
        "weak",
    ),
    (r"(?:room|world|everything) (?:is )?spinning", "vertigo"),
    (r"(?:lost|losing|lose) (?:my )?balance", "unsteady"),
    (
        r"(?:bumping|walking|banging) into (?:things|stuff|people|furniture|(?:the )?door ?frames?"
        r"|doors|walls)",
        "unsteady",
    ),
    (r"(?:losing|lose|lost|forgetting) (?:my )?words", "slurred"),
    (r"(?:peeing|weeing|going) (?:a lot|all the time|constantly|more)", "bladder"),
    (
        r"(?:need|needing|needed|rushing|rush|running) (?:a |the |to |to the )?(?:wee|pee|loo|toilet|bathroom)",
        "bladder",
    ),
    # "the site is leaking" is a wound draining (reminder.replies reads it), not the bladder
    (
        r"wet (?:myself|the bed)|wetting (?:myself|the bed)|accidents|(?:bladder|im|i am|i keep|keep) leaking"
        r"|leaking (?:urine|pee|wee)",
        "bladder",
    ),
    (
        r"(?:feel|feeling|felt|feels|walking|walk|look|looks) (?:like i am |like im |like )?drunk",
        "unsteady",
    ),
    # optic neuritis and Lhermitte's sign, as patients put them
    (
        r"(?:colou?rs?|everything|things) (?:looks? |are |seem |seems )?(?:faded|washed out|dull|grey|gray)"
        r"|(?:pain|ache|aching|hurts?|hurting) (?:behind|in|around) (?:my |the )?(?:left |right )?eyes?"
        r"|eyes? (?:hurts?|aches?|is sore|pain) when i (?:move|look)",
        "vision",
    ),
    (r"electric (?:shocks?|zaps?|feelings?|sensations?|jolts?)|lhermitte\w*", "tingling"),
    (
        r"(?:face|smile|mouth) (?:looks |is |feels |seems |has gone |went |gone )?(?:a bit |really )?"
        r"(?:lopsided|crooked|uneven|saggy|sagging|fallen|twisted)",
        "droop",
    ),
    (r"(?:slurring|slur|slurred) (?:my )?(?:words|speech)?", "slurred"),
)
