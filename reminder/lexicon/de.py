"""German reply words, merged over English: dose words, sites, symptoms with negation, self-harm."""

from reminder.lexicon import Lexicon, kinds, words
from reminder.lexicon.de_crisis import EMERGENCY, SELF_HARM
from reminder.lexicon.de_phq import PHQ_FREQUENCIES, PHQ_LABELS

_POLITE = words("danke bitte vielen dank lg gruss grüße grüsse liebe viele schönen")
_NUMBERS = "eins zwei drei vier fünf sechs sieben acht neun zehn".split()

# Written with umlauts; the parser folds them out of lexicon and reply alike ("später", "spater").
# Patients without an umlaut key write "ae", "oe", "ue": those spellings are listed too. Order
# matters: a phrase that holds another comes first.
_PHRASES = (
    # a limb that does not do what it is told, speech or swallowing hard: symptoms
    (r"(?:bein|beine|arm|arme|hand|hände|haende) (?:will|wollen) (?:nicht|nicht mehr)$", "schwach"),
    (
        r"(?:das )?(?:sprechen|reden) fällt (?:mir )?schwer|(?:das )?(?:sprechen|reden) faellt (?:mir )?schwer",
        "sprachstörung",
    ),
    (r"(?:das )?schlucken f(?:ä|ae)llt (?:mir )?schwer", "schluckbeschwerden"),
    (r"nich", "nicht"),  # "noch nich"
    (r"^nix$", "nothingnew"),
    # a contact who reached the patient
    (
        r"(?:hab|habe) (?:mit )?(?:ihr|ihm) gesprochen|(?:hab|habe) (?:sie|ihn) erreicht|alles klar",
        "ack",
    ),
    # therapy stopped: no dose to come and never a snooze; stored and answered with where to
    # ask, as in English (reminder.reading), for the nurse must hear of it
    (
        r"(?:ich )?spritze (?:mich |es |sie )?nicht mehr|(?:ich )?(?:habe |hab )?(?:die |das |mit der |mit dem |mit den )?"
        r"(?:therapie|behandlung|spritzen|betaferon|medikament|interferon) (?:abgebrochen|abgesetzt|aufgehört"
        r"|aufgehoert|beendet|gestoppt)|(?:ich )?(?:setze|breche) (?:die |das )?(?:therapie|behandlung|medikament"
        r"|spritzen|betaferon) ab",
        "stoppedtherapy",
    ),
    (
        r"(?:ich )?(?:kümmere|kuemmere|kummere) mich(?: (?:darum|drum))?|(?:ich )?(?:bin )?dran",
        "ack",
    ),
    (
        r"(?:ich )?(?:konnte|kann) (?:(?:sie|es|die spritze|die injektion) )?(?:heute )?nicht (?:machen|spritzen|nehmen)",
        "skip",
    ),
    # a contact on the way: an acknowledgement
    (
        r"(?:bin|ich bin) (?:unterwegs|auf dem weg)|(?:ich )?(?:rufe|ruf) (?:sie|ihn) (?:jetzt |gleich |sofort )?an"
        r"|(?:ich )?(?:fahre|fahr|gehe|geh) (?:jetzt |gleich |sofort )?(?:hin|rüber|rueber|vorbei)",
        "ack",
    ),
    # "weder Kribbeln noch Schwindel": both denied ("noch" is no "still" here)
    (r"^weder (\S+) noch (\S+)$", r"kein \1 kein \2 nothingnew"),  # alone: nothing new either
    (r"weder (\S+) noch (\S+)", r"kein \1 kein \2"),
    # "alles gleich" to a follow-up: the same, still there ("gleich" alone may be "soon")
    (r"^(?:immer )?noch gleich$|^alles (?:noch )?gleich$", "unverändert"),
    (r"noch nicht (?:ganz |völlig |komplett )?(?:weg|vorbei|verschwunden)", "still"),
    (r"^(?:es ist )?(?:nichts|nix) mehr(?: da)?$", "weg"),
    # a hedged answer alone, "so halb": there still, a little
    (r"^(?:so halb|ein bisschen|bisschen|ein wenig)$", "still a bit"),
    # "ich erreiche sie nicht": no confirmation; the alert goes on to the next person
    (
        r"(?:kann|erreiche|erreichen) (?:sie|ihn) nicht|(?:sie|er) (?:ist )?nicht erreichbar"
        r"|nicht erreichbar|(?:keiner|niemand) (?:geht ran|nimmt ab)|(?:geht|ging) nicht (?:ran|dran|ans (?:telefon|handy))"
        r"|nimmt nicht ab|nur die mailbox|nur mailbox",
        "unreached",
    ),
    # a lab test done, and a new pack: first, so they are not read as a dose
    (
        r"labor erledigt|labor gemacht|blut (?:wurde )?(?:heute |gestern )?abgenommen|blutabnahme (?:erledigt|gemacht)|(?:die )?blutwerte (?:sind )?(?:gemacht|erledigt)",
        "labdone",
    ),
    (r"neue packung|rezept abgeholt", "refill"),
    # out of vials: a count of none, not a symptom gone
    (
        r"(?:keine|null) (?:ampullen|spritzen) mehr|keine (?:ampullen|spritzen) (?:mehr )?da",
        "0 ampullen",
    ),
    (
        r"bin (?:jetzt )?bei (?:ihr|ihm)(?: im krankenhaus| in der notaufnahme| im spital| in der klinik)?"
        r"|(?:hab|habe) (?:sie|ihn) (?:angerufen|erreicht)|(?:zur kenntnis genommen|zur kenntnis)"
        r"|bin mit (?:ihr|ihm) (?:im krankenhaus|in der notaufnahme|im spital|in der klinik|beim arzt)"
        r"|(?:habs|hab es|habe es|hab ich|habe ich) gesehen",
        "ack",
    ),
    (
        r"blutabnahme (?:war|ist) (?:heute |gestern )?(?:gemacht|erledigt|heute|gestern)"
        r"|war (?:heute |gestern )?(?:zur|bei der) blutabnahme",
        "labdone",
    ),
    (r"gib mir|geben sie mir", "später"),
    # "Temperatur nicht gemessen" says nothing of a fever
    (r"(?:hab |habe )?(?:die )?(?:temperatur|temp|fieber) nicht gemessen", ""),
    (r"(?:die )?erinnerungen (?:wieder )?(?:an|aktivieren|einschalten|fortsetzen)", "fortsetzen"),
    (r"nach dem (?:essen|abendessen|duschen|sport)", "später"),
    (r"fast (?:verheilt|abgeheilt|geheilt)", "nicht verheilt"),  # nearly healed is not healed
    # "Pause bis zum 15.": a date, not 15 days (the pause takes its default length, and says when)
    (
        r"bis (?:zum |am |den )?([0-9]{1,2})(?:\.[0-9]{1,2})?(?: [0-9]{1,2})?(?= |$)(?! uhr| h(?!\S))",
        r"until \1 th",
    ),
    # units and clock times, into the English words the reader counts
    (r"(?:einer |eine |ner |ne )?halben? stunde", "30 min"),
    (r"stunden?|std", "hours"),
    (r"minuten?", "min"),
    (r"tagen?|tage", "days"),
    (r"wochen?", "weeks"),
    (r"(?:einer|eine|1) (?:hours)", "1 hour"),
    *(
        (rf"{word}(?= (?:hours|min|days|weeks)(?!\S))", str(n))
        for n, word in enumerate(_NUMBERS, 1)
    ),
    (r"(?:ein|einen|einem|einer|ner|nem|ne)(?= (?:hours|min|days|weeks)(?!\S))", "1"),
    (r"([0-9]{1,2}) uhr ([0-9]{2})", r"\1:\2"),
    # "halb 9" is half past eight
    *((rf"halb {hour}", f"{hour - 1 or 12}:30") for hour in range(1, 13)),
    *((rf"halb {word}", f"{hour - 1 or 12}:30") for hour, word in enumerate(_NUMBERS, 1)),
    (r"halb elf", "10:30"),
    (r"halb (?:zwölf|zwoelf)", "11:30"),
    # a temperature in words: "achtunddreißig komma fünf" is 38.5
    *(
        (rf"{word}(?: komma| punkt) (?:fünf|fuenf|5)", f"{n}.5")
        for n, word in (
            (36, "sechsunddreißig"),
            (37, "siebenunddreißig"),
            (38, "achtunddreißig"),
            (39, "neununddreißig"),
        )
    ),
    *(
        (word, str(n))
        for n, word in (
            (36, "sechsunddreißig"),
            (37, "siebenunddreißig"),
            (38, "achtunddreißig"),
            (39, "neununddreißig"),
            (40, "vierzig"),
        )
    ),
    (r"([0-9]{2,3}) komma ([0-9])", r"\1.\2"),  # dictated: "37 Komma 5"
    (r"(?:so )?(?:gegen|circa|ca|etwa) (?:um )?([0-9]{1,2}(?::[0-9]{2})?)", r"at \1"),  # about 9
    *((rf"um {word}(?= |$)", f"at {n}") for n, word in enumerate(_NUMBERS, 1)),
    (r"um elf", "at 11"),
    (r"um (?:zwölf|zwoelf)", "at 12"),
    (r"um ([0-9]{1,2}(?::[0-9]{2})?)", r"at \1"),
    (r"(?<!at )([0-9]{1,2}) uhr", r"at \1"),  # "21 Uhr" alone is a clock time too
    (r"uhr", ""),
    (r"heute abend", "tonight"),
    (r"abends|am abend", "pm"),
    (r"morgens|am morgen|früh", "am"),
    # a negation written after its word: "Fieber habe ich nicht", "Kribbeln hab ich keins mehr"
    (
        r"(\S+) (?:habe|hab|hatte|spüre|spuere|merke) ich (?:nicht|keins|keine|keines) mehr",
        r"nomore \1",
    ),
    (r"(\S+) (?:habe|hab|hatte|spüre|spuere|merke) ich (?:nicht|keins|keine|keines)", r"kein \1"),
    # vision, before the negations that would read "sehe nicht gut" as a denial
    (r"(?:ich )?sehe nicht mehr (?:verschwommen|doppelt|unscharf)", "nomore blurry"),
    (r"(?:ich )?sehe (?:\S+ ){0,4}?doppelt|doppelbilder|doppelt sehen", "double"),
    (
        r"(?:ich )?(?:sehe|sieht) (?:\S+ ){0,4}?(?:nichts|nix|kaum was|kaum etwas|schlecht)",
        "blurry",
    ),
    (
        r"(?:ziehe|zieht) (?:\S+ ){0,3}?(?:das|den|ein|mein|meinen) (?:\S+ )?(?:bein|fuß|fuss) nach",
        "weak",
    ),
    # Lhermitte's sign: a shock down the back when the head bends
    (
        r"(?:wie )?(?:ein )?(?:stromschlag|stromschläge|stromstoss|elektrischer schlag)|wie strom",
        "kribbeln",
    ),
    (
        r"(?:füße|fuesse|fusse|hände|haende|hande|beine|arme|finger|zehen|bein|arm|hand|fuß|fuss)"
        r" (?:schlafen|schläft|schlaeft) (?:\S+ )?ein",
        "taub",
    ),
    (
        r"(?:rede|redet|spreche|spricht) (?:so |ganz )?(?:verwaschen|undeutlich|lallend|komisch)|lallt",
        "slurred",
    ),
    (r"glaub(?:e)? nicht|eher nicht|nicht wirklich", "nein"),
    (
        r"(?:wie )?durch (?:einen )?(?:nebel|schleier)|verschleiert|(?:alles )?wie (?:im |ein )?nebel|neblig"
        r"|(?:wie )?(?:durch )?milchglas|milchig",
        "verschwommen",
    ),
    (
        r"(?:ich )?sehe (?:nicht (?:mehr )?(?:gut|richtig|scharf|klar)|schlecht|kaum|alles verschwommen|verschwommen|unscharf)|kann (?:nicht|kaum) (?:mehr )?(?:gut |richtig |scharf )?sehen|verschwommene? sicht|sicht ist (?:verschwommen|schlecht|unscharf)",
        "blurry",
    ),
    (
        r"sehe (?:\S+ ){0,4}?(?:nur noch |alles )?schwarz|sehe (?:so |ganz )?(?:komisch|seltsam|merkwürdig)",
        "blurry",
    ),
    (
        r"kann (?:\S+ ){0,5}?(?:den|die|das|seinen|ihren|meinen|meine|sein|ihr|mein|seine|ihre)"
        r" (?:arm|arme|bein|beine|hand|hände|fuß|fuss|füße|finger) (?:nicht|kaum) (?:mehr )?(?:richtig )?bewegen",
        "weak",
    ),
    # other symptoms said in several words
    (
        r"(?:beine|bein|arme|arm|hände|hand) (?:gehorchen|gehorcht|gehorchen mir|gehorcht mir) nicht",
        "weak",
    ),
    (
        r"(?:falle|fall|fiel) (?:\S+ )?hin|wie betrunken"
        r"|(?:laufe|läuft|lauf|gehe|geht) (?:so |ganz )?(?:komisch|seltsam|merkwürdig|wackelig|unsicher)",
        "unsteady",
    ),
    (
        r"(?:kann|konnte) (?:\S+ ){0,3}?nicht (?:wasser lassen|pinkeln|urinieren)|in die hose gemacht",
        "bladder",
    ),
    (r"kein gefühl (?:mehr )?(?:in|im)|kein gefuehl (?:mehr )?(?:in|im)", "numb"),
    (r"(?:spüre|spuere|fühle|fuehle) (?:mein|meine|meinen|die|das|den) \S+ nicht", "numb"),
    (
        r"keine kraft|kraftlos|(?:bein|beine|arm|arme) (?:ist |sind |fühlt sich |fühlen sich )?(?:schwer|wie blei)",
        "weak",
    ),
    (
        r"(?:lasse|lass|ließ) (?:dinge|sachen|alles|die tasse) fallen"
        r"|(?:fällt|fallen) mir (?:\S+ ){0,2}(?:aus der hand|runter)|mir (?:fällt|fallen) (?:\S+ ){0,2}(?:aus der hand|runter)",
        "clumsy",
    ),
    (
        r"kann (?:\S+ ){0,4}?(?:nicht|kaum) (?:mehr |noch )?(?:richtig |gut |sicher )?(?:laufen|gehen|stehen)",
        "unsteady",
    ),
    (
        r"(?:verliere|verlor) (?:das|mein) gleichgewicht|(?:das )?gleichgewicht (?:ist )?weg|alles dreht sich",
        "unsteady",
    ),
    (
        r"(?:kann|konnte) (?:den urin|das wasser|die blase|es) (?:nicht|kaum) (?:mehr )?halten",
        "bladder",
    ),
    (
        r"(?:bein|beine|arm|arme|hand|hände|fuß|füße|fuss|fuesse|gesicht|finger) (?:fühlt|fühlen|fuehlt|fuehlen)"
        r" sich (?:\S+ )?(?:komisch|seltsam|merkwürdig|merkwuerdig|anders|pelzig) an",
        "numb",
    ),
    (
        r"muss (?:ständig|staendig|dauernd|oft|sehr oft) (?:auf die toilette|aufs klo|pinkeln|wasserlassen)",
        "bladder",
    ),
    (
        r"kann (?:\S+ ){0,4}?(?:nicht|kaum) (?:mehr |noch )?(?:richtig |gut |deutlich )?(?:sprechen|schlucken|reden)"
        r"|verwaschene sprache",
        "slurred",
    ),
    # course of a symptom; "jetzt auch im anderen Bein" is spreading
    (
        r"(?:jetzt |nun )?auch (?:im|in der|in den|am|an der) (?:anderen|beiden)(?= )"
        r"|(?:jetzt|nun) auch (?:im|in der|in den|am|an der|an den)(?= )|(?:auf|aufs) (?:das |die |den )?andere"
        r" (?:bein|seite|hand|arm|auge)",
        "worse",
    ),
    (r"kommt und geht|mal (?:mehr|besser) mal (?:weniger|schlechter)|ab und zu", "yes"),
    (
        r"fast (?:ganz |komplett |völlig )?(?:weg|vorbei|verschwunden)|nicht mehr so (?:stark|schlimm|viel|doll|arg)",
        "better",
    ),
    (r"kaum (?:noch|mehr)|fast nichts mehr", "better noch"),  # barely there: better, still there
    # "noch unterwegs" says where the patient is, not that a symptom stays
    (r"(?:bin )?noch (?:unterwegs|auf der arbeit|bei der arbeit|nicht zu ?hause|im büro)", ""),
    (
        r"(?:ist |sind )?(?:immer noch|noch immer) (?:da|gleich|so)|noch da|unverändert|unveraendert|genauso|gleich (?:geblieben|wie gestern|wie vorher)",
        "still",
    ),
    (r"(?:ist |sind )?nicht (?:weg|verschwunden|besser)(?: geworden)?", "still"),
    (r"(?:mehr oder weniger|ungefähr|ungefaehr|ziemlich) (?:gleich|dasselbe|das gleiche)", "still"),
    (
        r"(?:hat sich |es hat sich )?nicht (?:verändert|veraendert|geändert|geaendert)|keine (?:veränderung|veraenderung)",
        "still",
    ),
    (
        r"(?:ist |sind )?(?:wieder )?weg(?:gegangen)?|verschwunden|vorbei|abgeklungen|nicht mehr da",
        "gone",
    ),
    (r"kein(?:e|en|er)? (\S+) mehr", r"nomore \1"),
    (r"nicht mehr(?= leben| da sein| aufwachen)", "nicht"),  # a wish, not a symptom's course
    (r"((?:will|kann) (?:einfach |echt |wirklich |so )?)nicht mehr$", r"\1nicht"),  # despair
    (r"nicht mehr", "nomore"),
    (r"immer noch|noch immer", "still"),
    (r"(?:wird|wurde|ist) (?:immer )?schlimmer|verschlechtert", "worse"),
    (r"(?:etwas |viel |schon )?besser|weniger geworden|fast weg", "better"),
    # dose: not yet, later, skip, done
    (
        r"noch nicht(?: gemacht| gespritzt| erledigt)?|(?:habe|hab) (?:es |sie |die spritze )?(?:noch )?nicht (?:gemacht|gespritzt|genommen)|(?:hab |habe )?vergessen",
        "notyet",
    ),
    (
        r"(?:mache|mach|spritze|spritz) (?:ich )?(?:es |sie )?(?:gleich|sofort|später|spaeter|nachher|tonight)|erinner(?:e|n)? mich(?: später| spaeter| nochmal| noch mal)?",
        "later",
    ),
    # "mache ich in 30 min": later, by the length said
    (r"(?:mache|mach|spritze|spritz) (?:ich )?(?:es |sie )?in(?= [0-9])", "later in"),
    (r"(?:mache|mach|spritze|spritz) (?:ich )?(?:es |sie )?(?:erst )?morgen", "skip"),
    (
        r"(?:heute )?(?:lasse|lass) (?:ich )?(?:sie |es |die spritze )?(?:heute )?(?:aus|ausfallen)|(?:ich )?setze? (?:heute )?aus"
        r"|heute nicht$|auslassen|überspringen|ueberspringen",
        "skip",
    ),
    (r"(?:die )?spritze (?:ist )?(?:gesetzt|drin)|^(?:sie |es )?ist drin$|^drin$", "done"),
    # a caregiver: "hab ihr die Spritze gegeben"
    (r"(?:habe |hab )?(?:ihr|ihm) (?:die spritze|die injektion|sie|es) gegeben", "done"),
    # "mein Mann hat mir die Spritze gegeben": done, by a carer
    (
        r"(?:mein (?:mann|sohn|partner|freund|vater|papa) |meine (?:frau|tochter|partnerin|freundin|mutter|mama) |er |sie )?"
        r"(?:hat|haben) mir (?:die spritze|die injektion|sie|es) gegeben",
        "done",
    ),
    # the participle last, as German puts it: "gestern um 22 gespritzt", "Bauch links gemacht"
    (
        r"^(?!(?:ja|jo|jep|jap|genau|ok|okay) +\S+$)((?:\S+ +){1,10})(gespritzt|gemacht|erledigt|gesetzt)$",
        r"\2 \1",
    ),
    (
        r"(?:hab |habe )?(?:zu nichts|auf nichts) (?:mehr )?lust",
        "",
    ),  # how they feel, not nothing new
    # "ja aber wie immer": the usual, unchanged symptom is not new or worse (as es, en)
    (
        r"(?:so )?wie (?:immer|sonst|gehabt|üblich|ueblich)|das (?:übliche|uebliche|alte)",
        "nothingnew",
    ),
    # nothing new
    (
        r"(?:nichts|nix|keine) (?:neues|neuen|neue|anderen)(?: symptome| beschwerden| probleme)?|keine (?:beschwerden|symptome|probleme)|alles (?:gut|ok|okay|prima|bestens|in ordnung|normal)|(?:mir geht es|mir gehts|es geht mir|geht mir) (?:gut|prima|bestens)"
        r"|passt (?:alles|schon)|alles passt|nichts",
        "nothingnew",
    ),
    # fever and scores
    (r"erhöhte temperatur|erhoehte temperatur", "fever"),
    (
        r"(?:grad|grade)(?= (?:eben|gemacht|erledigt|gespritzt|fertig)(?!\S))",
        "",
    ),  # "gerade": just now
    (r"grad", "deg"),
    (r"grippeähnlich|grippeaehnlich|grippesymptome|grippe symptome|gliederschmerzen", "flu"),
    (r"(?:die )?einstichstelle|(?:die )?spritzstelle|(?:die )?haut", "site"),
    (r"von 10", "outoften"),
)

LEXICON = Lexicon(
    phrases=_PHRASES,
    taken=words("erledigt gemacht gespritzt fertig genommen injiziert gesetzt"),
    taken_subject=words(
        "ich habe hab habs es ist die spritze schon jetzt sie alles se is gerade grad"
    ),
    skip=words("aussetzen auslassen überspringen"),
    later=words("später spaeter nachher erinnern"),
    future=words("gleich bald morgen werde nachher"),
    ago=words("vor"),
    pause=words("pause pausieren"),
    resume=words("fortsetzen fortfahren reaktivieren weitermachen weiter"),
    healed=words("verheilt geheilt abgeheilt"),
    ok=words("verstanden erhalten gesehen"),
    opt_out=(
        r"(?:ich )?(?:will|möchte|moechte|mochte) keine (?:nachrichten|sms|erinnerungen) mehr"
        r"(?: bekommen| erhalten| haben)?(?: bitte)?",
        r"(?:bitte )?(?:keine|nicht mehr) (?:sms|nachrichten|erinnerungen)(?: mehr)?(?: bitte)?",
        r"(?:bitte )?(?:hören sie|hort|hoert|hören) auf(?: mir)? zu (?:schreiben|simsen)(?: bitte)?",
        r"(?:bitte )?(?:ich möchte |ich mochte |ich will )?(?:mich )?abmelden(?: bitte)?",
    ),
    yes=words("ja j jap jep jo jawohl genau jup jepp"),
    no=words("nein n ne nee nö noe"),
    stop_filler=_POLITE | words("keine nachrichten mehr sms senden schicken mir"),
    polite=_POLITE,
    conjunctions=words("aber obwohl jedoch sondern"),
    coordinators=words("und"),
    left=words("links linke linken linker linkes li"),
    right=words("rechts rechte rechten rechter rechtes re"),
    site_codes={
        "al": "left_arm",
        "ar": "right_arm",
        "bl": "left_abdomen",
        "br": "right_abdomen",
        "gl": "left_buttock",
        "gr": "right_buttock",
        "sl": "left_thigh",
        "sr": "right_thigh",
    },
    first_person=words("ich mir mich mein meine meinen meinem meiner habe fühle"),
    conditional=words("wenn falls"),
    at_spot=("einstichstelle", "wo ich gespritzt", "wo ich mich gespritzt", "an der stelle"),
    schedule=words("dosis spritze spritzen injektion injektionen stelle einstichstelle ml viel"),
    parts={
        **dict.fromkeys(words("arm oberarm arme oberarms"), "arm"),
        **dict.fromkeys(words("bauch bauchseite unterbauch bauchs"), "abdomen"),
        **dict.fromkeys(words("gesäß gesaess po popo hintern pobacke pobacken"), "buttock"),
        **dict.fromkeys(words("oberschenkel bein schenkel oberschenkels"), "thigh"),
    },
    site_filler=words("am im in den die der das dem hinten oben unten seite an ins auf"),
    symptoms=kinds(
        vision="verschwommen verschwommene verschwommener verschwommenen unscharf sehstörung"
        " sehstörungen sehstoerung doppelbilder schleier",
        numbness="kribbeln kribbelt kribbelig kribbelnd taub taubheit taubheitsgefühl"
        " taubheitsgefuehl eingeschlafen ameisenlaufen pelzig gefühllos gefuehllos",
        weakness="schwach schwäche schwaeche schwächer schwaecher ungeschickt ungeschickter lähmung"
        " laehmung"
        " gelähmt gelaehmt",
        balance="schwindel schwindelig schwindlig gleichgewicht gleichgewichtsstörung unsicher"
        " wackelig wacklig taumeln taumelig stolpere stolpern gestolpert gestürzt gestuerzt"
        " hingefallen schwummrig schummrig duselig",
        bladder="blasenschwäche blasenschwaeche harndrang inkontinenz darm",
        speech="lallen lalle sprachstörung sprachstoerung schluckbeschwerden",
        face="hängt haengt",
    ),
    face=words("gesicht lippe lippen mund kiefer wange mundwinkel"),
    # "koa", "koane": Bavarian and Austrian "kein", "keine"
    negators=words(
        "kein keine keinen keinem keiner keins nicht nie niemals ohne weder koa koan koane"
    ),
    normal=words("gut normal prima bestens klar"),
    still=words("noch weiterhin anhaltend besteht bestehen"),
    better=words("besser bessert weniger"),
    worse=words("schlimmer schlechter stärker staerker"),
    fever=words("fieber fiebrig"),
    temperature=words("temperatur temp"),
    flu_labels=words("grippe grippig"),
    site_labels=words("stelle reaktion"),
    # "ein" and "eine" are articles too ("eine Blase"): only the spelt-out numbers count.
    numbers={"null": 0, **{w: n for n, w in enumerate(_NUMBERS, 1)}},
    filler=_POLITE
    | words(
        "und aber ein eine einen etwas bisschen wenig sehr ziemlich heute morgen mein meine ich"
        " habe hab hatte ist es bin mir mich war also auch jetzt nur leicht leichte so ca etwa"
        " gestern abend nacht rot gerötet geroetet geschwollen juckt juckend müde muede"
        " schmerzen schmerzt wund blauer fleck der die das spritze glaube glaub gerade grad eben"
    ),
    injury={
        **dict.fromkeys(words("eiter eitrig eitert nässt naesst nässend"), "pus"),
        **dict.fromkeys(words("wunde wunden geschwür geschwuer"), "wound"),
        **dict.fromkeys(words("suppt"), "drain"),
        **dict.fromkeys(words("schwarz schwarze schwarzer nekrose"), "black"),
        **dict.fromkeys(words("blasen bläschen blaeschen abszess"), "blister"),
    },
    reaction=words("rot rote roter rötung geschwollen geschwollene schwellung entzündet"),
    spreading=words(
        "breitet ausgebreitet ausbreitet wächst streifen ganze ganzen ganzer größer groesser"
    ),
    opened=words("offen aufgegangen aufgeplatzt"),
    eyes=words("auge augen sicht"),
    open_context=words(
        "stelle einstichstelle spritzstelle haut wunde fleck bauch oberschenkel oberarm po gesäß"
    ),
    others_ill=(
        r"\b(?:mein|meine|meinem|meiner|unser|unsere|unserem) (?:tochter|sohn|kind|kinder|kleine"
        r"|kleiner|mann|frau|partner|partnerin|freund|freundin|mutter|mama|vater|papa|schwester"
        r"|bruder|enkel|enkelin|oma|opa)\b(?:(?! ich | mir ).)*?\b(?:fieber|temperatur)\b",
    ),
    me_well=(
        r"\bmir (?:selbst )?(?:gehts|geht es|gehts aber|geht es aber|geht s) (?:gut|prima|bestens|ok|okay)\b"
        r"|\bich (?:selbst )?(?:bin|fühle mich) (?:ok|okay|gesund|fit)\b|\b(?:ich|mir) (?:selbst )?nicht\b",
    ),
    emergency=EMERGENCY,
    self_harm=SELF_HARM,
    refill=words("nachschub nachgefullt aufgefullt"),
    refill_not=words("brauche brauchen benötige bestellen bestelle bestellt"),
    vials=words("ampulle ampullen"),
    phq_frequencies=PHQ_FREQUENCIES,
    phq_labels=PHQ_LABELS,
)
