"""Seeded roster instances for tests and the benchmark: teams over points, a week of shifts,
availability patterns, leaders, and priority weights clustered in time and space."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from tipboard.roster.instance import Instance, Person, Slot

SHIFT_TIMES = [(7, 9), (14, 17), (19, 21), (21, 23)]


def instance(
    n_people: int,
    n_points: int,
    *,
    seed: int = 1,
    days: int = 7,
    leader_share: float = 0.15,
    teams: int | None = None,
    wishes: bool = False,
) -> Instance:
    """``wishes``: also the rules that follow how volunteers live (hours caps, no late shifts for
    some, new volunteers, nights and weekends lately, days already worked, at most 3 days in a row)."""
    rng = random.Random(seed)
    teams = teams or max(1, n_points // 8)
    point_team = {p: p % teams for p in range(n_points)}
    hot = {p: rng.random() < 0.25 for p in range(n_points)}
    monday = dt.datetime(2026, 11, 30)
    slots, sid = [], 0
    for point in range(n_points):
        for day in range(days):
            for start_h, end_h in rng.sample(SHIFT_TIMES, 2):
                sid += 1
                evening = start_h >= 19
                weight = 1.0 + (2.5 if hot[point] else 0.0) * (1.5 if evening else 0.6) + rng.random() * 0.3
                slots.append(
                    Slot(
                        id=sid,
                        point_id=point,
                        start=monday + dt.timedelta(days=day, hours=start_h),
                        end=monday + dt.timedelta(days=day, hours=end_h),
                        min_people=2,
                        max_people=rng.choice((3, 4)),
                        requires_leader=rng.random() < 0.7,
                        weight=round(weight, 3),
                        team_id=point_team[point],
                        late=end_h >= 23,
                        weekend=(monday + dt.timedelta(days=day)).weekday() >= 5,
                    )
                )
    people = []
    for pid in range(1, n_people + 1):
        team = rng.randrange(teams)
        free_days = set(rng.sample(range(days), min(rng.randint(2, 5), days)))
        free_times = set(rng.sample(SHIFT_TIMES, rng.randint(1, 3)))
        available = frozenset(
            s.id
            for s in slots
            if s.team_id == team
            and s.start.weekday() in free_days
            and (s.start.hour, s.end.hour) in free_times
        )
        team_points = [p for p, t in point_team.items() if t == team]
        people.append(
            Person(
                id=pid,
                team_ids=frozenset({team}),
                is_leader=rng.random() < leader_share,
                max_per_week=rng.choice((1, 2, 2, 3)),
                available=available,
                past_load=rng.randint(0, 6),
                preferred_points=frozenset(rng.sample(team_points, min(1, len(team_points)))),
            )
        )
        if wishes:
            people[-1] = dataclasses.replace(
                people[-1],
                max_hours=rng.choice((None, 4.0, 5.0, 8.0)),
                avoid_late=rng.random() < 0.2,
                experienced=people[-1].is_leader or rng.random() < 0.7,
                past_nights=rng.randint(0, 3),
                past_weekends=rng.randint(0, 3),
                worked_days=frozenset(
                    (monday.date() - dt.timedelta(days=d)).toordinal() for d in range(1, rng.randint(1, 4))
                ),
            )
    return Instance(people=people, slots=slots, min_rest_hours=10, max_consecutive_days=3 if wishes else None)
