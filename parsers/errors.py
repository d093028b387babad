"""Errors for input that cannot be read. Failed consistency checks are data, not errors."""


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
