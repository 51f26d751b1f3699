"""German PHQ-2 words: the answer frequencies and the item labels, read by
reminder.phq_reading (see Lexicon.phq_frequencies and Lexicon.phq_labels)."""

# A PHQ-2 label said after its value ("varios dias la primera, nada la segunda"): it ends the
# text or another value and label follow; else it is the label of the value after it.
_LABEL_AFTER = r"(?=$| (?:und )?(?:phq)?[0-9] (?:for )?(?:für |fuer |bei )?(?:die |der )?(?:erste|ersten|zweite|zweiten|first|second))"

PHQ_FREQUENCIES = (
    (r"u(?:e)?berhaupt nicht|gar nicht|nie|^keine$|^keins$|^nein keine$", 0),
    # "eher selten", "selten": rarely is some days, not none
    (
        r"an einzelnen tagen|(?:an )?einigen tagen|einige tage|ein paar tage|manchmal"
        r"|(?:eher |ziemlich )?selten|fast nie",
        1,
    ),
    (r"(?:an )?mehr als (?:der|die) ha(?:e)?lfte(?: der tage)?", 2),
    (r"beinahe jeden tag|fast jeden tag|jeden tag|fast immer", 3),
)

PHQ_LABELS = (
    (r"keins von beiden|keine von beiden|beides nicht|beide nicht", "phq0 both"),
    # "an einzelnen Tagen die erste": the value said before its label
    (
        r"((?:phq)?[0-9]) (?:für |fuer |bei )?(?:die |der )?(?:erste|ersten)(?: frage)?"
        + _LABEL_AFTER,
        r"\1 for first",
    ),
    (
        r"((?:phq)?[0-9]) (?:für |fuer |bei )?(?:die |der )?(?:zweite|zweiten)(?: frage)?"
        + _LABEL_AFTER,
        r"\1 for second",
    ),
    (r"(?:für|fuer|bei) (?:beide|beides|beiden)", "for both"),
    (r"beide|beides|beiden", "both"),
    (r"(?:für|fuer|bei) (?:die |der )?(?:erste|ersten)(?: frage)?", "for first"),
    (r"(?:für|fuer|bei) (?:die |der )?(?:zweite|zweiten)(?: frage)?", "for second"),
    (r"(?:die |der )?(?:erste|ersten)(?: frage)?", "first"),
    (r"(?:die |der )?(?:zweite|zweiten)(?: frage)?", "second"),
    (r"(?:das )?interesse|(?:die )?freude", "interest"),
    (r"(?:die )?stimmung", "mood"),
    # "manchmal niedergeschlagen": the feeling names the item, down is mood
    # at the end it labels the value before it, else the one after
    (
        r"(?:fühle mich |fuehle mich |bin )?(?:niedergeschlagen|traurig|deprimiert|down)$",
        "for mood",
    ),
    (r"(?:fühle mich |fuehle mich |bin )?(?:niedergeschlagen|traurig|deprimiert|down)", "mood"),
)
