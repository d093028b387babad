"""Errors for input that cannot be read. Failed consistency checks are data, not errors."""

ERROR_LINE_CHARS = 300


def one_line(message: str, limit: int = ERROR_LINE_CHARS) -> str:
    """An error as it is shown and stored: its first line, cut short (a library's message may
    quote a corrupt file's bytes)."""
    line = message.splitlines()[0] if message else message
    return line if len(line) <= limit else line[:limit - 1] + "…"


class ParseError(Exception):
    """The input cannot be turned into a report; the message is one line for the user."""


class UnreadableInput(ParseError):
    pass


class NeedsOCR(ParseError):
    def __init__(self, detail: str = "PDF has no text layer: needs OCR") -> None:
        super().__init__(detail)


class ConverterMissing(ParseError):
    pass


class InputTooLarge(ParseError):
    pass
