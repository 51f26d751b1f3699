"""German crisis words: signs of a medical emergency and of self-harm, as regular expressions over
the reply's words joined by spaces (umlauts folded). Part of reminder.lexicon.de."""

# Signs of a medical emergency (a severe allergic reaction, chest pain, fainting): an urgent alert
# and the emergency number at once. "keine Atemnot" is not one.
EMERGENCY = (
    r"\b(?:kann|konnte) (?:kaum|nicht) (?:mehr )?atmen\b|\batemnot\b"
    r"|\b(?:kriege|krieg|bekomme|bekomm|kriegt|bekommt|kriegen|bekommen)(?: ich| sie| er)? (?:keine|kaum|schlecht|schwer) luft\b",
    r"\b(?:hals|zunge|lippen?|gesicht) (?:ist |sind )?(?:geschwollen|schwillt (?:an|zu))\b"
    r"|\bgeschwollene (?:zunge|lippen|gesicht|hals)\b"
    r"|\b(?:hals|zunge|lippen?|gesicht)\b(?: \S+){0,3} (?:schwillt|schwellen) (?:an|zu)\b",
    r"\b(?:allergische reaktion|anaphyla\w*)",
    r"\b(?:hals|kehle) (?:schnürt|zieht) sich zu\b|\bschnürt mir (?:den hals|die kehle) zu\b",
    r"\b(?:quaddeln|nesselsucht|ausschlag) (?:am ganzen körper|überall)\b",
    r"\bschwarz vor (?:den )?augen\b|\bdruck auf der brust\b|\bengegefuhl in der brust\b"
    r"|\bbrustschmerz\w*|\bschmerzen in der brust\b|\bohnmachtig\b|\bin ohnmacht\b|\bbewusstlos\b",
    # a burning chest is chest pain until a nurse hears it is heartburn
    r"\b(?:brennt|brennen) (?:mir )?(?:die|in der) brust\b|\bbrennen in der brust\b",
    r"\b(?:bin|ist|sind|war) (?:\S+ ){0,4}?(?:umgekippt|zusammengebrochen|kollabiert|zusammengeklappt)\b",
)

# Vetted with the English list's shapes: wishes to die, plans, self-injury, hopelessness. A negation
# does not cancel one; a person reads the alert.
SELF_HARM = (
    r"\b(?:will|möchte|moechte|würde gern|wuerde gern|wünschte|wuenschte) (?:lieber )?(?:sterben|tot sein)\b",
    r"\bnicht mehr leben\b|\bnicht mehr (?:aufwachen|da sein)\b|\bnie (?:wieder|mehr) aufwachen\b",
    r"\bmich umbringen\b|\bbring(?:e)? mich um\b|\bumbringen\b|\bmich umzubringen\b",
    r"\bsuizid|\bselbstmord|\bfreitod\b",
    r"\bmir (?:etwas|was|etwas an|was an) ?tun\b|\bmir das leben (?:zu )?nehmen\b|\bdas leben nehmen\b",
    r"\bmich (?:ritzen|ritze|selbst verletzen|verletzen|geritzt|selbst verletzt)\b|\britze mich\b|\bselbstverletz",
    r"\b(?:lieber|besser) tot\b|\bbesser ohne mich\b|\bam besten (?:wäre|waere|bin) ich tot\b"
    r"|\bohne mich besser dran\b|\bwozu (?:noch )?(?:weitermachen|weiterleben|leben)\b|\balles (?:ist )?sinnlos\b",
    r"\b(?:nehme|schlucke|nehmen|schlucken) (?:alle|meine ganzen) (?:tabletten|pillen|medikamente)\b",
    r"\balle (?:tabletten|pillen|medikamente) (?:nehmen|schlucken)\b|\büberdosis|\bueberdosis",
    r"\bkeinen sinn mehr\b|\bdas leben hat keinen sinn\b|\bkein(?:en)? sinn (?:zu leben|im leben)\b",
    r"\b(?:mit allem|mit dem leben) schluss machen\b|\bdem (?:ganzen|leben) ein ende (?:setzen|machen)\b",
    r"\bwill (?:ich )?(?:einfach |echt |wirklich |so )?nicht mehr\b|\bkann nicht mehr$",
    r"\bnicht (?:mehr )?(?:da )?zu sein\b|\bnicht mehr zu leben\b"
    r"|\b(?:will|möchte|wäre|bin) (?:\S+ )?für immer weg\b",
    r"\b(?:tabletten|pillen|medikamente) (?:gesammelt|gehortet|gebunkert)\b|\b(?:sammle|horte) (?:tabletten|pillen)\b",
    r"\b(?:vom|von der|von einer|aus dem) (?:balkon|brücke|dach|fenster|hochhaus) (?:zu )?(?:springen|stürzen)\b",
    r"\bnicht mehr da (?:wäre|waere|bin|sein)\b|\bkeine lust (?:mehr )?(?:zu leben|auf (?:das|mein) leben)\b",
    r"\bfür immer (?:verschwinden|einschlafen)\b|\bfuer immer (?:verschwinden|einschlafen)\b"
    r"|\b(?:möchte|will|würde) (?:ich )?(?:einfach |am liebsten |nur )*verschwinden\b",
    r"\bhalte (?:das|es|das alles|es alles|alles) nicht mehr aus\b|\bnicht mehr aufzuwachen\b"
    r"|\b(?:aus|von) dieser welt (?:verschwinden|gehen)\b",
)
