"""Spanish crisis words: signs of a medical emergency and of self-harm, as regular expressions over
the reply's words joined by spaces (accents folded). Part of reminder.lexicon.es."""

# Signs of a medical emergency (a severe allergic reaction, chest pain, fainting): an urgent alert
# and the emergency number at once. "no me duele el pecho" is not one.
EMERGENCY = (
    r"\bno (?:puedo|puede|podia|consigo|consigue) respirar\b|\bme (?:cuesta|falta) (?:respirar|el aire)\b"
    r"|\bdificultad (?:para|al) respirar\b|\bme ahogo\b",
    r"\b(?:garganta|lengua|labios?|cara) (?:hinchad[ao]s?|se (?:me )?(?:hincha|hincho|cierra|cerro))\b"
    r"|\bse (?:me|le|te) (?:hincha|hinchan|hincho|hincharon|ha hinchado|cierra|cerro)"
    r" (?:la garganta|la cara|los labios|la lengua)\b",
    r"\b(?:reaccion alergica|anafila\w*)",
    r"\b(?:ronchas|urticaria|sarpullido) (?:por todo el cuerpo|en todo el cuerpo|por todas partes)\b",
    r"\b(?:me voy a|me fuera a|como si me fuera a|a punto de) desmayar\b|\bme duele (?:mucho )?el pecho\b|\bdolor (?:en el|de) pecho\b|\bme (?:desmaye|he desmayado)\b|\bse (?:desmayo|ha desmayado)\b|\bperdi el conocimiento\b",
    # a burning chest is chest pain until a nurse hears it is heartburn
    r"\bme (?:arde|quema) (?:mucho )?el pecho\b|\bardor (?:en el|de) pecho\b",
)

# Vetted with the English list's shapes: wishes to die, plans, self-injury, hopelessness. A negation
# does not cancel one; a person reads the alert.
SELF_HARM = (
    r"\b(?:me )?quiero morir(?:me)?\b(?! de (?:la )?(?:verguenza|risa|ganas|hambre|sueno|calor|frio|aburrimiento))",
    r"\b(?:quisiera|deseo|ojalá|ojala) (?:morir|morirme|estar muert[oa]|no despertar)",
    r"\bno quiero (?:vivir|seguir viviendo|seguir aquí|seguir aqui|despertar(?:me)?|estar aquí|estar aqui|existir)\b",
    r"\bquitarme la vida\b|\bme (?:voy a |quiero )?quitar la vida\b",
    r"\bmatarme\b|\bme (?:voy a |quiero )?matar\b",
    r"\bhacerme daño\b|\bhacerme dano\b|\bme hago daño\b|\bme hago dano\b",
    r"\bmejor (?:estar |estaría |estaria )?muert[oa]s?\b|\bestar(?:ía|ia|ían|ian) mejor sin mí\b|\bmejor sin mi\b",
    r"\bno vale la pena (?:vivir|seguir)\b|\bla vida no vale la pena\b",
    r"\bno tiene sentido (?:vivir|seguir)\b|\bsin (?:razón|razon|motivo) (?:para|de) vivir\b",
    r"\b(?:acabar|terminar) con (?:todo|mi vida)\b",
    r"\bya no (?:puedo|aguanto) más\b|\bya no (?:puedo|aguanto) mas\b",
    r"\bcortarme\b|\bme (?:corto|he cortado|estoy cortando)\b",
    r"\bganas de (?:morir|morirme|matarme|desaparecer)\b|\bpensando en (?:morir|matarme)\b",
    r"\btomar(?:me)? todas (?:las|mis) (?:pastillas|pastas)\b|\bsobredosis\b",
    r"\bdesaparecer para siempre\b|\bno despertar (?:más|mas|nunca)\b",
    r"\bmejor me muero\b|\bpara (?:que|qué) seguir(?: viviendo)?$|\bya no vale la pena nada\b"
    r"|\bnada vale la pena\b",
    r"\bmejor no despertar(?:me)?\b|\b(?:quiero|quisiera|me gustaria|deseo) desaparecer\b",
    r"\bautolesi",
    r"\bno (?:quiero|puedo) seguir(?: asi| adelante| mas| con esto)?$|\bme corte$|\b(?:ya )?no (?:puedo|aguanto) mas$",
    r"\bquitarme de en medio\b|\b(?:quiero|quisiera|ojala) (?:dormir(?:me)? y )?no despertar",
    r"\b(?:hart[oa]s?|cansad[oa]s?) de (?:vivir|la vida|estar viv[oa])\b",
    r"\bquiere (?:morir(?:se)?|matarse|suicidarse|quitarse la vida)\b"
    r"|\bse (?:quiere|va a) (?:matar|suicidar|quitar la vida)\b|\bno quiere (?:vivir|seguir viviendo)\b",
    r"\b(?:no|ya no) (?:le )?(?:encuentro|veo|tiene) sentido (?:a nada|a la vida|a vivir|a seguir)\b"
    r"|\bnada tiene sentido\b",
    r"\b(?:seria|estaria) (?:mas facil|mejor) (?:no estar|no existir|desaparecer)\b|\bmejor no estar\b",
    r"\b(?:pastillas|pastas|medicamentos) (?:guardad|ahorrad|escondid)[oa]s\b"
    r"|\b(?:guardando|juntando|acumulando) (?:pastillas|medicamentos)\b",
    r"\bno (?:aguanto|soporto) (?:mas )?(?:esta|mi) vida\b"
    r"|\b(?:irme|me quiero ir|quiero irme|me voy a ir|me iria) de este mundo\b",
    r"\b(?:irme|ir) para siempre\b"
    r"|\btirarme (?:por|de|desde|a|al|bajo) (?:el |la |un |una |las )?"
    r"(?:balcon|ventana|puente|edificio|azotea|tren|vias|metro)\b",
)
