"""``python -m glutecoach.cli``: the same as the ``glutecoach`` command."""

from glutecoach.cli import main

main()
