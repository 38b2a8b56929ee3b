"""Domain errors carry a message a union chair can read (Chinese, via gettext)."""


class DomainError(Exception):
    """A business rule refused the operation; `str(error)` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
