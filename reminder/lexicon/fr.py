"""French reply words, merged over English: dose words, sites, symptoms with negation, self-harm."""

from reminder.lexicon import Lexicon, kinds, words
from reminder.lexicon.fr_crisis import EMERGENCY, SELF_HARM
from reminder.lexicon.fr_phq import PHQ_FREQUENCIES, PHQ_LABELS

_POLITE = words("merci beaucoup svp stp plait bisous cordialement bonne soirée journée")
_NUMBERS = "un deux trois quatre cinq six sept huit neuf dix".split()

# Written with accents; the parser folds them out of lexicon and reply alike ("fièvre", "fievre").
# Elisions are read as two words ("d'engourdissement" is "de engourdissement", "c'est" "ce est",
# "n'ai" "ne ai"), so the phrases below spell them out. Order matters: a phrase that holds another
# comes first.
_PHRASES = (
    # a temperature in words: "trente-huit cinq", "trente huit et demi" is 38.5
    *(
        (rf"trente {word}(?: et demi| virgule cinq| cinq)", f"{n}.5")
        for n, word in ((36, "six"), (37, "sept"), (38, "huit"), (39, "neuf"))
    ),
    *(
        (rf"trente {word}", str(n))
        for n, word in ((36, "six"), (37, "sept"), (38, "huit"), (39, "neuf"))
    ),
    # symptoms said in several words
    (
        r"(?:je )?(?:ne )?sens plus (?:ma |mon |mes |la |le |les )?(?:jambe|jambes|bras|main|mains|pied|pieds)",
        "engourdi",
    ),
    (
        r"(?:du )?mal à (?:marcher|tenir debout)|difficultés? à marcher|(?:du )?mal à la marche",
        "équilibre",
    ),
    (
        r"(?:jambe|jambes|bras|main|mains) (?:ne )?(?:veut|veulent) (?:pas|plus)(?: avancer| bouger)?",
        "faible",
    ),
    # just done: "je viens de la faire"
    (
        r"(?:je )?viens de (?:la faire|le faire|me piquer|me la faire|me injecter|faire (?:ma |mon |la |le )?(?:injection|piqûre))",
        "fait",
    ),
    (r"(?:il )?y a(?= (?:[0-9]+|une|un|deux|trois|quelques)(?!\S))", "ago"),  # "fait y a 30 min"
    (r"encor", "encore"),
    (r"^presque plus$", "mieux encore"),  # nearly gone: still there
    (r"(?:je )?lui ai parlé|(?:je )?(?:le |la )?ai eue? au tel(?:éphone)?", "ack"),  # a contact
    # therapy stopped: no dose to come and never a snooze; stored and answered with where to
    # ask, as in English (reminder.reading), for the nurse must hear of it
    (
        r"(?:je )?(?:ai )?(?:arrêté|arrête|stoppé|abandonné) (?:le |mon |les |mes )?(?:traitement|injections"
        r"|piqûres|betaferon|interféron)|(?:je )?(?:ne )?(?:me )?(?:pique|fais|injecte) plus (?:mes |les )?"
        r"(?:injections|piqûres)|(?:je )?(?:ne )?(?:me )?(?:pique|injecte) plus$",
        "stoppedtherapy",
    ),
    # English "no trouble breathing" is English: "trouble" alone is French for blurred sight
    (
        r"trouble(?= (?:breathing|walking|swallowing|speaking|talking|seeing|sleeping)(?!\S))",
        "difficulty",
    ),
    (r"(?:ok |okay )?(?:ça|ca) marche(?! pas| mal| plus| bof)", "ack"),  # a contact: "ok ça marche"
    (r"(?:la )?tete qui tourne|tout tourne", "vertige"),
    (r"(?:je )?(?:me )?en occupe|je gere|(?:ce est |cest )?(?:bien )?note", "ack"),
    (
        r"(?:je )?(?:ne )?ai pas pu (?:la faire|faire le injection|me piquer|le faire)(?: ce soir| aujourd ?hui)?",
        "skip",
    ),
    # a contact on the way: an acknowledgement
    (
        r"(?:je suis|suis) en route|je arrive(?! (?:pas|plus|presque|quasiment|toujours|à|a|bien|mal|mieux|difficilement))(?: dans [0-9]+(?: min| minutes| mn)?| tout de suite| bientôt)?|(?:je y|jy) vais(?: tout de suite| maintenant)?|(?:je )?(?:le|la) (?:appelle|rappelle)(?: tout de suite| maintenant)?|(?:je )?vais (?:le|la) (?:appeler|rappeler)",
        "ack",
    ),
    (r"de accord|daccord", "ack"),
    (
        r"je suis avec (?:elle|lui)(?: à le hôpital| à le hosto| à lhosto| aux urgences| à la clinique)?|bien (?:reçu|compris)|(?:je )?(?:le|la) ai (?:appelée?|eue?)(?: au téléphone)?",
        "ack",
    ),
    # out of vials: a count of none, not a symptom gone
    (
        r"(?:je )?(?:ne )?(?:ai )?plus de flacons|(?:il )?(?:ne )?(?:me )?reste plus de flacons",
        "0 flacons",
    ),
    (r"donne(?:z)? moi", "later"),
    # "pas pris ma température" says nothing of a fever
    (r"(?:je )?(?:ne )?(?:ai )?pas (?:pris|mesuré) (?:ma |la )?(?:température|temp)", ""),
    (
        r"(?:reprendre|réactiver|relancer) (?:les |mes )?(?:rappels|messages)"
        r"|(?:vous pouvez|tu peux) reprendre(?: les rappels)?",
        "reprise",
    ),
    # a caregiver: "mon mari l'a faite", "je lui ai fait l'injection"
    (
        r"(?:mon (?:mari|fils|copain|conjoint|compagnon) |ma (?:femme|fille|mère|copine|compagne) |il |elle )?"
        r"(?:me |lui )?(?:le|la) a (?:fait|faite|injectée?)|(?:je )?lui ai (?:fait|faite)(?: (?:le|la|sa|son) (?:injection|piqûre))?",
        "done",
    ),
    # a hedged answer alone, "un peu": there still, a little
    (r"^(?:un peu|un petit peu|plus ou moins)$", "still a bit"),
    # "je n'arrive pas a la joindre": no confirmation; the alert goes on to the next person
    (
        r"(?:je )?n?arrive pas a (?:la |le )?joindre|(?:je )?(?:ne )?(?:peux|parviens) pas a (?:la |le )?joindre"
        r"|(?:elle|il) ne repond pas|(?:ne )?(?:repond|decroche) pas|injoignable|tombe sur (?:la |sa )?messagerie",
        "unreached",
    ),
    # a lab test done, and a new pack: first, so they are not read as a dose
    (
        r"labo fait|labo faits|prise de sang faite|bilan fait|analyses? faites?|(?:j ai fait|jai fait|fait) (?:la |ma |mes |les )?(?:prise de sang|analyses?|bilan)",
        "labdone",
    ),
    (r"nouvelle boite|nouveau stock|ordonnance recuperee", "refill"),
    (r"presque (?:guéri|guérie|cicatrisé|cicatrisée)", "pas guéri"),  # nearly healed is not healed
    # "la fièvre est tombée" is a fever gone, not a fall
    (r"(?:la )?fièvre (?:est |a )?(?:tombée|baissé|baissée|partie|passée)", "plus de fièvre"),
    # "pause jusqu'au 15": a date, not 15 days (the pause takes its default length, and says when)
    (
        r"(?:jusquau|jusqua|jusque au|jusque a) (?:le )?([0-9]{1,2})(?:\.[0-9]{1,2})?(?: [0-9]{1,2})?(?= |$)",
        r"until \1 th",
    ),
    # units and clock times, into the English words the reader counts
    (r"heures?", "hours"),
    (r"jours?", "days"),
    (r"semaines?", "weeks"),
    (r"(?:une )?demi (?:hours)", "30 min"),
    (r"une (?:hours)", "1 hour"),
    *(
        (rf"{word}(?= (?:hours|min|minutes|days|weeks)(?!\S))", str(n))
        for n, word in enumerate(_NUMBERS, 1)
    ),
    (r"une(?= (?:hours|min|minutes|days|weeks)(?!\S))", "1"),
    (r"il y a", "ago"),  # before "à 8 h": folded, "il y a 2 h" holds "a 2 h"
    *((rf"à {word} hours", f"at {n}:00") for n, word in enumerate(_NUMBERS, 1)),
    (r"à onze hours", "at 11:00"),
    (r"à ([0-9]{1,2}) hours", r"at \1:00"),  # "à 8 heures"
    (r"à ([0-9]{1,2}) h ([0-9]{2})", r"at \1:\2"),
    (r"à ([0-9]{1,2}) h", r"at \1:00"),
    (r"([0-9]{1,2}) h ([0-9]{2})", r"\1:\2"),
    (r"vers ([0-9]{1,2}) h", r"around \1:00"),
    (r"(1[3-9]|2[0-3]) h", r"\1:00"),  # "21h" alone: an evening clock time, never a wait
    (r"vers", "around"),
    (r"dans", "in"),
    (r"(fait|faite|fini|finie|injecté|injectée) ce soir", r"\1"),  # done this evening: no plan
    # "après l'injection" says when something began, not that the dose is to come
    (r"après (?:la |le |ma |mon )?(?:injection|piqûre)", ""),
    (r"ce soir", "tonight"),
    (r"du soir", "pm"),
    (r"du matin", "am"),
    # vision, before the negations that would read "je ne vois pas bien" as a denial
    (r"(?:je )?(?:ne )?vois plus (?:flou|trouble|double)", "nomore blurry"),
    (r"(?:je )?vois (?:double|en double)|vision double", "double"),
    (
        r"(?:je )?(?:ne )?vois (?:flou|trouble|mal|pas bien|plus bien|pas net|plus rien|rien)|vision (?:floue|trouble|brouillée)|vue (?:floue|trouble|brouillée|baisse)|voile devant (?:les yeux|un oeil|l oeil|le oeil)"
        r"|(?:comme )?(?:dans le|in le|un|du) brouillard|(?:un )?voile"
        r"|voit (?:flou|trouble|mal|double|plus rien|rien|pas bien|plus bien)",
        "blurry",
    ),
    (
        r"(?:je )?(?:ne )?vois (?:plus|plus rien|rien|tout noir) (?:de|du) (?:un |le )?(?:oeil|œil)|vois tout noir",
        "flou",
    ),
    # other symptoms said in several words
    (
        r"(?:jambes?|bras|mains?) (?:ne )?(?:répondent|répond|obéissent|obéit) (?:plus|pas)",
        "faible",
    ),
    (
        r"(?:ne )?(?:peux|peut|arrive) (?:plus|pas) (?:à )?bouger (?:le|la|les|mon|ma|mes|son|sa|ses)"
        r" (?:bras|jambe|jambes|main|mains|pied|pieds|doigts)",
        "faible",
    ),
    (r"(?:je )?vois (?:bizarre|bizarrement|étrange|drôle)", "flou"),
    (r"(?:je|il|elle) marche (?:bizarre|bizarrement|de travers|drôlement|mal)", "instable"),
    (r"comme (?:ivre|bourrée?)|ivre", "instable"),
    (r"(?:je )?(?:ne )?(?:peux|arrive) (?:plus|pas) (?:à )?uriner|fait pipi sur moi", "vessie"),
    (r"(?:je )?(?:ai )?pris ma dose", "fait"),
    (
        r"(?:je )?ne sens (?:plus|pas|presque plus) (?:ma|mon|mes|la|le|les) (?:jambe|jambes|main|mains|bras|pied|pieds|doigts|visage)",
        "numb",
    ),
    (
        r"(?:je )?(?:ne )?(?:peux|peut|arrive) (?:toujours )?(?:presque |quasiment )?(?:plus|pas) (?:à )?(?:marcher|tenir debout)"
        r"(?: correctement| droit| bien)?",
        "unsteady",
    ),
    (
        r"(?:je )?perds l équilibre|(?:je )?perds le équilibre|(?:je )?perds mon équilibre|la tête (?:me )?tourne|tout tourne",
        "unsteady",
    ),
    (r"plus de force|pas de force|jambe lourde|jambes lourdes|bras lourd", "weak"),
    (
        r"(?:je )?(?:lâche|fais tomber) (?:tout|les objets|les choses|mes affaires)"
        r"|(?:je )?(?:fais|laisse) (?:tout|les choses|mes affaires) tomber",
        "clumsy",
    ),
    (r"(?:je dois )?courir aux toilettes|(?:je )?cours aux toilettes", "bladder"),
    (
        r"(?:bouche|visage|lèvre|paupière|joue) (?:qui |est )?(?:tombe|tombante|de travers|paralysée?)",
        "droop",
    ),
    (r"jambes? (?:en coton|coupées?|molles?|qui lâchent?|en guimauve)", "faible"),
    (r"(?:traîne|traine|traînes|traîner) (?:la|le|une) (?:jambe|pied)", "faible"),
    (r"(?:pas|plus) (?:très |trop )?(?:stable|solide)(?: sur mes jambes)?", "instable"),
    (
        r"(?:jambe|jambes|main|mains|bras|pied|pieds|visage|doigts) (?:est |sont )?(?:toute |tout )?"
        r"(?:bizarre|bizarres|étrange|étranges|zarbi)",
        "engourdi",
    ),
    (
        r"(?:je )?(?:ne )?(?:peux|arrive) (?:plus|pas) (?:à )?(?:parler|avaler)|mal à (?:parler|avaler)",
        "slurred",
    ),
    (r"(?:envies? pressantes?|besoin (?:urgent )?(?:de )?uriner|fuites urinaires)", "bladder"),
    # course of a symptom; "maintenant aussi dans l'autre jambe" is spreading
    (
        r"maintenant aussi (?:au|à la|à le|in|sur)(?= )|(?:maintenant )?aussi (?:in |à |sur )?(?:le autre|la autre|les deux|lautre)"
        r"|(?:passé|passée|passe|gagne|monte) (?:à|in|sur) (?:le autre|la autre|lautre|les deux)",
        "worse",
    ),
    (r"(?:ça |ca )?va (?:et |ça |ca )?vient|vient et va|par moments|de temps en temps", "oui"),
    # Lhermitte's sign: a shock down the back when the head bends
    (
        r"(?:une |des )?décharges? électriques?|comme (?:un |du |de le )?(?:courant|électricité)",
        "fourmillements",
    ),
    (
        r"(?:je |il |elle )?parle (?:pâteux|mal|bizarre|bizarrement|de travers|lentement)"
        r"(?! (?:le )?(?:anglais|allemand|espagnol|français|english))|bafouille|bredouille",
        "slurred",
    ),
    (r"(?:tout est |ce est |cest )?brouillée?", "flou"),
    (r"(?:je le |je la |je les )?sens à peine|^à peine$", "mieux"),  # barely felt: better
    (r"(?:ça |ce )?(?:se )?améliore|(?:une )?amélioration", "mieux"),
    (
        r"pas (?:encore )?(?:complètement|totalement|entièrement|tout à fait)"
        r"(?: parti| partie| passé| passée| disparu| disparue)?",
        "toujours",
    ),
    (r"^(?:il y a |y a |ya )?plus rien$", "disparu"),  # nothing left
    # "hier soir 38,4, ce matin plus rien": gone by now
    (
        r"^(?:ce matin|aujourd hui|aujourdhui|maintenant|depuis ce matin) (?:il y a |y a )?plus rien$",
        "disparu",
    ),
    # "ni fourmillements ni vertiges" alone: both denied, nothing new
    (r"ni mieux ni pire|ni pire ni mieux|ni mieux ni moins bien", "toujours"),  # the same: still
    (r"^ni (?!mieux |pire |bien |mal )(\S+) ni (?!rien$)(\S+)$", r"ni \1 ni \2 rien"),
    (r"([0-9]{2,3}) virgule ([0-9])", r"\1.\2"),  # dictated: "38 virgule 5"
    (r"(?:presque|quasiment|pratiquement) plus rien", "mieux encore"),  # nearly gone: still there
    # "deux un": two scores; "un" alone is an article, beside another number a one
    (r"(zéro|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|[0-9]+)(?: et| puis|,)? un$", r"\1 1"),
    (r"^un(?: et| puis|,)? (zéro|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|[0-9]+)$", r"1 \1"),
    (r"inchangée?|(?:ça |ce )?(?:ne )?a pas changé|rien (?:ne )?a changé|pas changé", "still"),
    (r"(?:ce est |cest |c )?finie? (?:dieu merci|heureusement|ouf)", "disparu"),  # a symptom over
    (r"(?:je )?(?:ai )?(?:fait|fais) un malaise", ""),  # fainted: an emergency, not the dose
    (
        r"(?:je )?(?:ne )?(?:peux|pourrai|vais) pas (?:la |le )?(?:faire|me la faire|me piquer|piquer)"
        r"(?: tonight| aujourdhui)?",
        "skip",
    ),
    (r"ça va(?! mieux| pas| plus| pire| aller| passer)", "bien"),  # "la vue ça va": fine
    (r"(?:je )?(?:crois|pense) pas|pas vraiment", "non"),
    # how they feel, not "nothing new" nor a symptom "still" there
    (r"(?:plus )?envie de rien|(?:plus )?goût à rien|(?:aucun )?sens à rien|pour toujours", ""),
    # "sauter du balcon" is no skipped dose (the self-harm words read the text as written)
    (r"(?:sauter|me jeter) (?:du|de la|par la|de le|sous le|sous un) \S+", ""),
    (r"(?:je )?(?:crois|pense) que oui", "oui"),
    (r"(?:je )?(?:crois|pense) que non", "non"),
    (r"pas (?:mieux|de mieux|de amélioration)", "still"),
    (r"(?:ça |ca |ce )?(?:ne )?passe pas", "still"),
    (
        r"(?:ne )?(?:est|sont) (?:pas|toujours pas) (?:passé|passée|partie|parti|disparu|disparue)",
        "still",
    ),
    (
        r"toujours (?:là|pareil|la même chose)|(?:est |cest )?pareil|la même chose|comme hier|pas de changement",
        "still",
    ),
    (r"de plus en plus|(?:ça |ce )?(?:est )?pire|(?:ça |ce )?(?:se )?aggrave|empire", "worse"),
    (
        r"(?:ce est|ça est|est|sont) (?:passé|passée|passés|passées|parti|partie|partis|parties|disparu|disparue"
        r"|disparus|disparues)|disparu|disparue|disparus|disparues",
        "gone",
    ),
    (r"(?:ne (?:\S+ )?)?plus (?:de|du|des)", "nomore"),
    (r"ne (\S+) plus", r"nomore \1"),
    (
        r"(?:ça )?va mieux|un peu mieux|presque (?:complètement |totalement |entièrement )?"
        r"(?:passé|passée|parti|partie|disparu|disparue)",
        "better",
    ),
    (r"^(?:parti|partie|passé|passée|disparu|disparue)(?= |$)", "gone"),
    # dose: not yet, later, skip, done
    (
        r"(?:je )?(?:ne )?(?:le |la )?(?:ai|suis) pas (?:encore )?(?:fait|faite|injecté|injectée|piqué|piquée)|pas encore(?: fait| faite)?|(?:je ai |je )?oublié",
        "notyet",
    ),
    (r"(?:je )?(?:la |le )?(?:fais|ferai|fait|ferais) demain", "skip"),
    (r"(?:je )?(?:la |le )?(?:fais|ferai|vais faire) in(?= [0-9])", "later in"),
    (
        r"plus tard|tout à le hours|tout à lheure|rappelle(?:z)? moi(?: plus tard)?|je (?:le |la )?(?:fais|ferai) (?:après|tonight|plus tard|tout de suite)",
        "later",
    ),
    (
        r"(?:je )?(?:ne )?(?:la |le )?fais pas (?:tonight|aujourdhui)|(?:je )?(?:la |le )?(?:saute|zappe|passe) (?:tonight|aujourdhui|cette fois)|pas (?:tonight|aujourdhui)$|^pas (?:tonight|aujourdhui)(?= )",
        "skip",
    ),
    (
        r"(?:ce est|cest|c) bon (?:ce est |cest |c )?(?:fait|faite|fini)|(?:ce est|cest|c) (?:fait|faite|fini)|(?:ce est|cest|c) bon$|(?:je )?me (?:la |le )?suis (?:fait|faite|injecté|injectée|piqué|piquée)|(?:je )?(?:le |la )?ai (?:fait|faite)|injection faite|piqûre faite",
        "done",
    ),
    # "oui mais comme d'habitude": the usual, unchanged symptom is not new or worse (as es, en)
    (
        r"comme (?:de habitude|dhabitude|de hab|dhab|toujours)|(?:ce est |cest )?(?:le |la )?même chose que (?:de habitude|dhabitude|dhab|toujours)",
        "nothingnew",
    ),
    # nothing new
    (
        r"rien de (?:nouveau|neuf|spécial|particulier|plus)|rien à signaler|ras|(?:aucun|pas de) (?:nouveau |nouveaux )?(?:symptôme|problème|souci)s?|(?:tout|ça) va bien|je vais bien|tout est normal|tout va bien|rien",
        "nothingnew",
    ),
    # fever and scores
    (r"degrés?", "deg"),
    (r"syndrome grippal|symptômes grippaux|état grippal|courbatures", "flu"),
    (r"(?:point|site|zone|endroit) de (?:la )?(?:injection|piqûre)|la peau", "site"),
    (r"sur 10", "outoften"),
    (r"temps", "moment"),  # "tout le temps", "du temps": time, never the English "temps"
)

LEXICON = Lexicon(
    phrases=_PHRASES,
    taken=words("fait faite fini finie injecté injectée terminé piqué piquée"),
    # "cest", "jai", "lai": elisions typed without their apostrophe.
    taken_subject=words(
        "je me le la ai suis ce est injection piqûre dose déjà voilà ça cest jai lai c jlai"
    ),
    skip=words("sauter saute zapper"),
    later=words("après rappel rappelle"),
    future=words("vais bientôt demain"),
    ago=words("ago"),
    pause=words("pause"),
    resume=words("reprendre reprise reprends"),
    healed=words("guéri guérie cicatrisé cicatrisée"),
    ok=words("reçu compris vu"),
    opt_out=(
        r"(?:je )?(?:ne )?veux (?:plus|pas) (?:recevoir )?(?:de |des )?(?:messages|sms|rappels)(?: svp| merci)?",
        r"(?:svp )?(?:arretez|arrete|stop) (?:les|vos|ces) (?:messages|sms|rappels)(?: svp| merci)?",
        r"(?:svp )?(?:arretez|arrete|arreter) de me (?:envoyer|ecrire)(?: des (?:messages|sms|rappels))?(?: svp| se il vous plait)?",
        r"(?:je veux |je voudrais )?(?:me )?desinscrire(?: svp| s il vous plait)?|desabonnez moi|desinscrivez moi",
        r"(?:plus de|je ne veux plus de) (?:messages|sms|rappels)(?: svp| merci)?",
    ),
    yes=words("oui o ouais ouep"),
    no=words("non n nan"),
    stop_filler=_POLITE | words("plus de messages sms me envoyer"),
    polite=_POLITE,
    conjunctions=words("mais pourtant cependant sauf"),
    coordinators=words("et"),
    # "d'engourdissement" is "de engourdissement", "c'est" "ce est", "qu'il" "que il".
    elisions={"d": "de", "l": "le", "j": "je", "n": "ne", "c": "ce", "m": "me", "s": "se"}
    | {"t": "te", "qu": "que"},
    left=words("gauche g"),
    right=words("droite droit dr"),
    site_codes={
        "bg": "left_arm",
        "bd": "right_arm",
        "vg": "left_abdomen",
        "vd": "right_abdomen",
        "fg": "left_buttock",
        "fd": "right_buttock",
        "cg": "left_thigh",
        "cd": "right_thigh",
    },
    first_person=words("je j me mon ma mes ai sens suis moi"),
    conditional=words("si"),
    at_spot=(
        "site d injection",
        "point d injection",
        "endroit de l injection",
        "la ou je me suis pique",
    ),
    schedule=words(
        "dose doses injection injections piqûre piqûres injecter site endroit ml combien"
    ),
    parts={
        **dict.fromkeys(words("bras triceps"), "arm"),
        **dict.fromkeys(words("ventre abdomen bide nombril"), "abdomen"),
        **dict.fromkeys(words("fesse fesses hanche"), "buttock"),
        **dict.fromkeys(words("cuisse cuisses jambe"), "thigh"),
    },
    site_filler=words("le la les de du des au à mon ma en haut bas arrière côté partie sur"),
    symptoms=kinds(
        vision="flou floue trouble vue vision brouillée",
        numbness="fourmillements fourmillement fourmille fourmis engourdi engourdie engourdis"
        " engourdies engourdissement engourdissements picotements picotement picote insensible"
        " paresthésies paresthésie fourmillemens fourmillment fourmillent picotent endormi endormie"
        " endormis endormies",
        weakness="faible faiblesse maladroit maladroite maladresse paralysie",
        balance="vertige vertiges étourdi étourdie étourdissement étourdissements équilibre"
        " instable titube chute chutes tombé tombée trébuche trébuché trébucher",
        bladder="vessie incontinence uriner urine",
        speech="parole avaler",
    ),
    face=words("visage joue lèvre lèvres bouche mâchoire"),
    negators=words("pas sans aucun aucune ni jamais ne"),
    normal=words("bien normal normale nette"),
    still=words("toujours encore persiste persistent"),
    better=words("mieux moins"),
    worse=words("pire"),
    fever=words("fièvre fiévreux fiévreuse fébrile"),
    temperature=words("température temp"),
    flu_labels=words("grippe grippal"),
    site_labels=words("site réaction point piqûre"),
    # "un" and "une" are articles too ("une ampoule"): only the spelt-out numbers from two count.
    numbers={"zéro": 0, **{w: n for n, w in enumerate(_NUMBERS[1:], 2)}},
    filler=_POLITE
    | words(
        "et mais un une peu petit très assez aujourdhui ce matin mon ma mes je le les de du"
        " des en est ai suis avoir comme avec aussi hier soir nuit rouge gonflé gonflée gonfle"
        " démange démangeaisons bleu fatigué fatiguée douleur mal ça juste alors piqûre crois pense"
    ),
    injury={
        **dict.fromkeys(words("pus suppure suinte suintement"), "pus"),
        **dict.fromkeys(words("plaie plaies ulcère ulcération"), "wound"),
        **dict.fromkeys(words("écoulement coule"), "drain"),
        **dict.fromkeys(words("noir noire nécrose"), "black"),
        **dict.fromkeys(words("ampoule ampoules cloque cloques abcès"), "blister"),
    },
    reaction=words(
        "rouge rougeur rougeurs gonflé gonflée gonflement enflé enflée inflammé inflammée"
    ),
    spreading=words("étend étendu étendue propage grandit traînées"),
    opened=words("ouvert ouverte"),
    eyes=words("oeil œil yeux vue"),
    open_context=words("point plaie peau zone endroit site piqûre cuisse ventre bras fesse"),
    # Vetted with the English list's shapes: wishes to die, plans, self-injury, hopelessness. Written
    # over the reply's words with elisions spelt out ("je en ai marre" for "j'en ai marre").
    others_ill=(
        r"\b(?:mon|ma|mes|notre) (?:fille|fils|enfant|enfants|bébé|petite|petit|mari|femme|conjoint"
        r"|conjointe|compagnon|compagne|copain|copine|mère|maman|père|papa|sœur|soeur|frère"
        r"|petite fille|petit fils)\b(?:(?! moi | je ).)*?\b(?:fièvre|température|fébrile)\b",
    ),
    me_well=(
        r"\bmoi (?:ça va|ca va|je vais bien|rien|non|pas|ça va bien|je suis bien)\b|\bpas moi\b",
    ),
    emergency=EMERGENCY,
    self_harm=SELF_HARM,
    refill=words("recharge recharger rechargee"),
    refill_not=words("besoin faut commander commande"),
    vials=words("flacon flacons seringue seringues"),
    phq_frequencies=PHQ_FREQUENCIES,
    phq_labels=PHQ_LABELS,
)
