"""Small random rostering problems for property tests: a few officers, posts and days, with skills that
expire, leave, tight weekly caps and agency mixes, so every hard rule is exercised and some places stay
empty."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import strategies as st

from canhve.engines.rostering.generate import HANOI
from canhve.engines.rostering.model import (
    AgencyRequirement,
    Demand,
    Interval,
    Officer,
    Post,
    Preference,
    RosterProblem,
    Shift,
    Skill,
)

SKILLS = ("close_protection", "driver", "eod")
AGENCIES = ("K01", "CA-THANHHOA")
START = datetime(2025, 6, 7, 6, tzinfo=HANOI)  # a Saturday, so weekends are in play


@st.composite
def problems(draw: st.DrawFn, max_officers: int = 7) -> RosterProblem:
    days = draw(st.integers(1, 3))
    # Shift starts on a 2-hour grid with lengths of 4–12 h: overlaps and short rests both occur.
    shifts = []
    for i in range(draw(st.integers(1, 3 * days))):
        start = START + timedelta(hours=2 * draw(st.integers(0, 12 * days - 1)))
        shifts.append(Shift(f"S{i}", start, start + timedelta(hours=draw(st.sampled_from((4, 8, 12))))))
    posts = [
        Post(
            f"P{i}",
            required_skills=frozenset(draw(st.sets(st.sampled_from(SKILLS), max_size=2))),
            min_clearance=draw(st.integers(0, 3)),
            agency_mix=tuple(
                AgencyRequirement(agency, 1)
                for agency in draw(st.sets(st.sampled_from(AGENCIES), max_size=2))
            ),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    officers = [
        Officer(
            f"O{i}",
            agency=draw(st.sampled_from(AGENCIES)),
            skills=tuple(
                Skill(
                    name, None if draw(st.booleans()) else START + timedelta(hours=draw(st.integers(0, 72)))
                )
                for name in draw(st.sets(st.sampled_from(SKILLS)))
            ),
            clearance=draw(st.integers(0, 3)),
            unavailable=tuple(
                Interval(start, start + timedelta(hours=draw(st.integers(1, 24))))
                for start in draw(st.lists(st.sampled_from([s.start for s in shifts]), max_size=1))
            ),
            weekly_cap=timedelta(hours=draw(st.sampled_from((8, 16, 40)))),
            preferences=tuple(
                draw(
                    st.lists(
                        st.builds(Preference, st.integers(-2, 2), st.sampled_from([None, "P0"])), max_size=1
                    )
                )
            ),
        )
        for i in range(draw(st.integers(1, max_officers)))
    ]
    demands = [
        Demand(post.id, shift.id, draw(st.integers(1, 2)))
        for post in posts
        for shift in shifts
        if draw(st.booleans())
    ]
    return RosterProblem(tuple(officers), tuple(posts), tuple(shifts), tuple(demands))
