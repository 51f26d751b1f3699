"""Spanish reply words, merged over English: dose words, sites, symptoms with negation, self-harm."""

from reminder.lexicon import Lexicon, kinds, words
from reminder.lexicon.es_crisis import EMERGENCY, SELF_HARM
from reminder.lexicon.es_phq import PHQ_FREQUENCIES, PHQ_LABELS

_POLITE = words("gracias muchas por favor porfa porfavor xfa saludos besos bendiciones mil")
_NUMBERS = "uno dos tres cuatro cinco seis siete ocho nueve diez".split()

# Written with accents, as Spanish spells them; the parser folds accents out of both the lexicon and
# the reply, so "sí" and "si", "mareo" and "maréo" match alike. Order matters: a phrase that holds
# another comes first.
_PHRASES = (
    (r"^ya casi$", "casi"),  # "ya" here is no yes: nearly, not yet
    (r"(?:dos|tres|cuatro|cinco|[0-9]+) veces", ""),  # "dos veces": how often, never a score
    # a fall: "se cayo dos veces", "me caí" (not "se me cayo" something)
    (
        r"(?<!se me )(?:se cayó|se cayo|me caí|me cai|me he caído|me he caido|se ha caído|se ha caido)",
        "caída",
    ),
    # a limb that does not obey is weakness (before "no me responde", a contact unreached)
    (
        r"(?:la |las |el |los |mi |mis )?(?:pierna|piernas|brazo|brazos|mano|manos) no me"
        r" (?:responde|responden|obedece|obedecen|funciona|funcionan)",
        "debilidad",
    ),
    # "ni hormigueo ni mareo" alone: both denied, nothing new either
    (
        r"^ni (?!mejor |peor |idea |nada |bien |mal )(\S+) ni (?!nada$)(\S+)$",
        r"ni \1 ni \2 nothingnew",
    ),
    # therapy stopped: no dose to come and never a snooze; stored and answered with where to
    # ask, as in English (reminder.reading), for the nurse must hear of it
    (
        r"ya no me (?:pongo|inyecto|pincho|aplico) (?:las |la |mis |mi )?(?:inyecciones|inyección|medicación"
        r"|medicina|betaferon|interferón|interferon)|ya no me (?:inyecto|pincho)$"
        r"|(?:ya )?(?:dejé|he dejado|abandoné|he abandonado|suspendí|he suspendido) (?:el |la |las |los |mi |mis )?"
        r"(?:tratamiento|medicación|inyecciones|betaferon|interferón|interferon|medicina)"
        r"|(?:ya )?(?:dejé|he dejado) de (?:inyectarme|pincharme|ponerme (?:las inyecciones|la inyección))",
        "stoppedtherapy",
    ),
    (r"(?:me )?da vueltas la cabeza|(?:todo )?me da vueltas", "mareo"),
    (r"(?:yo )?me (?:encargo|ocupo)|(?:ya )?lo (?:gestiono|veo)", "ack"),
    (
        r"no (?:pude|he podido|podre) (?:ponermela|ponerme la inyeccion|inyectarme|hacerlo)(?: hoy)?",
        "skip",
    ),
    # a contact on the way: an acknowledgement
    (
        r"voy (?:para alla|para alli|de camino|en camino|hacia alla)|(?:la|lo|le) (?:llamo|llamare|voy a llamar)"
        r"(?: ahora| ahorita| ahora mismo| ya| enseguida)?",
        "ack",
    ),
    (r"de acuerdo", "ack"),
    (
        r"(?:(?:ya )?estoy con (?:ella|él)|(?:ya )?(?:la|lo) (?:he llamado|llamé)|ya hablé con (?:ella|él))"
        r"(?: y (?:está|esta) bien| en (?:urgencias|el hospital|la clínica|emergencias|la guardia))?"
        r"|ya lo (?:vi|he visto)",
        "ack",
    ),
    # out of vials: a count of none, not a symptom gone
    (
        r"(?:me )?(?:quedé|quedo|estoy) sin (?:viales|inyecciones)|no me quedan (?:viales|inyecciones)"
        r"|no tengo (?:más )?viales|ya no (?:tengo|me quedan) viales",
        "0 viales",
    ),
    # "no consigo localizarla": no confirmation; the alert goes on to the next person
    (
        r"no (?:puedo|consigo|logro) (?:localizarla|localizarlo|contactarla|contactarlo|hablar con"
        r" (?:ella|el)|dar con (?:ella|el))|no (?:la|lo) (?:localizo|encuentro)"
        r"|no (?:me |nos )?(?:contesta|responde|coge el telefono|lo coge)|buzon de voz",
        "unreached",
    ),
    # a lab test done, and a new pack: first, so they are not read as a dose
    (
        r"lab hecho|labs? hechos?|(?:ya )?(?:me hice|me han hecho|me hicieron|hice) (?:el |los |la )?(?:analisis|analitica|labs?)(?: de sangre)?|(?:el |los |la )?(?:analisis|analitica)(?: de sangre)? (?:hecho|hechos|hecha)",
        "labdone",
    ),
    (
        r"(?:caja|envase|paquete) nuevo|nuevo (?:envase|paquete)|recogi (?:la receta|los viales|la medicacion)"
        r"|(?:ya )?(?:me )?(?:llegaron|trajeron|mandaron) (?:los viales|la medicacion|el pedido)",
        "refill",
    ),
    # "pausa hasta el 15": a date, not 15 days (the pause takes its default length, and says when)
    (r"hasta el (?:día )?([0-9]{1,2})(?: [0-9]{1,2})?(?= |$)", r"until \1 th"),
    # units and clock times, into the English words the reader counts
    (r"media hora", "30 min"),
    (r"horas?|hrs?", "hours"),
    (r"minutos?", "min"),
    (r"días?", "days"),
    (r"semanas?", "weeks"),
    (r"una hora|1 hora", "1 hour"),
    *(
        (rf"{word}(?= (?:hours|min|days|weeks)(?!\S))", str(n))
        for n, word in enumerate(_NUMBERS, 1)
    ),
    (r"una(?= (?:hours|min|days|weeks)(?!\S))", "1"),
    (r"en(?= [0-9])", "in"),
    # "anoche a las 10" is ten at night, as "a las 10 de la noche" is
    (
        r"anoche a las ([0-9]{1,2}(?::[0-9]{2})?)|a las ([0-9]{1,2}(?::[0-9]{2})?) anoche",
        r"at \1\2 pm",
    ),
    (r"(?:a eso de|sobre|hacia|como a) las ([0-9]{1,2}(?::[0-9]{2})?)", r"at \1"),  # about 9
    (r"a las ([0-9]{1,2}) y media", r"at \1:30"),
    (r"a las ([0-9]{1,2}) y cuarto", r"at \1:15"),
    (r"a las ([0-9]{1,2}(?::[0-9]{2})?)", r"at \1"),
    (r"a la una", "at 1"),
    *((rf"a las {word}(?= |$)", f"at {n}") for n, word in enumerate(_NUMBERS, 1) if n > 1),
    (r"a las once", "at 11"),
    (r"a las doce", "at 12"),
    (r"(3[5-9]|4[0-2]) y medio", r"\1.5"),  # "38 y medio" is 38.5 degrees
    (r"([0-9]{2,3}) (?:coma|punto) ([0-9])", r"\1.\2"),  # dictated: "38 coma 5"
    (r"de la (?:noche|tarde)", "pm"),
    (r"de la mañana", "am"),
    (r"esta noche", "tonight"),
    (r"posponer|pospón|aplazar|dame|deme", "later"),
    # "no me he tomado la temperatura" says nothing of a fever
    (r"no (?:me )?(?:he tomado|tomé|he medido|medí) (?:la |mi )?(?:temperatura|temp|fiebre)", ""),
    # back from a pause
    (
        r"(?:reanudar|reanuda|reactivar|reactiva|activar|activa) (?:los |mis )?(?:recordatorios|mensajes|avisos)"
        r"|(?:puedes|pueden|podéis) (?:seguir|continuar|reanudar)(?: con los recordatorios)?",
        "reanudar",
    ),
    # "no se extiende" denies the site's state; it is no answer "no" to the symptom question
    (
        r"no ((?:se |está |esta )?(?:extiende|extendiendo|crece|creciendo|abierta|abierto|supura"
        r"|supurando|drena))",
        r"sin \1",
    ),
    (r"creo que no|no creo", "no"),
    # vision, before the negations that would read "no veo bien" as a denial
    (r"ya no veo (?:borroso|doble|mal|nublado|borrosa)", "nomore blurry"),
    (r"no veo (?:borroso|doble|mal|nublado|borrosa)", "sin blurry"),
    (
        r"(?:ya )?no (?:veo|ve|puedo ver|puede ver|se ve|distingo|enfoco)(?: (?:bien|nada|claro|con claridad|nitido))?(?: (?:de|con) (?:un|el|mi|este) ojo)?",
        "blurry",
    ),
    (r"(?:veo|lo veo|todo se ve|se ve) (?:doble|dos veces)|visión doble", "double"),
    (r"(?:veo )?(?:como )?(?:con|entre|en) niebla|se me nubla la vista", "blurry"),
    (
        r"(?:veo|lo veo|todo se ve|se ve) (?:borroso|borrosa|mal|nublado|turbio|manchas)|vista (?:borrosa|nublada|mal)|visión (?:borrosa|nublada)",
        "blurry",
    ),
    (
        r"(?:veo|viendo|lo veo) (?:todo )?negro|perdí la vista|veo (?:raro|extraño|rarísimo)",
        "blurry",
    ),
    (
        r"(?:sin poder|no (?:puedo|puede|podía|pudo)) mover (?:el|la|los|las|mi|mis|su|sus)"
        r" (?:brazo|brazos|pierna|piernas|mano|manos|pie|pies|dedos)",
        "weak",
    ),
    # other symptoms said in several words
    (
        r"no me (?:responden|responde|obedecen) (?:las|la|mis|el) (?:piernas|pierna|brazo|brazos|mano|manos)",
        "weak",
    ),
    (
        r"me (?:caigo|he caído|caí) (?:mucho|seguido|a cada rato|varias veces)|como borrach[oa]"
        r"|(?:camino|camina|ando|anda) (?:raro|rara|chueco|chueca|torcido|torcida|como borrach[oa])",
        "unsteady",
    ),
    (
        r"me (?:hice|hago|he hecho) (?:pipí|pis|popó) (?:encima)?|no (?:puedo|puede) orinar",
        "bladder",
    ),
    (
        r"(?:me )?(?:apliqué|aplique|he aplicado) (?:el |la |mi )?(?:betaferon|betaseron|extavia|inyección|dosis)",
        "done",
    ),
    (
        r"no (?:siento|noto) (?:bien )?(?:la|las|el|los|mi|mis) (?:pierna|piernas|mano|manos|brazo|brazos|pie|pies|cara|dedos)",
        "numb",
    ),
    (r"(?:se me )?(?:duerme|duermen|durmió|durmieron)", "numb"),
    (r"sin fuerzas?|(?:me faltan?|no tengo) fuerzas?|pierna pesada|piernas pesadas", "weak"),
    (r"(?:arrastro|arrastra|arrastrando) (?:\S+ ){0,2}?(?:la|el|mi|una) (?:pierna|pie)", "weak"),
    (r"(?:se me caen|se me cae|dejo caer|se me caen) (?:las cosas|todo|cosas|el vaso)", "clumsy"),
    (
        r"(?:no (?:puedo|puede)|me cuesta|le cuesta) (?:caminar|andar|mantenerme en pie|mantenerse en pie)"
        r"(?: bien)?|me tambaleo",
        "unsteady",
    ),
    (r"(?:pierdo|perdí|perder) el equilibrio", "unsteady"),
    (r"(?:me )?(?:da|dan) vueltas (?:todo|la cabeza)|todo me da vueltas", "vertigo"),
    (r"(?:tengo que |salgo )?(?:correr|corriendo) al baño", "bladder"),
    (
        r"(?:se me )?(?:tuerce|torció|cae|cayó) (?:la boca|la cara|un lado de la cara|el labio)"
        r"|boca torcida|cara (?:caída|torcida|ladeada)",
        "droop",
    ),
    (
        r"(?:se me )?(?:traban|traba|enredan) (?:las palabras|la lengua)|hablo (?:raro|mal|lento|arrastrado)"
        r"|no me salen las palabras",
        "slurred",
    ),
    # "no sé" alone is a doubt, not the answer no
    (r"^no (?:lo )?sé$|^ni idea$|^no estoy segur[oa]$", ""),
    (
        r"no (?:aguanto|controlo|retengo) (?:la orina|el pis|la vejiga)|se me escapa (?:el pis|la orina)",
        "bladder",
    ),
    (
        r"(?:tengo que )?(?:ir|voy|corro) al baño (?:a cada rato|muy seguido|todo el tiempo|cada rato)|orino (?:mucho|a cada rato|muy seguido)",
        "bladder",
    ),
    (
        r"(?:me cuesta|le cuesta|no (?:puedo|puede)) (?:hablar|tragar|pronunciar)(?: bien)?"
        r"|(?:arrastro|arrastra|arrastrando) las palabras|no (?:habla|hablo) bien(?! (?:el )?(?:inglés|alemán|francés|english))"
        r"|hablo (?:como )?(?:trabad[oa]|enredad[oa]|borrach[oa])|habla (?:raro|mal|arrastrado|trabado|trabada)",
        "slurred",
    ),
    # Lhermitte's sign: a shock down the back when the head bends
    (
        r"(?:una )?(?:descarga|descargas|corriente|calambrazo)s? (?:electrica|electricas)?|calambrazo|corrientazos?",
        "hormigueo",
    ),
    (r"(?:se me )?entum(?:e|en|ió|ieron)|entumid[oa]s?|entumecid[oa]s?", "entumecido"),
    (r"(?:se (?:me|le) )?adormec(?:e|en|ió|ieron)", "adormecido"),
    # course of a symptom; "igual que siempre" is as usual, nothing new
    (r"(?:todo )?(?:igual|lo mismo) (?:que|de) siempre|como siempre|lo de siempre", "nothingnew"),
    # "se me está pasando a la otra pierna": spreading, not going away
    (
        r"(?:ahora )?(?:también|tambien) en (?:la|el|los|las|mi|mis|ambas|ambos)"
        r"|(?:pasando|pasó|ha pasado|extendiendo|extendió|ha extendido|subiendo|subió) (?:a|al|hacia)"
        r" (?:la otra|el otro|las dos|los dos|la|el|mi|mis)",
        "worse",
    ),
    (r"va y viene|viene y va|a ratos", "yes"),
    (r"(?:ya )?no (?:tanto|tan fuerte|tan mal|tan intenso)", "better"),
    (r"no (?:mejora|ha mejorado|mejoró|se mejora)|sin mejoría|ni mejor ni peor", "still"),
    (r"no del todo|no por completo|no completamente", "still"),  # "mejor pero no del todo"
    (r"no (?:ha cambiado|cambia|cambió)(?: nada)?|sin cambio|igualit[oa]", "still"),
    (r"no se (?:me |le )?(?:ha ido|va|pasa|quita|ha pasado|ha quitado)", "still"),
    # "se me ha pasado casi del todo": nearly gone is better, and still there a little
    (
        r"(?:ya )?(?:casi )?se (?:me |le )?(?:pasó|fue|quitó|ha pasado|ha ido|ha quitado)"
        r" casi (?:del todo|todo|por completo)|(?:ya )?casi se (?:me |le )?(?:pasó|fue|quitó|ha pasado|ha ido|ha quitado)",
        "better",
    ),
    (
        r"(?:sigue|siguen|sigo|está|estoy) (?:igual|lo mismo)|igual que (?:ayer|antes)|lo mismo|sin cambios",
        "still",
    ),
    (
        r"(?:ya )?se (?:me |le )?(?:pasó|fue|quitó|ha pasado|ha ido|ha quitado|acabó|terminó)|ya pasó"
        r"|ya (?:acabó|terminó|se acabó)|desapareció|ha desaparecido",
        "gone",
    ),
    # "se me quitó la vista borrosa": what went comes after the verb, and is denied
    (r"gone (?:el|la|los|las|mi|mis)(?= \S)", "nomore"),
    (
        r"ya no(?= quiero| puedo| aguanto| le encuentro| encuentro| tiene sentido)",
        "no",
    ),  # a wish or despair, not a symptom's course
    (r"ya no (?:tengo|siento|noto|hay)|ya no", "nomore"),
    (
        r"(?:estaría|estarían|estarias|estaríamos|estar) mejor sin mí|mejor (?:muerto|muerta|muertos)",
        "betteroff",
    ),
    (r"(?:va|está|estoy|voy) mejor|casi (?:bien|nada|no)|un poco mejor|^casi$", "better"),
    (r"(?:va|está|estoy|voy) peor|cada vez (?:peor|más)", "worse"),
    # dose: not yet, later, skip, done
    (
        r"(?:todavía|aún) no(?: me la (?:he )?(?:puesto|puse|inyectado))?|no (?:me la )?(?:he )?(?:puesto|inyectado|hecho)(?: todavía| aún)?|no todavía|(?:se me )?olvidó|me olvidé|olvidé",
        "notyet",
    ),
    # "después de la inyección" says when something began, not that the dose is to come
    (r"después de (?:la |mi |el )?(?:inyección|dosis|pinchazo)", ""),
    (r"más tarde|ahora no|ahorita no|en un rato|en un ratito|recuérdamelo|recuérdame", "later"),
    (r"^(?:al rato|al ratito|ya mero)$", "later"),  # Mexican: in a while, nearly (not yet done)
    (r"^hoy no(?= porque| estoy en)", "skip"),  # "hoy no porque estoy en el hospital"
    (
        r"(?:me la |la )?(?:pongo|pondré|hago|haré|voy a poner) mañana|mañana (?:me la |la )?(?:pongo|pondré|hago|haré|voy a poner)",
        "skip",
    ),
    # "hoy no me la pongo" before "me la pongo", which alone is a plan for later
    (
        r"(?:hoy )?no (?:me la voy a poner|me la pongo|me voy a inyectar|la voy a hacer)(?: hoy)?|hoy no$|me la salto",
        "skip",
    ),
    (r"(?:me la |la )?(?:voy a poner|voy a hacer|pongo|pondré|hago|haré)(?= |$)", "later"),
    (r"no puedo (?:hoy|tonight)$|hoy no puedo$", "skip"),
    (
        r"no (?:me la )?(?:puedo|podré|podre) (?:poner(?:me)?(?: la)?|inyectar(?:me)?)(?: hoy| tonight)?",
        "skip",
    ),
    (
        r"ya (?:está|esta)(?= (?:en )?(?:el |la |mi )?(?:brazo|muslo|pierna|barriga|panza|vientre|tripa"
        r"|nalga|glúteo|pompa|trasero|cadera) )|ya (?:me la )?(?:puse|he puesto|inyecté|he inyectado)|(?:ya )?me (?:la )?(?:puse|he puesto|inyecté|he inyectado|pinché|he pinchado)|ya lo hice|ya (?:está|esta)(?: hecho| hecha| lista| listo| puesta)?$",
        "done",
    ),
    (r"me (?:puse|inyecté) (?:la )?(?:inyección|dosis)", "done"),
    # a caregiver: "mi esposo ya se la puso", "se la puse a mi hija"
    (
        r"(?:mi (?:esposo|marido|mujer|esposa|hijo|hija|mamá|madre|papá|padre) )?(?:ya )?se la"
        r" (?:puso|puse|ha puesto|he puesto|pusimos|inyectó|inyecté)(?: yo)?(?: a mi \S+)?",
        "done",
    ),
    (r"(?:no tengo )?ganas de nada|sentido a nada", ""),  # how they feel; no answer "nothing new"
    (r"(?:no tengo )?nada de (?:eso|esto)", "nothingnew"),  # "no tengo nada de eso": none of it
    (r"nada de", "sin"),  # "nada de hormigueo"
    (r"casi (?:curad[oa]|sanad[oa]|cicatrizad[oa])", "no curado"),  # nearly healed is not healed
    # just done: "me la acabo de poner"
    (
        r"(?:me la |me lo |se la )?acabo de (?:poner|ponérmela|inyectar|inyectarme|pincharme)",
        "listo",
    ),
    (
        r"se me escapa (?:la )?(?:pipí|pipi|pis|orina)|se me sale (?:la )?(?:pipí|pipi|pis|orina)",
        "incontinencia",
    ),
    (r"^(?:tengo|tiene) (?:algo de |un poco de )?temperatura$", "fiebre"),  # colloquial: a fever
    # a temperature in words: "treinta y ocho y medio" is 38.5
    *(
        (
            rf"treinta y {word} y medio|treinta y {word} punto cinco|treinta y {word} con cinco",
            f"{n}.5",
        )
        for n, word in ((36, "seis"), (37, "siete"), (38, "ocho"), (39, "nueve"))
    ),
    *(
        (rf"treinta y {word}", str(n))
        for n, word in ((36, "seis"), (37, "siete"), (38, "ocho"), (39, "nueve"))
    ),
    # what negates: "no tengo fiebre" is "no fiebre"
    (
        r"no (?:tengo|tiene|tuve|he tenido|hay|noto|noté|siento|sentí|presento|me (?:duele|pica))",
        "sin",
    ),
    # nothing new
    (
        r"(?:nada|ningún|ninguna|ninguno) (?:nuevo|nueva|raro|más|diferente)|ningún síntoma(?: nuevo| raro)?"
        r"|(?:estoy|me siento|todo|está todo) (?:bien|perfecto|perfecta|normal|genial)|sin (?:novedad|novedades|síntomas|problemas)|todo bien|nada",
        "nothingnew",
    ),
    # fever and scores
    (r"grados?", "deg"),
    (r"síntomas gripales|síntomas de gripe|malestar general|dolor de cuerpo", "flu"),
    (r"(?:zona|sitio|lugar|punto) de (?:la )?(?:inyección|punción)|(?:la )?piel", "site"),
    (r"(?:de|sobre) 10", "outoften"),
)

LEXICON = Lexicon(
    phrases=_PHRASES,
    taken=words("listo lista hecho hecha inyectado inyectada puesta puesto terminado hice inyecté"),
    taken_subject=words("ya yo me la lo ahora está esta inyección dosis"),
    skip=words("saltar salto saltarme omitir omito"),
    later=words("luego después recordar"),
    future=words("voy pronto ahorita mañana luego"),
    ago=words("hace"),
    pause=words("pausa pausar"),
    resume=words("reanudar reanuda reanudo reactivar seguir continuar"),
    healed=words("curado curada curó sanó sanado sanada cicatrizó cicatrizado cicatrizada"),
    ok=words("vale entendido recibido recibida enterado enterada visto"),
    opt_out=(
        r"(?:ya )?no (?:quiero|deseo) (?:recibir|que me (?:manden|envien)) (?:mas )?(?:mensajes|sms|recordatorios)"
        r"(?: por favor)?",
        r"(?:por favor )?no mas (?:mensajes|sms|recordatorios)(?: por favor)?",
        r"(?:por favor )?(?:deja|dejen|dejad|dejar) de (?:mandarme|enviarme|escribirme)(?: (?:mensajes|sms|recordatorios))?(?: por favor)?",
        r"(?:por favor )?no me (?:manden|mandes|envies|envien|escriban|escribas) (?:mas|mas mensajes)(?: por favor)?",
        r"(?:quiero )?darme de baja(?: por favor)?",
    ),
    yes=words("sí si s claro correcto afirmativo sip simón sii siii"),
    no=words("no n nop negativo"),
    stop_filler=_POLITE | words("mensajes mensaje ya de enviar envíen más los me recordatorios"),
    polite=_POLITE,
    conjunctions=words("pero aunque sino"),
    coordinators=words("y e"),
    left=words("izquierdo izquierda izq izqda izda"),
    right=words("derecho derecha der dcha dcho"),
    site_codes={
        "bi": "left_arm",
        "bd": "right_arm",
        "ai": "left_abdomen",
        "ad": "right_abdomen",
        "gi": "left_buttock",
        "gd": "right_buttock",
        "pi": "left_thigh",
        "pd": "right_thigh",
    },
    first_person=words("me mi mis tengo siento estoy noto yo"),
    conditional=words("si"),
    at_spot=(
        "zona de la inyeccion",
        "sitio de la inyeccion",
        "zona del pinchazo",
        "donde me inyecte",
        "donde me pinche",
    ),
    schedule=words(
        "dosis inyección inyecciones inyectar inyecto pinchazo pinchar sitio zona ml cuánto cuanto"
    ),
    parts={
        **dict.fromkeys(words("brazo brazos tríceps"), "arm"),
        **dict.fromkeys(words("abdomen barriga vientre panza tripa estómago ombligo"), "abdomen"),
        **dict.fromkeys(
            words("glúteo glúteos nalga nalgas pompa pompis trasero cadera"), "buttock"
        ),
        **dict.fromkeys(words("muslo muslos pierna"), "thigh"),
    },
    site_filler=words(
        "de del la el los las mi en parte lado zona superior posterior atrás detrás arriba abajo"
    ),
    symptoms=kinds(
        vision="vista visión borroso borrosa borrosidad doble nublada nublado ceguera ciego ciega",
        numbness="hormigueo hormigueos hormiguea hormiguean adormecido adormecida adormecimiento"
        " entumecido entumecida entumecimiento dormido dormida cosquilleo calambres hormiguitas"
        " hormigeo ormigueo",
        weakness="débil debiles débiles debilidad torpe torpeza flojera parálisis floja flojas"
        " flojo flojos",
        balance="mareo mareos mareado mareada vértigo vertigos inestable inestabilidad equilibrio"
        " tropiezo tropiezos tropezando caída caídas",
        bladder="vejiga incontinencia orina orinar intestino",
        speech="habla tragar",
    ),
    face=words("cara rostro labio labios boca mandíbula mejilla"),
    negators=words("no sin nunca ni ningún ninguna ninguno jamás tampoco"),
    normal=words("bien normal perfecto perfecta"),
    still=words("sigue siguen sigo todavía aún persiste persisten continúa continúan igual"),
    better=words("mejor mejorando mejora menos"),
    worse=words("peor empeorando empeora empeoró"),
    fever=words("fiebre fiebres calentura febril"),
    temperature=words("temperatura temp"),
    flu_labels=words("gripe gripal dolores"),
    site_labels=words("zona sitio reacción"),
    # "un" and "una" are articles too ("una ampolla"): only the spelt-out numbers count.
    numbers={"cero": 0, **{w: n for n, w in enumerate(_NUMBERS, 1)}},
    filler=_POLITE
    | words(
        "y e pero un una algo poco muy bastante hoy esta mañana mi el lo los las de del en es"
        " está estoy tengo tiene tuve siento noto como con tarde noche anoche ayer dolor dolorida"
        " dolorido roja rojo hinchada hinchado hinchazón picor pica moretón cansado cansada"
        " también solo sólo eso pues inyección dosis pinchazo creo"
    ),
    injury={
        **dict.fromkeys(words("pus supura supurando supuración"), "pus"),
        **dict.fromkeys(words("herida heridas llaga llagas úlcera úlceras"), "wound"),
        **dict.fromkeys(words("drena drenando"), "drain"),
        **dict.fromkeys(words("negra negro necrosis"), "black"),
        **dict.fromkeys(words("ampolla ampollas absceso"), "blister"),
    },
    reaction=words(
        "roja rojo rojiza enrojecida enrojecimiento hinchada hinchado hinchazón inflamada"
    ),
    spreading=words("extiende extendiendo extendido crece creciendo"),
    eyes=words("ojo ojos vista"),
    opened=words("abierta abierto"),
    open_context=words("zona herida piel sitio punto pinchazo costra"),
    others_ill=(
        r"\b(?:mi|mis) (?:hija|hijo|hijas|hijos|nena|nene|bebé|niña|niño|niños|esposo|esposa|marido"
        r"|mujer|pareja|novio|novia|mamá|mama|madre|papá|papa|padre|hermana|hermano|nieta|nieto"
        r"|suegra|suegro)\b(?:(?! yo ).)*?\b(?:fiebre|calentura|temperatura)\b(?: de [0-9.]+)?",
    ),
    me_well=(
        r"\byo (?:estoy |ando |me siento |sigo |me encuentro )?(?:bien|perfecta|perfecto|normal)\b"
        r"|\b(?:yo|a mi|a mí) no\b",
    ),
    emergency=EMERGENCY,
    self_harm=SELF_HARM,
    refill=words("recarga recargar recargue repuesto"),
    refill_not=words("necesito necesita pedir pido falta faltan"),
    vials=words("vial viales"),
    phq_frequencies=PHQ_FREQUENCIES,
    phq_labels=PHQ_LABELS,
)
