"""`python -m forum`: the same as the `forum` command."""

from .cli import main

main()
