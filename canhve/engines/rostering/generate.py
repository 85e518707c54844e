"""Synthetic rostering instances for the benchmark and the tests.

Demand is derived from a planted roster (each officer at a home post, one shift type, four or five days a
week), so every instance is feasible by construction and the planted roster proves it. The planted roster
is deliberately poor on the soft rules (a third of the officers work every night shift), which leaves
a solver room to show what it optimises. EOD and CBRN specialists work full weeks in the planted roster, only
3 % more people hold those skills, and all of them also hold close protection: a time-ordered greedy spends
them on ordinary posts early in the week and then cannot staff the EOD and CBRN posts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from canhve.engines.rostering.model import (
    AgencyRequirement,
    Assignment,
    Demand,
    Interval,
    Officer,
    Post,
    Preference,
    RosterProblem,
    Shift,
    Skill,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SHIFT_HOURS = (6, 14, 22)
SHIFT_LENGTH = timedelta(hours=8)
MAX_SHIFTS_PER_WEEK = 5
PROVINCES = ("CA-HANOI", "CA-THANHHOA", "CA-DANANG", "CA-HCM")
RANKS = ("Thiếu úy", "Trung úy", "Thượng úy", "Đại úy", "Thiếu tá")

# (required skills, min clearance, share of posts)
POST_PROFILES: tuple[tuple[frozenset[str], int, float], ...] = (
    (frozenset({"close_protection"}), 1, 0.58),
    (frozenset({"driver"}), 0, 0.12),
    (frozenset({"close_protection", "medic"}), 1, 0.06),
    (frozenset({"food_testing"}), 1, 0.05),
    (frozenset({"close_protection", "marksman"}), 2, 0.05),
    (frozenset({"close_protection", "language_en"}), 1, 0.03),
    (frozenset({"eod"}), 2, 0.07),
    (frozenset({"cbrn"}), 2, 0.04),
)
SCARCE = frozenset({"eod", "cbrn"})
# Chance that an officer holds a skill beyond those of the home post.
EXTRA_SKILLS = {
    "close_protection": 0.5,
    "driver": 0.2,
    "medic": 0.05,
    "marksman": 0.05,
    "language_en": 0.15,
    "food_testing": 0.03,
}
SCARCE_SPARE = 0.03
MIX_POST_SHARE = 0.15


@dataclass(frozen=True)
class GeneratedInstance:
    problem: RosterProblem
    # A complete roster meeting every hard rule: the proof that the instance is feasible.
    planted: tuple[Assignment, ...]


def generate(
    n_officers: int = 1000,
    n_posts: int = 200,
    days: int = 7,
    *,
    seed: int = 0,
    load: float = 0.9,
    first_day: date = date(2025, 6, 2),
) -> GeneratedInstance:
    """An instance whose demand is `load` of the officers' weekly capacity of five 8-hour shifts."""
    if n_posts < 1 or days < 1:
        raise ValueError("need at least one post and one day")
    rng = np.random.default_rng(seed)
    shifts = tuple(
        Shift(f"D{day}-{hour:02d}", start, start + SHIFT_LENGTH)
        for day in range(days)
        for hour in SHIFT_HOURS
        for start in [datetime.combine(first_day + timedelta(days=day), time(hour), HANOI)]
    )
    profiles = rng.choice(len(POST_PROFILES), size=n_posts, p=[share for *_, share in POST_PROFILES])
    mix_posts = {
        p for p in range(n_posts) if POST_PROFILES[profiles[p]][1] < 2 and rng.random() < MIX_POST_SHARE
    }
    province = {p: str(rng.choice(PROVINCES)) for p in mix_posts}

    home = np.arange(n_officers) % n_posts
    rank_at_post = np.zeros(n_officers, dtype=np.int64)
    seen: Counter[int] = Counter()
    for officer in range(n_officers):
        rank_at_post[officer] = seen[home[officer]]
        seen[home[officer]] += 1

    leave = _leave(rng, n_officers, days)
    planted: list[Assignment] = []
    pattern: dict[tuple[int, int], tuple[int, list[int]]] = {}
    agencies = []
    for officer in range(n_officers):
        post = int(home[officer])
        # At a mix post officers come in pairs (K01 + local police) sharing one pattern, so every staffed
        # shift meets the agency requirement.
        team = rank_at_post[officer] // 2 if post in mix_posts else rank_at_post[officer]
        if post in mix_posts:
            agencies.append("K01" if rank_at_post[officer] % 2 == 0 else province[post])
        else:
            agencies.append(str(rng.choice(("K01", "K01", "K02", *PROVINCES))))
        if (post, team) not in pattern:
            free_days = [d for d in range(days) if d not in leave[officer]]
            # Scarce specialists work a full week, so their skills have almost no slack.
            own_load = 1.0 if POST_PROFILES[profiles[post]][0] & SCARCE else load
            pattern[post, team] = (int(team % len(SHIFT_HOURS)), _work_days(rng, free_days, days, own_load))
        hour_slot, work_days = pattern[post, team]
        work_days = [d for d in work_days if d not in leave[officer]]
        planted.extend(
            Assignment(f"O{officer:04d}", f"P{post:03d}", shifts[d * len(SHIFT_HOURS) + hour_slot].id)
            for d in work_days
        )

    officers = _officers(rng, home, profiles, agencies, leave, shifts)
    posts = tuple(
        Post(
            f"P{p:03d}",
            f"Post {p}",
            POST_PROFILES[profiles[p]][0],
            POST_PROFILES[profiles[p]][1],
            (AgencyRequirement("K01", 1), AgencyRequirement(province[p], 1)) if p in mix_posts else (),
        )
        for p in range(n_posts)
    )
    heads = Counter((a.post_id, a.shift_id) for a in planted)
    demands = tuple(Demand(post, shift, count) for (post, shift), count in sorted(heads.items()))
    problem = RosterProblem(officers=officers, posts=posts, shifts=shifts, demands=demands)
    return GeneratedInstance(problem, tuple(sorted(planted)))


def _leave(rng: np.random.Generator, n_officers: int, days: int) -> list[set[int]]:
    leave: list[set[int]] = []
    for _ in range(n_officers):
        if rng.random() < 0.1 and days > 1:
            first = int(rng.integers(days))
            leave.append(set(range(first, min(days, first + int(rng.integers(1, 4))))))
        else:
            leave.append(set())
    return leave


def _work_days(rng: np.random.Generator, free_days: list[int], days: int, load: float) -> list[int]:
    chosen = []
    for week_start in range(0, days, 7):
        block = [d for d in free_days if week_start <= d < week_start + 7]
        span = min(7, days - week_start)
        wanted = MAX_SHIFTS_PER_WEEK * load * span / 7
        count = min(len(block), MAX_SHIFTS_PER_WEEK, int(wanted) + int(rng.random() < wanted % 1))
        chosen.extend(sorted(rng.choice(block, size=count, replace=False).tolist()) if count else [])
    return chosen


def _officers(
    rng: np.random.Generator,
    home: np.ndarray,
    profiles: np.ndarray,
    agencies: list[str],
    leave: list[set[int]],
    shifts: tuple[Shift, ...],
) -> tuple[Officer, ...]:
    n_officers, n_posts = len(home), len(profiles)
    horizon_start = shifts[0].start
    horizon_days = len(shifts) // len(SHIFT_HOURS)
    home_skills = [POST_PROFILES[profiles[home[o]]][0] for o in range(n_officers)]
    planted_scarce = Counter(skill for skills in home_skills for skill in skills & SCARCE)
    spare_scarce = {
        skill: set(rng.choice(n_officers, size=int(np.ceil(count * SCARCE_SPARE)), replace=False).tolist())
        for skill, count in planted_scarce.items()
    }

    officers = []
    for o in range(n_officers):
        skills = set(home_skills[o]) | {s for s, holders in spare_scarce.items() if o in holders}
        skills |= {name for name, chance in EXTRA_SKILLS.items() if rng.random() < chance}
        if skills & SCARCE:
            skills.add("close_protection")
        expiring = sorted(skills - home_skills[o] - SCARCE)
        lapse = str(rng.choice(expiring)) if expiring and rng.random() < 0.05 and horizon_days > 1 else None
        lapse_at = horizon_start + timedelta(days=int(rng.integers(1, max(horizon_days, 2))))
        clearance = max(
            POST_PROFILES[profiles[home[o]]][1],
            2 if skills & SCARCE else 0,
            int(rng.choice(4, p=[0.15, 0.4, 0.3, 0.15])),
        )
        officers.append(
            Officer(
                id=f"O{o:04d}",
                agency=agencies[o],
                rank=str(rng.choice(RANKS)),
                skills=tuple(Skill(name, lapse_at if name == lapse else None) for name in sorted(skills)),
                clearance=clearance,
                unavailable=tuple(
                    Interval(horizon_start + timedelta(days=d), horizon_start + timedelta(days=d + 1))
                    for d in sorted(leave[o])
                ),
                preferences=_preferences(rng, n_posts),
            )
        )
    return tuple(officers)


def _preferences(rng: np.random.Generator, n_posts: int) -> tuple[Preference, ...]:
    roll = rng.random()
    if roll < 0.1:
        return (Preference(-2, start_hour=22),)
    if roll < 0.15:
        return (Preference(1, start_hour=6),)
    if roll < 0.2:
        return (Preference(2, post_id=f"P{int(rng.integers(n_posts)):03d}"),)
    return ()
