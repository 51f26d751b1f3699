"""English reply words: dose words, sites, symptoms with their negations, fever, self-harm."""

from reminder.lexicon import Lexicon, kinds, words
from reminder.lexicon.en_phrases import PHRASES

_POLITE = words(
    "thanks thank you thankyou thx ty ta tks please pls plz cheers x xx xxx sorry sry soz"
)

LEXICON = Lexicon(
    phrases=PHRASES,
    taken=words(
        "done taken injected jabbed did took dun dn dne donee doen donr dunn finished completed complete"
    ),
    taken_subject=words(
        "i ive have it is its my shot injection jab dose just all already now so ok finally finaly"
        " she shes he hes we weve they theyve"
        " finnaly eventually"
        " mum mums mom moms dad dads husband hubby wife son daughter partner needle"
    ),
    skip=words("skip skipping skipped skiping skp"),
    later=words("later snooze snoozing remind"),
    not_yet=words("notyet yet"),
    future=words("will ill gonna going soon tomorrow tmrw when after before until till"),
    moment=words("tonight when after before until till once"),
    past=words(
        "did took injected jabbed gave got was were came finished had arrived woke went ate"
        " remembered managed"
    ),
    ago=words("ago"),
    pause=words("pause"),
    resume=words("resume unpause restart"),
    healed=words("healed heal healing"),
    ok=words("ok okay okey k kk ack acknowledged acknowledge noted"),
    yes=words("y yes yep yeah yup ya yea ye yess yes yeh aye affirmative sure"),
    no=words("n no nope nah nop none"),
    # Carrier keywords with their local forms in es, de and fr: English is merged into every
    # language, so STOP works for a Spanish patient and ALTO for an English one.
    stop=words("stop unsubscribe optout")
    | words("alto parar stopp abmelden arrêt arrête arrêter désabonner désinscrire"),
    stop_alone=words("stopall cancel end quit revoke") | words("baja cancelar"),
    # "stop texting me", "stop sending me these reminders please"
    stop_filler=_POLITE
    | words(
        "sending texting messaging emailing me these this them all now it any more anymore"
        " messages message texts text reminders reminder reminding emails email stop unsubscribe optout"
    ),
    # Opt-out said in other words (CTIA: honour any reasonable request), the whole text each.
    opt_out=(
        r"(?:please )?(?:remove me|opt me out|unsubscribe me|take me off)(?: (?:from|of) (?:this|the|these"
        r"|your) (?:list|texts|messages|reminders|service))?(?: list)?(?: please)?",
        r"(?:please )?(?:dont|do not|never) (?:text|message|email|contact) me (?:again|any ?more)(?: please)?",
        r"(?:please )?no more (?:texts|messages|reminders|emails)(?: please)?",
        r"(?:please )?stop (?:the|all the|all of the|those) (?:texts|messages|reminders|emails)(?: please)?",
        r"(?:i )?(?:want|would like|wish|need) to (?:unsubscribe|opt out|stop (?:these |the |all |getting )?"
        r"(?:texts|messages|reminders))(?: please)?",
    ),
    start=words("start unstop"),
    help=words("help info") | words("ayuda hilfe aide"),
    polite=_POLITE,
    conjunctions=words("but though although however tho except whereas"),
    coordinators=words("and"),
    left=words("left l lft lt lef lfet letf"),
    right=words("right r rgt rt rght rigt rite rigth righ"),
    site_codes={
        "la": "left_arm",
        "ra": "right_arm",
        "lab": "left_abdomen",
        "rab": "right_abdomen",
        "lb": "left_buttock",
        "rb": "right_buttock",
        "lt": "left_thigh",
        "rt": "right_thigh",
    },
    parts={
        **dict.fromkeys(words("arm arms tricep triceps"), "arm"),
        **dict.fromkeys(
            words("abdomen abdominal abd abdo ab abs belly stomach tummy tum"), "abdomen"
        ),
        **dict.fromkeys(words("buttock buttocks butt bum glute glutes hip bottom"), "buttock"),
        **dict.fromkeys(words("thigh thighs thy thi thig leg"), "thigh"),
    },
    site_filler=words(
        "upper outer inner lower front back top side area of the my her his on in at into"
    ),
    symptoms=kinds(
        vision="vision visual eyesight sight blurred blurry blury blurring blurriness blurryness blur"
        " neuritis"
        " double blind"
        " blindness fuzzy hazy dim dimmer",
        numbness="numb numbness numbess numbnes tingling tingly tingle tingles tingleing tinglin"
        " tinglling prickling buzzing",
        weakness="weak weakness weaker clumsy clumsiness clumsey",
        balance="balance unbalanced unsteady wobbly dizzy dizziness dizzey dizy vertigo walking"
        " stumbling stumble tripping falling fell dizzyness dizziness",
        bladder="bladder incontinence incontinent urgency bowel bowels",
        speech="slurred slurring speech swallowing",
        face="droop drooping droopy facial",
    ),
    face=words("face cheek lip lips jaw mouth"),
    negators=words(
        "no not without never nor dont didnt doesnt havent hasnt isnt arent wasnt aint zero nomore"
    ),
    gone=words("gone nomore"),
    normal=words("fine normal ok okay good clear"),
    still=words("still persists persisting persistent ongoing continuing lingering remains"),
    better=words("better improving improved easing eased milder fading less almost nearly"),
    worse=words("worse worsening increased"),
    nothing_new=words("nothingnew"),
    relapse=words("relapsenow"),
    question_starts=words(
        "can could should shall may do does did is are am will would what how why have has wonder"
        " who whos whens wheres which"
    ),
    # "is it normal to have a fever of 38.5?" asks of the one who has it
    first_person=words("i im ive id my me mine myself feel feeling feels have normal"),
    conditional=words("if unless suppose incase whether"),
    at_spot=(
        "site",
        "where i injected",
        "where i did it",
        "where i jabbed",
        "where the needle",
        "where it went in",
        "where the shot",
        "where the injection",
        "injection spot",
    ),
    schedule=words(
        "dose doses dosage shot shots injection injections jab jabs inject site sites ml mcg much"
    ),
    question_subjects=words("i it you we my this that the there these those they he she wonder is"),
    fever=words("fever feverish febrile pyrexia fevers"),
    temperature=words("temp temperature temps"),
    celsius=words("c celsius centigrade"),
    fahrenheit=words("f fahrenheit"),
    flu_labels=words("flu f aches achy ache"),
    site_labels=words("site s inj skin reaction"),
    numbers={
        **{"zero": 0, "nil": 0, "nought": 0},
        **{
            w: n
            for n, w in enumerate("one two three four five six seven eight nine ten".split(), 1)
        },
    },
    filler=_POLITE
    | words(
        "and but a an bit little i im am feel feeling felt have had has got some very quite today"
        " this morning my is it its for score scores like symptom symptoms new nerve neuro"
        " neurological also then actually now again there slight slightly mild maybe about"
        " around approx roughly probably say id would be was so just prob sore red swollen itchy"
        " bruise bruised tired the of with or at last night yesterday ish think guess reckon"
        " she he says said shes hes mum mom dad honestly tbh um umm erm hmm"
    ),
    injury={
        **dict.fromkeys(words("pus oozing ooze oozes oozy weeping"), "pus"),
        **dict.fromkeys(words("wound wounds ulcer ulcers ulcerated"), "wound"),
        **dict.fromkeys(words("drain drains draining drainage"), "drain"),
        **dict.fromkeys(words("black blackened necrosis necrotic"), "black"),
        **dict.fromkeys(words("blister blisters blistered blistering abscess"), "blister"),
    },
    reaction=words("red redness reddish swollen swelling rash inflamed lump"),
    unhealed=words(
        "red redness reddish swollen swelling inflamed lump hot sore tender bigger itchy scab"
        " scabby bruised weepy"
    ),
    spreading=words("spreading spread spreads streak streaks streaky streaking whole"),
    open_context=words(
        "sore wound skin site spot area patch hole cut lump bump broken burst split"
    ),
    refill=words("refill refilled refills restocked"),
    refill_not=words("need needs want order ordered ordering request when low running soon"),
    vials=words("vial vials"),
    phq_frequencies=(
        (r"not at all|not once|none of the time|never|none", 0),
        (r"several days|some days|a few days|a couple of days|sometimes", 1),
        (
            r"more than half(?: of)?(?: the)? (?:days|time)|more than half|most days|most of the time|often",
            2,
        ),
        (r"nearly every day|almost every day|every day|everyday|all the time|daily|always", 3),
    ),
    # Self-harm and suicide, direct and common indirect phrasings. A negation does not cancel one
    # ("not suicidal" is still read): a person can judge, the parser cannot.
    # Signs of a medical emergency, above all a severe allergic reaction to the injection: an
    # urgent alert and the emergency number at once. "no chest pain" is not one.
    emergency=(
        r"\b(?:cant|cannot|can not|couldnt|hard to|struggling to|struggle to|unable to|can barely"
        r"|can hardly|could barely|could hardly)(?: i| he| she)?"
        r" (?:breathe|breath|catch my breath)\b(?! (?:through|out of) my nose)",
        r"\b(?:not|isnt|stopped|hasnt been) breathing\b(?! (?:through|out of|thru|well through) )|\bstruggling for (?:breath|air)\b",
        r"\b(?:unconscious|unresponsive)\b|\b(?:shes|hes|she|he|theyre|they) (?:wont|will not|cant|isnt|is not"
        r"|not) (?:wake up|waking up|responding)\b",
        r"\b(?:having|had|has|having had) a stroke\b",
        r"\btongue (?:feels |is |feel )?(?:thick|big|fat|huge)\b",
        r"\b(?:trouble|difficulty|problems?|struggling) breathing\b|\bshort(?:ness)? of breath\b",
        r"\b(?:my )?(?:throat|tongue|lips?|face|mouth)(?: (?:and|&) (?:my )?(?:throat|tongue|lips?|face"
        r"|mouth|eyes))? (?:is |are |feels |feel |getting |has |keeps |look |looks |gone |going )?"
        r"(?:[a-z]+ (?:and|&) )?(?:swelling|swollen|swelled|closing|closing up|puffing up|puffed up"
        r"|puffy)\b",
        r"\bswollen (?:throat|tongue|lips|lip|face)\b|\bswelling (?:of|in) (?:my )?(?:throat|tongue|lips?|face)\b",
        r"\b(?:allergic reaction|anaphyla\w*)",
        r"\b(?:rash|hives) (?:all over|everywhere)\b",
        r"\bchest (?:pain|pains|is tight|tightness|hurts)\b|\bpain in my chest\b",
        r"\b(?:chest|throat) (?:feels |feel |is |gets |getting |felt )?(?:really |very |so )?(?:tight|tightening)\b",
        r"\bthroat (?:feels |feel )like (?:its |it is )?(?:closing|swelling)\b",
        r"\b(?:fainted|passed out|blacked out|collapsed|lost consciousness)\b",
        r"\bbreathless\b|\b(?:gasping|fighting) for (?:breath|air)\b",
        # a seizure, and the sudden "worst headache of my life": the emergency number, not a wait
        r"\b(?:having|had|has) (?:a )?(?:seizures?|fits?|convulsions?)\b|\bseizing\b|\bconvulsing\b",
        r"\bworst headache (?:of my life|ever|ive ever had|i have ever had)\b",
        # about to faint, and a text that says it is an emergency
        r"\b(?:feel|feeling|felt|going to|gonna|about to) (?:really |very |so |a bit )?faint\b",
        r"^(?:help )?emergency\b|\b(?:its|it is|this is) an emergency\b|\bmedical emergency\b",
    ),
    self_harm=(
        r"\bsuicid",
        r"\bkill(?:ing)? my ?self\b",
        r"\bkms\b",
        r"\b(?:end|ending|ended|take|taking) (?:my|my own) life\b",
        r"\bend(?:ing)? it all\b",
        r"\b(?:thinking|thought|thoughts|think) (?:about|of) (?:ending|end) it\b",
        r"\b(?:want|wanna|going|ready|plan|planning) to end it\b",
        r"\b(?:want|wanna|wish|wished|going|ready|deserve) (?:to )?(?:die|be dead)\b",
        r"\bwish i (?:was|were) (?:dead|gone|never born)\b",
        r"\b(?:want|wanna|wish i could|like) to (?:go to )?sleep (?:forever|and never wake up)\b",
        r"\b(?:im |i am )?(?:going|gonna|about|want|wanna) to jump$",
        r"\bwish i (?:wasnt|werent) (?:here|alive)\b",
        r"\bbetter off (?:dead|without me|gone)\b",
        r"\b(?:better|happier|easier) (?:off )?without me\b",
        r"\bwant (?:it all|it|everything|this all|all of this) to (?:stop|end)\b",
        r"\bwish i could (?:just )?(?:disappear|vanish|not exist|stop existing|die|not wake up)\b",
        r"\b(?:dont|do not|didnt) care (?:if|whether) i (?:live|die|wake up)\b",
        # "cut myself shaving" is an accident, not self-harm
        r"\b(?:hurt|hurting|harm|harming|cut|cutting) my ?self\b"
        r"(?! (?:shaving|cooking|gardening|by accident|accidentally|on the|in the kitchen))",
        r"\bself (?:harm|harming|injury|injure)\b|\bselfharm",
        r"\bno (?:interest|will|wish|desire) (?:in |to )(?:living|live|life|being alive|going on|carry on)\b",
        r"\bno (?:reason|point) (?:to |in |of )?(?:live|living|going on|carry on|carrying on|being here|being alive|life)\b",
        r"\b(?:dont|do not|cant|cannot) see (?:the|any) point (?:in|of) (?:going on|living|life|anything|carrying on|being here"
        r"|any of (?:this|it))\b",
        r"\b(?:dont|do not|cant|cannot) see (?:the|any) point (?:any ?more|of it all|in anything)\b",
        r"\bno point (?:in )?(?:anything|trying) any ?more\b",
        r"\bwhats the point(?: (?:in|of) (?:living|life|going on|anything|it all|trying|carrying on|any of (?:this|it)))?"
        r"(?: any ?more)?$",
        r"\b(?:nobody|no one|noone) (?:would|will|is going to|gonna) (?:even )?(?:miss me|care if i|notice if i)",
        r"\b(?:cutting|cut) again\b|\b(?:been|started) cutting\b(?! (?:back|down|out|up|the|my hair))",
        r"\b(?:wouldnt|didnt|dont|not|never) wake up\b",
        r"\b(?:take|taking|took|swallow|swallowing) all (?:of )?(?:my|the) (?:pills|tablets|meds|medication)\b",
        r"\b(?:took|taken|swallowed) (?:too many|a lot of|loads of|lots of|a handful of|a bunch of)"
        r" (?:my )?(?:pills|tablets|meds|sleeping pills|painkillers|paracetamol)\b",
        r"\b(?:saving|saved|stockpiling|hoarding) (?:up )?(?:my |the )?(?:pills|tablets|meds|medication)\b",
        r"\b(?:pills|tablets|meds|medication) (?:saved|stashed|stockpiled|hoarded)(?: up)?\b",
        r"\bdone with (?:life|living|it all|everything)\b",
        r"\brather (?:be )?dead\b|\brather die\b",
        r"\bmight as well (?:be dead|die|not be here)\b|\blifes? (?:is )?not worth (?:it|living)\b",
        r"\b(?:dont|do not|didnt) want to (?:live|be alive|be here|exist|wake up|go on)\b",
        r"\b(?:not|isnt|aint) worth living\b|\blife (?:is not|isnt|aint) worth (?:it|living)\b",
        r"\b(?:cant|cannot) (?:go on|do this any ?more|take (?:it|this) any ?more)\b",
        r"\boverdos(?:e|ed|ing)\b|\btake all (?:my|the) (?:pills|tablets|meds)\b",
        r"\bnot (?:want to )?wake up\b|\bnever wake up\b",
        r"\b(?:hang|hanging|drown|shoot) my ?self\b",
        r"\bdisappear for(?:ever| good)\b",
        r"\bbetter off if i (?:was|were|wasnt|werent) (?:gone|dead|here|around|alive)\b",
        r"\b(?:jump|jumping|jumped|throw myself|throwing myself) (?:off|in front of|from) (?:a |the )?"
        r"(?:bridge|building|roof|cliff|train|bus|lorry|truck|car|balcony)",
        r"\b(?:tired|sick) of (?:living|life|being alive)\b",
        r"\bgiv(?:e|ing|en) up on (?:life|living|everything)\b",
        r"\b(?:im|i am|ive become|i have become|i feel like|feel like) (?:a|such a|just a|nothing but a) burden\b",
        r"\b(?:cant|cannot) keep (?:going|living|doing this)(?: like this)?$",
        r"\b(?:feel|feeling|felt) like giving up\b(?! (?:on )?(?:the|my|these|this) (?:injections?|shots?|jabs?"
        r"|meds|medication|treatment|drug))",
        r"\bend(?:ing)? (?:things|everything)\b",
        # a carer's words about the patient: "she says she wants to die", "he tried to hurt himself"
        r"\b(?:wants|wanted|wanting|wishes|wished) (?:to )?(?:die|be dead|end it)\b(?! (?:my|his|her|their) hair)",
        r"\bkill(?:ing|ed|s)? (?:him|her|them) ?sel(?:f|ves)\b",
        r"\b(?:hurt|hurting|hurts|harm|harming|harms|cut|cutting|cuts|hang|hanging|drown|shoot)"
        r" (?:him|her|them) ?sel(?:f|ves)\b"
        r"(?! (?:shaving|cooking|gardening|by accident|accidentally|on the|in the kitchen))",
        r"\b(?:take|taking|took|taken|swallow|swallowed) all (?:of )?(?:his|her|their) (?:pills|tablets|meds|medication)\b",
    ),
)
