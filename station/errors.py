"""Errors a user can cause: one plain sentence saying what to do, no traceback."""


class UserError(Exception):
    """Bad input from a person (a file, an option, a config); the CLI prints the
    message alone and exits with ``exit_code``."""

    exit_code = 2
