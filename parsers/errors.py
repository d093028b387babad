"""Errors for input that cannot be read. Failed consistency checks are data, not errors."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def as_parse_errors(kind: str) -> Iterator[None]:
    """Whatever goes wrong inside a reader leaves as a ParseError with a one-line message:
    any library failure on hostile input becomes a clean error."""
    try:
        yield
    except ParseError:
        raise
    except RecursionError:
        raise UnreadableInput(f"{kind}: nesting too deep to read") from None
    except Exception as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise UnreadableInput(f"{kind}: {type(exc).__name__}: {detail}".rstrip(": ")) from exc
