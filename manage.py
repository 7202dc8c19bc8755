#!/usr/bin/env python
"""Django's command-line utility for Tally."""

import os
import sys
from pathlib import Path

LOCAL_ENV = Path(__file__).resolve().parent / ".env.local"


def load_local_env(path: Path = LOCAL_ENV) -> None:
    """Read the checkout's ``.env.local`` (``KEY=value`` lines) that ``make run`` writes.

    Commands typed by hand (``manage.py loaddemo --json``) then find the same secret key and
    order-session keys as the running site; a variable already set in the environment wins,
    and without the file nothing changes (production sets its environment itself).
    """
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            os.environ.setdefault(key, value)


def main() -> None:
    load_local_env()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
