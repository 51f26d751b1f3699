"""French PHQ-2 words: the answer frequencies and the item labels, read by
reminder.phq_reading (see Lexicon.phq_frequencies and Lexicon.phq_labels)."""

# A PHQ-2 label said after its value ("varios dias la primera, nada la segunda"): it ends the
# text or another value and label follow; else it is the label of the value after it.
_LABEL_AFTER = r"(?=$| (?:et )?(?:phq)?[0-9] (?:for )?(?:la )?(?:première|1ere|1re|deuxième|seconde|2e|2eme|first|second))"

PHQ_FREQUENCIES = (
    (r"jamais|pas du tout|^aucun$|^aucune$", 0),
    # "presque jamais", "rarement": hardly ever is some days, not none
    (r"plusieurs jours|quelques jours|certains jours|parfois|presque jamais|rarement", 1),
    (r"plus de la moitie du temps|plus de la moitie des jours|plus de la moitie", 2),
    (
        r"presque tous les jours|quasiment tous les jours|tous les jours"
        r"|presque tout le temps|quasiment tout le temps",
        3,
    ),
)

PHQ_LABELS = (
    (r"aucun des deux|aucune des deux|ni le un ni le autre|ni lun ni lautre", "phq0 both"),
    # "plusieurs jours la première": the value said before its label
    (
        r"((?:phq)?[0-9]) (?:la )?(?:première|1ere|1re)(?: question)?" + _LABEL_AFTER,
        r"\1 for first",
    ),
    (
        r"((?:phq)?[0-9]) (?:la )?(?:deuxième|seconde|2e|2eme)(?: question)?" + _LABEL_AFTER,
        r"\1 for second",
    ),
    (r"(?:pour|à) (?:les deux|tous les deux|toutes les deux)", "for both"),
    (r"les deux|tous les deux|toutes les deux", "both"),
    (r"(?:pour|à) (?:la )?(?:première|1ere|1re)(?: question)?", "for first"),
    (r"(?:pour|à) (?:la )?(?:deuxième|seconde|2e|2eme)(?: question)?", "for second"),
    (r"(?:la )?(?:première|1ere|1re)(?: question)?", "first"),
    (r"(?:la )?(?:deuxième|seconde|2e|2eme)(?: question)?", "second"),
    (r"(?:le )?(?:intérêt|plaisir)", "interest"),
    (r"(?:le |la )?(?:humeur|moral)", "mood"),
    # "parfois déprimée": the feeling names the item; at the end it labels the value before
    (
        r"(?:je me sens |je suis |me sens )?(?:triste|déprimée?|deprimée?|cafard|à plat)$",
        "for mood",
    ),
    (r"(?:je me sens |je suis |me sens )?(?:triste|déprimée?|deprimée?|cafard|à plat)", "mood"),
)
