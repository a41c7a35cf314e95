"""People in the registry, their deployments, and protection holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Role(StrEnum):
    """What a person does at a workplace."""

    WORKER = "worker"
    MANAGER = "manager"
    BUSINESS_REP = "business_rep"


class Purpose(StrEnum):
    """Why a person is abroad."""

    WORK = "work"
    SHORT_TRIP = "short_trip"


class Sex(StrEnum):
    """Sex as written in the passport."""

    M = "M"
    F = "F"


@dataclass(frozen=True)
class Person:
    """Someone in the registry."""

    person_id: str
    family_name: str
    given_name: str
    name_native: str | None
    date_of_birth: date | None
    sex: Sex | None
    passport_no: str | None


@dataclass(frozen=True)
class Deployment:
    """A person at a workplace."""

    person_id: str
    workplace_code: str
    role: Role
    purpose: Purpose
    arrived: date | None = None
    permit_expires: date | None = None
    end_date: date | None = None


def permit_expiring(deployment: Deployment, today: date, within_days: int) -> bool:
    """True when the permit ends within `within_days` of today (or has already ended)."""
    if deployment.permit_expires is None:
        return False
    return (deployment.permit_expires - today).days <= within_days
