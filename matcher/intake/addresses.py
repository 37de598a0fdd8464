"""Checking and normalising people's email addresses."""
from email_validator import EmailNotValidError, validate_email


class AddressError(ValueError):
    """An address we cannot write to, with words saying what to fix."""


def normalise_address(address: str, check_deliverability: bool = False) -> str:
    """Return the normalised address, or raise AddressError saying what is wrong."""
    try:
        checked = validate_email((address or "").strip(), check_deliverability=check_deliverability)
    except EmailNotValidError as error:
        raise AddressError(f"Enter an email address like name@example.com. {error}") from error
    # Domains are case-insensitive; most mailboxes ignore local-part case too,
    # so store lower case to recognise a person who writes it differently.
    return checked.normalized.lower()
