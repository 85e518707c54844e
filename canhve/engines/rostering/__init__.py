"""Roster engine: staff posts with officers under hard rules, optimising fairness, continuity and wishes.

Plain Python (no Django). The app builds a RosterProblem, calls `solve`, and stores the RosterSolution;
`check_roster` validates a hand-edited roster and `explain_unfilled` says why places stay empty.
"""

from canhve.engines.rostering.explain import explain_unfilled
from canhve.engines.rostering.greedy import PinError
from canhve.engines.rostering.model import (
    AgencyRequirement,
    AgencyShortfall,
    Assignment,
    Demand,
    Interval,
    Objective,
    Officer,
    Post,
    Preference,
    Reason,
    ReasonCode,
    RosterProblem,
    RosterSolution,
    Rule,
    Shift,
    Skill,
    SolveStats,
    Unfilled,
    Violation,
    Weights,
)
from canhve.engines.rostering.solver import ProgressCallback, solve
from canhve.engines.rostering.validate import check_roster

__all__ = [
    "AgencyRequirement",
    "AgencyShortfall",
    "Assignment",
    "Demand",
    "Interval",
    "Objective",
    "Officer",
    "PinError",
    "Post",
    "Preference",
    "ProgressCallback",
    "Reason",
    "ReasonCode",
    "RosterProblem",
    "RosterSolution",
    "Rule",
    "Shift",
    "Skill",
    "SolveStats",
    "Unfilled",
    "Violation",
    "Weights",
    "check_roster",
    "explain_unfilled",
    "solve",
]
