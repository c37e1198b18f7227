"""Error types shared across mailgate; temporary and permanent failures are distinct."""


class MailgateError(Exception):
    """Base class for errors mailgate reports to an operator."""


class ConfigError(MailgateError):
    """The configuration is missing, unreadable or invalid."""


class NotFound(MailgateError):
    """An object does not exist (or the caller may not know that it does)."""


class TemporaryDeliveryError(MailgateError):
    """The relay could not take the message now; retry later."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class PermanentDeliveryError(MailgateError):
    """The relay refused the message for good (5xx) or it may never be sent."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code
