"""The text of generated content: sentences, Markdown bodies and titles from fixed word lists."""

import random

from markupsafe import Markup

from ..rendering import render_markdown
from ..services.articles import make_slug

WORDS = (
    "employer branding|social media|the hiring manager|our recruiters|a candidate|the team|"
    "LinkedIn|the careers page|a referral|the onboarding|retention|the budget|a video|"
    "the newsletter|an open house|the job advert|the interview|a colleague|the agency"
).split("|")
VERBS = (
    "changed|did not change|doubled|halved|barely moved|made all the difference to|"
    "undermined|supported|distracted from|paid for"
).split("|")
SENTENCES = (
    "In my experience {a} {v} {b}.",
    "We tried this for a year and {a} {v} {b}.",
    "Numbers from last spring suggest that {a} {v} {b}, though the sample was small.",
    "I am not convinced: {a} {v} {b} only because {c} was already strong.",
    "Hos os oplevede vi, at {a} {v} {b}.",
    "The honest answer is that {a} {v} {b}, and nobody measured it properly.",
    "It is tempting to say {a} {v} {b}, but {c} matters more.",
    "When {a} {v} {b}, {c} followed within months.",
    "Vi målte det ikke, men {a} {v} {b}.",
)
ORGANISATIONS = (
    "Nordlys Revision|Havnens Bryggeri|Brightwater Health|Aarhus Kommune|Kestrel Labs|"
    "Fjord Logistics|Oakridge Bank|Sundby Skole|Tidewater Energy|Lindholm Arkitekter|"
    "Copper & Co|Meridian Care"
).split("|")
QUESTIONS = (
    "Does {w} help hiring?|Is {w} worth the money?|Who should own {w}?|"
    "Can a small company compete on {w}?|What does {w} do for retention?|"
    "Is {w} authentic or advertising?|How do you measure {w}?|When does {w} backfire?"
).split("|")
TAGS = (
    "Employer branding|Recruitment|LinkedIn|Retention|HR|Communication|Leadership|Culture|"
    "Onboarding|Video|Advocacy|Measurement"
).split("|")


def sentence(rng: random.Random) -> str:
    a, b, c = rng.sample(WORDS, 3)
    text = rng.choice(SENTENCES).format(a=a, v=rng.choice(VERBS), b=b, c=c)
    return text[0].upper() + text[1:]


def _paragraph(rng: random.Random) -> str:
    sentences = [sentence(rng) for _ in range(rng.randint(1, 4))]
    roll = rng.random()
    if roll < 0.15:
        sentences[0] = f"**{sentences[0]}**"
    elif roll < 0.3:
        word = rng.choice(WORDS)
        sentences[-1] += f" See [{word}](https://example.org/{make_slug(word)})."
    elif roll < 0.4:
        sentences[-1] += f" We called it `{make_slug(rng.choice(WORDS))}`."
    elif roll < 0.5:
        sentences[0] = f"*{sentences[0]}*"
    return " ".join(sentences)


def _block(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.12:
        return "\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(2, 4)))
    if roll < 0.2:
        return "\n".join(f"{n}. {sentence(rng)}" for n in range(1, rng.randint(3, 5)))
    if roll < 0.27:
        return f"> {sentence(rng)}"
    return _paragraph(rng)


def rendered(text: str) -> tuple[str, Markup]:
    return text, render_markdown(text)


def body_pool(rng: random.Random) -> list[tuple[str, Markup]]:
    """About 200 Markdown bodies of one to five blocks, rendered once and reused."""
    return [
        rendered("\n\n".join(_block(rng) for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 5)))))
        for _ in range(200)
    ]


def article_text(rng: random.Random) -> str:
    sections = [f"## {rng.choice(WORDS).capitalize()}\n\n" + _paragraph(rng) for _ in range(4)]
    return "\n\n".join([_paragraph(rng), *sections, _block(rng)])
