"""Scenario JSON (SPEC §6) -> `Scenario`, with every error naming its field.

Unknown keys are errors (a typo such as `open_untill` must not be silently dropped).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

from muster.planning.scenario import (
    DEFAULT_PRIORITY_WEIGHTS,
    Host,
    Quarantine,
    Replacement,
    Returnee,
    Rotation,
    Route,
    Scenario,
    ScenarioError,
    Workplace,
)
from muster.planning.validate import ensure_valid

T = TypeVar("T")
_REQUIRED: Any = object()


def load_scenario(source: str | PathLike[str] | bytes) -> Scenario:
    """Read and validate a scenario from a file path or from the JSON bytes themselves."""
    if isinstance(source, bytes):
        raw = source
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise ScenarioError([f"cannot read scenario file: {exc.strerror}: {source}"]) from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [f"scenario: not UTF-8 text ({exc.reason} at byte {exc.start})"]
        ) from exc
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            [f"scenario: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"]
        ) from exc
    return parse_scenario(data)


def parse_scenario(data: object) -> Scenario:
    """Build and validate a scenario from decoded JSON."""
    errors: list[str] = []
    top = _Obj(data, "scenario", errors)
    scenario = _scenario(top)
    top.reject_unknown()
    if errors or scenario is None:
        raise ScenarioError(errors or ["scenario: invalid"])
    ensure_valid(scenario)
    return scenario


class _Obj:
    """Typed access to one JSON object's fields, recording errors by path."""

    def __init__(self, value: object, path: str, errors: list[str]) -> None:
        self.path = path
        self.errors = errors
        self.ok = isinstance(value, dict)
        self.data: dict[str, Any] = value if isinstance(value, dict) else {}
        self.seen: set[str] = set()
        if not self.ok:
            self.fail(path, f"expected an object, got {_kind(value)}")

    def fail(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")
        self.ok = False

    def get(self, key: str, check: Callable[[object, str], T | None], default: Any) -> T | None:
        """The checked value of `key`, `default` if absent, or None after recording an error."""
        self.seen.add(key)
        path = f"{self.path}.{key}" if self.path != "scenario" else key
        if key not in self.data or (self.data[key] is None and default is not _REQUIRED):
            if default is _REQUIRED:
                self.fail(path, "required")
                return None
            return default  # type: ignore[no-any-return]
        value = check(self.data[key], path)
        if value is None:
            self.ok = False
        return value

    def item_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path != "scenario" else key

    def reject_unknown(self, extra: frozenset[str] = frozenset()) -> None:
        for key in self.data:
            if key not in self.seen and key not in extra:
                self.fail(self.item_path(key), "unknown field")

    # checkers: return the value, or None after recording an error
    def int_(self, value: object, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"expected an integer, got {_kind(value)}")
            return None
        return value

    def str_(self, value: object, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"expected a non-empty string, got {_kind(value)}")
            return None
        return value

    def bool_(self, value: object, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, got {_kind(value)}")
            return None
        return value

    def date_(self, value: object, path: str) -> date | None:
        try:
            if isinstance(value, str) and len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.fail(path, f"expected a date YYYY-MM-DD, got {_show(value)}")
        return None

    def strs(self, value: object, path: str) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(path, f"expected a list of non-empty strings, got {_show(value)}")
            return None
        return tuple(value)

    def rotation(self, value: object, path: str) -> Rotation | None:
        if value == "paired":
            return "paired"
        if value == "free":
            return "free"
        self.fail(path, f"expected 'paired' or 'free', got {_show(value)}")
        return None

    def weights(self, value: object, path: str) -> dict[int, int] | None:
        if not isinstance(value, dict):
            self.fail(path, f"expected an object of priority -> weight, got {_kind(value)}")
            return None
        weights: dict[int, int] = {}
        for key, weight in value.items():
            try:
                priority = int(key)
            except ValueError:
                self.fail(f"{path}.{key}", "priority must be an integer")
                continue
            checked = self.int_(weight, f"{path}.{key}")
            if checked is not None:
                weights[priority] = checked
        return weights

    def objects(self, value: object, path: str) -> list[object] | None:
        if not isinstance(value, list):
            self.fail(path, f"expected a list, got {_kind(value)}")
            return None
        return value


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _scenario(top: _Obj) -> Scenario | None:
    start = top.get("start", top.date_, _REQUIRED)
    horizon = top.get("horizon_days", top.int_, _REQUIRED)
    weights = top.get("priority_weights", top.weights, dict(DEFAULT_PRIORITY_WEIGHTS))
    vacancy = top.get("vacancy_weight", top.int_, 1)
    quarantine = _quarantine(top)
    hosts = _list(top, "hosts", _host)
    routes = _list(top, "routes", _route)
    workplaces = _list(top, "workplaces", _workplace)
    returnees = _list(top, "returnees", _returnee)
    replacements = _list(top, "replacements", _replacement)
    if not top.ok or start is None or horizon is None or weights is None or vacancy is None:
        return None
    if quarantine is None:
        return None
    return Scenario(
        start=start,
        horizon_days=horizon,
        priority_weights=weights,
        vacancy_weight=vacancy,
        quarantine=quarantine,
        hosts=tuple(hosts),
        routes=tuple(routes),
        workplaces=tuple(workplaces),
        returnees=tuple(returnees),
        replacements=tuple(replacements),
    )


def _quarantine(top: _Obj) -> Quarantine | None:
    top.seen.add("quarantine")
    if "quarantine" not in top.data:
        top.fail("quarantine", "required")
        return None
    obj = _Obj(top.data["quarantine"], "quarantine", top.errors)
    beds = obj.get("beds", obj.int_, _REQUIRED)
    days = obj.get("days", obj.int_, _REQUIRED)
    obj.reject_unknown()
    top.ok = top.ok and obj.ok
    return Quarantine(beds=beds, days=days) if beds is not None and days is not None else None


def _list(top: _Obj, key: str, build: Callable[[_Obj], T | None]) -> list[T]:
    items = top.get(key, top.objects, [])
    built: list[T] = []
    for i, item in enumerate(items or []):
        obj = _Obj(item, f"{key}[{i}]", top.errors)
        value = build(obj) if obj.ok else None
        if value is not None and obj.ok:
            built.append(value)
        top.ok = top.ok and obj.ok
    return built


def _host(o: _Obj) -> Host | None:
    id_ = o.get("id", o.str_, _REQUIRED)
    rotation: Rotation | None = o.get("rotation", o.rotation, _REQUIRED)
    stay = o.get("stay", o.str_, None)
    o.reject_unknown()
    if id_ is None or rotation is None:
        return None
    return Host(id_, "paired" if rotation == "paired" else "free", stay)


def _route(o: _Obj) -> Route | None:
    id_, host = o.get("id", o.str_, _REQUIRED), o.get("host", o.str_, _REQUIRED)
    open_from = o.get("open_from", o.date_, _REQUIRED)
    open_until = o.get("open_until", o.date_, None)
    seats_home = o.get("seats_home", o.int_, _REQUIRED)
    seats_out = o.get("seats_out", o.int_, _REQUIRED)
    o.reject_unknown()
    if id_ is None or host is None or open_from is None or seats_home is None:
        return None
    if seats_out is None:
        return None
    return Route(id_, host, open_from, open_until, seats_home, seats_out)


def _workplace(o: _Obj) -> Workplace | None:
    id_, host = o.get("id", o.str_, _REQUIRED), o.get("host", o.str_, _REQUIRED)
    trade = o.get("trade", o.str_, _REQUIRED)
    slots, occupied = o.get("slots", o.int_, _REQUIRED), o.get("occupied", o.int_, _REQUIRED)
    o.reject_unknown()
    if id_ is None or host is None or trade is None or slots is None or occupied is None:
        return None
    return Workplace(id_, host, trade, slots, occupied)


def _returnee(o: _Obj) -> Returnee | None:
    id_, workplace = o.get("id", o.str_, _REQUIRED), o.get("workplace", o.str_, _REQUIRED)
    priority, ready = o.get("priority", o.int_, _REQUIRED), o.get("ready", o.date_, _REQUIRED)
    consent = o.get("consent", o.bool_, _REQUIRED)
    hold = o.get("protection_hold", o.bool_, False)
    fit = o.get("fit_to_travel", o.bool_, True)
    o.reject_unknown()
    if id_ is None or workplace is None or priority is None or ready is None:
        return None
    if consent is None or hold is None or fit is None:
        return None
    return Returnee(id_, workplace, priority, ready, consent, hold, fit)


def _replacement(o: _Obj) -> Replacement | None:
    id_, trades = o.get("id", o.str_, _REQUIRED), o.get("trades", o.strs, _REQUIRED)
    hosts, ready = o.get("hosts", o.strs, _REQUIRED), o.get("ready", o.date_, _REQUIRED)
    o.reject_unknown()
    if id_ is None or trades is None or hosts is None or ready is None:
        return None
    return Replacement(id_, trades, hosts, ready)
