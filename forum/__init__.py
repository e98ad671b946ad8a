"""The debate forum: an application factory and nothing else."""

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config from config.Config, then FLASK_* variables, then test_config."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object("config.Config")
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)

    from . import cli, errors, extensions, templating
    from .articles import bp as articles_bp
    from .auth import bp as auth_bp
    from .threads import bp as threads_bp
    from .users import bp as users_bp
    from .votes import bp as votes_bp

    extensions.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    for blueprint in (articles_bp, auth_bp, threads_bp, users_bp, votes_bp):
        app.register_blueprint(blueprint)
    return app
