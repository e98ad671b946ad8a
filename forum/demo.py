"""The demo's words and people: an author, a moderator, readers, two articles and a debate.

Written for this project; forum.services.demo loads it.
"""

from typing import Any

from .models import Role

# Published in the README for the demo.
DEMO_PASSWORD = "demo-password-1"  # nosec B105
DEMO_EMAIL_DOMAIN = "demo.example.org"

AUTHOR = "line_kjaer"
MODERATOR = "mod_jonas"
AUTHOR_PROFILE = {
    "display_name": "Line Kjær",
    "bio": (
        "Kommunikationsrådgiver med femten år i HR og employer branding. "
        "Skriver om det, der virker på arbejdspladser – og om det, der bare ser godt ud "
        "på LinkedIn. Svarer gerne, når I er uenige."
    ),
    "links": "https://linekjaer.example.org\nhttps://example.com/nyhedsbrev/line-kjaer",
}

USERS: list[tuple[str, Role, str]] = [
    (AUTHOR, Role.AUTHOR, "da"),
    ("mod_jonas", Role.MODERATOR, "da"),
    ("mette_hr", Role.READER, "da"),
    ("kasperdk", Role.READER, "da"),
    ("freja_rekruttering", Role.READER, "da"),
    ("rasmus-b", Role.READER, "da"),
    ("nanna_k", Role.READER, "da"),
    ("sofie_aarhus", Role.READER, "da"),
    ("priya_talent", Role.READER, "en"),
    ("tom_okafor", Role.READER, "en"),
    ("julia-comms", Role.READER, "en"),
    ("lukas_berlin", Role.READER, "en"),
]
DEMO_ACCOUNTS: list[tuple[str, Role]] = [(name, role) for name, role, _ in USERS]

DA_BODY = """\
Det er blevet en fast del af enhver employer branding-strategi: Vi skal være »synlige på de
sociale medier«. Medarbejderne skal dele, ledelsen skal have en personlig profil, og HR skal lære
at klippe korte videoer. Bureauerne kalder det autenticitet. Jeg kalder det i mange tilfælde
spildte kræfter.

Lad mig være præcis: Jeg er ikke imod sociale medier. Jeg er imod troen på, at de kan gøre
arbejdet for os.

## Synlighed er ikke det samme som tiltrækning

Når en virksomhed måler sin employer branding, ender den ofte med at tælle visninger, likes og
følgere. Det er tal, der er lette at hente og pæne at vise i en præsentation. Men de siger næsten
intet om, hvorvidt de rigtige kandidater søger, eller om de nye medarbejdere stadig er der efter
et år.

I de projekter, jeg har fulgt de seneste år, har jeg set tre mønstre gå igen:

- **Kandidaterne kommer stadig via netværk og anbefalinger.** Et godt opslag kan minde folk om,
  at man findes, men beslutningen træffes ved et køkkenbord eller over en kop kaffe med en, der
  kender stedet.
- **Indholdet ligner hinanden.** Smilende kolleger, fredagsbar og »vi er en stor familie«. Når
  alle siger det samme, siger ingen noget.
- **Virkeligheden indhenter budskabet.** Hvis hverdagen ikke matcher billederne, står det på
  anmeldelsessiderne og i opsigelserne inden for et halvt år.

## Hvor det faktisk kan virke

Der er undtagelser, og dem er jeg oprigtigt interesseret i. Sociale medier ser ud til at gøre en
forskel, når tre ting er på plads: Virksomheden har noget konkret at fortælle (et fag, et
projekt, en måde at arbejde på), de ansatte deler frivilligt og med egne ord, og nogen følger op,
når en kandidat rækker ud. Det lyder banalt, men det er sjældent, at alle tre er til stede på én
gang.

Små virksomheder med et tydeligt håndværk har ofte lettere ved det end store koncerner med en
hel kommunikationsafdeling. Et bageri, der viser, hvordan dejen bliver æltet klokken fire om
morgenen, fortæller mere om arbejdet end en koncernvideo med dronefotos af hovedkontoret.

## Start med arbejdspladsen, ikke med kanalen

Mit råd er derfor kedeligt: Brug den første time på at finde ud af, hvorfor folk bliver, og
hvorfor de går. Brug den næste på at gøre noget ved det. Først derefter giver det mening at
diskutere, om historien skal fortælles på LinkedIn, på Instagram eller ved et åbent hus.

## Nu er det din tur

Jeg har bevidst skrevet skarpt, fordi jeg gerne vil udfordres. Er du uenig? Har du en sag, hvor
sociale medier faktisk flyttede noget – flere kvalificerede ansøgere, lavere
personaleomsætning, bedre match? Så skriv den ind under et af spørgsmålene herunder. De bedste
eksempler samler jeg i en opfølgende klumme.
"""

EN_BODY = """\
Somewhere in most HR departments there is a plan that reads roughly like this: give employees a
library of approved posts, ask them to share once a week, and watch the applications roll in. It
is cheap, it feels modern, and it rests on a shaky assumption — that people trust a message more
because it arrives through a colleague's profile.

Sometimes they do. Often they can tell.

## What the programmes get wrong

Employee advocacy programmes tend to fail in predictable ways:

1. **They confuse reach with trust.** A post shared by forty employees reaches more people, but
   if all forty use the same wording, readers notice, and the message starts to look like an
   advert with extra steps.
2. **They reward volume.** Leaderboards and "ambassador of the month" badges push people to post
   more, not better. The most honest voices in the company usually opt out.
3. **They skip the awkward parts.** Real workplaces have hard weeks, reorganisations and managers
   who are still learning. Content that never mentions any of that is not authentic, however
   casual the camera work.

## What seems to work instead

The cases I find convincing have little to do with programmes. An engineer writes a long post
about a difficult migration her team pulled off, and three people from other companies ask
whether they are hiring. A nurse records a short video about why she stayed on a ward everyone
else left. Nobody approved those posts in advance, and that is precisely why they land.

If there is a strategy here, it is a modest one:

- make it safe for people to talk about their work, including what is hard;
- give them time and, if they want it, help with the writing — not scripts;
- answer quickly and personally when a candidate gets in touch;
- measure hires and retention, not impressions.

## The hype test

None of this means social media is useless for recruitment. It means the channel is rarely the
bottleneck. A company with a good story and slow, impersonal hiring will lose candidates no
matter how polished its feed is. A company with a plain feed and a great hiring experience will
do fine.

## Tell me where I'm wrong

I have written this as a challenge, not a verdict. Do you disagree? Have you run an advocacy
programme that genuinely changed who applied or who stayed? Share the case under one of the
questions below: the organisation, the channel, and what actually happened. The strongest
examples, for and against, will shape a follow-up piece.
"""

DA_DEBATE: list[list[dict[str, Any]]] = [
    [
        {
            "by": "mette_hr",
            "stance": "agree",
            "body": (
                "Helt enig. Vi brugte et halvt år på en LinkedIn-serie med »mød en kollega«. "
                "Flot engagement, men da vi spurgte de nye medarbejdere, hvor de havde hørt om "
                "os, nævnte næsten ingen opslagene. De fleste kom via en, de kendte."
            ),
            "replies": [
                (
                    AUTHOR,
                    "Tak, Mette. Spurgte I også dem, der *ikke* søgte? Jeg har en mistanke om, "
                    "at opslagene virker som en slags bekræftelse, når man allerede har hørt om "
                    "stedet fra en ven.",
                ),
                (
                    "mette_hr",
                    "Godt spørgsmål – det gjorde vi ikke. Det tager jeg med til næste runde af "
                    "vores onboarding-samtaler.",
                ),
            ],
        },
        {
            "by": "kasperdk",
            "stance": "disagree",
            "body": (
                "Jeg synes, du undervurderer, hvor meget synlighed betyder for virksomheder, "
                "som ingen kender. Hvis man ikke er et kendt navn, er »bare synlig« ret meget "
                "værd. Man kan ikke blive anbefalet af nogen, der aldrig har hørt om en."
            ),
            "replies": [
                (
                    AUTHOR,
                    "Fair pointe, og det er klart anderledes for ukendte virksomheder. Min "
                    "påstand er snarere, at synligheden ikke bærer i sig selv – der skal være "
                    "noget at finde, når folk kigger nærmere.",
                ),
            ],
        },
        {
            "by": "freja_rekruttering",
            "stance": "example",
            "organisation": "Nordlys Revision",
            "channel": "linkedin",
            "source_url": "https://example.com/nordlys-revision/praktikanter",
            "effect": "challenges",
            "body": (
                "Hos Nordlys Revision lod vi praktikanterne overtage firmaets LinkedIn-side en "
                "uge hver i løbet af sæsonen. De skrev selv, også om de kedelige afstemninger i "
                "januar. Ansøgningerne til næste års praktikpladser steg fra omkring 40 til godt "
                "110, og flere skrev i ansøgningen, at de havde fulgt forløbet."
            ),
            "replies": [
                (
                    "rasmus-b",
                    "Interessant. Var der nogen, der var nervøse for, at praktikanterne skrev "
                    "noget forkert? Det er typisk dér, det går i stå hos os.",
                ),
                (
                    "freja_rekruttering",
                    "Ja, især partnerne. Vi aftalte én regel: ingen kundenavne. Resten stod "
                    "de selv for, og det gik fint.",
                ),
            ],
        },
        {
            "by": "rasmus-b",
            "stance": "example",
            "organisation": "Havnens Bryggeri",
            "channel": "instagram",
            "effect": "supports",
            "body": (
                "Havnens Bryggeri har over 20.000 følgere på Instagram og laver virkelig flotte "
                "opslag om håndværket. Alligevel har de i to år haft svært ved at finde bryggere "
                "og lagerfolk. Følgerne er ølentusiaster, ikke folk, der søger job. Synlighed hos "
                "de forkerte hjælper ikke."
            ),
            "replies": [
                (
                    AUTHOR,
                    "Det er præcis den forskel, jeg prøvede at ramme: Et publikum er ikke det "
                    "samme som en kandidatpulje. Tak for et godt eksempel.",
                ),
            ],
        },
        {
            "by": "nanna_k",
            "stance": "agree",
            "body": (
                "Enig i det meste. Jeg vil tilføje, at mange måler det forkerte, fordi de "
                "forkerte ejer opgaven. Når kommunikationsafdelingen ejer employer branding, "
                "bliver succeskriteriet rækkevidde. Når HR ejer den, bliver det ansættelser. "
                "Det er to forskellige spil."
            ),
        },
    ],
    [
        {
            "by": "nanna_k",
            "stance": "example",
            "organisation": "Ravnsborg Bageri",
            "channel": "tiktok",
            "source_url": "https://example.org/ravnsborg-bageri/nattevagt",
            "effect": "challenges",
            "body": (
                "Ravnsborg Bageri (tre butikker, 25 ansatte) begyndte at lægge korte videoer op "
                "fra bageriet om natten – uden musik og filtre, bare lyden af maskinerne og en "
                "bager, der fortæller. Ét klip blev set over 200.000 gange, og de fik 14 "
                "uopfordrede ansøgninger til lærlingepladser på en måned. Før fik de to-tre om "
                "året."
            ),
            "replies": [
                (
                    AUTHOR,
                    "Et af de bedste eksempler, jeg har set, på at håndværket selv er "
                    "historien. Ved du, om lærlingene blev?",
                ),
                (
                    "nanna_k",
                    "Ifølge indehaveren er fire af de fem der stadig efter det første år.",
                ),
            ],
        },
        {
            "by": "kasperdk",
            "stance": "disagree",
            "body": (
                "Ærligt talt lyder det som skrevet af en, der aldrig har rekrutteret til en "
                "virksomhed med ti ansatte. Det er nemt at pege på de få, der rammer et viralt "
                "hit. De fleste bruger timer hver uge og får 300 visninger, og for en lille "
                "virksomhed er de timer dyre. Det er lotteri, ikke strategi."
            ),
            "replies": [
                (
                    "mod_jonas",
                    "Husk at diskutere sagen og ikke personen. Pointen om ressourcer er god – "
                    "den står fint uden første sætning.",
                ),
            ],
        },
        {
            "by": "freja_rekruttering",
            "stance": "example",
            "organisation": "Vesterby Tømrer & Snedker",
            "channel": "facebook",
            "effect": "challenges",
            "body": (
                "Et lille tømrerfirma, jeg har hjulpet, fik mere ud af Facebook end af "
                "Instagram. De lagde billeder af færdige opgaver op i lokale grupper og skrev, "
                "at de manglede en svend. Tre ansøgere, to samtaler, én ansat. Ikke viralt, men "
                "det virkede, fordi de var synlige *lokalt*, hvor de rigtige folk var."
            ),
        },
        {
            "by": "mette_hr",
            "stance": "disagree",
            "body": (
                "Jeg er uenig i, at små virksomheder har det lettere. De har mindre tid, intet "
                "budget og ofte ingen, der synes, det er sjovt. Det, du beskriver med bageriet, "
                "kræver en ildsjæl. Uden ham eller hende sker der ingenting."
            ),
            "replies": [
                (
                    AUTHOR,
                    "Et rigtig godt modargument. Måske er det ærligere at sige: Små "
                    "virksomheder har den bedre historie, store har ressourcerne. Det sjældne "
                    "er at have begge dele.",
                ),
            ],
        },
        {
            "by": "rasmus-b",
            "stance": "example",
            "organisation": "Grøn Logistik ApS",
            "channel": "instagram",
            "effect": "supports",
            "body": (
                "Vi prøvede Instagram i et år hos Grøn Logistik for at finde chauffører. 80 "
                "opslag, pæne billeder og nul ansættelser, vi kunne spore tilbage til kanalen. "
                "Til sammenligning gav en henvisningsbonus til vores egne medarbejdere 11 nye "
                "kolleger."
            ),
            "replies": [
                (
                    "kasperdk",
                    "Det svarer godt til min oplevelse. Henvisningsbonus er undervurderet.",
                ),
            ],
        },
        {
            "by": "sofie_aarhus",
            "stance": "agree",
            "body": (
                "Enig i, at det handler om at vise arbejdet frem. Men jeg tror, små virksomheder "
                "skal vælge **én** kanal og blive der. Det er, når man prøver at være alle steder "
                "på én gang, at indholdet bliver tyndt."
            ),
        },
    ],
    [
        {
            "by": "nanna_k",
            "stance": "agree",
            "body": (
                "Ansættelser og fastholdelse efter tolv måneder. Alt andet er mellemregninger. "
                "Man kan godt holde øje med visninger, men man skal ikke rapportere dem til "
                "ledelsen som resultater."
            ),
            "replies": [
                (
                    AUTHOR,
                    "Enig. Jeg vil tilføje ansøgernes kvalitet, vurderet af den leder, der "
                    "ansætter. Det er subjektivt, men det er tættere på det, vi egentlig vil "
                    "vide.",
                ),
            ],
        },
        {
            "by": "freja_rekruttering",
            "stance": "disagree",
            "body": (
                "Jeg er uenig i, at engagement er ligegyldigt. Hvis ingen reagerer på jeres "
                "opslag, er det et tidligt varsel om, at budskabet ikke rammer. Engagement er et "
                "førende tal, ansættelser et bagudskuende. Man har brug for begge."
            ),
        },
        {
            "by": "mette_hr",
            "stance": "example",
            "organisation": "Skovby Kommune",
            "channel": "newsletter",
            "source_url": "https://example.org/skovby-kommune/job",
            "effect": "supports",
            "body": (
                "Skovby Kommune gjorde én enkel ting: et obligatorisk spørgsmål i "
                "ansøgningsformularen – »Hvor hørte du om jobbet?« – med faste svarmuligheder. "
                "Efter et år kunne de se, at det månedlige nyhedsbrev til tidligere ansøgere gav "
                "flere ansættelser end alle sociale medier tilsammen. Det billigste tiltag var "
                "det, der virkede bedst."
            ),
        },
        {
            "by": "kasperdk",
            "stance": "agree",
            "body": (
                "Spørg de nye medarbejdere efter tre måneder: »Er jobbet, som vi beskrev "
                "det?« Hvis svaret er nej, er jeres employer branding en reklame og ikke et "
                "løfte."
            ),
        },
        {
            "by": "sofie_aarhus",
            "stance": "example",
            "organisation": "Fjordbyens Sprogskole",
            "channel": "linkedin",
            "effect": "challenges",
            "body": (
                "Hos Fjordbyens Sprogskole gav vi hvert opslag sit eget sporingslink, så vi "
                "kunne se, hvem der endte med at søge. Det var lidt bøvlet at sætte op, men efter "
                "et halvt år kunne vi spore seks af vores 15 nye undervisere tilbage til "
                "LinkedIn-opslag skrevet af kolleger. I vores tilfælde virkede det altså – men "
                "kun de personlige opslag, ikke dem fra virksomhedssiden."
            ),
        },
    ],
]

DA_PROPOSED: list[dict[str, Any]] = [
    {
        "by": "rasmus-b",
        "title": "Hvad gør man med medarbejdere, der ikke vil være ambassadører?",
        "description": (
            "Artiklen handler om virksomhederne, men hvad med de ansatte? Hos os føler flere sig "
            "presset til at dele. Hvordan håndterer I det?"
        ),
        "debate": [
            {
                "by": "mette_hr",
                "stance": "agree",
                "body": (
                    "Det skal være frivilligt, og det skal være helt i orden at sige nej. Vi har "
                    "skrevet det direkte i vores retningslinjer, og det har faktisk gjort flere "
                    "trygge ved at være med."
                ),
            },
            {
                "by": "sofie_aarhus",
                "stance": "example",
                "organisation": "Solbakken Plejecenter",
                "channel": "facebook",
                "effect": "supports",
                "body": (
                    "På Solbakken Plejecenter blev det forventet, at personalet delte opslag fra "
                    "centrets Facebook-side. Flere følte sig overvåget, fordi ledelsen kunne se, "
                    "hvem der delte. Efter et par måneder droppede man kravet – og de opslag, "
                    "medarbejderne selv valgte at dele, fik markant bedre respons."
                ),
            },
            {
                "by": "kasperdk",
                "stance": "disagree",
                "body": (
                    "Jeg forstår pointen, men hvis ingen nogensinde deler noget, er det ledelsen "
                    "og HR alene, der tegner billedet af arbejdspladsen. Så hellere en blid "
                    "opfordring end tavshed."
                ),
                "replies": [
                    (
                        "rasmus-b",
                        "En blid opfordring er fin. Det er, når det bliver målt og talt op, at "
                        "det går galt.",
                    ),
                ],
            },
        ],
    },
]

EN_DEBATE: list[list[dict[str, Any]]] = [
    [
        {
            "by": "priya_talent",
            "stance": "disagree",
            "body": (
                "I think you're too harsh. At my previous company nobody would have posted "
                "anything without a nudge. The programme didn't create fake enthusiasm, it gave "
                "people permission. Plenty of staff are proud of their work but assume it isn't "
                "their place to talk about it."
            ),
            "replies": [
                (
                    AUTHOR,
                    "That's a distinction I should have made: *permission* versus *pressure*. "
                    "A programme that says \"you're allowed, and here's some help\" is very "
                    "different from one with quotas. Which kind was yours?",
                ),
                (
                    "priya_talent",
                    "Closer to permission. No targets, no leaderboard, just a monthly writing "
                    "session with someone from comms. Maybe 10% of staff took part, but those "
                    "posts did well.",
                ),
            ],
        },
        {
            "by": "tom_okafor",
            "stance": "agree",
            "body": (
                "Agree. I've been on the receiving end as a candidate: five people from the same "
                'company posting the identical "We\'re hiring!" text within an hour. It made me '
                "less interested, not more. It felt coordinated, because it was."
            ),
        },
        {
            "by": "julia-comms",
            "stance": "example",
            "organisation": "Brightwater Analytics",
            "channel": "linkedin",
            "source_url": "https://example.com/brightwater/advocacy-review",
            "effect": "supports",
            "body": (
                "Brightwater Analytics ran a paid advocacy tool for 18 months: a content "
                "library, points for shares, quarterly prizes. Shares rose sharply in the first "
                "quarter and then fell back to almost nothing. An internal survey at the end "
                "found most participants felt awkward posting pre-written text. The tool was "
                "cancelled; hiring numbers didn't move either way."
            ),
            "replies": [
                (
                    AUTHOR,
                    "Thanks for sharing the ending too; most case studies stop after the first "
                    "quarter. Did anyone look at who kept posting once the prizes stopped?",
                ),
                (
                    "julia-comms",
                    "Yes, a group of about a dozen people, mostly engineers writing about their "
                    "own projects. Which rather proves your point.",
                ),
            ],
        },
        {
            "by": "lukas_berlin",
            "stance": "agree",
            "body": (
                "Asking is fine. Expecting is where it goes wrong. The moment posting shows up "
                "in a performance review, it stops being advocacy and becomes unpaid marketing "
                "work."
            ),
        },
        {
            "by": "mette_hr",
            "stance": "example",
            "organisation": "Kystlinjen Rederi",
            "channel": "youtube",
            "source_url": "https://example.org/kystlinjen/crew-films",
            "effect": "challenges",
            "body": (
                "A shipping company I worked with asked crew members whether they'd like to film "
                "a day on board with their own phones: no script, no approval beyond a safety "
                "check. About a third said yes. The videos became the thing applicants mentioned "
                "most in interviews, and early drop-outs fell noticeably because people knew "
                "what they were signing up for."
            ),
            "replies": [
                (
                    AUTHOR,
                    "This is the kind of case I was hoping for. The drop-out effect is the "
                    "interesting part: it suggests the value lay in honest expectations, not in "
                    "reach.",
                ),
            ],
        },
    ],
    [
        {
            "by": "tom_okafor",
            "stance": "example",
            "organisation": "Halden & Reyes Architects",
            "channel": "event",
            "effect": "supports",
            "body": (
                "For a small architecture practice, the one thing that ever worked was an open "
                "studio evening twice a year. Students and young architects came, saw the work "
                "on the walls and talked to the people doing it. We hired four people in two "
                "years that way. Our Instagram, which is lovely, brought none that we know of."
            ),
        },
        {
            "by": "priya_talent",
            "stance": "example",
            "organisation": "Kestrel Health",
            "channel": "linkedin",
            "source_url": "https://example.com/kestrel-health/night-shift",
            "effect": "supports",
            "body": (
                "Kestrel Health's most successful recruitment post was written by a night-shift "
                "nurse about why she stayed on a difficult ward. It wasn't part of any programme; "
                "she just wrote it. It brought in more applications for that ward than the "
                "previous year's job ads combined. HR then tried to repeat it with a template, "
                "and the follow-ups flopped."
            ),
        },
        {
            "by": "lukas_berlin",
            "stance": "example",
            "organisation": "Ostwind Software",
            "channel": "blog",
            "source_url": "https://example.org/ostwind/engineering",
            "effect": "supports",
            "body": (
                "Our engineering blog. Long, technical posts about real problems we solved, "
                "written by the engineers themselves. It takes months to pay off, but the "
                "candidates who mention it in interviews are consistently the strongest. Nothing "
                "on social media comes close for senior technical roles."
            ),
            "replies": [
                (AUTHOR, "The blog is an underrated channel. Is it written on company time?"),
                (
                    "lukas_berlin",
                    "Yes: half a day per post, agreed with the team lead in advance. Without "
                    "that it wouldn't exist.",
                ),
            ],
        },
        {
            "by": "julia-comms",
            "stance": "disagree",
            "body": (
                'I\'d push back on the framing. "Which channel brought candidates" is hard to '
                "answer honestly, because people rarely come from one place. They see a post, "
                "hear a friend mention the company, then apply through the careers page. "
                "Attribution makes social look weaker than it is."
            ),
            "replies": [
                (
                    "tom_okafor",
                    "True, but the same argument can justify any spend. At some point you have "
                    "to decide what to stop doing.",
                ),
            ],
        },
        {
            "by": "kasperdk",
            "stance": "example",
            "organisation": "Nordvik Energi",
            "channel": "tiktok",
            "effect": "challenges",
            "body": (
                "Nordvik Energi ran a structured ambassador scheme for apprentices on TikTok: "
                "training, a small budget for equipment and clear rules about safety on site. "
                "Applications for apprenticeships doubled over two intake rounds. It *was* a "
                "programme, and it worked, so I don't think the line between programme and "
                "organic is as sharp as the article suggests."
            ),
            "replies": [
                (
                    AUTHOR,
                    "Fair challenge. From what you describe, the programme gave people tools "
                    "rather than scripts, which may be the real dividing line. I'll take that "
                    "into the follow-up.",
                ),
            ],
        },
        {
            "by": "freja_rekruttering",
            "stance": "example",
            "organisation": "Lindholm Hotels",
            "channel": "newsletter",
            "effect": "supports",
            "body": (
                "Lindholm Hotels kept a plain newsletter for former seasonal staff. Every spring "
                "it went out with the new season's openings, and well over half of the seasonal "
                "hires came back through it. No social media involved at all, and by far the "
                "cheapest channel they had."
            ),
        },
    ],
    [
        {
            "by": "julia-comms",
            "stance": "agree",
            "body": (
                "Honestly, mostly no. Once comms has edited a post three times and legal has "
                "removed anything specific, what's left is a press release in a hoodie."
            ),
        },
        {
            "by": "priya_talent",
            "stance": "disagree",
            "body": (
                "It's possible. Paying for someone's time is not the same as paying for their "
                "opinion. We pay people to write code, and nobody thinks the code is "
                "inauthentic. What matters is whether they're allowed to say what they actually "
                "think."
            ),
            "replies": [
                (
                    AUTHOR,
                    "I like the comparison. The question is whether the company can live with "
                    "what they actually think. In my experience, that's where most programmes "
                    "quietly start editing.",
                ),
            ],
        },
        {
            "by": "tom_okafor",
            "stance": "example",
            "organisation": "Saltmarsh Bank",
            "channel": "youtube",
            "source_url": "https://example.com/saltmarsh-bank/day-in-the-life",
            "effect": "supports",
            "body": (
                'Saltmarsh Bank hired a production company to make "authentic day-in-the-life" '
                "videos. Employees pointed out in the comments that the office shown had been "
                "redecorated for the shoot. The series was quietly taken down a month later."
            ),
            "replies": [
                (
                    "mod_jonas",
                    "A reminder for everyone posting examples: stick to what was public or what "
                    "you saw yourself, and leave out the names of individual employees. This one "
                    "is fine as it stands, thanks.",
                ),
            ],
        },
        {
            "by": "lukas_berlin",
            "stance": "disagree",
            "body": (
                "The article treats authenticity as all or nothing. Readers know a company "
                "video is a company video. They don't expect raw footage; they expect it not to "
                "lie. Polished and honest can go together."
            ),
        },
        {
            "by": "sofie_aarhus",
            "stance": "example",
            "organisation": "Fjeldsted Designstudie",
            "channel": "instagram",
            "effect": "challenges",
            "body": (
                "Fjeldsted Designstudie paid each designer a few hours a month to run the "
                "studio's Instagram in turn, with no approval step. The posts were uneven, "
                "sometimes messy, and clearly different voices. Applications from designers "
                "rose, and several applicants said the feed was why they wanted to work there. "
                "Paid, but not controlled."
            ),
        },
    ],
]

ARTICLES: list[dict[str, Any]] = [
    {
        "title": "Hypen om sociale medier i employer branding holder ikke",
        "lede": (
            "Virksomheder bruger flere timer end nogensinde på LinkedIn-opslag, "
            "medarbejdervideoer og TikTok. Men for de fleste flytter det hverken, hvem der "
            "søger, eller hvem der bliver."
        ),
        "body": DA_BODY,
        "questions": [
            "Har sociale medier gjort jeres employer branding bedre – eller bare mere synlig?",
            "Kan en lille virksomhed få noget ud af TikTok og Instagram i rekruttering?",
            "Hvad skal man måle på, hvis man vil vide, om det virker?",
        ],
        "language": "da",
        "tags": ["employer branding", "sociale medier", "rekruttering"],
        "published_days_ago": 14,
        "debate": DA_DEBATE,
        "proposed": DA_PROPOSED,
    },
    {
        "title": "Employee advocacy is not a strategy",
        "lede": (
            "Asking staff to post about their workplace has become the default answer to every "
            "hiring problem. It works far less often than the slide decks promise."
        ),
        "body": EN_BODY,
        "questions": [
            "Should companies ask employees to post about their workplace?",
            "Which channel has actually brought you good candidates?",
            "Is authentic content possible when the company pays for it?",
        ],
        "language": "en",
        "tags": ["employer branding", "employee advocacy", "LinkedIn", "recruitment"],
        "published_days_ago": 10,
        "debate": EN_DEBATE,
        "proposed": [],
    },
]
