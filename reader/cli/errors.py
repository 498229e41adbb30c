"""The two ways a command fails, by exit code."""


class UsageError(Exception):
    """Bad input from the user: exit code 2."""


class Failure(Exception):
    """The command could not do its job: exit code 1."""
