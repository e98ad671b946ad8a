# Public defaults for the `flask` and `forum` commands in this checkout (committed).
# Secrets belong in .env, which `make run` writes and git ignores.
FLASK_APP=forum.cli:create_cli_app
