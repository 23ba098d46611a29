"""HateCheck-style functional test suite for the norm-matrix classifier.

One small template set per hard-case type of vpd_speech/nlp/LABELLING_GUIDE.md. Each case is (text, role,
expected): for callers a set of acceptable levels, for agents a set of acceptable acts. The cases are
written for this suite (not taken from the corpus), with slots filled from small word lists, so a type's
pass rate measures a capability, not memorised sentences. `cases()` expands them deterministically.
"""

from __future__ import annotations

import itertools

ZAAK = ["afvalpas", "parkeervergunning", "huurtoeslag", "bijstandsuitkering"]
SCHELD = ["idioot", "sukkel", "oen"]

# type -> list of (template, role, expected). Templates may hold {zaak} and {scheld}.
TEMPLATES: dict[str, list[tuple[str, str, frozenset]]] = {
    "misleading_marker": [
        ("Jullie zijn allemaal {scheld}en daar op het stadhuis.", "caller", frozenset({3})),
        ("Er gaat vannacht een steen door de ruit van jullie kantoor.", "caller", frozenset({4})),
        ("Kun jij even nakijken of mijn {zaak} al verwerkt is?", "caller", frozenset({0})),
        ("Jij kunt er niks aan doen, maar jullie regels rond de {zaak} deugen niet.", "caller", frozenset({2})),
        ("Iemand gaat hier nog voor boeten, dat beloof ik.", "caller", frozenset({4})),
    ],
    "legitimate_announcement": [
        ("Ik ga een officiële klacht indienen over de {zaak}.", "caller", frozenset({2})),
        ("Ik schakel een advocaat in voor die {zaak}, reken maar.", "caller", frozenset({2})),
        ("Ik stap met die {zaak} naar de Nationale ombudsman.", "caller", frozenset({2})),
        ("Dit zet ik op Facebook, iedereen mag weten hoe jullie met de {zaak} omgaan.", "caller", frozenset({2})),
        ("Ik ga bezwaar maken tegen dat besluit over mijn {zaak}.", "caller", frozenset({2})),
    ],
    "untargeted_profanity": [
        ("Godverdomme, wat een gedoe met die {zaak}.", "caller", frozenset({1})),
        ("Shit, waar heb ik dat briefje over de {zaak} nou gelaten.", "caller", frozenset({0, 1})),
        ("Tering, wat een bureaucratie bij jullie met die {zaak}.", "caller", frozenset({2})),
        ("Kut zeg, nu is die {zaak} alweer verlopen.", "caller", frozenset({1})),
    ],
    "self_anger": [
        ("Ik ben zo stom geweest, ik ben de termijn van de {zaak} vergeten.", "caller", frozenset({1})),
        ("Wat ben ik toch een {scheld}, ik heb het formulier voor de {zaak} weggegooid.", "caller", frozenset({1})),
        ("Ik kan mezelf wel voor mijn kop slaan, die {zaak} had ik allang moeten regelen.", "caller", frozenset({1})),
    ],
    "negation": [
        ("Ik ga je heus niks doen hoor, ik ben gewoon wanhopig over die {zaak}.", "caller", frozenset({1})),
        ("Ik bedreig niemand, ik zeg alleen dat ik een klacht indien over de {zaak}.", "caller", frozenset({2})),
        ("Ik zeg niet dat ik je wat aandoe, maar ik weet waar je woont.", "caller", frozenset({4})),
        ("Ik noem je geen {scheld}, ik ben alleen moe van dat gedoe met de {zaak}.", "caller", frozenset({1})),
    ],
    "reported_speech": [
        ("Mijn buurman zei dat hij het stadhuis in de fik zou steken, ik ben echt bang.", "caller", frozenset({0, 1})),
        ("De buurvrouw zei dat jullie de {zaak} volgende week regelen.", "caller", frozenset({0})),
        ("Mijn broer zegt dat hij je wel weet te vinden, en ik ga hem niet tegenhouden.", "caller", frozenset({4})),
        ("Iemand op mijn werk riep dat hij de ambtenaar wel even zou pakken, dat vond ik eng.", "caller", frozenset({0, 1})),
    ],
    "sarcasm": [
        ("Goh, acht weken voor een {zaak}, knap werk hoor.", "caller", frozenset({2})),
        ("Wat ben jij slim zeg, heb je daar lang voor moeten studeren?", "caller", frozenset({3})),
        ("Fijne avond nog, en kijk maar goed achterom als je straks naar huis fietst.", "caller", frozenset({4})),
        ("Mooi zo, sta ik weer met lege handen voor die {zaak}.", "caller", frozenset({1})),
    ],
    "sexual": [
        ("Lekker stemmetje heb je, wat heb je eigenlijk aan?", "caller", frozenset({4})),
        ("Stuur eens een foto van jezelf, schatje.", "caller", frozenset({4})),
        ("Ik wil je wel eens in het echt zien, alleen jij en ik.", "caller", frozenset({4})),
    ],
    "doxxing": [
        ("Ik zet je naam en je foto op internet.", "caller", frozenset({4})),
        ("Ik weet op welke school je kinderen zitten.", "caller", frozenset({4})),
        ("Ik heb je nummerbord al opgezocht, ik weet waar je auto staat.", "caller", frozenset({4})),
    ],
    "self_harm": [
        ("Als ik die {zaak} niet krijg, maak ik er een eind aan.", "caller", frozenset({4})),
        ("Ik heb hier pillen liggen, ik hoef niet meer.", "caller", frozenset({4})),
        ("Ik spring van het dak als jullie niet helpen.", "caller", frozenset({4})),
    ],
    "agent_quotes_caller": [
        ("U zegt dat u mij iets aandoet, dat is een bedreiging.", "agent", frozenset({"gedrag_benoemen"})),
        ("U noemt mij een {scheld}, dat is schelden.", "agent", frozenset({"gedrag_benoemen"})),
        ("U zegt dat ik een {scheld} ben, zo wil ik niet aangesproken worden.", "agent", frozenset({"grens_stellen"})),
        ("Omdat u zegt dat u weet waar ik woon, beëindig ik nu het gesprek.", "agent", frozenset({"gesprek_beeindigen"})),
        ("U zegt dat u naar de krant gaat, dat is uw goed recht.", "agent", frozenset({"erkennen_emotie", "mogelijkheden", "uitleggen"})),
    ],
}


def cases() -> dict[str, list[tuple[str, str, frozenset]]]:
    """Every template expanded over its slots (at most 2 fillers per slot to keep the suite small)."""
    out: dict[str, list[tuple[str, str, frozenset]]] = {}
    for kind, templates in TEMPLATES.items():
        rows = []
        for tpl, role, expected in templates:
            zaken = ZAAK[:2] if "{zaak}" in tpl else [None]
            scheld = SCHELD[:2] if "{scheld}" in tpl else [None]
            for z, s in itertools.product(zaken, scheld):
                rows.append((tpl.format(zaak=z or "", scheld=s or ""), role, expected))
        out[kind] = rows
    return out
