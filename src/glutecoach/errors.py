"""The one exception the shells turn into a one-line message (CLI exit 2, HTTP 4xx)."""


class InputError(ValueError):
    """Input that cannot be analysed: missing, empty, not a video, wrong array shape, ...

    The message is a complete sentence naming the problem and the file; shells print it as is.
    """
