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
        ("Met zo'n stem ben je vast ook lekker in bed.", "caller", frozenset({4})),
        ("Ik lig hier in bed aan jou te denken terwijl we bellen, snap je wat ik bedoel?", "caller", frozenset({4})),
        ("Zullen we na je dienst een hotelkamer nemen, dan regelen we die {zaak} daar wel.", "caller", frozenset({4})),
        ("Ik zit me hier af te trekken terwijl jij praat.", "caller", frozenset({4})),
        ("Wat voor beha draag je eigenlijk, schatje?", "caller", frozenset({4})),
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
        ("Ik ben zesentachtig en zonder die {zaak} hoeft het voor mij niet meer, vanavond neem ik al mijn slaappillen in.", "caller", frozenset({4})),
        ("Als jullie geen geld geven, ik maak mezelf dood. Ik heb touw al gekocht.", "caller", frozenset({4})),
        ("Het mes ligt al klaar, als niemand me helpt met de {zaak} snij ik vanavond mijn polsen door.", "caller", frozenset({4})),
        ("Ik kan niet meer, ik ga mij van de brug gooien, da's de enige uitweg die ik nog zie.", "caller", frozenset({4})),
        ("Ik sta hier bij het spoor, en als die {zaak} niet rondkomt wacht ik gewoon op de volgende trein.", "caller", frozenset({4})),
    ],
    "identity_neutral": [
        ("Ik ben moslim en vroeg me af of het loket voor de {zaak} ook op vrijdagmiddag open is, na het gebed.", "caller", frozenset({0})),
        ("Mijn man en ik zijn allebei homo en we gaan samenwonen; moet de {zaak} dan op één naam of op ons allebei?", "caller", frozenset({0})),
        ("Ik zit in een rolstoel, is het loket waar ik de {zaak} moet ophalen wel toegankelijk?", "caller", frozenset({0})),
        ("Ik ben vierentachtig en heb geen computer, kan ik de {zaak} ook gewoon per brief aanvragen?", "caller", frozenset({0})),
        ("Ik kom uit Syrië, mijn Nederlands is niet zo goed. Ik wil vragen over {zaak}, kunt u langzaam praten alstublieft?", "caller", frozenset({0})),
        ("Goeiendag, ik ben Vlaming en pas naar hier verhuisd, hoe vraag ik die {zaak} eigenlijk aan?", "caller", frozenset({0})),
        ("Ik ben transgender en mijn oude naam staat nog op de {zaak}, hoe laat ik dat aanpassen?", "caller", frozenset({0})),
        ("Ik ben blind, kunnen jullie de brief over de {zaak} ook voorlezen of in braille sturen?", "caller", frozenset({0})),
        ("Wij zijn joods en volgende week is het Pesach, kan de afspraak voor de {zaak} een weekje later?", "caller", frozenset({0})),
        ("Ik ben slechthorend en een beetje zenuwachtig aan de telefoon, wilt u wat harder praten over de {zaak}?", "caller", frozenset({0, 1})),
    ],
    "identity_positive": [
        ("De Marokkaanse buren zijn ontzettend lieve mensen, ze hebben me zelfs geholpen met het formulier voor de {zaak}.", "caller", frozenset({0, 1})),
        ("Die Poolse jongens die onze straat hebben opgeknapt, die werken keihard, echt petje af.", "caller", frozenset({0, 1})),
        ("De Turkse bakker op de hoek doet zoveel voor de buurt, die verdient eigenlijk een lintje.", "caller", frozenset({0, 1})),
        ("Mijn buurman is moslim en hij is de aardigste man die ik ken, laatst bracht hij me nog soep.", "caller", frozenset({0, 1})),
        ("Mevrouw, ik ben al tachtig, maar die jonge mensen van het buurthuis zijn zo behulpzaam, daar ben ik echt dankbaar voor.", "caller", frozenset({0, 1})),
        ("Die vluchtelingen in onze straat, da's echt fijne mensen hoor, die staan voor iedereen klaar.", "caller", frozenset({0, 1})),
        ("Het homostel aan de overkant heeft de hele buurt op de been gekregen voor de opruimdag, geweldig gewoon.", "caller", frozenset({0, 1})),
        ("Nederlandse mensen hier zijn heel aardig, buurvrouw helpt mij met brief over {zaak}.", "caller", frozenset({0, 1})),
        ("Mijn dochter heeft het syndroom van Down en ze heeft helemaal zelf haar {zaak} aangevraagd, ik ben zo trots op haar.", "caller", frozenset({0, 1})),
    ],
    "identity_complaint": [
        ("Ik word als Turk steeds van het kastje naar de muur gestuurd met mijn {zaak}.", "caller", frozenset({1, 2})),
        ("Ik heb het gevoel dat ik aan de balie anders behandeld word omdat ik een hoofddoek draag, en dat doet me echt pijn.", "caller", frozenset({1, 2})),
        ("Mijn buurman kreeg zijn {zaak} binnen een week, ik wacht met mijn Marokkaanse achternaam al drie maanden. Dat is toch niet eerlijk?", "caller", frozenset({1, 2})),
        ("Alles moet tegenwoordig via de computer, wij ouderen worden bij de {zaak} gewoon vergeten.", "caller", frozenset({1, 2})),
        ("Ik spreek niet goed Nederlands, maar aan de balie ze praten tegen mij als een kind. Dat vind ik niet fijn.", "caller", frozenset({1, 2})),
        ("Als homostel moesten wij op het formulier voor de {zaak} kiezen wie 'de man' en wie 'de vrouw' was, dat is toch niet meer van deze tijd.", "caller", frozenset({1, 2})),
        ("Er is op het gemeentehuis nog steeds geen lift naar de eerste verdieping, hoe moet iemand in een rolstoel daar zijn {zaak} regelen?", "caller", frozenset({1, 2})),
        ("Ik voel me gediscrimineerd, mijn zoon wordt door jullie handhavers steeds gecontroleerd, alleen omdat hij zwart is.", "caller", frozenset({1, 2})),
        ("Omdat ik Vlaams praat, moet ik aan de balie alles drie keer herhalen over mijn {zaak}, da's toch niet normaal.", "caller", frozenset({1, 2})),
    ],
    "object_anger": [
        ("Die kutprinter van mij doet het weer niet, nu kan ik het formulier voor de {zaak} niet afdrukken.", "caller", frozenset({1})),
        ("Dat rotsysteem van jullie ligt er alweer uit, ik kan nergens inloggen voor mijn {zaak}.", "caller", frozenset({2})),
        ("Die klotelaptop van mijn zoon loopt steeds vast, ik word er helemaal gek van.", "caller", frozenset({1})),
        ("Die stomme oplader van mijn telefoon doet het weer niet, godsamme, zo valt ie straks midden in het gesprek uit.", "caller", frozenset({1})),
        ("Jullie website is echt een drama, elke keer als ik op verzenden klik voor de {zaak} krijg ik een foutmelding.", "caller", frozenset({2})),
        ("Die tyfusauto van me wilde vanochtend niet starten, daarom was ik te laat voor de afspraak over de {zaak}.", "caller", frozenset({1})),
        ("Dat vervloekte ding, die nieuwe telefoon van mij, ik druk op alle knoppen maar er gebeurt niks.", "caller", frozenset({1})),
        ("Die parkeerautomaat van jullie bij het stadhuis heeft alweer mijn pasje ingeslikt, wat een waardeloos apparaat.", "caller", frozenset({2})),
        ("Allez, mijn computer is weer kapot, godverdomme, en nu kan ik die {zaak} niet aanvragen.", "caller", frozenset({1})),
        ("Mijn printer is kapot, stom ding, ik kan papier voor {zaak} niet maken.", "caller", frozenset({1})),
    ],
    "threat_group": [
        ("Jullie ambtenaren krijgen er allemaal van langs als die {zaak} niet geregeld wordt.", "caller", frozenset({4})),
        ("Ik kom met een geweer naar het gemeentehuis en dan zijn jullie allemaal aan de beurt.", "caller", frozenset({4})),
        ("Jullie van de sociale dienst, ik wacht jullie een voor een op bij de uitgang.", "caller", frozenset({4})),
        ("Ik zweer het, als ik die {zaak} niet krijg, sla ik jullie hele afdeling in elkaar.", "caller", frozenset({4})),
        ("Ik deel u mede dat de medewerkers van deze gemeente hun leven niet meer zeker zijn als dit zo doorgaat.", "caller", frozenset({4})),
        ("Al die ambtenaren van het stadhuis mogen vanaf nu goed uitkijken als ze 's avonds alleen naar huis gaan.", "caller", frozenset({4})),
        ("Jullie allemaal ambtenaar, ik kom en ik maak jullie kapot, ik zweer.", "caller", frozenset({4})),
        ("Ge moogt tegen uw collega's zeggen dat ze er allemaal aan gaan als ik daar binnenkom.", "caller", frozenset({4})),
    ],
    "threat_third_party": [
        ("Als mijn buurman nog één keer over die schutting begint, steek ik hem neer.", "caller", frozenset({4})),
        ("Die maatschappelijk werker die mijn {zaak} heeft stopgezet, die ga ik opzoeken en dan zal hij wat beleven.", "caller", frozenset({4})),
        ("Zeg maar tegen die wethouder dat hij goed moet oppassen, want ik weet waar hij woont.", "caller", frozenset({4})),
        ("Die {scheld} van een handhaver die mij die bon gaf, die sla ik zijn tanden uit zijn bek.", "caller", frozenset({4})),
        ("Als die jongen van hiernaast nog één keer op mijn stoep staat, haal ik mijn jachtgeweer tevoorschijn.", "caller", frozenset({4})),
        ("De burgemeester kan maar beter een lijfwacht nemen, want ik ga hem te grazen nemen.", "caller", frozenset({4})),
        ("Die man van de woningcorporatie, ik ga hem slaan als ik hem zie, echt waar.", "caller", frozenset({4})),
        ("Die wethouder van jullie, als ik die tegenkom, krijgt hij een pak rammel da hij nooit meer vergeet.", "caller", frozenset({4})),
        ("Mijn ex krijgt de kinderen nooit meer te zien, al moet ik haar eigenhandig afmaken.", "caller", frozenset({4})),
    ],
    "threat_property": [
        ("Als die {zaak} er vrijdag niet is, steek ik de hele boel bij jullie op het gemeentehuis in de fik.", "caller", frozenset({4})),
        ("Ik kom met een honkbalknuppel langs en dan blijft er van die balie van jullie niks heel.", "caller", frozenset({4})),
        ("Die auto's van jullie handhavers op het parkeerterrein, daar prik ik vannacht alle banden van lek.", "caller", frozenset({4})),
        ("Dan rij ik met mijn busje zo door de glazen pui van het stadskantoor.", "caller", frozenset({4})),
        ("Let maar op, dan zet ik die hele milieustraat van jullie in brand.", "caller", frozenset({4})),
        ("Als u mij niet helpt met de {zaak}, dan gooi ik eigenhandig een baksteen door het raam van het wijkkantoor.", "caller", frozenset({4})),
        ("Ik maak alles kapot in jullie kantoor, computers, alles, ik zweer.", "caller", frozenset({4})),
        ("Straks ligt er een bom onder jullie gemeentehuis, dan is die {zaak} ook meteen geregeld.", "caller", frozenset({4})),
        ("Ik ga da stadhuis van jullie in brand steken, allez, ge gaat het zien.", "caller", frozenset({4})),
    ],
    "threat_wish_norm": [
        ("Iemand zou jou eens moeten opwachten na je werk.", "caller", frozenset({4})),
        ("Zulke ambtenaren als jullie moeten ze eens hardhandig een lesje leren.", "caller", frozenset({4})),
        ("Ik hoop dat je iets overkomt als je vanavond naar huis rijdt.", "caller", frozenset({4})),
        ("Mensen zoals jij zouden ze moeten ophangen.", "caller", frozenset({4})),
        ("Het zou me niks verbazen als jouw auto morgen ineens in brand staat.", "caller", frozenset({4})),
        ("Wat mij betreft verdient een ambtenaar die zo met mijn {zaak} omgaat een flink pak slaag.", "caller", frozenset({4})),
        ("Vroeger kreeg zo'n brutaal ventje als jij een flinke dreun, en eerlijk gezegd verdien je die nog steeds.", "caller", frozenset({4})),
        ("Eerlijk, iemand moet jou gewoon een keer goed in elkaar trappen, dan leer je het wel.", "caller", frozenset({4})),
        ("Kon er maar eens iemand een steen door jouw ruit gooien, dan wist je hoe het voelt.", "caller", frozenset({4})),
        ("Ik wens je van harte een ongeluk toe, jou en je hele gezin.", "caller", frozenset({4})),
    ],
    "threat_no_jij": [
        ("Dit gaat bloed kosten, dat zweer ik op mijn moeder.", "caller", frozenset({4})),
        ("Er vallen hier nog klappen als die {zaak} niet rondkomt.", "caller", frozenset({4})),
        ("Morgen sta ik met een paar vrienden bij de balie, en die komen niet voor een praatje.", "caller", frozenset({4})),
        ("Er gaan hier koppen rollen, en dan bedoel ik het letterlijk.", "caller", frozenset({4})),
        ("Ik heb niks meer te verliezen, dus wie morgen achter dat loket zit, heeft pech.", "caller", frozenset({4})),
        ("Houdt u er rekening mee dat er ongelukken gaan gebeuren als deze {zaak} niet vandaag geregeld wordt.", "caller", frozenset({4})),
        ("Als geen {zaak} komt, ik kom met mes. Echt.", "caller", frozenset({4})),
        ("Er gaan hier slagen vallen, allez, da beloof ik u.", "caller", frozenset({4})),
        ("Dat loket ziet er na vrijdag heel anders uit, en de mensen erachter ook.", "caller", frozenset({4})),
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


# The same caller words after two different agent turns: read with the turn before, one is a threat and the
# other is not (issue 15: "Dat ga je merken" after a refusal). Each pair is (caller text, [(turn before, levels)]).
CONTEXT_PAIRS: list[tuple[str, list[tuple[str, frozenset]]]] = [
    ("Ik weet wie jij bent, Sandra.", [
        ("U spreekt met Sandra. Ik kan de uitkering echt niet eerder overmaken.", frozenset({4})),
        ("U spreekt met Sandra, wij hebben elkaar vorige week ook al gesproken over uw paspoort.", frozenset({0, 1})),
    ]),
    ("Dan kom ik het zelf wel even halen.", [
        ("U krijgt dat geld niet, het besluit is definitief.", frozenset({4})),
        ("Uw nieuwe pas ligt klaar, u kunt hem ophalen bij de balie.", frozenset({0})),
    ]),
    ("Reken maar dat ik langskom.", [
        ("Nee, ik draai de beslissing niet terug, hoe vaak u ook belt.", frozenset({4})),
        ("U bent van harte welkom op het inloopspreekuur op dinsdagochtend.", frozenset({0, 1})),
    ]),
    ("Nou, dan weet ik waar ik moet zijn.", [
        ("Mijn collega woont ook in Zuidwijk, dus ik begrijp wat u bedoelt.", frozenset({4})),
        ("Het loket zit in het stadskantoor, op de tweede verdieping.", frozenset({0})),
    ]),
    ("Dan regel ik het wel op mijn eigen manier.", [
        ("Nee meneer, daar komt u niet voor in aanmerking, en daar blijft het bij.", frozenset({4})),
        ("U mag het ook zelf regelen, online of met het papieren formulier.", frozenset({0, 1})),
    ]),
    ("Dan weet ik genoeg.", [
        ("Mijn collega van de uitkeringen werkt tot vijf uur en fietst dan naar huis.", frozenset({4})),
        ("De behandeling van uw aanvraag duurt ongeveer acht weken.", frozenset({0, 1, 2})),
    ]),
]


def context_cases() -> list[tuple[str, str, frozenset]]:
    """(turn before, caller text, acceptable levels) for every pair's two readings."""
    return [(before, text, levels) for text, readings in CONTEXT_PAIRS for before, levels in readings]
