#!/usr/bin/env python
"""Django's command line for this project (development settings unless DJANGO_ENV says otherwise)."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "applyingml.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
