"""English reply phrases: several words that mean one thing, rewritten to that one word before the
clause is read ("forgot to text" to nothing, "on my way" to "ack", "no more" to "nomore").

English is the base every language merges over, and its phrases are long enough for files of
their own: the symptoms said in several words are in reminder.lexicon.en_symptoms, the phrases
of a reply's situation (times in words, therapy stopped, away until a day) in
reminder.lexicon.en_context, the rest of the English lexicon in reminder.lexicon.en.
"""

from reminder.lexicon.en_context import CONTEXT_PHRASES
from reminder.lexicon.en_symptoms import SYMPTOM_PHRASES

# Phrases first: several words that mean one thing become that one word. Order matters where one
# phrase contains another; every pattern matches whole words.
PHRASES = (
    # spellings of a tired thumb, first, so the phrases below see the word
    (r"tonite|2 nite|tonigt|tonihgt", "tonight"),
    (r"2 morrow|tomoro|tomorow|tommorow|tommorrow", "tomorrow"),
    # "didn't take my temp" says nothing of the dose, nor of a fever
    (
        r"(?:didnt|did not|havent|have not|not|wasnt able to|couldnt) (?:take|taken|check|checked|measure"
        r"|measured) (?:my |a |the )?(?:temp|temperature)",
        "",
    ),
    # a lab test done: first, so "blood test done" is not read as a dose ("done LAB" still is one)
    (
        r"(?:i )?(?:had|did|got|have had) (?:(?:my |the )(?:labs?|lab tests?|lab work|blood tests?|blood work|bloods)|labs|lab tests?|lab work|blood tests?|blood work|bloods)(?: done| taken)?|(?:(?:my |the )?(?:labs?|lab tests?|lab work|blood tests?|blood work|bloods) (?:are |is |was |were )?(?:done|taken|finished|complete|completed))",
        "labdone",
    ),
    *CONTEXT_PHRASES,
    (
        r"new (?:box|pack|packet|supply)|(?:picked up|collected) (?:my |the )?(?:prescription|meds|medication)",
        "refill",
    ),
    # "I have not done my injection tonight because of a fever": a skip, with its reason
    (
        r"(?:not|havent|have not|didnt|did not) (?:done|taken|do|take) (?:it|mine|my (?:shot|injection|jab|dose))"
        r" (?:tonight|today)(?= because| as | since| cos| cause| due)",
        "skip",
    ),
    # not taken yet / taken
    (
        r"(?:not|havent|have not|didnt|did not|hasnt|has not|not yet) (?:(?:done|taken|take|do|injected"
        r"|inject|did)(?: it| mine| (?:my|her|his) (?:shot|injection|jab|dose))?"
        r"|had(?: it| mine| (?:my|her|his) (?:shot|injection|jab|dose))?(?= yet|$)"
        r"|had (?:it|mine|(?:my|her|his) (?:shot|injection|jab|dose)))(?: yet)?",
        "notyet",
    ),
    (r"(?:not|havent|didnt) (?:yet|done yet)", "notyet"),
    # "missed it last night, doing it now": an earlier dose, not tonight's (which is still open)
    (
        r"(?:i )?(?:forgot|missed|skipped)(?: it| mine| my (?:dose|shot|injection)| to (?:do|take) it)?"
        r" (?:yesterday|last night|the other day|last time|(?:on )?(?:mon|tues|wednes|thurs|fri|satur|sun)day)",
        "",
    ),
    (r"(?:im |i am )?(?:doing|taking) it (?:now|right now)", "later"),  # about to: asked again
    # "did it yesterday, forgot to text": forgetting to answer is not forgetting the dose
    (r"(?:i )?forgot to (?:text|reply|respond|answer|tell you|let you know|say|message|write)", ""),
    # an email's opening, "just to let you know I took it": what follows is the news
    (r"(?:i )?(?:just )?(?:wanted )?(?:to )?let(?:ting)? you know(?: that)?", ""),
    # a carer's "mum's had her injection", "he has had his shot": done
    (
        r"(?:has |have |s )?had (?:my|her|his|their|the) (?:injection|shot|jab|dose|needle|meds)",
        "done",
    ),
    # "I took my injection tonight": done tonight, not to come
    (
        r"(took|taken|injected|jabbed) (it|mine|my (?:shot|injection|jab|dose)|the (?:shot|injection|jab|dose))"
        r" tonight",
        r"\1 \2",
    ),
    # "done but forgot which leg": the site forgotten, not the dose
    (
        r"(?:i )?(?:forgot|forget|forgotten|cant remember|dont remember|not sure)"
        r" (?:which|what) (?:leg|side|site|arm|spot|thigh|one|part|cheek)(?: i used| it was)?",
        "",
    ),
    (r"(?:i )?forgot(?: it| to do it| to take it)?", "notyet"),
    (r"(?:about|going|gonna) to (?:do|take) it", "later"),
    (r"(?:will|ill|i will|gonna|going to) (?:do|take) it", "later"),
    # "will do at 9", "ok will do": the dose is still to come
    (r"(?:ok |okay )?(?:will|ill|i will) do(?= at | around | after | in | when |$)", "later"),
    (r"not (?:now|just now|right now)", "later"),
    (r"in a (?:bit|while|minute|min|sec|moment)", "later"),
    # "can you remind me in 30 mins", "could u text me again in an hour": a snooze asked for
    (
        r"(?:can|could|would|will) (?:you|u) (?:please |pls |plz )?(?:remind|text|message|ping) me"
        r"(?= (?:again )?(?:in|later|after|at|around|about|tonight|till|until)\b)",
        "remind me",
    ),
    (r"(?:text|message|ping) me again(?= (?:in|later|after)\b)", "remind me"),
    (r"remind me(?: again)?", "later"),
    # "give me 10", "in 5": a short wait in minutes (a bare 2 is still two hours)
    (r"gimme|gimmie", "give me"),
    (r"(give me|in) (5|10)$", r"\1 \2 min"),
    (r"give me", "later"),
    (
        r"(?:not doing|not taking|wont do|wont take|cant do|cant take|couldnt do|couldnt take|could not do"
        r"|could not take|wasnt able to do|giving|give) (?:it|mine|my (?:shot|injection|dose))(?: a miss)?"
        r"(?= today| tonight| this time|$)",
        "skip",
    ),
    (r"(?:going to|gonna) (?:miss|skip)", "skip"),
    (
        r"(?:i )?(?:missed|miss|missing) (?:it|tonight|todays|today|my dose|the dose|my shot|my injection)(?: tonight| today)?",
        "skip",
    ),
    (
        r"(?:ill |i will |will |im |going to |gonna )?(?:doing|do|take|taking) (?:it|mine) (?:tomorrow|tmrw|tmw)(?: instead)?",
        "skip",
    ),
    (
        r"(?:i )?(?:had|have had|gave myself|got) (?:it done|my (?:shot|injection|jab|dose)|the (?:shot|injection|jab))",
        "done",
    ),
    # a carer: "she's had it", "he did his injection at 7"
    (
        r"(?:shes|hes|she has|he has|theyve|they have) (?:had|done|taken) (?:it|hers|his|theirs"
        r"|(?:her|his|their) (?:shot|injection|jab|dose))|(?:she|he|they) (?:did|took|had) (?:hers|his|theirs)"
        r"|(?:did|took|had|done|given|gave (?:her|him|them)) (?:her|his|their) (?:shot|injection|jab|dose)",
        "done",
    ),
    # no vials left: a count, the supply's 0
    (r"(?:no|zero|none) (?:vials|injections) left", "vials 0"),
    (r"got it done|all done|injection given", "done"),
    (r"(?:bum|butt|bottom) cheek", "bum"),
    (r"(?:belly|tummy) button", "belly"),
    # "the one on my tummy has a blister": a site, not the number one
    (r"(the|that|this|last|other|old|new|previous) one(?= )", r"\1"),
    # "one side of my face is numb", "blurry in one eye": a part, not a score
    (r"(?:on |in )?one (side|eye|leg|arm|hand|foot|ear)", r"\1"),
    # a code written with its part, "done lt thigh": the side and the part, as "done l thigh"
    (
        r"(l|r)t (thighs?|thy|thi|thig|leg|arms?|triceps?|abdomen|abdo|belly|stomach|tummy|tum|buttocks?|bum"
        r"|butt|glutes?|hip)",
        r"\1 \2",
    ),  # "rt arm" too: rt is how many write right
    (r"(l|r)a (arms?|triceps?)", r"\1 \2"),
    (r"(l|r)ab (abdomen|abdo|abs?|belly|stomach|tummy|tum)", r"\1 \2"),
    (r"(l|r)b (buttocks?|butt|bum|bottom|glutes?|hip)", r"\1 \2"),
    # "can you restart the reminders": a resume asked for, not a question
    (
        r"(?:can|could|would) (?:you|u) (?:please |pls )?((?:restart|resume|unpause|start|turn on|switch on)"
        r" (?:the |my )?(?:reminders|messages|texts))",
        r"\1",
    ),
    # "start the reminders again": back from a pause, not the carrier's START
    (
        r"(?:please |you can |can you |could you )?(?:start|turn on|switch on|put on|send me)"
        r" (?:the |my )?(?:reminders|messages|texts)"
        r" (?:again|back on)|(?:turn|switch|put) (?:the |my )?(?:reminders|messages|texts) back on"
        r"|restart (?:the |my )?(?:reminders|messages|texts)|unpause (?:the |my )?(?:reminders|messages)",
        "resume",
    ),
    # "can you pause my reminders": a request, not a question to answer
    (
        r"(?:can|could|would) you (?:please )?(?:pause|stop) (?:my |the )?(?:reminders|messages|texts)"
        r"|(?:can|could|would) you (?:please )?pause(?: (?:them|it|things|everything))?(?: please| pls)?$",
        "pause",
    ),
    # "stop reminders till the 14th", "no texts for a week": a pause, not the carrier's STOP
    (
        r"(?:please |pls |can you |could you )?(?:stop|hold|pause|no more|turn off|switch off|no)"
        r" (?:the |my |all |any )?(?:reminders|messages|texts|texting me|messaging me)"
        r"(?= (?:until|till|til|for|from now until)\b)",
        "pause",
    ),
    # clock times said in words: "half 7" is 7:30 in British English
    (r"half (?:past )?([0-9]{1,2})", r"\1:30"),
    (r"(?:a )?quarter past ([0-9]{1,2})", r"\1:15"),
    (r"([1-5][0-9]) past ([0-9]{1,2})", r"\2:\1"),  # "10 past 8"
    (r"([1-9]) past ([0-9]{1,2})", r"\2:0\1"),
    (r"at (?:like|about|around) ([0-9]{1,2}(?::[0-9]{2})?)", r"at \1"),  # "done at like 8"
    # "snooze till 9" is a clock time, not a wait of nine hours
    (
        r"(?:till|until|til) ([0-9]{1,2}(?::[0-9]{2})?)(?! (?:mins?|minutes|hours?|hrs?|h|days?|weeks?))",
        r"at \1",
    ),
    (r"at ([0-9]{1,2}) ([0-5][0-9])", r"at \1:\2"),  # "injected at 8 45"
    (r"([0-9]{2,3}) point ([0-9])", r"\1.\2"),  # "38 point 5"
    (
        r"([0-9]{1,2}(?::[0-9]{2})?) (?:tonight|this evening|in the evening|this afternoon"
        r"|in the afternoon)",
        r"\1 pm",
    ),
    (r"([0-9]{1,2}(?::[0-9]{2})?) (?:this morning|in the morning)", r"\1 am"),
    # "did it after dinner" happened; "will do it after dinner" is read as later above
    (
        r"(did it|did mine|took it|took mine|done it) (?:right |just )?(?:after|before) (?:my |the )?"
        r"(?:dinner|tea|supper|lunch|breakfast|work|bed|bedtime|shower|gym|school)",
        r"\1",
    ),
    (
        r"(?:i )?(?:am |im |ill |will |going to |gonna )?(?:doing|taking|do|take) (?:it|mine)(?= in | at | after | later| soon| tonight|$)",
        "later",
    ),
    # durations said in words
    *(
        (rf"{word}(?= (?:hours?|hrs?|h|minutes?|mins?|m|days?|weeks?|wks?|months?)(?!\S))", str(n))
        for n, word in enumerate("one two three four five six seven eight nine ten".split(), 1)
    ),
    (r"half an? (?:hour|hr)", "30 min"),
    (r"an? (?:hour|hr) and an? half|(?:one|1) and an? half (?:hours|hrs)", "90 min"),
    (r"(?:a )?couple (?:of )?(?:hours|hrs)", "2 hours"),
    (r"(?:a )?few (?:minutes|mins|min)", "10 min"),
    (r"an? (?:hour|hr)", "1 hour"),
    (r"an? (?:minute|min)", "1 min"),
    (r"an? (day|week|month)", r"1 \1"),
    (r"a fortnight", "14 days"),
    (r"(?:sorry|oops|sry|soz)? ?i meant?|correction", "imean"),
    (
        r"not (?:tonight|today|this time)|(?:cant|cannot|can not|wont|not able to) (?:tonight|today|this time)",
        "skip",
    ),
    (r"not (?:really|totally|quite|entirely|too) sure", "not sure"),  # a doubt, not a no
    (
        r"not really|(?:i )?dont think so|not that i (?:know of|noticed|can tell)|nothing (?:that )?i (?:can|have) (?:tell|noticed)",
        "no",
    ),
    (
        r"(?:i )?think so|i believe so|i guess so|(?:it )?comes and goes|on and off|off and on"
        r"|(?:only |just )?(?:every )?now and (?:then|again)|^(?:only |just )?(?:sometimes|at times|occasionally)$",
        "yes",
    ),
    (r"(?:same as|as) (?:usual|always|normal)|usual self|not new", "nothingnew usualforme"),
    (r"better off", "betteroff"),
    (r"(?:want|need|wanted) to know|wondering|dying to know", "wonder"),
    # "did it now in the right side of my tummy": the site of the dose, not a symptom moved there
    (
        r"\b(did it|did mine|done|took it|taken|injected|jabbed)(?: it)? (?:just )?now(?= (?:in|into|on) )",
        r"\1",
    ),
    *SYMPTOM_PHRASES,
    # course of a symptom; "still at work" says where the patient is, not that a symptom stays
    (
        r"still (?:at work|at the office|at the shops|busy|driving|working|on my way|on the way"
        r"|in bed|asleep|awake)",
        "",
    ),
    # "not quite gone" is still there, "nearly healed" not healed yet
    (
        r"not (?:quite|completely|fully|totally|entirely|all the way) (?:gone|away|cleared|resolved)",
        "better still",
    ),
    (
        r"(?:not (?:quite|completely|fully|totally|entirely)|nearly|almost|mostly|partly|partially) healed"
        r"|(?:its |it is |still |slowly )*healing(?: (?:well|nicely|slowly|ok|okay|up|fine))?",
        "not healed",
    ),
    (r"^not quite(?: yet)?$", "notyet"),
    # a hedged answer alone, "kind of", "a bit": there still, a little; "getting there" is better
    (
        r"^(?:just |only )?(?:kind of|sort of|kinda|sorta|a bit|a little|a little bit|somewhat)(?: (?:yes|yeah))?$",
        "still a bit",
    ),
    (r"^(?:mostly|getting there)$", "almost"),
    (
        r"(?:hasnt|has not|havent|have not|hadnt|not|isnt|wont|didnt|doesnt|never) (?:gone|going|go|went|cleared|resolved|stopped|improved|got better|gotten better|changed)(?: away| up)?",
        "still",
    ),
    (
        r"(?:no|not any) (?:better|change|different|improvement)|(?:the )?same as (?:before|yesterday)|about the same|still the same",
        "still",
    ),
    (r"still there|still here|still have it|still got it|(?:the )?same|no change", "still"),
    (
        r"(?:almost|nearly|mostly|pretty much|practically) (?:gone|away|better|cleared|resolved)|not as bad|less bad|going away|easing off|settling down"
        r"|eased (?:off|up)|easing up|calmed down|calming down|settled down",
        "better",
    ),
    (r"getting worse|got worse|gotten worse|more and more|spreading|spread|spreads", "worse"),
    (
        r"(?:went|gone|has gone|have gone|go) away|cleared up|cleared|disappeared|vanished|all gone|no longer there|resolved"
        r"|stopped",
        "gone",
    ),
    # "I can't do this anymore" is despair, not a symptom's course (the self-harm words still read it)
    (
        r"((?:cant|cannot|can not) (?:do|take|cope with|handle|go on like) (?:this|it|that)|whats the point)"
        r" any ?more",
        r"\1",
    ),
    (r"no more", "nomore"),
    # "nope all good now" to "is it still there?": the no answers, the rest says it has gone
    (r"(no|nope|nah) all (?:good|fine|ok|okay)(?: now)?", r"\1 normal"),
    # the whole answer to "is it still there?": "back to normal", "all clear now", "fine now thanks"
    (
        r"^(?:(?:im|i am|its|it is|all|everything|everything is|feeling|feel|it feels|yeah|yes) )?"
        r"(?:back to normal|normal again|all normal|fine now|ok now|okay now|all clear(?: now)?|clear now"
        r"|good now|all good again|normal now)(?: now)?(?: (?:thanks|thank you|thx|ty|ta|cheers|x|xx))?$",
        "gone",
    ),
    (r"back to normal|normal again|all normal|fine now|ok now|okay now", "normal"),
    (r"no longer|^not any ?more$", "nomore"),
    (r"not any more|not anymore", "not"),
    (r"any more|anymore", "nomore"),
    # nothing new
    (
        r"(?:no|nothing|not any|none) (?:new|worse|neuro|neurological|other|more)(?: or worse)?(?: symptoms?| problems?| issues?| changes?)?|no (?:symptoms?|problems?|issues?|complaints)|nothing (?:to report|new|else)|all (?:good|fine|ok|okay|well)|(?:im|i am|feeling|feel|all) (?:fine|good|ok|okay|great|well)|nothing",
        "nothingnew",
    ),
    # fever
    (
        r"(?:running|have|got|had|with) a (?:slight |little |mild |bit of a |high )?(?:temp|temperature|fever)"
        r"|high (?:temp|temperature)|burning up|(?:and|with|plus) a (?:slight |little |mild |high )?(?:temp|temperature)$",
        "fever",
    ),
    # "my fever broke last night", "fever's gone now": a fever that happened, recorded as one
    (
        r"(?:the |my |her |his )?(?:fever|temp|temperature)s? (?:is |has |s )?(?:gone|broke|broken|went|gone down"
        r"|come down|came down|has come down)(?: now| down| away| overnight| this morning| last night)?",
        "fever",
    ),
    (r"degrees?|deg", "deg"),
    # scores
    (r"flu like|flulike|flu ish|fluish|flu symptoms|flu score|flu stuff|flu feeling", "flu"),
    (
        r"injection site|site reaction|skin reaction|site score|jab site|shot site|injection spot"
        r"|injection area|injection point|jab spot|shot spot|shot area|jab area|the spot"
        r"|where i (?:injected|jabbed|did it|did the shot)|redness",
        "site",
    ),
    (r"out of (?:10|ten)", "outoften"),
    # a contact who is with the patient, has spoken to them or has called for help has seen it
    (
        r"(?:im |i am |were |we are )?(?:here |sitting |at home )?(?<!not )with (?:her|him|them)"
        r"(?: now| at (?:the )?(?:hospital|a e|gp|doctors?|clinic|home|er))*$"
        r"|(?:shes|hes|theyre|she is|he is|they are) (?:here )?with (?:me|us)(?: at (?:the )?(?:hospital|a e|gp"
        r"|doctors?|clinic|home|er))?|(?:im|i am|were|we are) (?:at|in) (?:the )?(?:hospital|a e|gp|doctors?|er"
        r"|emergency|clinic)(?: with (?:her|him|them))?(?: now)?|(?:at|in) (?:the )?(?:hospital|a e|gp|doctors?|er|emergency|clinic) with (?:her|him|them)(?: now)?|(?:ill |i will |will )?take care of (?:it|this|that)"
        r"|(?:ive |i have |i |just |already )*(?:spoken|spoke|talked|talking|speaking) (?:to|with)"
        r" (?:her|him|them)|(?:ive |i have |weve |we have |i )?(?:called|rung|rang|phoned)"
        r" (?:999|911|112|111|an ambulance|the ambulance|(?:her|his|their|the) (?:gp|doctor|neurologist"
        r"|nurse|ms nurse|clinic|hospital))|ambulance (?:called|is coming|on its way|on the way)"
        r"|(?:taking|took|bringing|brought|driving) (?:her|him|them) (?:to|in to|into) (?:the )?"
        r"(?:a e|hospital|gp|doctor|er|emergency|walk in)|(?:i )?(?:saw|read) (?:it|that|this|the"
        r" (?:message|alert|text))$|^(?:i )?saw$|okie dokie|okey dokey|okey doke",
        "ack",
    ),
    # a contact's acknowledgement, last: "seen double" is a symptom, "seen" alone an OK. It is
    # "ack", not "ok": "ok" is also "fine", and "went numb on my way home" is no numbness gone.
    (
        r"got it|seen|on it|will do|noted|understood|thanks for letting me know|im on it"
        r"|will check(?: on (?:her|him|them))?"
        r"|(?:im )?driving (?:over|round)(?: there)?(?: now)?"
        r"|(?:ill |i will |will |im going to |going to |gonna )?(?:sort|deal with|handle|look into"
        r"|see to) (?:it|this|that)|(?:im |i am )?(?:dealing with|sorting|handling|looking into"
        r"|seeing to) (?:it|this|that)|message received|received|roger(?: that)?|(?:im |i am )?aware",
        "ack",
    ),
    # "ok but I can't reach her" is no acknowledgement: the alert must go on to the next person
    (
        r"(?:cant|cannot|couldnt|could not|unable to) (?:reach|get hold of|get through to|get through"
        r"|contact|get in touch with)|(?:no|not) (?:answer|answering|picking up)"
        r"|(?:doesnt|didnt|wont|isnt|not) (?:answer|answering|pick up|picking up)|goes to voicemail"
        r"|straight to voicemail|voicemail|voice mail|answerphone|no reply|no response"
        # a contact who cannot go: the alert goes on to the next one
        r"|(?:nobody|no one|noone) (?:is )?(?:answering|picking up|answers|home)"
        r"|(?:cant|cannot|not able to|unable to) get (?:to|over to|round to) (?:her|him|them)"
        r"|(?:im|i am) (?:away|abroad|out of (?:town|the country)|on holiday|on vacation"
        r"|not (?:with|near) (?:her|him|them))",
        "unreached",
    ),
    (
        r"(?:im |i am )?on my way(?: (?:to|over to) (?:her|him|them|you|the house|hers|his))?"
        r"|(?:ill|i will|will|im going to|going to|gonna) (?:call|ring|phone|check on"
        r"|go over|go round|head over|drive over)(?: (?:her|him|them|now|right away|asap|straight away))*"
        r"|(?:calling|ringing|phoning|heading over to|going over to) (?:her|him|them|now)",
        "ack",
    ),
    # "as soon as I got back I injected": a moment, as "once" is
    (r"as soon as|the moment", "once"),
)
