"""The demo's users: who acts for each unit, and which of them are printed as demo logins."""

from __future__ import annotations

from dataclasses import dataclass

from muster.demo.model import World

EVERY_PERMISSION = ("submit", "review", "plan", "admin", "medical", "welfare", "protection")
HQ_ADMIN = "hq.admin"
PROTECTION_OFFICER = "protection.officer"
MEDICAL_OFFICER = "medical.officer"
SHOWN_CLERKS = 3


@dataclass(frozen=True)
class DemoUser:
    """A user to create; `shown` ones are printed as demo logins."""

    name: str
    unit_code: str
    permissions: tuple[str, ...]
    role: str
    shown: bool = True


def reviewer_of(unit_code: str) -> str:
    """The login of the reviewer at a mission or consulate."""
    return f"review.{unit_code.lower()}"


def clerk_of(workplace_code: str) -> str:
    """The login of the clerk who submits a workplace's lists."""
    return f"clerk.{workplace_code.lower()}"


def demo_users(world: World) -> list[DemoUser]:
    """HQ admin, officers, a reviewer per mission and consulate, a clerk per workplace."""
    hq = world.units_of_kind("headquarters")[0].code
    users = [
        DemoUser(HQ_ADMIN, hq, EVERY_PERMISSION, "HQ administrator (every permission)"),
        DemoUser(PROTECTION_OFFICER, hq, ("protection", "welfare"), "protection officer"),
        DemoUser(MEDICAL_OFFICER, hq, ("medical",), "medical officer"),
    ]
    for mission in world.units_of_kind("mission"):
        users.append(DemoUser(reviewer_of(mission.code), mission.code, ("review", "plan"),
                              f"mission reviewer, {mission.name}"))  # fmt: skip
    for consulate in world.units_of_kind("consulate"):
        users.append(DemoUser(reviewer_of(consulate.code), consulate.code, ("review",),
                              f"consulate reviewer, {consulate.name}"))  # fmt: skip
    for number, workplace in enumerate(world.workplaces()):
        users.append(DemoUser(clerk_of(workplace.code), workplace.code, ("submit",),
                              f"workplace submitter, {workplace.name}",
                              shown=number < SHOWN_CLERKS))  # fmt: skip
    return users
