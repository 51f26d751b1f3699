"""French words of an emergency and of self-harm: regular expressions over a reply's words."""

# Signs of a medical emergency (a severe allergic reaction, chest pain, fainting): an urgent alert
# and the emergency number at once. "pas de douleur dans la poitrine" is not one.
EMERGENCY = (
    r"\b(?:ne )?(?:peux|arrive|parviens) (?:pas|plus) (?:a )?respirer\b|\b(?:ne )?respire (?:pas|plus)\b|\bmal a respirer\b|\bje etouffe\b"
    r"|\bdifficultes? (?:a|pour) respirer\b",
    r"\b(?:gorge|langue|levres?|visage) (?:qui )?(?:gonfle|gonflee|gonflees|enfle|enflee|se serre)\b"
    r"|\b(?:gorge|langue|levres?|visage)\b(?: \S+){0,3} (?:gonfle|enfle)\b",
    r"\b(?:plaques|urticaire) (?:partout|sur tout le corps)\b",
    r"\b(?:reaction allergique|anaphyla\w*)",
    r"\bdouleurs? (?:dans la poitrine|a la poitrine|thoraciques?)\b|\bevanoui\w*|\bperdu connaissance\b",
    r"\bmal (?:a|dans) la poitrine\b|\b(?:fait|fais|faire|eu) un malaise\b"
    r"|\btomber dans les pommes\b|\boppression (?:dans la|a la) poitrine\b"
    r"|\b(?:brule|brulure|brulures) (?:dans la|a la) poitrine\b|\bla poitrine (?:me )?brule\b"
    r"|\b(?:levres?|langue|gorge|visage) (?:est |sont )?(?:gonfle|gonflee|gonflees|gonfles|enfle|enflee|enflees)\b"
    r"|\b(?:levres?|langue|gorge|visage) (?:qui )?(?:gonflent|enflent|se gonflent)\b",
)

# Wishes to die, plans, self-injury, hopelessness. A negation does not cancel one; a person reads
# the alert.
SELF_HARM = (
    r"\b(?:je )?veux mourir\b|\benvie de mourir\b|\bvoudrais mourir\b|\baimerais mourir\b",
    r"\ben finir\b",
    r"\bme suicider\b|\b(?<!\bva )(?<!\bvont )me tuer\b|\bme foutre en le air\b",
    r"\bme faire du mal\b|\bme blesser exprès\b",
    r"\b(?:plus|pas) envie de vivre\b|\b(?:ne )?(?:veux|veut) plus vivre\b",
    r"\bmettre fin à (?:mes jours|ma vie)\b|\bmettre fin a (?:mes jours|ma vie)\b",
    r"\bmieux sans moi\b|\bmieux mort(?:e)?\b|\bpréfér(?:erais|e) (?:être )?mort",
    r"\bme (?:scarifier|scarifie|couper|taillader|pendre)\b|\bscarif",
    r"\b(?:avaler|prendre) tous (?:mes|les) (?:médicaments|cachets|comprimés)\b|\bsurdose\b",
    r"\bplus (?:la )?force de (?:vivre|continuer)\b",
    r"\b(?:ne )?plus me réveiller\b|\bpas me réveiller\b",
    r"\bla vie ne vaut (?:pas|plus) la peine\b|\bplus de raison de vivre\b",
    r"\b(?:ne|je) en peux plus\b|\bmarre de (?:vivre|la vie)\b",
    r"\bsi je (?:ne )?(?:etais|serais) plus (?:la|ici|en vie)\b",
    r"\bveut (?:mourir|se tuer|se suicider|en finir)\b",
    r"\b(?:plus|pas) (?:aucun )?(?:de )?sens (?:a|à) (?:rien|la vie|vivre)\b|\bla vie (?:ne )?a (?:plus )?(?:aucun )?sens\b",
    r"\bde (?:ne )?plus etre (?:la|ici|en vie)\b|\bpartir pour toujours\b",
    r"\b(?:cachets|comprimes|medicaments|pilules) de cote\b",
    r"\b(?:sauter|me jeter) (?:du|de la|par la|de le|sous le|sous un) (?:balcon|pont|fenetre|toit|immeuble|train)\b",
    r"\bdisparaître pour toujours\b|\bdisparaitre pour toujours\b",
    r"\b(?:envie de|veux|voudrais|aimerais) (?:juste |simplement |bien )?disparaître\b",
    r"\b(?:ferais|ferait) mieux de mourir\b|\ba quoi bon (?:continuer|vivre)\b",
    r"\b(?:plus|pas) envie de etre (?:la|ici)\b|\bplus envie de exister\b",
)
