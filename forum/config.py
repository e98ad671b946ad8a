"""Default settings. Safe for development; production overrides them with FLASK_* variables."""


class Config:
    # Only for development and tests: the app refuses to run without debug on this key.
    SECRET_KEY = "dev-only-secret-change-me"  # nosec B105
    SQLALCHEMY_DATABASE_URI = "sqlite:///forum.sqlite"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # SQLite only: how long (ms) a write waits for another's lock before the request gives
    # up with a 503 that hands the user's text back.
    SQLITE_BUSY_TIMEOUT = 5000

    WTF_CSRF_TIME_LIMIT = None

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "da")
    LANGUAGE_COOKIE = "forum_lang"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # None: Secure exactly when the session cookie is. Secure cookies get `__Host-` names.
    REMEMBER_COOKIE_SECURE = None
    # Seconds. "Keep me logged in" lasts this long; a login session unseen (no login, no
    # write) for this long ends on the server too.
    REMEMBER_COOKIE_DURATION = 30 * 24 * 3600
    FORCE_HTTPS = False

    MAX_CONTENT_LENGTH = 1024 * 1024
    # Flask's: the host names the site answers to, e.g. ["debat.example.dk"] (".example.dk"
    # takes its subdomains too); any other Host header gets a plain 400. None: any host.
    TRUSTED_HOSTS = None
    # How many proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: none).
    PROXY_FIX_HOPS = 0

    # Argon2id cost: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), about 24 ms a hash
    # on one core of a 2-core machine, where argon2-cffi's default (64 MiB, t=3, p=4) took
    # 132 ms and both cores. A change rehashes each password at its next login. See the
    # README ("Passwords and logins under load") for the figures.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456
    ARGON2_PARALLELISM = 1
    # Hashes at once per process (each waits up to ARGON2_MAX_WAIT seconds for a slot, then
    # the login answers 503 "busy"): with threads, the other threads keep serving pages.
    ARGON2_MAX_CONCURRENT = 1
    ARGON2_MAX_WAIT = 5

    # z of the Wilson lower bound behind the "best" sort; Reddit's 80% interval by default.
    WILSON_Z = 1.281551565545
    # w of the cross-camp score (ranking.grain): how much of a contribution's score comes from
    # the votes across the camps. The summary and the balanced view rank by it.
    GRAIN_WEIGHT = 0.5
    # A new thread's scores are shown only to those who voted on the post (and to the article's
    # author and the moderators) for this many hours; an article can turn it off.
    SCORES_HIDDEN_HOURS = 48
    # The summary calls a post strongest or best only with this many votes.
    SUMMARY_MIN_VOTES = 3

    # Rate limits: memory:// is per process; several servers must share redis://.
    RATELIMIT_STORAGE_URI = "memory://"
    # While that storage (Redis) does not answer, count in this process's memory instead
    # (Flask-Limiter logs the switch each way); False: every limited request fails.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = "forum"
    RATELIMIT_POSTING = "10/minute;60/hour"
    RATELIMIT_POSTING_NEW_ACCOUNT = "3/minute;20/hour"
    RATELIMIT_EDITING = "20/minute;100/hour"
    RATELIMIT_VOTING = "60/minute;600/hour"
    RATELIMIT_VOTING_NEW_ACCOUNT = "20/minute;200/hour"
    RATELIMIT_FLAGGING = "10/minute;50/hour"
    RATELIMIT_FLAGGING_NEW_ACCOUNT = "3/minute;10/hour"
    RATELIMIT_REGISTERING = "5/hour;20/day"
    # Per address, every login attempt (and every check of a logged-in reader's password).
    RATELIMIT_LOGIN = "5/minute;30/hour"
    # Per account, failed logins only, from addresses that have failed a login in the last day;
    # windows longer than 15 minutes are cut to 15, so nobody locks an owner out for longer.
    RATELIMIT_LOGIN_ACCOUNT = "5/minute;20/15 minutes"
    # Per address, for asking for a password reset link (and a new confirmation link).
    RATELIMIT_PASSWORD_RESET = "3/minute;10/hour"  # nosec B105
    # Downloads of a reader's own data (/account/export), per account.
    RATELIMIT_EXPORT = "5/hour"
    # At most this many links in a post (contribution, reply or edit) by an account younger
    # than a day; moderators and the article's author are not limited.
    NEW_ACCOUNT_MAX_LINKS = 2

    # Seconds. The same text from the same account under the same contribution (or as a new
    # contribution in the same thread) within this time is not stored again: a form sent
    # twice leads to the first post. 0: off.
    DUPLICATE_POST_WINDOW = 300

    # Posting, replying, voting, flagging and proposing threads need a confirmed address.
    # (The demo accounts are confirmed; in development the links are in the log.)
    REQUIRE_CONFIRMED_EMAIL = True
    # How long the links in e-mails work, in seconds.
    EMAIL_CONFIRM_MAX_AGE = 7 * 24 * 3600
    PASSWORD_RESET_MAX_AGE = 3600

    # Flask-Mail. Without a MAIL_SERVER (or with MAIL_SUPPRESS_SEND) e-mails are not sent but
    # written to the log "forum.mail", links and all.
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Forum <noreply@localhost>"
    # The site's address for links read elsewhere (e-mails, Atom feeds), with the path if the
    # forum is served under one, e.g. "https://debat.example.dk". Empty: the address of the
    # request, which a forged Host header could change; set it in production.
    PUBLIC_URL = ""

    # Whole pages until what they show changes: for visitors, and with holes for each reader's
    # own state for logged-in readers (forum/pagecache/). SimpleCache is per process (the
    # versions that say which pages changed are shared by a server's processes, in a file);
    # several servers share RedisCache (CACHE_REDIS_URL). NullCache: off.
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 300
    CACHE_KEY_PREFIX = "forum:"
    CACHE_REDIS_URL = ""
    # SimpleCache's size: at most this many pages per worker (a 200-post page is about 0.6 MB).
    CACHE_THRESHOLD = 100
    # How many of the pages it served last each process keeps unpickled, in front of the cache.
    PAGE_CACHE_RECENT = 16
    # How many rendered posts each process keeps, so a page rendered again after a vote
    # renders only the post that changed (forum/pagecache/cards.py); 0: none.
    PAGE_CACHE_POSTS = 2000
    # Without RedisCache, the file (64 kB) in which the processes of one server share their
    # page versions; None: beside the SQLite database, or in the instance folder.
    PAGE_VERSIONS_FILE = None
    # How many readers' own values (their votes, menu, own posts) for a page each process
    # keeps, so a reader reading the same page again costs a splice; 0: none.
    PAGE_CACHE_READERS = 2000
    # Seconds a proxy or CDN in front may serve a visitor's page without asking again
    # (Cache-Control s-maxage); 0: it asks every time (with If-None-Match: a 304 when unchanged).
    PAGE_CACHE_S_MAXAGE = 0
    # Seconds past s-maxage it may still serve the page while it fetches a new one.
    PAGE_CACHE_STALE_WHILE_REVALIDATE = 0
    # Seconds. While the cache (Redis) does not answer, pages are rendered uncached and it is
    # tried again this often.
    CACHE_RETRY_INTERVAL = 5
    # Seconds a Redis connection (page cache, rate limits) waits to connect or for an answer
    # before the request goes on without it.
    REDIS_SOCKET_TIMEOUT = 0.5

    # Where the jobs beside the requests (e-mail, notifications, digests) wait for the
    # consumer, `forum worker` (forum/jobs.py): empty, a SQLite file in the instance folder;
    # "sqlite:////path/queue.sqlite"; "redis://host:6379/1"; "immediate": no queue, each job
    # runs in the request that makes it (the default under TESTING).
    QUEUE_URL = ""
    # The queue's name in that storage: two forums sharing one Redis need two names.
    QUEUE_NAME = "forum"
    # Sending an e-mail is tried this many times more, first after MAIL_RETRY_DELAY seconds,
    # each wait twice the one before (12 and 60: for about three days).
    MAIL_RETRIES = 12
    MAIL_RETRY_DELAY = 60

    # Seconds an e-mail "as it happens" waits after the notification, so that three replies
    # in a row make one e-mail and what the reader has read in the forum by then is not sent.
    NOTIFY_EMAIL_DELAY = 300
    # The hour (0-23, UTC) of the daily e-mail of notifications for the kinds readers get daily.
    NOTIFY_DIGEST_HOUR = 6

    # The weekly newsletter goes out on this day (0 Monday .. 6 Sunday) at this hour (0-23),
    # UTC, sent by the queue's consumer (`forum worker`); `forum send-digest` sends it by hand.
    NEWSLETTER_DAY = 4
    NEWSLETTER_HOUR = 7
    # Seconds. Asking again for an address sends it another confirmation (or "already
    # subscribed") e-mail only this long after the last: no one can flood an inbox with them.
    NEWSLETTER_RESEND_INTERVAL = 600
    # Per IP address, requests to subscribe to the newsletter that were accepted.
    RATELIMIT_NEWSLETTER = "5/hour;20/day"

    POSTS_PER_PAGE = 50
    ARTICLES_PER_PAGE = 20
    # Entries in an article's Atom feed (its newest contributions and replies).
    FEED_LENGTH = 50

    SITE_NAME = "Forum"

    # "text": one line a record; "json": one JSON object a line, with the request id, user id
    # and path on every record made during a request (forum/observability.py).
    LOG_FORMAT = "text"
    # Error reports to Sentry: empty, off (the SDK is not even imported). No personal data is
    # sent (no cookies, user, addresses, request bodies or local variables).
    SENTRY_DSN = ""
    SENTRY_ENVIRONMENT = "production"
    # Empty: what the SDK finds (SENTRY_RELEASE in the environment, or the git commit).
    SENTRY_RELEASE = ""
