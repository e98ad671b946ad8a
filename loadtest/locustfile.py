"""What real users do, for sizing servers: `locust -f loadtest/locustfile.py --headless ...`.

Run it against a forum loaded with the demo content (`forum seed-demo`), on
loopback only. Readers browse; members log in with the demo accounts and post, reply and vote.
"""

import random
import re

from locust import HttpUser, between, task

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ARTICLE_LINK = re.compile(r'href="(/articles/[a-z0-9-]+)"')
THREAD_LINK = re.compile(r'href="(/threads/\d+)"')
POST_ID = re.compile(r'<article id="post-(\d+)" class="post contribution')
MEMBERS = [
    "mette_hr",
    "kasperdk",
    "freja_rekruttering",
    "rasmus-b",
    "nanna_k",
    "sofie_aarhus",
    "priya_talent",
    "tom_okafor",
    "julia-comms",
    "lukas_berlin",
]
PASSWORD = "demo-password-1"


class Reader(HttpUser):
    """A visitor: front page, an article, a thread or two."""

    weight = 4
    wait_time = between(1, 5)

    @task
    def read_a_debate(self) -> None:
        front = self.client.get("/")
        articles = ARTICLE_LINK.findall(front.text)
        if not articles:
            return
        article = self.client.get(random.choice(articles), name="/articles/[slug]")
        for thread in random.sample(THREAD_LINK.findall(article.text), k=1):
            self.client.get(thread, name="/threads/[id]")


class Member(HttpUser):
    """A logged-in reader who posts, replies and votes."""

    weight = 1
    wait_time = between(2, 8)

    def on_start(self) -> None:
        page = self.client.get("/auth/login")
        self.client.post(
            "/auth/login",
            data={
                "username": random.choice(MEMBERS),
                "password": PASSWORD,
                "csrf_token": TOKEN.search(page.text).group(1),
            },
        )

    def _thread(self) -> tuple[str, str]:
        front = self.client.get("/")
        article = self.client.get(
            random.choice(ARTICLE_LINK.findall(front.text)), name="/articles/[slug]"
        )
        thread = random.choice(THREAD_LINK.findall(article.text))
        return thread, self.client.get(thread, name="/threads/[id]").text

    @task(5)
    def vote(self) -> None:
        thread, page = self._thread()
        posts = POST_ID.findall(page)
        if posts:
            self.client.post(
                f"/posts/{random.choice(posts)}/vote",
                data={"value": random.choice(["1", "1", "-1", "0"])},
                headers={"X-CSRFToken": TOKEN.search(page).group(1), "Accept": "application/json"},
                name="/posts/[id]/vote",
            )

    @task(2)
    def contribute(self) -> None:
        thread, page = self._thread()
        self.client.post(
            f"{thread}/posts",
            data={
                "stance": random.choice(["agree", "disagree"]),
                "body": "A load-test contribution with **some** Markdown.",
                "csrf_token": TOKEN.search(page).group(1),
            },
            name="/threads/[id]/posts",
        )

    @task(1)
    def reply(self) -> None:
        thread, page = self._thread()
        posts = POST_ID.findall(page)
        if posts:
            self.client.post(
                f"/posts/{random.choice(posts)}/replies",
                data={"body": "A load-test reply.", "csrf_token": TOKEN.search(page).group(1)},
                name="/posts/[id]/replies",
            )
