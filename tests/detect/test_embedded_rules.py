"""Rules added to the embedded detector for address edges, organisations, short dates and
names with strong cues. Every value below is fictional."""

from __future__ import annotations

import pytest

from phimask.detect.base import Detector
from phimask.detect.embedded import EmbeddedDetector
from phimask.detect.patterns import PHONE_LEAD, led
from phimask.entities import Entity, EntityType
from phimask.pipeline import find_phi

T = EntityType


@pytest.fixture(scope="session")
def detector() -> Detector:
    return EmbeddedDetector()


def covered(entities: list[Entity], text: str, sub: str) -> bool:
    begin = text.index(sub)
    end = begin + len(sub)
    return all(any(e.begin <= i < e.end for e in entities)
               for i in range(begin, end) if not text[i].isspace())


def touched(entities: list[Entity], text: str, sub: str) -> bool:
    begin = text.index(sub)
    end = begin + len(sub)
    return any(e.begin < end and begin < e.end for e in entities)


COVERED = [
    # addresses: the whole postal address, not only its middle
    pytest.param("Send it to 4410 Kestrelgatan 12 Apt. 7 today.",
                 "4410 Kestrelgatan 12", id="number-before-unit"),
    pytest.param("Meet at the corner of Larkin Str. 12 and Oakmere Coves",
                 "the corner of Larkin Str. 12 and Oakmere Coves",
                 id="corner"),
    pytest.param("Mail to 4410 Kestrelgatan 12, Villa de Ormo, Spain 28011.",
                 "4410 Kestrelgatan 12, Villa de Ormo, Spain 28011",
                 id="tail-particles-postcode"),
    pytest.param("Lives at 88 Brenner St\n Apt. 517\n Elmsby\n",
                 "88 Brenner St\n Apt. 517", id="street-abbrev-then-unit"),
    pytest.param("Ship to 71 Quarry Road Suite 4 ELMSBY VALE.", "Suite 4 ELMSBY VALE", id="town-after-unit"),
    pytest.param("Ship to 29 Rue de Tavel 5\nVarnholm\n, ZQ\n 40117\n",
                 "Varnholm\n, ZQ\n 40117", id="region-line"),
    pytest.param("My zip code is 880", "880", id="short-zip"),
    pytest.param("send it to 417 28 rue de la Varnotais Apt. 5 ELMSBY", "417 28 rue de la Varnotais",
                 id="two-numbers-and-two-particles-before-street"),
    pytest.param("ilse works at quenvaro data labs inc. now", "quenvaro data labs inc.",
                 id="lower-case-company"),
    pytest.param("Ilse Varnholt, the Quilt maker, said hello.", "Quilt maker",
                 id="occupation-slot-lower-head"),
    pytest.param("Come round to 12 Kestrel Road Suite 4\nELMSBY, nan 40512 on Friday evening.",
                 "ELMSBY, nan 40512", id="town-region-postcode-line-opening-prose"),
    pytest.param("Send it to 5120 Kestrelby gate 41 please", "5120 Kestrelby gate 41",
                 id="separate-street-word"),
    pytest.param("ilse varnholt lives at 12 kestrel road, elmsby", "ilse varnholt",
                 id="lower-case-name-pair-subject"),
    pytest.param('bram: "are you coming?"\nilse:"in a minute".', "bram", id="lower-case-speaker"),
    pytest.param("Ilse Varnholt from Rapid Data Works is giving the talk", "Rapid Data Works",
                 id="affiliation-common-words-in-prose"),
    pytest.param("The address of Quiet Harbour Ventures is 12 Kestrel Road.", "Quiet Harbour Ventures",
                 id="address-of-organisation"),
    pytest.param("Neuro: Alert, oriented. Plan: Continue to monitor.\nilsa varnholt rn", "ilsa varnholt",
                 id="lower-case-signature-in-mixed-note"),
    pytest.param("Neuro: Alert, oriented. Plan: Continue to monitor. Son \"bram\" at bedside.", "bram",
                 id="quoted-name-after-relative"),
    pytest.param("Hx: s/p wrist fx 6/94, hip fx3/98.", "6/94", id="month-year-after-word-ending-in-x"),
    pytest.param("Drip restarted approx 11/17 0845 per team.", "11/17", id="date-after-approx"),
    pytest.param("PT ADMITTED TO KQH 7/3 FOR CP.", "7/3", id="event-place-date"),
    pytest.param("Billing address: Ilse Varn\n    12 Kestrel Road Suite 4\n   Mill Haven\n    nan\n    4051",
                 "Mill Haven\n    nan\n    4051", id="town-line-placeholder-postcode"),
    pytest.param("The song is about Villaverde del Ocaso and its bars.", "Villaverde del Ocaso",
                 id="town-particle-tail"),
    pytest.param("Ship to 29 Rue de Tavel 5\nVarnholm\n, GU\n 40117. It is a bakery.",
                 "Varnholm\n, GU\n 40117", id="region-code-then-postcode-opening-prose"),
    pytest.param("Ilse lives at 58204 47 Rue de Tavel, Varnholm.", "58204 47 Rue de Tavel, Varnholm",
                 id="cued-number-first"),
    pytest.param("Please meet me at 518 Kestrel fejedelem útja 62. Bye.",
                 "518 Kestrel fejedelem útja 62", id="cued-foreign-street"),
    pytest.param("Ilse lives at 12 Kestrel Road, Port Varnholm.", "Port Varnholm", id="place-lead-word"),
    pytest.param("APO AA 61487\n518 72 046 office\n", "518 72 046", id="phone-not-joined-across-lines"),
    pytest.param("phone:\n0471 5528093\n", "0471 5528093", id="phone-long-subscriber-group"),
    pytest.param("My uncle, who grew up in SUNDVIK, called.", "SUNDVIK", id="strong-place-cue-caps"),
    pytest.param("Ilse, originally from ΑΝΩ ΒΑΡΝΟΣ, is 23.", "ΑΝΩ ΒΑΡΝΟΣ", id="strong-place-cue-greek"),
    pytest.param("Write to 31401 ul. Śliwowa 10 Apt. 214 soon.", "31401 ul. Śliwowa 10", id="polish-street"),
    pytest.param("looking to support Velmora in Bjertvik 6091 in its mission", "Bjertvik 6091",
                 id="postcode-after-unknown-town"),
    pytest.param("She was hired by Velmora as Fumigator, then left.", "Fumigator", id="occupation-as"),
    pytest.param("Ilse Halvorsen, the Cinematographer, said hello.", "Cinematographer",
                 id="occupation-apposition"),
    pytest.param("The title refers to 1668 Kestrel St street in Varnholm.", "1668 Kestrel St",
                 id="st-not-rhythm"),
    pytest.param("Ilse lives on Via dei Varnesi 17 street.", "Via dei Varnesi 17", id="via-dei"),
    pytest.param("It refers to C/ Alto Varnes 88 street.", "C/ Alto Varnes 88", id="calle-abbreviation"),
    pytest.param("their first gigs on Quorvel Fort Street drew crowds", "Quorvel Fort",
                 id="street-without-number"),
    pytest.param("The office is at Ilvana and Varnai u. 15.", "Ilvana and Varnai u. 15",
                 id="hungarian-street"),
    pytest.param("support Velmora in Tokvarn Ext 1426 in its mission", "Tokvarn Ext 1426",
                 id="place-tail-word"),
    pytest.param("Ship to:\nVarnecker Kestrelgatan 12\nElmsby\n", "Varnecker Kestrelgatan 12",
                 id="address-opens-line"),
    pytest.param("it is 12 Kestrel Road\nVarnholm, nan 78618", "Varnholm, nan 78618",
                 id="placeholder-in-address"),
    pytest.param("send it to 4410 Kestrel Road\nVarzea do Norte, RS 40117", "Varzea do Norte, RS 40117",
                 id="town-region-postcode-line"),
    pytest.param("son ilvo drove back to new haven tonight, calls daily", "new haven",
                 id="lower-town-after-cue"),
    pytest.param("She studied law at the University of VARNHOLM.", "VARNHOLM", id="university-town"),
    pytest.param("Ms. Halvorsen flew to New Varnholm on Saturday.", "New Varnholm", id="cued-place-new"),
    pytest.param("texts to my registered 555 0102 never arrive", "555 0102", id="registered-phone"),
    pytest.param("Our family came from Cyprus (Greek)", "Cyprus (Greek)", id="place-language-tag"),
    pytest.param("arrived at 12 Kestrel Road\n Apt. 4\n St Varnholm\n Elmsby 40117", "St Varnholm",
                 id="saint-town-line"),
    pytest.param("The ferry sails to Port Varnholm twice a week", "Port Varnholm", id="port-town"),
    pytest.param("Her daughter drove her in from Two Harbors. She was", "Two Harbors", id="drove-in-from"),
    pytest.param("REQUESTED A CONSULT FROM THE QVMC. FAMILY UPDATED", "QVMC", id="consult-from"),
    pytest.param("PT TX TO KQH OVERNIGHT FOR A BED.", "KQH", id="tx-to-initials"),
    # organisations without a legal suffix
    pytest.param("Astrid Halvorsen\nBrightwave\n66029 Consul Place\nApt. 4\n",
                 "Brightwave", id="contact-card"),
    pytest.param("Astrid Halvorsen\n>Brightwave Transit\n>Astrid Halvorsen\n>12 Kestrel Road\n>Apt. 4",
                 "Brightwave Transit", id="contact-card-repeated-name"),
    pytest.param("He is from Yorvane Incorporated.", "Yorvane Incorporated", id="legal-suffix"),
    pytest.param("Quenvaro\n9791 Kestrel Road Apt. 4\nElmsby 40117", "Quenvaro",
                 id="card-opens-with-organisation"),
    pytest.param("During 2008, Quenvaro Iq invested heavily.", "Quenvaro Iq", id="organisation-verb"),
    pytest.param("looking to support quenvaro in elmsby in its mission", "quenvaro", id="lower-employer"),
    pytest.param("The Velmora Transit Orchestra was founded in 1977.", "Velmora Transit", id="the-org-noun"),
    pytest.param("Ilse Halvorsen from Quenvaro is the keynote speaker.", "Quenvaro", id="affiliation"),
    pytest.param("Tomas spent a year at Velmora as an assistant.", "Velmora", id="year-at"),
    pytest.param("According to the Velmora Transit website, fares rose.", "Velmora Transit", id="website"),
    pytest.param("Quillbrook Labs is a small agency from Elmsby.", "Quillbrook Labs", id="described"),
    pytest.param("Partners: Quenta Group, Velmora and Tarsk Analytics.", "Velmora", id="coordinated-orgs"),
    # short dates after event cues
    pytest.param("Pt was extubated 5/2 without issue.", "5/2", id="cued-short-date"),
    pytest.param("Stable overnight. On 11/4 this eve rr rose.", "11/4", id="short-date-before-this"),
    pytest.param("also intubated 3/14-3/19 for CHF.", "3/14-3/19", id="short-date-range"),
    # hospitals: shared names, initials before a unit, the same initials again later
    pytest.param("PT WENT TO SACRED HEART WITH FEVER.", "SACRED HEART", id="shared-hospital-name"),
    pytest.param("Pt arrived by ambulance at Memorial Hospital.", "Memorial", id="memorial-hospital"),
    pytest.param("Transferred from Elmsby Hospital for cath.", "Elmsby", id="facility-name-before-head"),
    pytest.param("Zelmoria songwriter Ann Lee sang.", "Zelmoria", id="prose-sentence-start-unknown-word"),
    pytest.param("We met Pemberton at the market.", "Pemberton", id="prose-rare-capitalised-word"),
    pytest.param("Brenner and Ilse Halvorsen met at noon.", "Brenner", id="name-listed-before-a-name"),
    pytest.param("Seen at Quorvath Medical Center today.", "Quorvath Medical Center",
                 id="medical-center-kept"),
    pytest.param("Received from U of NV Med Center overnight.", "U of NV", id="university-of-state"),
    pytest.param("Family hopes KQH keeps him. Sent to KQH cath lab, 3VD.", "KQH",
                 id="facility-initials-propagated"),
    pytest.param("enroute to kqh er. intubated on arrival.", "kqh", id="facility-initials-lower"),
    # short dates pointed at by a clock or a procedure
    pytest.param("Hct on the am of 8/28 stable.", "8/28", id="am-of-date"),
    pytest.param("Came up to the unit at 12am 9/3.", "9/3", id="clock-then-date"),
    pytest.param("PMH: 3VD (7/2 cath: patent grafts).", "7/2", id="date-before-procedure"),
    pytest.param("History: remote CVA 2008, no deficits.", "2008", id="year-after-event"),
    pytest.param("PMH: CAD: NQWMI 13. HTN.", "13", id="two-digit-year-after-event"),
    pytest.param("PMH: NIDDM. 09 PTCA to LCX.", "09", id="two-digit-year-before-event"),
    pytest.param("PT SCREENED BY BALTIMORE REHAB TODAY.", "BALTIMORE", id="caps-town-facility"),
    pytest.param("17 Oct, 93 0700-1245 night shift", "17 Oct, 93", id="day-month-two-digit-year"),
    pytest.param("transferred to Varnholm.8/31. Readmitted", "8/31", id="short-date-after-word-dot"),
    # lower-case names after a title, role or relative
    pytest.param("Pt. weaned well. Some stridor noted, dr marsh aware. Cough strong.", "marsh",
                 id="lower-after-title"),
    pytest.param("Pt. quiet. Wife, rosalind, left a phone number.", "rosalind", id="lower-after-relative"),
    pytest.param("Pt. weaned per helga wolfe) tonight.", "helga wolfe", id="lower-first-last"),
    # names without a title: dialogue lines, person verbs, lists of names
    pytest.param("Ella: What a day.\nJohn: You saved my life!", "John", id="dialogue-speaker"),
    pytest.param("Quorvath began painting at nine.", "Quorvath", id="person-verb-unknown"),
    pytest.param("Walker began painting at nine.", "Walker", id="person-verb-surname"),
    pytest.param("Our founders: Quorvath, Bowers and Reed.", "Bowers", id="coordinated-names"),
    pytest.param("Our founders: Quorvath, Bowers and Reed.", "Reed", id="coordinated-names-last"),
    pytest.param("please follow up with hedda k quorvath in a month.", "hedda k quorvath",
                 id="middle-initial-lower"),
    pytest.param("her maiden name is quorvath", "quorvath", id="maiden-name-is"),
    pytest.param("Ilse Quorvath\n\nLocal ferry deckhand\n\nPersonal Info:\nPhone:\n555 0100\n",
                 "Local ferry deckhand", id="card-job-title"),
    pytest.param("ilse quorvath\n\nferry deckhand\n\npersonal info:\nphone:\n555 0100\n",
                 "ilse quorvath", id="card-name-lower"),
    pytest.param("PLAN REVIEWED WITH HO LINDQVIST TONIGHT.", "LINDQVIST", id="house-officer"),
    pytest.param("VISITORS: CHARLIE (SIGNIFICANT OTHER) AT BEDSIDE.", "CHARLIE", id="roled-first-name"),
    pytest.param("The lease is in the name of Kristin Quorvath", "Kristin Quorvath", id="name-grows-right"),
    pytest.param("Remember me, Kelly? It was years ago.", "Kelly", id="vocative"),
    pytest.param("bp 110 to 140 per d halvorsen.pacing wires attached", "d halvorsen",
                 id="per-initial-lower"),
    pytest.param("titrating drip per dr. okafor, map goal 65", "okafor", id="per-dr-lower"),
    pytest.param("retired teacher. dtr Frances Baker- 555- 010- 2222.", "Frances Baker",
                 id="capitalised-in-lower"),
    pytest.param("cap refill ok. grace lindqvist aware. will follow", "grace lindqvist",
                 id="first-name-informed"),
    pytest.param("CONTACT--CELLULAR-410 555-0169 & HOME-410 555-0172.", "410 555-0169",
                 id="phone-after-label-dash"),
    pytest.param("Seen by Dr Will Lindqvist (attending) and myself.", "Will Lindqvist",
                 id="title-common-first"),
    pytest.param("DOSE VERIFIED W/MD SPEARS BEFORE GIVING", "SPEARS", id="caps-surname-after-md"),
    pytest.param("Quorvir shouted at the driver.", "Quorvir", id="person-verb-drug-like-ending"),
    pytest.param("I'm so jealous! said Quorvath to Antonio", "Quorvath", id="said-name"),
    pytest.param("Ilse is from Brightwell Labs.", "Ilse", id="is-from"),
    pytest.param("Please add my kid Agneta to the policy.", "Agneta", id="kid"),
    pytest.param("don't forget me agneta, call when you land", "agneta",
                 id="lower-vocative"),
    pytest.param("halvorsen began painting at nine, she said", "halvorsen", id="lower-person-verb"),
    pytest.param("Ilvo: What a wife.\nLisa: indeed.", "Ilvo", id="short-unknown-speaker"),
    pytest.param("What's your name? Ilvana S Quorvath", "Ilvana S Quorvath", id="whats-your-name"),
    pytest.param("Quenvaro songwriter Ilse Young employs corporate lingo", "Ilse Young",
                 id="first-name-common-surname"),
    pytest.param("the old letters of bertram has been sold", "bertram",
                 id="lower-rare-first-name-subject"),
    # names with strong cues
    pytest.param("INR NOW 4.2. E. FARROW AWARE. WILL REPEAT.", "E. FARROW", id="caps-initial-aware"),
    pytest.param("PLAN INCLUDES TAP...TOBIAS VARNHOLT (RESIDENT) WORKING ON THIS.",
                 "TOBIAS VARNHOLT", id="role-after"),
    pytest.param("We read Ilvo Quarndt's Mournful Songs aloud.", "Ilvo Quarndt",
                 id="name-before-possessive"),
    pytest.param("Honours went to Quenvaro's Ilse Varnholt and others.", "Ilse Varnholt",
                 id="person-after-organisation-possessive"),
    pytest.param("Plan per Dr. Quorvath-thinking about a drain first.", "Quorvath",
                 id="name-before-hyphen-run-on-word"),
    pytest.param("Get off the tram at 6021 Kestrelgatan 7 St.", "6021 Kestrelgatan 7",
                 id="street-before-repeated-street-word"),
    pytest.param("email:\nilse@example.org\n\naddress:\n512 trg varnholma 17 apt. 8 elmsby na kestrelu.",
                 "512 trg varnholma 17 apt. 8 elmsby na kestrelu", id="labelled-address-lower-case"),
    pytest.param("Address: 77 KESTREL WAY, NE 40512\nPhone: 555 0100", "77 KESTREL WAY, NE 40512",
                 id="labelled-address-same-line"),
    pytest.param("She gave 60412 Kestrelweg Str. 18 Suite 9 Elmsby as her home.",
                 "60412 Kestrelweg Str. 18", id="postcode-street-number"),
    pytest.param("i moved to 4120 avenida varna 1 suite 4, elmsbyhaza, hungary 31208",
                 "4120 avenida varna 1 suite 4, elmsbyhaza, hungary 31208", id="lower-case-tail"),
    pytest.param("Ilse now stays at 3301 Μεγάλη Ελμσμπι 52, ΕΛΜΣΜΠΙ", "ΕΛΜΣΜΠΙ", id="greek-town-tail"),
    pytest.param("Our offices are at USNS Kjærvold\nFPO AA 34021", "USNS Kjærvold", id="ship-name-accents"),
    pytest.param("send it to uscgc varnholt\nfpo ae 09384", "uscgc varnholt", id="coast-guard-ship"),
    pytest.param("Quenvaro opened a shop in ELMSBYHAMN 452 31 last year.", "452 31", id="split-postcode"),
    pytest.param("Please send it to Rúa do Varnelo 46 today.", "Rúa do Varnelo 46", id="galician-street"),
    pytest.param("I'm moving from Florida next week.", "Florida", id="prose-state-after-from"),
    pytest.param("call me when you get a chance\nsophie: hi, are we still on?", "sophie", id="chat-line"),
    pytest.param("sats 98%. team aware, rt lindqvist to see pt", "lindqvist", id="respiratory-therapist"),
    pytest.param("PT LIVES WITH PARTNER (QUARNA) IN ELMSBY. LASIX GIVEN.", "QUARNA", id="name-in-brackets"),
    pytest.param("soc: common law wife (Ilse Varnholt, 555-0100) in to see pt", "Ilse Varnholt",
                 id="name-and-phone-in-brackets"),
    pytest.param("Pt screened for rehab at Quarnbrook Senior Living.", "Quarnbrook", id="senior-living"),
    pytest.param("Call placed to Elmsby Care Center re: records.", "Elmsby", id="care-center"),
    pytest.param("pulses palp bilat.\n- ILSE YU VARNHOLT,LICSW", "ILSE YU VARNHOLT", id="comma-licsw"),
    pytest.param("son drove in from Middle Quarnford, MD today", "Middle Quarnford, MD", id="town-state-md"),
    pytest.param("PCP IS SW LINDQVIST AT ELMSBY REHAB. LASIX GIVEN.", "LINDQVIST", id="social-worker-abbrev"),
    pytest.param("Plan discussed with team leader Ortega, lasix given.", "Ortega", id="team-leader"),
    pytest.param("We are open. Call 1-427-555-0106 for support.", "1-427-555-0106", id="nanp-leading-1"),
    pytest.param("Ilse Varnholt\n\nQUARNFORD\nUnited Kingdom", "QUARNFORD", id="town-above-country"),
    pytest.param("Our offices are at 06111 Kestrelgatan 198 Apt. 822 ELMSBY PA", "ELMSBY PA",
                 id="town-and-region-code-after-unit"),
    pytest.param(">Ilse Varn\n>770 26 rue des varnelles Quorvo\n>Apt. 7", "770 26 rue des varnelles Quorvo",
                 id="numbered-lower-case-rue"),
    pytest.param("the cafe is located at 512 208 king varnel\nelmsby vale\n, qz\n 40731. it has good food.",
                 "512 208 king varnel\nelmsby vale\n, qz\n 40731", id="lower-case-two-numbers-street"),
    pytest.param("here they are: 512 3301 Kestrel St\nVarnas do Elm, QZ 40731, and PSC 1021, Box 4410",
                 "Varnas do Elm, QZ 40731", id="town-region-postcode-then-prose"),
    pytest.param("UOP DOWN WITH HIGH PAPS, J QUARNEY ORDERED EPI DRIP.", "J QUARNEY", id="initial-ordered"),
    pytest.param("we all read olga varnikova's letters last winter", "olga varnikova",
                 id="lower-case-first-name-and-unknown-word"),
    pytest.param("have you heard nijaro quasano sing yet?", "nijaro quasano", id="two-unknown-words"),
    pytest.param("wants to go home, worried about his business Quenvatech", "Quenvatech", id="his-business"),
    pytest.param("pt on lasix. he works for varnista health.\na: stable", "varnista health",
                 id="lower-case-employer-with-a-common-word"),
    pytest.param("Who wrote it? Quarnovich and Wilson were the writers.", "Quarnovich", id="listed-before"),
    pytest.param(">Ilse Varn\n>40731 29 Rue de Varnel\n>Suite 3\n>Elmsby", "40731 29 Rue de Varnel",
                 id="numbers-before-prefixed-street"),
    pytest.param("The tram stop is on Varnel Quisthove 188", "Varnel Quisthove 188", id="street-on"),
    pytest.param("??? ilse varn\n??? 512 rue du varnel 40\n??? apt. 7\n??? elmsby\n??? belgium 40731",
                 "belgium 40731", id="quoted-lower-case-country-postcode-line"),
    pytest.param("Quenvaro was started by its founders: Varnholt, Graves and Hale.", "Graves",
                 id="people-list-after-cue"),
    pytest.param("u/o adequate. pt sent to 412 quarnholm tonight. lasix given.", "quarnholm",
                 id="building-after-room-number"),
    pytest.param("I met Ilse van de Quarn at the fair.", "Ilse van de Quarn", id="surname-particles"),
    pytest.param("No text reached my registered 0843-5550123. Please check.", "0843-5550123",
                 id="trunk-prefix-phone"),
    pytest.param("612.555.0143 fax\n+447700900123 mobile", "+447700900123", id="plain-international-phone"),
    pytest.param("She painted it when she was 64.", "64", id="age-when-he-was"),
    pytest.param("CP onset 4/2 ~ 2130, troponin sent, EKG unchanged.", "4/2", id="date-before-clock"),
    pytest.param("pt restless overnight until Ilona arrived, then calm. lasix given.",
                 "Ilona", id="capitalised-first-name-in-lower-case-note"),
    pytest.param("HR 110 AT NOON. DR QUARNELL NOTIFED, LOPRESSOR GIVEN.", "QUARNELL", id="name-before-typo"),
    pytest.param("Plan reviewed with Dr Lemonde today, lasix held.", "Lemonde",
                 id="titled-name-one-letter-from-a-word"),
    pytest.param("PT ON HEPARIN GTT. MAY NEED TO LEAVE KQH FOR SURGERY, THEN BACK.", "KQH",
                 id="hospital-initials-after-place-word"),
    pytest.param("ilse varn\nquarn, fox and elm\n2811 4020 fourth avenue suite 9 elmsby alberta",
                 "2811 4020 fourth avenue suite 9 elmsby alberta", id="lower-case-ordinal-street-and-town"),
    pytest.param("Ilse Varnholt\n\nRecovery room and canteen porter\n\nPersonal Info:\nPhone:\n555 0100",
                 "Recovery room and canteen porter", id="card-job-title-with-clinical-word"),
    pytest.param("The play was staged by Nora J Field last year.", "Nora J Field", id="initial-surname"),
    pytest.param("The lease names John A. Varnholt", "John A. Varnholt",
                 id="frequent-first-name-initial-surname"),
    pytest.param("we read eric g. quarnova's sad tales aloud", "eric g. quarnova",
                 id="lower-case-first-initial-unknown-surname"),
    pytest.param("Pt on heparin gtt. Transferred from Elmsby, Vermont 05401 for cath.", "Vermont 05401",
                 id="note-state-in-address"),
    pytest.param("Pt on heparin gtt. IV NURSE VIRGINIA QUARNO CALLED.", "VIRGINIA QUARNO",
                 id="note-state-first-name-with-surname"),
    pytest.param("PT IS A 92 YO MAN, LASIX GIVEN.", "92", id="age-with-yo-still-an-age"),
    pytest.param("Call Dr. Quarnell at the office, x 4471, about the lasix.", "4471",
                 id="extension-after-call"),
    pytest.param("Ms. Quarnell is a 40 yr old pt on lasix.", "40", id="years-old-still-an-age"),
    pytest.param("Best regards,\nIlse Quarnell\nx4471", "4471", id="extension-on-its-own-line"),
    pytest.param("Charlotte: hi, are we still on for lunch?\nTorvald: yes, see you at noon", "Charlotte",
                 id="chat-speaker-before-lower-case"),
    pytest.param("Pt on lasix. Discussed with dr. quarnby and Dr Elmsted, plan unchanged.", "quarnby",
                 id="lower-case-surname-after-dr"),
    pytest.param("PT ON LASIX GTT. PCP IS RN QUARNBY AT THE CLINIC.", "QUARNBY",
                 id="surname-after-care-role"),
    pytest.param("Pt on lasix. Plan per fellow quarnby, recheck lytes.", "quarnby",
                 id="lower-case-surname-after-care-role"),
    pytest.param("Pt on lasix.\nilvana from case management following.", "ilvana", id="name-from-a-service"),
    pytest.param("PT ON LASIX.\nTORVALD FROM SOCIAL WORK IN TO SEE PT.", "TORVALD",
                 id="caps-name-from-a-service"),
    pytest.param("Pt on lasix, stable.\n-- QUARNBY, ILVANA,BSN", "QUARNBY, ILVANA",
                 id="surname-first-signature"),
    pytest.param("Pt on lasix, stable.\n-- PJ OT", "PJ", id="initials-signature"),
    pytest.param("Pt on lasix, stable.\nkirvano r. quelstad,RN, BSN", "kirvano r. quelstad",
                 id="unknown-words-signature-two-credentials"),
    pytest.param("Pt on lasix, stable.\nMIRELA QUARNBY WALSH OT", "MIRELA QUARNBY WALSH",
                 id="three-word-signature"),
    pytest.param("Pt on lasix, stable.\nCQ PharmD", "CQ", id="initials-and-credential-line"),
    pytest.param("Hi Ilse,\n\nQuentin Q. Walsh is 82.\nThanks", "82", id="age-after-name-is"),
    pytest.param("I was born on 2001 in Elmsby.", "2001", id="year-after-born-on"),
    pytest.param("PT ADMITTED 2012 WITH CHF, LASIX GIVEN.", "2012", id="year-after-admitted"),
    pytest.param("Pt on lasix. Transferred from Elmsby 7-24 with ngt.", "7-24", id="dashed-date-after-place"),
    pytest.param("Pt on lasix. BC FROM 3-5 GREW STAPH.", "3-5", id="dashed-date-after-from"),
    pytest.param("pt on lasix.\ncxr 9-10: no infiltrate.", "9-10", id="dashed-date-after-study"),
    pytest.param("LASIX GIVEN. LAST BM 6/5. ATROVENT PRN.", "6/5", id="date-after-last-bm"),
    pytest.param("NURSING NOTE 11/4 STRAIGHT CATH, LASIX GIVEN.", "11/4", id="date-after-note"),
    pytest.param("Sincerely,\nQuarnby, Ilse\nilse@example.com", "Quarnby, Ilse",
                 id="surname-comma-first-name"),
    pytest.param("The Quarnby-Lewis website is www.example.com.", "Quarnby-Lewis", id="capital-the-website"),
    pytest.param("mcquarn insurance signed a contract with them on may 6.", "mcquarn insurance",
                 id="lower-case-insurance-firm"),
    pytest.param("Ilse Varn has been a surveyor with Quarnby Sp. z o.o. in Elmsby.", "Quarnby Sp. z o.o.",
                 id="polish-legal-form"),
    pytest.param("Mr. Quarnby flew to Elmsby on Friday morning.", "Friday", id="prose-weekday-stays"),
    pytest.param("Tel: +34 957326610", "+34 957326610", id="country-code-long-subscriber"),
    pytest.param("Please call (351) 930216810 today.", "(351) 930216810", id="area-code-long-subscriber"),
    pytest.param("Varn GmbH\nTel: 0316/11833910", "0316/11833910", id="slashed-area-code"),
    pytest.param("NIECE CALLED, PHONE 0986-948 10. LASIX GIVEN.", "0986-948 10",
                 id="mixed-separators-after-phone"),
    pytest.param("Best regards,\nIlse Varn\n382-0610\nvarn.example.org", "382-0610",
                 id="local-number-own-line"),
    pytest.param("CALL +47 21 83 74 10 FOR SUPPORT.", "+47 21 83 74 10", id="country-code-pairs"),
    pytest.param("HCP CAN BE REACHED AT CELL +358279779510.", "+358279779510",
                 id="plus-number-before-full-stop"),
    pytest.param("daughter called back at 1 (883) 941-7610, updated.", "1 (883) 941-7610",
                 id="trunk-one-before-area"),
    pytest.param("Best regards,\nIlse Varn\nx5910", "x5910", id="glued-extension-keeps-its-x"),
    pytest.param("Best regards,\nIlse Varn\nHelland-Quist AS\nilse@example.com", "Helland-Quist AS",
                 id="nordic-legal-form"),
    pytest.param("Invoice from Widhalm & Quist OG, paid.", "Widhalm & Quist OG", id="ampersand-firm"),
    pytest.param("The meeting with Taylor Studio is on Friday.", "Taylor Studio", id="studio-firm"),
    pytest.param("i used to work for quarnby before moving to peru.", "quarnby", id="lower-employer-before"),
    pytest.param("LOPEZ, MORENO AND WALSH\n12 ELM PINES", "LOPEZ, MORENO AND WALSH",
                 id="capitals-law-firm"),
    pytest.param("Please contact John Chadwick at the office.", "John Chadwick", id="common-first-name"),
    pytest.param("Ilse Varn is a retired ranger/warden from Elmsby.", "ranger/warden",
                 id="slashed-job-title"),
    pytest.param("Ilse Varn, research scientist (maths), joined.", "research scientist (maths)",
                 id="bracketed-job-title"),
    pytest.param("Kind regards,\nIlse Varn\npsychologist\nilse@example.com", "psychologist",
                 id="job-title-on-a-sign-off-line"),
    pytest.param("Ilse Varn works as a dibujante técnico at Quarnby.", "dibujante técnico",
                 id="job-title-in-another-language"),
    pytest.param("pt works as a kasiyer, lives alone.", "kasiyer", id="one-word-foreign-title-after-cue"),
    pytest.param("Ilse Varn has been a engineer with Quarnby Labs.", "engineer", id="been-a-job"),
    pytest.param("PCP is at Quarnby Nursing and Rehab, tel 555-0100.", "Quarnby Nursing",
                 id="nursing-and-rehab"),
    pytest.param("pt instructed to f/u w/ Quarnby River Heart Center, phone # given.", "Quarnby River",
                 id="specialty-center"),
    pytest.param("pt admitted to rehab from st. bernadette's via micu.", "st. bernadette's",
                 id="saint-hospital"),
    pytest.param("screened for rehab at quarnby regional medical center.", "quarnby regional medical center",
                 id="regional-medical-center"),
    pytest.param("Pt on lasix. veronica (sister-in-law) at bedside.", "veronica",
                 id="lower-case-before-in-law"),
    pytest.param("Pt on lasix. IACOVA (AUNT) IS HCP.", "IACOVA", id="name-before-aunt"),
    pytest.param("Pt on lasix. lives with brother (quarnovi) in town.", "quarnovi",
                 id="lower-case-unknown-word-in-brackets-after-relative"),
    pytest.param("Pt on lasix. Called home, spoke with maribel.", "maribel",
                 id="lower-case-after-spoke-with"),
    pytest.param("Pt on lasix. cousin maribel in to visit.", "maribel", id="lower-case-after-cousin"),
    pytest.param("Pt on lasix. Seen in clinic by dr. r. quarnby on 5/4.", "r. quarnby",
                 id="initial-and-lower-case-surname-after-dr"),
    pytest.param("Pt on lasix. Plan unchanged. - maribel r. walsh msw", "maribel r. walsh",
                 id="lower-case-signature-after-dash"),
    pytest.param("Pt on lasix. PT LIVES ALONE IN QUARNBY. PLAN: AM LABS.", "QUARNBY",
                 id="lives-alone-in-town"),
    pytest.param("pt on lasix. pt lives with son (ilse) in varnholm. retired.", "varnholm",
                 id="lives-with-relative-in-town"),
    pytest.param("ilse quarn: i moved to varnholm last month", "varnholm", id="moved-to-town"),
    pytest.param("social: married. pt from quarnby, hct stable.", "quarnby", id="patient-from-town"),
    pytest.param("Pt on lasix.\nSigned: ilse quarnby,NP", "ilse quarnby", id="signed-two-lower-words"),
    pytest.param("PT SCREENED BY BALTIMORE REHAB AND QUARNVIK. PT MAY BE TRANSFERRED.", "QUARNVIK",
                 id="facility-after-facility-and"),
    pytest.param("screened for rehab at quarnby hospital and kcnwmc.", "kcnwmc",
                 id="lower-acronym-after-hospital-and"),
    pytest.param("quarnby, susan\nkristen48@example.com\nchemical engineer", "quarnby, susan",
                 id="surname-comma-first-alone-on-card-line"),
    pytest.param("Card expires 12/7/2029. Is Graham coming to the party?", "Graham", id="is-name-coming"),
    pytest.param("Lasix given. CXR 4/3: IMPROVING INFILTRATES.", "4/3", id="study-short-date-colon"),
    pytest.param("Lasix given. echo 1944: EF 45%, a-line dampened.", "1944", id="study-year-colon"),
    pytest.param("Ilse Quarnby\nID: 248322309\nDOB: 2018\n", "2018", id="year-after-dob"),
    pytest.param("Ilse Quarnby joined Varnholm Labs as pilot in March 2018.", "pilot",
                 id="job-title-after-joined-as"),
    pytest.param("The package left Quarn Creek, NC on Jan 8.", "Quarn Creek, NC",
                 id="town-state-after-travel-word"),
    pytest.param("discussed with attending varn and fellow b. quarnby, lasix increased.", "b. quarnby",
                 id="lower-case-initial-and-surname-after-role"),
    pytest.param("code status confirmed with brother m. quarnby today.", "m. quarnby",
                 id="lower-case-initial-and-surname-after-relative"),
    pytest.param("LASIX GIVEN. CARDIOLOGY FELLOW QUARNBY, VALERI PAGED RE: U/O", "QUARNBY, VALERI",
                 id="caps-surname-comma-first-before-verb"),
    pytest.param("PT STABLE. FRIEND QUARNBY, MELISSA AND SON-IN-LAW AT BEDSIDE.", "QUARNBY, MELISSA",
                 id="caps-surname-comma-first-before-relative"),
    pytest.param("Pt stable. Signed by: Quarnby, Ilse, RN", "Quarnby, Ilse", id="signed-by-after-full-stop"),
    pytest.param("Ilse: I moved to Quarnvik, New York last month", "Quarnvik, New York",
                 id="state-after-town"),
    pytest.param("Tel: 594.310.9112\nVarnstigen 599\n14492 Ängelholm\n", "Varnstigen 599\n14492 Ängelholm",
                 id="postcode-town-line-after-street"),
    pytest.param("Our office: Quarnstrasse 78, 6835 Villars-sur-Glâne, Switzerland",
                 "Quarnstrasse 78, 6835 Villars-sur-Glâne", id="postcode-town-after-street-comma"),
    pytest.param("Thanks Joep, I will let Tony know. Please transfer it.", "Tony", id="let-name-know"),
    pytest.param("Visit us.\nKelly Brown joined Quarnvik Labs as runner in 2022.", "Kelly Brown",
                 id="common-first-and-surname-subject"),
    pytest.param("k. quarnby from denmark is a immunologist.", "k. quarnby",
                 id="initial-surname-from-place-is-a"),
    pytest.param("lewis varnholt has been a community worker since 2001.", "lewis varnholt",
                 id="lower-case-subject-has-been-a"),
    pytest.param("visit our site for more.\n\nkind regards,\nc. quarnby\nszombathelyi utca 167", "c. quarnby",
                 id="lower-case-letter-signature"),
    pytest.param("ILSE VARN HAS BEEN A PROOFREADER WITH QUARNVIK ANALYTICS IN OSLO.", "QUARNVIK ANALYTICS",
                 id="caps-employer-ends-before-in"),
    pytest.param("Pt on lasix. Family: nephew roman is HCP, can be reached at home.", "roman",
                 id="lower-case-relative-is-hcp"),
    pytest.param("Pt on lasix. partner hélène and son-in-law at bedside.", "hélène",
                 id="lower-case-accented-name-before-and-relative"),
    pytest.param("Pt on lasix. sister-in-law maribel following, aware.", "maribel",
                 id="lower-case-after-in-law"),
    pytest.param("pt on lasix. fellow quarnby, christopher in to see pt.", "quarnby, christopher",
                 id="surname-comma-unfound-first-name"),
    pytest.param("Ilse Quarnby\nDOB: 3/27\nQUARNBYVEST.COM/CONTACT\n", "QUARNBYVEST.COM/CONTACT",
                 id="domain-keeps-its-path"),
    pytest.param("The Quarnby and Sons website is quarnbyvest.nl.", "quarnbyvest.nl",
                 id="domain-two-letters-cue"),
    pytest.param("Kind regards,\nIlse Quarnby\nvarnholm.fr\n", "varnholm.fr", id="domain-alone-on-line"),
    pytest.param("Visit banks.co.uk for more information.", "banks.co.uk",
                 id="domain-common-word-after-visit"),
    pytest.param("PT ON LASIX. SON CALLED FOR UPDATE, PHONE +33 (0)1 46 88 28 54.", "+33 (0)1 46 88 28 54",
                 id="phone-french-trunk-in-brackets"),
    pytest.param("aunt called back at +90(559)2890104, lasix given.", "+90(559)2890104",
                 id="phone-country-and-area-in-brackets"),
    pytest.param("Ilse: my number changed, it is now (+358) 135922051", "(+358) 135922051",
                 id="phone-country-code-in-brackets"),
    pytest.param("Friend is HCP, can be reached at 001-241-291-3837x6583.", "001-241-291-3837x6583",
                 id="phone-international-prefix-00"),
    pytest.param("niece is hcp, can be reached at (02)/987-7353 today.", "(02)/987-7353",
                 id="phone-slash-after-area-after-reached-at"),
    pytest.param("Reach Ilse at ilse@quarnby.example or 0507-039 1833.", "0507-039 1833",
                 id="phone-after-email-or"),
    pytest.param("PT ON LASIX.\nBY: R. QUARNBY, OT", "R. QUARNBY", id="by-initial-and-surname"),
    pytest.param("Pt on lasix, wbc 12.8. By: Quarnby, Ilse, RRT", "Quarnby, Ilse", id="by-after-full-stop"),
    pytest.param("LASIX GIVEN. ILSE (MOTHER) FROM QUARNBYVIK ARRIVING TOMORROW.", "QUARNBYVIK",
                 id="caps-unknown-town-after-from"),
    pytest.param("lasix given. son (ole) from varnstrup, arriving monday.", "varnstrup",
                 id="lower-unknown-town-after-from"),
    pytest.param("LASIX GIVEN. PT LIVES ALONE IN EAST QUARNBY, IDAHO.", "EAST QUARNBY, IDAHO",
                 id="caps-state-after-cued-town"),
    pytest.param("lasix given. pt lives with ilse (wife) in varnstrup, maryland.", "varnstrup, maryland",
                 id="lower-state-after-cued-town"),
    pytest.param("LASIX GIVEN. PT LIVES ALONE IN BORING, OR.", "BORING, OR",
                 id="common-word-town-and-state-code"),
    pytest.param("lasix given. aunt ilse from quarn creek, tx arriving sunday.", "quarn creek, tx",
                 id="town-and-state-code-after-from"),
    pytest.param("lasix given. heparin gtt per protocol. quarnbyte, yan,rn", "quarnbyte, yan",
                 id="signed-surname-before-found-first-name"),
    pytest.param("LASIX GIVEN. SIGNED: ILSE VARN RN -- QUARNE, SCOTT RN", "QUARNE, SCOTT",
                 id="caps-signed-surname-comma-first"),
    pytest.param("Lungs clear.\n-- quarnbek, heino, MSW\nlabs: u/o 79", "quarnbek, heino",
                 id="lower-case-signed-surname-first-after-dash"),
    pytest.param("She works at Quarnby S/A in Recife.", "Quarnby S/A", id="brazilian-legal-form"),
    pytest.param("Send the invoice to Ilse Varn, Quarnby HB, 12 Elm Road.", "Quarnby HB",
                 id="swedish-legal-form-in-prose"),
    pytest.param("Best regards,\nIlse Varn\nQuarnby & Co.\n", "Quarnby & Co.", id="and-co-legal-form"),
    pytest.param("Lasix given. Seen by Dr. May Quarnby today.", "May Quarnby",
                 id="title-month-first-name-surname"),
    pytest.param("plan is for d/c to South Norman Nursing and Rehab when bed available.", "South Norman",
                 id="first-name-town-after-place-prefix"),
    pytest.param("Ilse Varn\nsurgeon\nQuarn Kensy Stiftung & Co. KG\n", "Quarn Kensy Stiftung & Co. KG",
                 id="co-kg-legal-form"),
    pytest.param("DR. MAY QUARNBY SAW PT. LASIX GIVEN.", "MAY QUARNBY", id="caps-title-month-first-name"),
    pytest.param("Lasix given. Will monitor.\n- AN RN, BSN", "AN", id="initials-a-word-after-a-dash"),
    pytest.param("LASIX GIVEN.\nSIGNED: MM, PA-C", "MM", id="initials-that-are-a-unit-after-signed"),
    pytest.param("Lasix given. Will monitor.\nCA RN, BSN", "CA", id="initials-before-two-credentials"),
    pytest.param("lasix given. oob to chair.\ntc np", "tc", id="lower-case-initials-in-a-lower-case-note"),
    pytest.param("Lasix given. Spoke with dtr (Bill) today.", "Bill", id="common-first-name-in-brackets"),
    pytest.param("Lasix given. brother (jakob) called.", "jakob", id="clinical-first-name-in-brackets"),
    pytest.param("Lasix given. cousin (ilse walker varnkillop) is hcp.", "ilse walker varnkillop",
                 id="long-lower-case-name-in-brackets"),
    pytest.param("SOCIAL: MARRIED, MARK (COUSIN) INVOLVED.", "MARK", id="common-name-before-a-relative"),
    pytest.param("Lungs clear.\nvarnholt, ilse (niece) in to visit.", "varnholt, ilse",
                 id="surname-comma-first-name-before-a-relative"),
    pytest.param("Pt lives with ilse q. varnholt (husband).", "ilse q. varnholt",
                 id="middle-initial-name-before-a-relative"),
    pytest.param("Lungs clear.\nmarie (dtr) in to visit.", "marie", id="first-name-before-dtr"),
    pytest.param("Lasix given. Will monitor. JQ RN", "JQ", id="initials-after-the-last-sentence"),
    pytest.param("Glucose 334; CVP 16. - tk, BSN", "tk", id="dashed-initials-after-the-last-sentence"),
    pytest.param("SON TO SPEAK WITH ILSE DE BEER IN AM.", "ILSE DE BEER", id="capital-particle-common-word"),
    pytest.param("Family updated by Dr. van de Varnbos at 1800.", "van de Varnbos",
                 id="particles-after-a-title"),
    pytest.param("SPOKE WITH ILSE VAN DAM TODAY.", "ILSE VAN DAM", id="capital-particles"),
    pytest.param("LUNGS CLEAR. PT INTUBATED ON AUERBACH 2 FOR ACUTE FAILURE.", "AUERBACH", id="surname-ward"),
    pytest.param("Lungs clear. Cardiac arrest called to west varnholm 6 at 0455.", "west varnholm",
                 id="ward-with-a-place-prefix"),
    pytest.param("LUNGS CLEAR. TALKED WITH PT'S SON IN QUARNSTADT, WILL CALL.", "QUARNSTADT",
                 id="unknown-town-after-a-relative-in"),
    pytest.param('LUNGS CLEAR. DAUGHTER ("FROM QUARNSTADT") IN TO VISIT.', "QUARNSTADT",
                 id="unknown-town-before-a-quote-mark"),
    pytest.param("ilvo quarnby is an 82 y/o male with chf. pt req intubation.", "ilvo quarnby",
                 id="unknown-first-name-before-an-age-introduction"),
    pytest.param("SW FOLLOWING. CONTACT PERSON KRZYSKO SGALAMBRO (135-442-9738).", "KRZYSKO SGALAMBRO",
                 id="contact-person"),
    pytest.param("Please block my card ASAP? My name is Mark.", "Mark", id="common-first-name-after-name-is"),
    pytest.param("DAUGHTER RETURNED TO NEW HAVEN TODAY.", "NEW HAVEN", id="two-word-town-after-a-move"),
    pytest.param("resp: ls clear. pt transferred to 209 south varnholm.", "south varnholm",
                 id="place-prefix-and-unknown-word-after-a-move"),
    pytest.param("EKG from 2/2019 unchanged.", "2/2019", id="month-and-four-digit-year"),
    pytest.param("Seen Wed 3/4 and Thu 3/5.", "3/4", id="fraction-like-date-after-a-weekday"),
    pytest.param("Seen 3/4 - 3/6, better.", "3/4 - 3/6", id="spaced-date-range"),
    pytest.param("Pager 4-1234 for questions.", "4-1234", id="dashed-pager"),
    pytest.param("54 y/o female s/p fall at home 3/2. meds given.", "3/2", id="date-after-s/p-event"),
    pytest.param("ADDENDUM- SON FROM WEST ALANBY JUST CALLED.", "WEST ALANBY", id="one-case-prefixed-town"),
    pytest.param("CALL PLACED TO VARNHOLT MANOR RE: RECORDS. SPOKE WITH HUSBAND.", "VARNHOLT",
                 id="caps-facility-after-to"),
    pytest.param("hx of Miami J collar dx 7/5, Ngt to lcws.", "7/5", id="date-after-dx"),
    pytest.param("TRANSFERRED FROM ST. VARNA 10/3 WITH C/S.", "10/3", id="date-after-a-two-word-place"),
    pytest.param("lab: inr this am 6.0. e. varnwelsh aware. pt received 2 ffp.", "e. varnwelsh",
                 id="lower-case-initial-and-surname-aware"),
    pytest.param("uop dropped with elevated paps, j quarnsmith ordered epi drip.", "j quarnsmith",
                 id="lower-case-initial-and-surname-ordered"),
    pytest.param("bp stable. pt transferred to kqh for cath.", "kqh", id="lower-case-hospital-initials"),
    pytest.param("SOCIAL - NO CALLS. WIFE, ROSE, LEFT PHONE NUMBER.", "ROSE", id="first-name-in-apposition"),
    pytest.param("THIS WOMAN WENT TO HARBOR HOSP WITH ABD PAIN.", "HARBOR", id="common-word-hospital"),
    pytest.param("Lungs clear. Will monitor.\nilse baker, rn", "ilse baker", id="eponym-surname-signature"),
    pytest.param("Lungs clear. discussed with CRNA angus varndoolan, lasix given.", "angus varndoolan",
                 id="lower-case-surname-after-role-and-first-name"),
    pytest.param("PLAN IS FOR D/C TO VARNBROOK REHAB WHEN BED OPEN.", "VARNBROOK", id="rehab-after-d/c-to"),
    pytest.param("74 YO WOMAN TRANSFERRED FROM WEST TIMOTHY HOSPITAL FOR CATH.", "WEST TIMOTHY",
                 id="caps-hospital-named-after-a-person"),
    pytest.param("WHEN PRESENTED AT ROSE HOSPITAL WITH CP.", "ROSE", id="caps-hospital-first-name-at"),
    pytest.param("PT IS AN 82 YO MAN FOUND IN HIS HOME IN QUARNSBERG BY EMS.", "QUARNSBERG",
                 id="one-case-home-in-town"),
    pytest.param("he works in varnholtby, with his son.", "varnholtby", id="one-case-works-in-town"),
    pytest.param("74 yr old transfered from west kelly 2 this evening.", "west kelly",
                 id="ward-prefix-and-a-name-that-is-a-word"),
    # streets as address generators write them in other languages
    pytest.param("I live at Rico-Varnsiering-Gasse 28, Elmsby.", "Rico-Varnsiering-Gasse 28",
                 id="hyphenated-street-name"),
    pytest.param("Send it to Vicolo Quarnetti, 5 please.", "Vicolo Quarnetti, 5", id="italian-street-opener"),
    pytest.param("I live at Travessa de Varnelo, 19.", "Travessa de Varnelo, 19",
                 id="portuguese-street-opener"),
    pytest.param("I live at 408, rue Gay.", "408, rue Gay", id="number-comma-before-rue"),
    pytest.param("Send it to Strandgränd 181.", "Strandgränd 181", id="swedish-street-suffix"),
    pytest.param("I live at al. Wybickiego 21/99.", "al. Wybickiego 21/99", id="house-number-and-flat"),
    pytest.param("Send it to 12 Ward Street today.", "12 Ward Street",
                 id="street-named-like-a-clinical-word"),
    pytest.param("Send it to Flat 60\nPaula Court", "Flat 60", id="flat-number"),
    pytest.param("Call me at (07114) 710497 today.", "(07114) 710497", id="phone-five-digit-area-code"),
    pytest.param("my phone: (03).6018.1590", "(03).6018.1590", id="phone-area-code-then-dot"),
    pytest.param("I live in East Juan, near the lake.", "East Juan", id="place-prefix-and-a-name"),
    pytest.param("She moved to St. Kelly last year.", "St. Kelly", id="saint-and-a-name"),
    pytest.param("SON FROM WEST ALANBY. PT ASLEEP.", "WEST ALANBY",
                 id="one-case-prefixed-town-before-a-full-stop"),
    pytest.param("I live in Aix-en-Provence.", "Aix-en-Provence", id="hyphenated-gazetteer-town"),
    pytest.param("She joined Varnetti s.r.l. in May.", "Varnetti s.r.l.", id="legal-form-srl"),
    pytest.param("He left Quarnaro SPA last year.", "Quarnaro SPA", id="legal-form-spa"),
    pytest.param("I work for Varnak i syn s.c. now.", "Varnak i syn s.c.", id="legal-form-polish"),
    pytest.param("I work for Quarnez y asociados S.L. now.", "Quarnez y asociados S.L.",
                 id="legal-form-spanish-partners"),
    pytest.param("Moensvarn & Quarsman hired her.", "Moensvarn & Quarsman",
                 id="surnames-joined-by-ampersand"),
]


@pytest.mark.parametrize(("text", "sub"), COVERED)
def test_new_rules_cover(detector: Detector, text: str, sub: str) -> None:
    entities = find_phi(text, detector=detector)
    assert covered(entities, text, sub), f"{sub!r} not covered: {entities}"


NOT_TOUCHED = [
    pytest.param("The bakery is on Hoptrup Vej 89", "is on", id="verb-before-street"),
    pytest.param("My zip code is 880", "is", id="zip-label-verb"),
    pytest.param("Take 1/2 tab on 4/4 schedule.", "4/4", id="equal-fraction"),
    pytest.param("Plan discussed on rounds, stable this am.", "this", id="no-date"),
    pytest.param("BP 120/80-130/85 overnight.", "120/80-130/85", id="bp-range"),
    pytest.param("in general he is comfortable", "general", id="in-general-lower"),
    pytest.param("Pt may take 1.5/2 tabs; gave 5 may repeat", "5 may", id="lower-may-not-month"),
    pytest.param("I'm Ilvana Quorvath, originally from Elmsby.", "I'm", id="contraction-before-name"),
    pytest.param("the card should read Mrs. Ilse Halvorsen?", "Mrs", id="title-not-in-name"),
    pytest.param("Where: Varnhem Country Club.", "Country", id="cued-place-stops-at-common-words"),
    pytest.param("Seen by Dr. Okafor. Ann Will call later.", "Will", id="verb-not-surname"),
    pytest.param("Pt ok. Could not wedge the left pa line. Repeat sat.", "line", id="pa-line"),
    pytest.param("Radiology reported a new effusion. Family reported a fall.", "Radiology",
                 id="department-not-organisation"),
    pytest.param("pt wants to go home to rest tonight", "home", id="lower-single-word-not-town"),
    pytest.param("PT IN NSR, ST 110 AT 10 AM", "ST 110", id="sinus-tachycardia"),
    pytest.param("Lasix was started. Acyclovir began yesterday.", "Acyclovir", id="drug-subject"),
    pytest.param("Pt grew up in the city and lives alone.", "the city", id="strong-place-cue-common-words"),
    pytest.param("PLAN: DISCHARGE TO REHAB IN AM.", "TO", id="caps-to-rehab"),
    pytest.param("s/p MI, stent 10 mm placed", "10", id="stent-size-not-year"),
    pytest.param("BP soft overnight, Lasix? Ask team.", "Lasix", id="drug-not-vocative"),
    pytest.param("Seen by Dr. Okafor Tuesday; spoke with Ilse Halvorsen Regarding plan.", "Regarding",
                 id="name-does-not-grow-over-words"),
    pytest.param("Dr. Lindqvist from Cardiology is aware.", "Cardiology", id="affiliation-clinical"),
    pytest.param("The Renal team is aware.", "Renal", id="clinical-team"),
    pytest.param("Repeat lytes at 2000 tonight.", "2000", id="clock-not-year"),
    pytest.param("Call 31 614 227 5093-Office today", "-Office", id="phone-label-not-id"),
    pytest.param("Heparin gtt, afebrile. Dsg D and I. Xanthor confirmed placement.", "I. Xanthor",
                 id="dry-and-intact-initial"),
    pytest.param("NEURO: A&O. PLEASANT & COOPERATIVE.", "O. PLEASANT", id="alert-oriented-initial"),
    pytest.param("Plan: move to step-down unit later.", "step-down", id="hyphenated-destination"),
    pytest.param("Pt stable. Blood bank aware, plan to transfuse 1 unit.", "transfuse",
                 id="verb-after-to"),
    pytest.param("Hi Elmo, I'm writing about a problem.", "I'm", id="contraction-not-name"),
    pytest.param("we came home late, and the next Sunday we rested", "Sunday", id="weekday-not-name"),
    pytest.param("DOPA WEANED OFF AT 0830 AFTER PROPOFOL DECREASED.", "0830 AFTER",
                 id="cued-time-not-address"),
    pytest.param("Lasix given at 20 mg iv.", "20 mg", id="cued-dose-not-address"),
    pytest.param("check vitamin d level and hepatitis b titer", "vitamin d level", id="letter-after-word"),
    pytest.param("Plan\n\nContinue heparin\n\nPhone:\nnone", "Continue heparin", id="card-needs-a-name"),
    pytest.param("Neuro: Alert.\nComfort: MSO4 x 2 given.", "Comfort", id="section-header-not-speaker"),
    pytest.param("Bot: Which order number is it?", "Bot", id="bot-speaker"),
    pytest.param("Lasix and Coumadin held.", "Lasix and Coumadin", id="drugs-listed"),
    pytest.param("Pt. fine. Dr will see pt later; wife will call.", "will", id="lower-cue-not-a-name"),
    pytest.param("PEEP 5, PS 10/4 overnight.", "10/4", id="pressure-support-setting"),
    pytest.param("IN GENERAL, PT IS COMFORTABLE.", "GENERAL", id="in-general-caps"),
    pytest.param("Brought to the ER by wife.", "ER", id="the-er"),
    pytest.param("pt on lasix gtt, uop inc overnight, k repleted, bp stable.", "uop inc",
                 id="inc-is-increase"),
    pytest.param("He walked through the gate 12 times.", "gate 12", id="common-word-before-gate"),
    pytest.param('plan: "wean as tolerated"\nneuro: "alert"', "plan", id="lower-case-section-not-speaker"),
    pytest.param("Plan: Continue to monitor.\nstoma pink rn", "stoma", id="signature-needs-a-name"),
    pytest.param("Wife \"very anxious\" at bedside.", "very", id="quoted-words-after-relative"),
    pytest.param("Tube feeds x 2/3 strength, advance slowly.", "2/3", id="times-fraction"),
    pytest.param("Admitted to the floor, 2/3 strength feeds.", "2/3", id="event-place-fraction"),
    pytest.param("Lives at 12 Kestrel Road\nPlan: Continue Lasix", "Continue", id="town-line-not-a-plan"),
    pytest.param("Sent to OR at noon.", "OR", id="operating-room"),
    pytest.param("Transferred from Elmsby Hospital for cath.", "Hospital", id="kind-head-left-out"),
    pytest.param("Pt on heparin gtt, afebrile. Lisinoprl held for low BP, lasix given.", "Lisinoprl",
                 id="note-sentence-start-unknown-word"),
    pytest.param("Pt with Graves disease, TSH low; Wilson workup neg, on methimazole.", "Wilson",
                 id="note-eponym-not-a-name"),
    pytest.param('Ask them. "Don\'t feed the birds," she said.', "Don't", id="prose-contraction-not-a-name"),
    pytest.param("They run a lovely Icelandic bakery.", "Icelandic", id="prose-demonym-not-a-name"),
    pytest.param("TAKEN TO GOOD SAMARITAN HOSP TODAY", "HOSP", id="shared-name-kind-head-left-out"),
    pytest.param("Wants to go to Varnholm rehab (lives alone).", "rehab", id="rehab-head-left-out"),
    pytest.param("We read Ilvo Quarndt's Mournful Songs aloud.", "'s Mournful",
                 id="possessive-ends-a-name"),
    pytest.param("Plan per Dr. Quorvath-thinking about a drain first.", "-thinking",
                 id="hyphen-run-on-word"),
    pytest.param("The song is about 2204 Kestrel St street in Elmsby.", "street",
                 id="street-word-after-a-street"),
    pytest.param("Get off the tram at 6021 Kestrelgatan 7 St.", "St.", id="street-word-after-a-number"),
    pytest.param("I met Mrs. Denton at the shop.", "Mrs.", id="title-not-grown-into-a-place"),
    pytest.param("The Princess Royal opened the new ward.", "Princess Royal", id="royal-title"),
    pytest.param("Pt on heparin, lasix held. K 152 sodium chloride 4 today.", "152 sodium",
                 id="lab-line-not-postcode-street"),
    pytest.param("NGT in place; gave 10 via peg 2 times.", "via peg", id="via-tube-not-street"),
    pytest.param("My address: none on file yet.", "none", id="address-label-without-number"),
    pytest.param("resp: weaned to ps 5\nplan: wean as tolerated", "plan", id="lower-case-section-header"),
    pytest.param("daughter (HCP) in to visit, lasix given", "HCP", id="role-in-brackets"),
    pytest.param("PA LINE PULLED BACK, PA PRESSURES 40/20. SW TO FOLLOW.", "LINE", id="pa-line-not-a-name"),
    pytest.param("Plan\nContinue lasix\nUnited States", "Continue lasix", id="plan-above-country"),
    pytest.param("Transferred to unit 5 CCU today, lasix given.", "CCU", id="unit-then-ward"),
    pytest.param("the cafe is located at 512 208 king varnel\nelmsby vale\n, qz\n 40731. it has good food.",
                 "good food", id="prose-after-lower-case-address"),
    pytest.param("CXR DONE. K PHOS ORDERED. X RAY ORDERED. C DIFF ORDERED.", "PHOS", id="lab-orders"),
    pytest.param("Adendum: Pt remains febrile, lasix and heparin held.", "Adendum", id="typo-section-header"),
    pytest.param("plan to give motrin now. friend phoned and was updated.", "phoned", id="verb-after-kin"),
    pytest.param("Pt on heparin. Family wants to make him CMO, Dr. Quarn aware.", "CMO", id="cmo"),
    pytest.param("Incisions clean with Steristrips, lasix given.", "Steristrips", id="steri-strips"),
    pytest.param("pt calm. support given to family. monitor closely.", "family", id="support-family"),
    pytest.param("We met at Room 12 and again on Monday 14.", "Room 12", id="room-not-street"),
    pytest.param("pt on lasix. sent to 2 units of prbc, transferred to 4 floor.", "floor",
                 id="room-then-common-word"),
    pytest.param("Neuro: monitor MS. Restart heparin at noon.", "Restart",
                 id="mental-status-not-title"),
    pytest.param("Since he was 5 mg short, dose repeated.", "5", id="when-he-was-dose"),
    pytest.param("If ABG ok, wean to 5/5 at 0600 then extubate.", "5/5", id="setting-then-clock"),
    pytest.param("pt dyspneic on exertion, sats stable. lasix given. Amber urine.", "Amber",
                 id="sentence-start-in-lower-case-note"),
    pytest.param("Last summer we heard Metallica songs all night at the fair.", "Metallica",
                 id="band-not-a-name"),
    pytest.param("Ilse lives on 31 Av Varnel Quorvi street.", "street", id="street-word-twice"),
    pytest.param("mrs. Quarnell con't to call daily.", "con't", id="contraction-not-in-name"),
    pytest.param("K REPLETED. DAUGHTER VISITNG TODAY. LASIX GIVEN.", "VISITNG", id="typo-after-relative"),
    pytest.param("HR 110 AT NOON. DR QUARNELL NOTIFED, LOPRESSOR GIVEN.", "NOTIFED", id="typo-after-name"),
    pytest.param("UP TO CH FOR LUNCH, LASIX GIVEN.", "CH", id="chair-not-hospital"),
    pytest.param("WAS IN USOH PRIOR TO FALL, LASIX GIVEN.", "USOH", id="usual-health-not-hospital"),
    pytest.param("Pt on heparin gtt. Enrolled in GH deficiency study.", "GH", id="growth-hormone"),
    pytest.param("PS DOWN TO 12 AND TOLERATING WELL, LASIX GIVEN.", "TOLERATING", id="caps-no-street"),
    pytest.param("sbp goal 110-140 per d quarn. pacing wires secured, lasix given.", "per",
                 id="per-is-no-first-name"),
    pytest.param("Pt on heparin gtt, lasix held. Husband phoned from Bermuda tonight.", "Bermuda",
                 id="note-country-alone"),
    pytest.param("PT ON HEPARIN GTT. DAUGHTER VISITING FROM TEXAS.", "TEXAS", id="note-state-after-from"),
    pytest.param("pt on lasix gtt. they plan to move to georgia next spring.", "georgia",
                 id="note-state-first-name-after-to"),
    pytest.param("Lasix given. Knee surgery 30 yrs ago, smoker x 15 yrs.", "30", id="years-ago-is-no-age"),
    pytest.param("Lasix given. Knee surgery 30 yrs ago, smoker x 15 yrs.", "15", id="times-years-is-no-age"),
    pytest.param("social: lives with wife, three children, age 8 and 11. lasix given.", "age",
                 id="age-after-children-is-no-name"),
    pytest.param("SOCIAL: FULL CODE. HUSBAND NAD AND CALM, LASIX GIVEN.", "NAD", id="nursing-shorthand"),
    pytest.param("Lungs clear. S1S2. PPx3. Labs pending, lasix given.", "S1S2. PPx3. Labs",
                 id="sentences-before-labs-are-no-firm"),
    pytest.param("HEPARIN AT .9 X 1500 UNITS, LASIX GIVEN.", "1500", id="times-is-no-extension"),
    pytest.param("LASIX GIVEN. THIS IS PT'S SECOND ADMISSION THIS YEAR.", "PT'S", id="patient-possessive"),
    pytest.param("lasix given. assess ms. hourly, reorient prn.", "hourly", id="lower-case-mental-status"),
    pytest.param("lasix given. c/o 2-3/10 cpain overnight.", "3/10", id="pain-score-before-pain"),
    pytest.param("CPAP 5/.4/6PEEP, LASIX GIVEN.", "4/6", id="vent-settings-glued"),
    pytest.param("Nurs:stable day, lasix given. Dressings intact.", "Nurs", id="section-is-no-speaker"),
    pytest.param("PMH:\n HTN\n GERD\n IDDM", "GERD", id="diagnosis-line-is-no-signature"),
    pytest.param("Pt on lasix. Readmitted to unit 9/3 w/ edema.", "unit", id="unit-before-a-date"),
    pytest.param("SBP in 150's per a line, lasix given.", "a line", id="article-is-no-initial"),
    pytest.param("LASIX GIVEN. STATES PAIN STILL 4-6 ON PAIN SCALE.", "4-6", id="still-is-no-until"),
    pytest.param("Lasix given. Pain is 8. Temp is 99.", "8", id="pain-is-no-age"),
    pytest.param("Lasix given, weaned from 5-10 of PEEP.", "5-10", id="range-after-from"),
    pytest.param("OLD BLOOD CLEANSED FROM ORAL CAVITY, LASIX GIVEN.", "ORAL", id="oral-is-no-town"),
    pytest.param("Abd obese, hypoactive BS x4. LBM on Sunday PTA, lasix given.", "Sunday",
                 id="note-weekday-alone"),
    pytest.param("lasix given. social=son present-cont to visit.", "present-cont",
                 id="run-on-word-is-no-name"),
    pytest.param("pt on lasix, admitted to micua tonight.", "micua", id="unit-typo-is-no-place"),
    pytest.param("CONT CARDIAC REHAB WITH PT- REHAB SCREEN.", "PT-", id="abbreviation-dash-no-facility"),
    pytest.param("IS WITH VOLUMES TO 750 TOL WELL, LASIX GIVEN.", "750 TOL WELL",
                 id="tolerated-is-no-street"),
    pytest.param("Sex: Female\nDOB: 3/14/1958\nAge: 66 Years\nVisit Reason: cough", "Age",
                 id="form-field-is-no-speaker"),
    pytest.param("LASIX GIVEN. NEW S.L. STARTED, TRAUMA LINE D/C'D.", "S.L.", id="saline-lock-no-firm"),
    pytest.param("Workout: lactate 2.3; I/O 1216/2947; MAP 78.", "1216/2947", id="intake-output-no-phone"),
    pytest.param("IV access: rt antecub 18 gauge, lasix given.", "antecub", id="right-is-no-care-role"),
    pytest.param("VENT SETTINGS A/C 500X12, 50%, & 5/9. LASIX GIVEN.", "5/9",
                 id="vent-settings-after-percent"),
    pytest.param("Pt turned at 0015 0200 0400 overnight. Cont IVAB.", "0015 0200", id="clock-times-no-phone"),
    pytest.param("Hx sickle cell 2012-2014, lasix given.", "2012-2014", id="year-range-after-cell"),
    pytest.param("Pt edema +2 20 30 in legs, lasix given.", "+2 20 30", id="edema-grade-no-phone"),
    pytest.param("Pt went to Elmsby Hospital and Lasix was given.", "Lasix", id="drug-after-hospital-and"),
    pytest.param("pt stable. updated on plan of care by intern o. quarnby. c/o pain", "intern",
                 id="role-before-initial-is-no-first-name"),
    pytest.param("lasix given. addendum: C. Ibarra (sister) called back.", "(sister)",
                 id="relative-in-brackets-is-no-place-tag"),
    pytest.param("Lasix given at 1944. Echo pending.", "1944", id="clock-time-before-full-stop"),
    pytest.param("Patient Rest, MD plan reviewed. lasix given.", "Rest, MD",
                 id="common-word-credential-no-town"),
    pytest.param("pt on lasix. son a. nurse visited today.", "a. nurse", id="lower-case-article-no-initial"),
    pytest.param("Pt in bed 12\n1000 mg tylenol given", "1000 mg", id="dose-line-after-bed-number"),
    pytest.param("Will ask Family to bring meds; let Nursing know of changes.", "Nursing",
                 id="let-team-know"),
    pytest.param("It was fine. Grace period has been a problem for us.", "Grace period",
                 id="first-name-common-noun"),
    pytest.param("We will ship on Monday.\n\nBest regards,\nCustomer Service\n", "Customer Service",
                 id="letter-closing-team-no-name"),
    pytest.param("TF held.\nFEN: K+ repleted. Lasix given.\nDwayne: wife updated by phone", "FEN",
                 id="note-section-no-speaker"),
    pytest.param("lasix given. sxn q4h rhonchi. ilse quarnby rn", "rhonchi",
                 id="sentence-end-before-signature"),
    pytest.param("pt on lasix.\ncardiology fellow ilse quarnby paged re: k 3.6", "paged",
                 id="paged-closes-a-name"),
    pytest.param("NUTRITION: HOB PRBC UO CDIFF MS. LOVENOX. PT OOB.", "LOVENOX", id="drug-after-title"),
    pytest.param("LASIX GIVEN SUNDAY. MISS ATTRACTION SECONDARY.", "ATTRACTION", id="caps-miss-is-a-verb"),
    pytest.param("pt on lasix. ssi pulses qhs. case mgt aware.", "case mgt", id="case-management"),
    pytest.param("Plan: bed available.\n- Ilse Glavan-Quarnby, PharmD", "PharmD",
                 id="credential-after-comma"),
    pytest.param("Lasix given. I. Quarnby,MD", ",MD", id="initial-surname-credential-no-state"),
    pytest.param("LASIX GIVEN. BROTHER IN TO VISIT MON, UPDATED.", "MON", id="weekday-abbreviation-no-town"),
    pytest.param("LASIX GIVEN. TOLERATING TF AT GOAL CCU.", "GOAL", id="caps-common-word-no-acronym"),
    pytest.param("Lasix given. echo 3/8: EF 23g, diaphoretic.", "EF 23g", id="ejection-fraction-no-street"),
    pytest.param("AMBIEN GIVEN. HX OF HOSPICE DX 12/15, RIJ TLC PLACED.", "HX OF",
                 id="history-no-hospice-name"),
    pytest.param("pt on lasix. skin: nstemi hospice discussed with family.", "nstemi",
                 id="abbreviation-no-hospice-name"),
    pytest.param("HE WORKS AS NURSES AIDE AT QUARNBY MEMORIAL HOSPITAL, PT ON LASIX.", "HOSPITAL",
                 id="employer-leaves-hospital-out"),
    pytest.param("Pt on lasix. son home following discharge, wife aware.", "home",
                 id="relative-then-common-word"),
    pytest.param("Insulin per sliding scale dosing.no changes to lasix.", "dosing.no",
                 id="missing-space-no-domain"),
    pytest.param("Pt on lasix. PT LIVES ALONE IN ASSISTED LIVING.", "ASSISTED",
                 id="lives-in-housing-no-town"),
    pytest.param("Pt on lasix, moved to Chair with assist x2.", "Chair", id="moved-to-chair-no-town"),
    pytest.param("Pt on lasix. Pt from Home, stable.", "Home", id="patient-from-home-no-town"),
    pytest.param("LASIX GIVEN. ECCHYMOSIS UNCHANGED FROM DEMARKED AREA.", "DEMARKED",
                 id="caps-unknown-word-before-noun-no-town"),
    pytest.param("LASIX GIVEN. TRANSFERRED FROM CSRU WITH CT.", "CSRU", id="caps-unit-after-from-no-town"),
    pytest.param("Lasix given. Pt returned from OR, MD aware.", "OR, MD", id="from-or-md-aware-no-town"),
    pytest.param("Lasix given. Pt from home, PA aware.", "home", id="from-home-pa-aware-no-town"),
    pytest.param("Lungs clear. Lasix, Grace, RN aware.", "Lasix", id="drug-before-first-name-no-surname"),
    pytest.param("PER FELLOW, HOLD ASA 72MG TONIGHT. LASIX GIVEN.", "HOLD ASA", id="aspirin-no-legal-form"),
    pytest.param("LASIX GIVEN. LOW HB, TRANSFUSED.", "LOW HB", id="hemoglobin-no-legal-form"),
    pytest.param("Neosynephrine given. Surgey aware. Npo.", "Surgey", id="typo-before-aware-no-name"),
    pytest.param("Lasix given. oob to chair. Cse mggmt aware.", "mggmt", id="shorthand-before-aware-no-name"),
    pytest.param("Lungs clear.\n-- lasix, given, RN", "lasix", id="lower-case-sign-off-needs-a-first-name"),
    pytest.param("Lasix given. Will monitor.\nRN, BSN", "RN", id="a-credential-is-no-initials"),
    pytest.param("Lasix given. Seen by:\n- OT, PT", "OT", id="a-service-credential-is-no-initials"),
    pytest.param("Lasix given. Will monitor.\nCA RN", "CA", id="clinical-caps-before-one-credential"),
    pytest.param("Lasix given. Will call.\ntc np", "tc", id="lower-case-letters-in-a-mixed-case-note"),
    pytest.param("Pt stable. Son (x2) visited.", "x", id="a-count-in-brackets-is-no-initial"),
    pytest.param("Lasix given. Wife (deceased). Son (HCP) called.", "deceased", id="a-state-in-brackets"),
    pytest.param("Lasix given. Son (HCP) called.", "HCP", id="a-role-in-brackets"),
    pytest.param("Lasix given. Daughter (main contact) called.", "main", id="words-in-brackets"),
    pytest.param("Lasix given. Pt family (wife) called.", "family", id="words-before-a-relative"),
    pytest.param("Lasix given. HCP (son) aware.", "HCP", id="a-role-before-a-relative"),
    pytest.param("Pt stable. Plan discussed. PT, OT", "PT", id="services-after-the-last-sentence"),
    pytest.param("PT SEEN BY DR VARN. LE EDEMA NOTED.", "EDEMA", id="capital-le-is-lower-extremity"),
    pytest.param("Dr. Varn de novo thrombosis noted.", "novo", id="particle-before-a-clinical-word"),
    pytest.param("seen by dr varn de bed side", "bed", id="lower-case-particle-before-a-common-word"),
    pytest.param("Lungs clear. Plan to go to Stage 2 today, on Lasix 20.", "Stage", id="stage-is-no-ward"),
    pytest.param("LUNGS CLEAR. SON IN TO VISIT WITH FAMILY IN ROOM.", "VISIT", id="relative-in-to-visit"),
    pytest.param("The patient is a 70 yo female with chf. pt req intubation.", "patient",
                 id="the-patient-before-an-age-introduction"),
    pytest.param("Mr. Varnholt is a 70 yo female with chf. pt req intubation.", "Mr.",
                 id="a-title-before-an-age-introduction"),
    pytest.param("Contact person is the daughter. Lungs clear.", "daughter", id="contact-is-a-relative"),
    pytest.param("PT TRANSFERRED TO NORTH ICU. BP STABLE.", "ICU", id="place-prefix-and-a-unit"),
    pytest.param("PT TRANSFERRED TO WEST WING. BP STABLE.", "WING", id="place-prefix-and-a-common-word"),
    pytest.param("epi 1/2000 dilution prepared", "1/2000", id="a-dilution-is-no-month-and-year"),
    pytest.param("hypotension 2/2 sepsis, then 2/2 cabg", "2/2", id="secondary-to"),
    pytest.param("cx grew e. coli, md aware. c. diff called in.", "coli", id="lower-case-bacterium"),
    pytest.param("pt in a. fib rn aware. x 3 days md aware.", "fib", id="lower-case-a-fib-is-no-name"),
    pytest.param("bp stable. pt transferred to sdu, then to ctic.", "sdu", id="lower-case-unit"),
    pytest.param("bp stable. pt sent to md for eval.", "md", id="lower-case-state-code-after-a-move"),
    pytest.param("SOCIAL: WIFE, SON, DAUGHTER, ALL VISITED.", "SON", id="relatives-in-a-list"),
    pytest.param("SOCIAL: WIFE, DEAF, USES SIGN LANGUAGE.", "DEAF", id="a-state-in-apposition"),
    pytest.param("PT CAME FROM OUTSIDE HOSPITAL, TO GO TO LOCAL REHAB.", "OUTSIDE", id="outside-hospital"),
    pytest.param("warning: recs cont to monitor rehab weaned.", "monitor", id="a-verb-before-rehab"),
    pytest.param("Lungs clear. RN mary will call.", "will", id="a-verb-after-role-and-first-name"),
    pytest.param("pt s/p 2 units prbc 2/3 today.", "2/3", id="a-fraction-after-s/p"),
    pytest.param("heels slightly pink from old decubiti, intact.", "decubiti", id="old-is-no-town-prefix"),
    pytest.param("PT CAME FROM NORTH WING TODAY.", "WING", id="prefix-and-a-common-word"),
    pytest.param('PT STATES: " I WANT TO SPEAK WITH A DOCTOR ".', "DOCTOR", id="caps-article-no-initial"),
    pytest.param("GU- PT. CONTINUES WITH AMBER COLORED URINE.", "AMBER", id="caps-common-word-after-with"),
    pytest.param("ID-RUNNING A LOW GRADE FEVER WITH T MAX 100.1 PO.", "MAX", id="caps-t-max"),
    pytest.param("SKIN: SWELLING AT SUPERIOR PORTION OF CHEST.", "SUPERIOR", id="caps-town-as-adjective"),
    pytest.param("SOCIAL=DAUGHTER PRESENT-CONTIN TO REMAIN OPTIMISTIC.", "PRESENT", id="caps-run-on-words"),
    pytest.param("PT DENIES PAIN. AWAITING PAIN CONSULT TO EVAL PT.", "EVAL", id="consult-to-eval"),
    pytest.param("WBC 6.3, (+) MRSA FROM L FOOT. NON HEALING WOUND.", "FOOT", id="caps-side-is-no-initial"),
    pytest.param("REFLEX TO R, ABSENT TO L. UNRESPONSIVE.", "UNRESPONSIVE", id="caps-initial-and-a-state"),
    pytest.param("GIVE MOTRIN NOW. FRIEND PHONED AND UPDATED.", "PHONED", id="caps-verb-after-a-relative"),
    pytest.param("social- wife, son and sister in visiting.", "sister", id="a-list-of-relatives"),
    pytest.param("hr 70s sr.\nros: cv- dopa weaned. ua for osmo, na.", "ros", id="ros-is-no-speaker"),
    pytest.param("RESPIRATORY: AMBULATED IN HALL REHAB CIWA SCORE 4.", "HALL", id="caps-in-hall-rehab"),
    pytest.param("TRANSFERRED FROM OUTSIDE HOSPITAL FOR CATH.", "OUTSIDE", id="caps-outside-hospital"),
    pytest.param("PT WENT HOME IN GOOD SPIRITS.", "GOOD", id="caps-home-in-a-state-of-mind"),
    pytest.param("progressed to grade 2 today, moved to west wing 3.", "grade", id="ward-needs-a-name"),
    pytest.param("During 2/16/1942, Quarnsight invested heavily.", "During", id="word-ending-in-ring"),
    pytest.param("Vent changed to CPAP 5/5 this am. Tolerating well.", "Tolerating",
                 id="score-is-no-house-number"),
    pytest.param("PT TO 10 WARD BEDS TODAY.", "WARD", id="caps-ward-is-clinical"),
    pytest.param("CALL PLACED TO LA HOSPITAL RE: RECORDS.", "LA", id="caps-article-before-hospital"),
    pytest.param("EKG: SA NODE RHYTHM, NO ECTOPY.", "SA", id="caps-sa-node-is-no-firm"),
    pytest.param("FAMILY WANTS TO REMOVE PT FROM RESPIRATOR. CMO.", "RESPIRATOR",
                 id="caps-device-after-pt-from"),
    pytest.param("PLAN: WEEN FROM NOREPI, WEEN FROM MILRINONE.", "NOREPI", id="caps-weaned-drug"),
    pytest.param("YEASTY DISCHARGE. ADMITTED TO MICUA\n", "MICUA", id="caps-unit-typo"),
    pytest.param("Pt A&O x3, N & V resolved, to SPA tub later.", "SPA", id="note-spa-is-no-firm"),
]


@pytest.mark.parametrize(("text", "sub"), NOT_TOUCHED)
def test_new_rules_keep(detector: Detector, text: str, sub: str) -> None:
    entities = find_phi(text, detector=detector)
    assert not touched(entities, text, sub), f"{sub!r} masked: {entities}"


def test_phone_after_an_address_block_stays_a_phone(detector: Detector) -> None:
    text = "Billing: 12 Kestrel Road\n Apt. 3\n Elmsby\n Vastria 40117\n091 553 2718"
    entities = find_phi(text, detector=detector)
    phone = [e for e in entities if "553" in e.text]
    assert [e.type for e in phone] == [T.PHONE_OR_FAX] and phone[0].text == "091 553 2718", entities


def test_quoted_address_lines_leave_the_quote_marks_out(detector: Detector) -> None:
    text = "> Ilse Varnholt\n> 052 Kestrelstræde 19\n> Apt. 42\n> Elmsby\n> Denmark 40731"
    entities = find_phi(text, detector=detector)
    assert covered(entities, text, "052 Kestrelstræde 19"), entities
    assert covered(entities, text, "Denmark 40731"), entities
    assert not any(">" in e.text for e in entities), entities


@pytest.mark.parametrize("text", ["Quenvaro was started by its founders: Harper, Collins and Wade.",
                                  "Their kids: Ilse, Mona, Baker, Fuller and Hughes."])
def test_a_list_of_people_is_not_a_firm(detector: Detector, text: str) -> None:
    entities = find_phi(text, detector=detector)
    assert not any(" and " in e.text or ", " in e.text for e in entities), entities


def test_trunk_shape_is_a_phone_only_after_a_phone_word(detector: Detector) -> None:
    text = "Batch 0843-5550123 of the reagent was used."
    assert not [e for e in find_phi(text, detector=detector) if e.type is T.PHONE_OR_FAX]


@pytest.mark.parametrize(("text", "value"), [("Her social security number is 412-55-0194", "412-55-0194"),
                                             ("my driver's license number is 3391-55-0101", "3391-55-0101")])
def test_numbers_after_identifier_words_are_ids_not_phones(detector: Detector, text: str, value: str) -> None:
    entities = [e for e in find_phi(text, detector=detector) if e.text == value]
    assert [e.type for e in entities] == [T.ID], entities


@pytest.mark.parametrize(("text", "value", "kind"), [
    ("Ilse now stays at 70215 Rua do Varnelo 88, Elmsby", "70215 Rua do Varnelo 88, Elmsby", T.ADDRESS),
    ("The address of Harper, Collins and Wade is 12 Kestrel Road", "Harper, Collins and Wade", T.OTHER),
    ("The tram stop is on Ilse Quisthove 188", "Ilse Quisthove 188", T.ADDRESS),
    ("Brightwell engineer Ilse Varnholt said the update was late.", "Brightwell", T.OTHER),
    ("We'll meet Tuesday at Quenvore, 641 Kestrel Road, Elmsby", "Quenvore", T.OTHER),
    # particles and place prefixes join a place; a surname particle stays in a name
    ("I live in Cassiano das Flores, near the sea.", "Cassiano das Flores", T.ADDRESS),
    ("I live in East Juan, near the lake.", "East Juan", T.ADDRESS),
    ("Dr. Ilse de Varn saw him today.", "Ilse de Varn", T.NAME),
    ("He moved to North Carolina last year.", "North Carolina", T.ADDRESS),
    ("She lives in Wilkes-Barre, PA.", "Wilkes-Barre, PA", T.ADDRESS),
])
def test_a_joined_span_takes_the_type_of_what_it_names(detector: Detector, text: str, value: str,
                                                       kind: EntityType) -> None:
    """A name inside an address or a firm takes its type; so does a place joined by a
    particle or a place prefix."""
    entities = [e for e in find_phi(text, detector=detector) if e.text == value]
    assert [e.type for e in entities] == [kind], find_phi(text, detector=detector)


def test_labelled_address_stops_at_the_next_field_on_its_line(detector: Detector) -> None:
    text = "Address: 2210 Kestrel Lane, Elmsby, MN 55803    Phone: (218) 555-0147\nSeen: 09/02/2024"
    kinds = {e.text: e.type for e in find_phi(text, detector=detector)}
    assert kinds.get("2210 Kestrel Lane, Elmsby, MN 55803") is T.ADDRESS, kinds
    assert kinds.get("(218) 555-0147") is T.PHONE_OR_FAX, kinds


def test_an_ip_address_ending_a_sentence_is_no_phone(detector: Detector) -> None:
    text = "Device SN 88A-2231-77. IP 192.168.10.4."
    assert ("192.168.10.4", T.OTHER) in [(e.text, e.type) for e in find_phi(text, detector=detector)]


def test_idaho_and_a_zip_code_are_an_address(detector: Detector) -> None:
    found = find_phi("Lives in Varnholt, ID 83702.", detector=detector)
    assert [(e.text, e.type) for e in found] == [("Varnholt, ID 83702", T.ADDRESS)]


def test_a_compact_birth_date_is_a_date(detector: Detector) -> None:
    text = "DOB: 19620304. Seen today."
    assert [(e.text, e.type) for e in find_phi(text, detector=detector)] == [("19620304", T.DATE)]


def test_a_credential_is_no_state(detector: Detector) -> None:
    text = "Dr. Quarn, MD saw pt; Ilse Lindqvist, MD agrees."
    entities = find_phi(text, detector=detector)
    assert not [e for e in entities if e.type is T.ADDRESS], entities


def test_a_signature_keeps_its_credential_out(detector: Detector) -> None:
    text = "Pt on lasix. By: Quarnby, Ilse, MD\nSigned: Ilse Varnholm PharmD"
    entities = find_phi(text, detector=detector)
    assert not [e for e in entities if e.type is T.ADDRESS or "MD" in e.text or "PharmD" in e.text], entities
    assert covered(entities, text, "Quarnby, Ilse") and covered(entities, text, "Ilse Varnholm"), entities


@pytest.mark.parametrize(("text", "firm"), [
    ("Ilse works as a field seismologist at Quarnvik.\nPlease call.", "Quarnvik"),
    ("ilse varn has been a proofreader with quarnvik gruppen in oslo.", "quarnvik gruppen"),
    ("Ilse works for U.S. Steel in Quarnby.", "U.S. Steel"),
    ("ILSE SIGNED A CONTRACT WITH QUARNVIK ELEKTRONIK ON 23/8/2018.", "QUARNVIK ELEKTRONIK"),
])
def test_employers_after_a_job_title_or_cue(detector: Detector, text: str, firm: str) -> None:
    entities = find_phi(text, detector=detector)
    assert [e.text for e in entities if e.type is T.OTHER] == [firm], entities


def test_titled_names_that_are_also_drug_names_stay_names(detector: Detector) -> None:
    text = "Spoke with Dr. Saha today. Patient Quinton Varnholm seen; Ms. Allegra Quarnby called."
    names = [e.text for e in find_phi(text, detector=detector) if e.type is T.NAME]
    assert {"Saha", "Quinton Varnholm", "Allegra Quarnby"} <= set(names), names


def test_a_phone_lead_is_a_whole_word() -> None:
    assert PHONE_LEAD.search("son can be reached at ")
    assert PHONE_LEAD.search("write to ilse@quarnbyvarnholmcorp.example or ")
    assert not PHONE_LEAD.search("stays at a hotel ")
    assert not PHONE_LEAD.search("pt is immobile ")


def test_an_employer_ends_with_its_sentence(detector: Detector) -> None:
    text = "Ilse works as a therapist at Quarnvik. Please call on Monday."
    firms = [e.text for e in find_phi(text, detector=detector) if e.type is T.OTHER]
    assert firms == ["Quarnvik"], firms


def test_dialogue_speakers_in_any_case_with_surnames(detector: Detector) -> None:
    text = ("HANNAH: ARE WE STILL MEETING?\nNORA: YES, SEE YOU AT THE OFFICE\n"
            "QUARNBY, ILSE: I MOVED LAST MONTH\nR. VARNHOLT: THANKS, TALK FRIDAY\nCHRISTIAN VARNHOLM: HI")
    entities = find_phi(text, detector=detector)
    for speaker in ("HANNAH", "NORA", "QUARNBY, ILSE", "R. VARNHOLT", "CHRISTIAN VARNHOLM"):
        assert covered(entities, text, speaker), (speaker, entities)


def test_note_sections_and_form_fields_are_no_speakers(detector: Detector) -> None:
    text = "Name: Ilse Quarnby\nDOB: 3/14/1958\nNeuro: alert\nResp: clear\nEvents: none\nPlan: wean"
    names = [e.text for e in find_phi(text, detector=detector) if e.type is T.NAME]
    assert names == ["Ilse Quarnby"], names


def test_a_town_and_state_line_is_no_name(detector: Detector) -> None:
    entities = find_phi("Visits:\nRichmond, Virginia\nlasix given.", detector=detector)
    assert not [e for e in entities if e.type is T.NAME], entities


@pytest.mark.parametrize(("text", "expected"), [
    ("Pt on lasix, seen by Dr. Quarnby, May 3 visit planned.", {("Quarnby", T.NAME), ("May 3", T.DATE)}),
    ("Pt stable. seen in clinic by case manager Ilse Quarnby on Dec 18, started on lasix.",
     {("Ilse Quarnby", T.NAME), ("Dec 18", T.DATE)}),
])
def test_a_date_after_a_name_stays_a_date(detector: Detector, text: str,
                                          expected: set[tuple[str, EntityType]]) -> None:
    entities = find_phi(text, detector=detector)
    assert {(e.text, e.type) for e in entities} == expected, entities


@pytest.mark.parametrize(("text", "value", "kind"), [
    ("ILSE QUARNBY\nTEL: (967) 641-1478\n4994 VARNHOLM COURT\nREADING, PA 19602, USA", "(967) 641-1478",
     T.PHONE_OR_FAX),  # a phone line above a street stays a phone
    ("YOURS TRULY,\nQUARNBY, FABIANA\nCONFERENCE CENTRE MANAGER\nILSE@EXAMPLE.COM",
     "CONFERENCE CENTRE MANAGER", T.PROFESSION),  # a job title stays on its line
])
def test_a_span_on_its_own_line_keeps_its_type(detector: Detector, text: str, value: str,
                                              kind: EntityType) -> None:
    entities = find_phi(text, detector=detector)
    assert (value, kind) in {(e.text, e.type) for e in entities}, entities


def test_lone_double_barrelled_name_is_an_organisation(detector: Detector) -> None:
    text = "Founded in Elmsby, Lloyd-Varnholt is a charity for songwriters."
    entities = [e for e in find_phi(text, detector=detector) if e.text == "Lloyd-Varnholt"]
    assert [e.type for e in entities] == [T.OTHER], entities


def test_led_puts_the_opening_letters_of_an_alternation_in_a_lookahead() -> None:
    assert led(r"son|(?i:bro)ther") == r"(?=[BSbs])(?:son|(?i:bro)ther)"
    assert led(r"(?:hi|dear)\s*,?|named") == r"(?=[DHNdhn])(?:(?:hi|dear)\s*,?|named)"
    for unsure in (r"s?on|kid", r"(?:half-)?brother", r"[ab]c", r"\bson"):
        with pytest.raises(ValueError):
            led(unsure)


def test_a_list_of_first_names_stays_apart(detector: Detector) -> None:
    text = "they had 4: ilse, anna, marta and kai."
    names = [e.text for e in find_phi(text, detector=detector) if e.type is T.NAME]
    assert names == ["ilse", "anna", "marta", "kai"]


def test_a_lower_case_firm_starts_after_its_preposition(detector: Detector) -> None:
    text = "she met the old team at quarnby labs."
    firms = [e.text for e in find_phi(text, detector=detector) if e.type is T.OTHER]
    assert firms == ["quarnby labs"]


@pytest.mark.parametrize("text", ["LASIX GIVEN. PT IS FROM BOSTON, MA.",
                                  "lasix given. pt is from boston, ma."])
def test_a_listed_town_before_a_state_code_is_a_place_not_a_name(detector: Detector, text: str) -> None:
    entities = find_phi(text, detector=detector)
    town = [e for e in entities if "oston" in e.text.lower()]
    assert [e.type for e in town] == [T.ADDRESS], entities


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Tel: 4004773825\nLasix given.", T.PHONE_OR_FAX, "4004773825"),
    ("FRIEND IS HCP, CAN BE REACHED AT 3779573182.", T.PHONE_OR_FAX, "3779573182"),
    ("Ilse: my number changed, it is now 3724358677", T.PHONE_OR_FAX, "3724358677"),
    ("My account number is 41235678.", T.ID, "41235678"),
    ("Kind regards,\nIlse Varn\n7156 Kane Way Quarnby, TX 78572 US\nilse@example.com\n", T.ADDRESS,
     "7156 Kane Way Quarnby, TX 78572 US"),
    ("Kind regards,\nIlse Varn\n7156 Kane Way Quarnby, TX 78572 US\nilse@example.com\n", T.EMAIL,
     "ilse@example.com"),
    ("FULL CODE, CONFIRMED WITH FATHER ANITA JUN 11. LASIX GIVEN.", T.NAME, "ANITA"),
    ("FULL CODE, CONFIRMED WITH FATHER ANITA JUN 11. LASIX GIVEN.", T.DATE, "JUN 11"),
    ("full code, confirmed with aunt (ilse) jun. 11th. lasix given.", T.DATE, "jun. 11th"),
    ("Ilse Varn\n819 Stein Street, Quarn Creek, WV 25505, USA\nQuarnby Analytics\n", T.OTHER,
     "Quarnby Analytics"),
    ("LASIX GIVEN. ADDENDUM- DAUGHTER FROM ROME JUST CALLED FOR UPDATE.", T.ADDRESS, "ROME"),
    ("He was a consultant with Varn and Quist in Wilson since August 1958.", T.ADDRESS, "Wilson"),
    ("The Davis, Reynolds and Williamson website is down.", T.OTHER, "Davis, Reynolds and Williamson"),
    ("The amount is not correct, please change it to Mary Gavrilova", T.NAME, "Mary Gavrilova"),
    ("What is the limit for card 501864667909?", T.OTHER, "501864667909"),
    ("MRN 501864667909", T.ID, "501864667909"),
    ("Mobile: 737 219 628\nDesk: 5403926876\n", T.PHONE_OR_FAX, "5403926876"),
    ("Ilse Varn\nQuarnography\n12 Elm Street\nMobile: 723 813 266\n", T.OTHER, "Quarnography"),
    ("Please send it to Mrs. Ilse Quarnby Apt. 675 62314 Varnvej 32", T.NAME, "Ilse Quarnby"),
    ("David was late again.", T.NAME, "David"),
    ("Leon wrote the report.", T.NAME, "Leon"),
    (">Ilse Varn\n>Barnett, Melton and Garcia\n>12 Elm Street", T.OTHER, "Barnett, Melton and Garcia"),
    ("The account is not correct, please change it to Sofia Lima", T.NAME, "Sofia Lima"),
    ("She lives in Lima, Peru.", T.ADDRESS, "Lima, Peru"),
    ("On the last Sunday before Labor Day we returned to Feliciano by helicopter.", T.ADDRESS, "Feliciano"),
    ("Ilse Varn\nTalking-books clerk\n12 Elm Street\nMobile: 723 813 266\n", T.PROFESSION,
     "Talking-books clerk"),
])
def test_each_part_keeps_its_own_type(detector: Detector, text: str, kind: T, value: str) -> None:
    entities = find_phi(text, detector=detector)
    assert any(e.type is kind and e.text == value for e in entities), entities
