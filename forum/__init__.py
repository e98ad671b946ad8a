"""The debate forum: an application factory and nothing else."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# The key that is refused.
DEV_SECRET_KEY = "dev-only-secret-change-me"  # nosec B105
# Outside tests and debug mode, as long as a random 256-bit key.
MIN_SECRET_KEY_BYTES = 32


class SecretKeyMissing(RuntimeError):
    """FLASK_SECRET_KEY is not set (or is the public development key) outside debug and tests."""


def _key_bytes(key: str | bytes) -> bytes:
    return key if isinstance(key, bytes) else str(key).encode()


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config from forum.config.Config, then FLASK_* variables, then test_config."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object("forum.config.Config")
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)
    if app.config["SECRET_KEY"] in (None, "", DEV_SECRET_KEY) and not (app.debug or app.testing):
        raise SecretKeyMissing(
            "FLASK_SECRET_KEY is not set. Sessions and forms would be signed with a public "
            "development key. Set FLASK_SECRET_KEY to a long random value (`make run` writes "
            "one to .env for development)."
        )
    if len(_key_bytes(app.config["SECRET_KEY"])) < MIN_SECRET_KEY_BYTES and not (
        app.debug or app.testing
    ):
        raise RuntimeError(
            f"FLASK_SECRET_KEY is too short: it must be at least {MIN_SECRET_KEY_BYTES} bytes, "
            "or sessions and links could be forged by guessing it. Generate one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    if hops := app.config["PROXY_FIX_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from . import (
        cli,
        errors,
        extensions,
        health,
        httpheaders,
        jobs,
        observability,
        pagecache,
        requestlog,
        templating,
    )
    from .account import bp as account_bp
    from .admin import bp as admin_bp
    from .articles import bp as articles_bp
    from .auth import bp as auth_bp
    from .converters import IdConverter
    from .desk import bp as desk_bp
    from .moderation import bp as moderation_bp
    from .newsletter import bp as newsletter_bp
    from .notifications import bp as notifications_bp
    from .threads import bp as threads_bp
    from .users import bp as users_bp
    from .votes import bp as votes_bp

    extensions.init_app(app)
    jobs.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    requestlog.init_app(app)
    observability.init_app(app)
    httpheaders.init_app(app)
    pagecache.init_app(app)
    cli.init_app(app)
    # Before the blueprints: their rules take the converter in place when they are added.
    app.url_map.converters["int"] = IdConverter
    for blueprint in (
        account_bp,
        admin_bp,
        articles_bp,
        auth_bp,
        desk_bp,
        health.bp,
        moderation_bp,
        newsletter_bp,
        notifications_bp,
        threads_bp,
        users_bp,
        votes_bp,
    ):
        app.register_blueprint(blueprint)
    return app
