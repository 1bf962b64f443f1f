"""Business hours as typed, immutable values: the weekly opening times, public holidays, one-off
closures and special openings of a schedule.

Values only, like the rest of `builder.format.model` (which re-exports every name here, so callers import
from there); what "open at this moment" means is worked out in `builder.hours.schedule`. `to_dict` leaves
empty optional fields out so that a round trip is byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Interval:
    """Open from `start` to `end` local time on `day`; end <= start runs past midnight."""

    day: str
    start: str
    end: str

    @property
    def overnight(self) -> bool:
        return self.end <= self.start and self.end != "24:00"

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class HolidaySet:
    """Public holidays of a country (and region), minus the ones the team works anyway."""

    country: str
    subdivision: str | None = None
    ignore: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"country": self.country}
        if self.subdivision:
            out["subdivision"] = self.subdivision
        if self.ignore:
            out["ignore"] = list(self.ignore)
        return out


@dataclass(frozen=True)
class Closure:
    """A whole local day closed whatever else says open (a team event, an office move)."""

    date: str
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "name": self.name} if self.name else {"date": self.date}


@dataclass(frozen=True)
class SpecialOpening:
    """Hours on one date that replace the weekly ones, even on a public holiday (a Sunday sale)."""

    date: str
    start: str
    end: str
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"date": self.date, "start": self.start, "end": self.end}
        if self.name:
            out["name"] = self.name
        return out


@dataclass(frozen=True)
class Schedule:
    """When a team is open, in its own time zone; teams and the settings refer to it by `id`."""

    id: str
    name: str
    timezone: str
    weekly: tuple[Interval, ...] = ()
    holidays: HolidaySet | None = None
    closures: tuple[Closure, ...] = ()
    special_openings: tuple[SpecialOpening, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "timezone": self.timezone,
            "weekly": [i.to_dict() for i in self.weekly],
        }
        if self.holidays is not None:
            out["holidays"] = self.holidays.to_dict()
        if self.closures:
            out["closures"] = [c.to_dict() for c in self.closures]
        if self.special_openings:
            out["special_openings"] = [s.to_dict() for s in self.special_openings]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schedule:
        hol = data.get("holidays")
        return cls(
            id=data["id"],
            name=data["name"],
            timezone=data["timezone"],
            weekly=tuple(Interval(i["day"], i["start"], i["end"]) for i in data.get("weekly", [])),
            holidays=HolidaySet(hol["country"], hol.get("subdivision"), tuple(hol.get("ignore", [])))
            if hol else None,
            closures=tuple(Closure(c["date"], c.get("name", "")) for c in data.get("closures", [])),
            special_openings=tuple(
                SpecialOpening(s["date"], s["start"], s["end"], s.get("name", ""))
                for s in data.get("special_openings", [])
            ),
        )
