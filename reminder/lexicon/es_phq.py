"""Spanish PHQ-2 words: the answer frequencies and the item labels, read by
reminder.phq_reading (see Lexicon.phq_frequencies and Lexicon.phq_labels)."""

# A PHQ-2 label said after its value ("varios dias la primera, nada la segunda"): it ends the
# text or another value and label follow; else it is the label of the value after it.
_LABEL_AFTER = r"(?=$| (?:y |e )?(?:phq)?[0-9] (?:for )?(?:para |en )?(?:la |el )?(?:primera|primero|segunda|segundo|first|second))"

PHQ_FREQUENCIES = (
    # "no tengo ganas de nada": the interest item, not a "nada"
    (r"(?<!ganas de )nada|ningun dia|para nada|nunca|^ninguna$|^ninguno$", 0),
    # "casi nunca", "rara vez": hardly ever is some days, not none
    (
        r"varios dias|algunos dias|unos dias|pocos dias|a veces|casi nunca|rara vez|pocas veces",
        1,
    ),
    (r"mas de la mitad de los dias|mas de la mitad", 2),
    (r"casi todos los dias|casi cada dia|todos los dias|casi siempre", 3),
)

PHQ_LABELS = (
    (r"ninguna de las dos|ninguno de los dos|ni una ni otra|ni uno ni otro", "phq0 both"),
    # "varios dias la primera": the value said before its label
    (
        r"((?:phq)?[0-9]) (?:para |en )?(?:la |el )?(?:primera|primero)(?: pregunta)?"
        + _LABEL_AFTER,
        r"\1 for first",
    ),
    (
        r"((?:phq)?[0-9]) (?:para |en )?(?:la |el )?(?:segunda|segundo)(?: pregunta)?"
        + _LABEL_AFTER,
        r"\1 for second",
    ),
    (r"(?:para |en |a )(?:las dos|los dos|ambas|ambos)", "for both"),
    (r"las dos|los dos|ambas|ambos|en las dos|en ambas", "both"),
    (r"(?:para |en |a )(?:la |el )?(?:primera|primero)(?: pregunta)?", "for first"),
    (r"(?:para |en |a )(?:la |el )?(?:segunda|segundo)(?: pregunta)?", "for second"),
    (r"(?:la |el )?(?:primera|primero)(?: pregunta)?", "first"),
    (r"(?:la |el )?(?:segunda|segundo)(?: pregunta)?", "second"),
    (r"(?:no tengo |sin )?ganas de nada", "interest"),
    (r"(?:el )?(?:interés|ganas)", "interest"),
    (r"(?:el )?(?:ánimo|animo)|(?:la )?tristeza", "mood"),
    # "todos los dias me siento triste": the feeling names the item, down is mood
    # at the end it labels the value before it, else the one after
    (
        r"(?:me siento |estoy |ando )?(?:muy )?(?:triste|deprimida|deprimido|decaída|decaído|bajoneada|bajoneado)$",
        "for mood",
    ),
    (
        r"(?:me siento |estoy |ando )?(?:muy )?(?:triste|deprimida|deprimido|decaída|decaído|bajoneada|bajoneado)",
        "mood",
    ),
)
