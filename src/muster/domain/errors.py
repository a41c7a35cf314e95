"""Domain errors: each carries a message a user can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an action; the message says why and what to do."""


class NotPermitted(DomainError):
    """The acting user lacks the permission or the unit scope for an action."""


class OutOfScope(NotPermitted):
    """The unit acted on lies outside the acting user's subtree (the web answers 404: as if
    absent, so that a refusal tells nothing about another subtree)."""


class NotFound(DomainError):
    """A unit, call, person or submission named by the user does not exist (or is out of scope)."""
