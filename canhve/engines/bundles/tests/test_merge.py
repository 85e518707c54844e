"""Planning an import: new records insert, newer supersede, older never overwrite, both-sided edits
are listed as conflicts, and importing the same content twice plans nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from canhve.engines.bundles import (
    LocalRecord,
    MergeAction,
    Record,
    RecordKey,
    ReplayedBundle,
    SeenBundles,
    apply_plan,
    open_bundle,
    plan_merge,
)

T0 = dt.datetime(2025, 9, 1, 8, 0, tzinfo=dt.UTC)


def task(version: int, title: str = "Khảo sát tuyến đường", origin: str = "K01", key: str = "t-1") -> Record:
    return Record("operations.Task", key, version, T0 + dt.timedelta(hours=version), origin, {"title": title})


def held(record: Record, common_version: int | None = None) -> dict[RecordKey, LocalRecord]:
    local = LocalRecord(record.version, record.updated_at, record.origin, dict(record.fields), common_version)
    return {record.ref: local}


def only_step(local, incoming: Record):
    (step,) = plan_merge(local, [incoming]).steps
    return step


def test_it_inserts_records_not_held_here(payload):
    plan = plan_merge({}, payload.records)

    assert {step.action for step in plan.steps} == {MergeAction.INSERT}
    assert len(plan.changes) == len(payload.records)


def test_importing_the_same_bundle_twice_plans_nothing_new(bundle, k01, cath):
    opened = open_bundle(bundle, cath, {"K01": k01.public}, SeenBundles())
    after_first = apply_plan({}, plan_merge({}, opened.payload.records))

    second = plan_merge(after_first, opened.payload.records)

    assert second.changes == ()
    assert {step.action for step in second.steps} == {MergeAction.KEEP}
    assert apply_plan(after_first, second) == after_first
    # and the bundle itself is refused once its id is recorded as imported
    seen = SeenBundles(
        ids=frozenset({opened.header.bundle_id}), last_sequence={"K01": opened.header.sequence}
    )
    with pytest.raises(ReplayedBundle):
        open_bundle(bundle, cath, {"K01": k01.public}, seen)


def test_a_newer_version_supersedes_the_one_held(payload):
    old = task(2, "Khảo sát tuyến đường")
    new = task(3, "Khảo sát tuyến đường và điểm dừng")

    local = held(old)
    step = only_step(local, new)
    after = apply_plan(local, plan_merge(local, [new]))

    assert step.action is MergeAction.SUPERSEDE
    assert after[new.ref].version == 3
    assert after[new.ref].fields == {"title": "Khảo sát tuyến đường và điểm dừng"}


def test_an_older_version_never_overwrites(payload):
    local = held(task(5, "bản mới"))
    older = task(4, "bản cũ")

    plan = plan_merge(local, [older])

    assert plan.steps[0].action is MergeAction.IGNORE_OLDER
    assert apply_plan(local, plan) == local


def test_the_same_version_with_other_content_is_a_conflict():
    local = held(task(3, "sửa ở K01"))
    theirs = task(3, "sửa ở Thanh Hóa")

    plan = plan_merge(local, [theirs])

    assert [step.action for step in plan.conflicts] == [MergeAction.CONFLICT]
    assert "version 3" in plan.conflicts[0].reason
    assert apply_plan(local, plan) == local  # nothing lost: the person resolving sees both copies
    assert plan.conflicts[0].incoming == theirs and plan.conflicts[0].local == local[theirs.ref]


def test_edits_on_both_sides_since_the_common_version_are_a_conflict_even_if_one_is_higher():
    local = held(task(4, "sửa một lần ở đây"), common_version=3)

    for incoming_version in (5, 6):
        step = only_step(local, task(incoming_version, "sửa hai lần bên kia"))
        assert step.action is MergeAction.CONFLICT
        assert "since version 3" in step.reason


def test_a_lower_version_edited_since_the_common_version_is_a_conflict_not_ignored():
    local = held(task(6, "ba lần ở đây"), common_version=3)

    assert only_step(local, task(4, "một lần bên kia")).action is MergeAction.CONFLICT


def test_without_local_edits_since_the_common_version_a_newer_one_supersedes():
    local = held(task(3), common_version=3)

    assert only_step(local, task(7, "bên kia")).action is MergeAction.SUPERSEDE


def test_the_same_key_created_by_two_agencies_is_a_conflict():
    local = held(task(1, origin="CATH"))

    step = only_step(local, task(1, origin="K01"))

    assert step.action is MergeAction.CONFLICT
    assert "CATH" in step.reason and "K01" in step.reason


def test_a_newer_clock_alone_changes_nothing():
    record = task(2)
    local = held(record)
    later_clock = dataclasses.replace(record, updated_at=record.updated_at + dt.timedelta(days=30))

    assert only_step(local, later_clock).action is MergeAction.KEEP


def test_content_compares_as_json_not_as_python_objects():
    local = held(Record("sites.Site", "s-1", 2, T0, "CATH", {"point": [19.8, 105.7], "a": 1, "b": 2}))
    same = Record("sites.Site", "s-1", 2, T0, "CATH", {"b": 2, "a": 1, "point": (19.8, 105.7)})

    assert only_step(local, same).action is MergeAction.KEEP


def test_a_record_listed_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        plan_merge({}, [task(1), task(2)])


def test_counts_name_every_action():
    local = held(task(2, key="a")) | held(task(5, key="b"))
    plan = plan_merge(local, [task(3, key="a"), task(4, key="b"), task(1, key="c")])

    counts = plan.counts()

    assert set(counts) == set(MergeAction)
    assert (
        counts[MergeAction.SUPERSEDE] == counts[MergeAction.IGNORE_OLDER] == counts[MergeAction.INSERT] == 1
    )
    assert counts[MergeAction.KEEP] == counts[MergeAction.CONFLICT] == 0


# Random histories: each key may be held here and/or arrive, at small versions so they collide often.
versions = st.integers(min_value=1, max_value=5)
titles = st.sampled_from(["a", "b"])
sides = st.dictionaries(
    st.sampled_from(["k1", "k2", "k3", "k4", "k5"]),
    st.tuples(
        st.one_of(st.none(), st.tuples(versions, titles, st.one_of(st.none(), versions))),
        st.one_of(st.none(), st.tuples(versions, titles)),
    ),
)


def build(history):
    local, incoming = {}, []
    for key, (mine, theirs) in history.items():
        if mine is not None:
            version, title, common = mine
            record = task(version, title, key=key)
            local |= held(record, None if common is None else min(common, version))
        if theirs is not None:
            incoming.append(task(theirs[0], theirs[1], key=key))
    return local, incoming


@given(sides)
def test_no_plan_lowers_a_version_or_touches_a_conflict(history):
    local, incoming = build(history)
    plan = plan_merge(local, incoming)
    after = apply_plan(local, plan)

    for step in plan.steps:
        before = local.get(step.key)
        if before is not None:
            assert after[step.key].version >= before.version
        if step.action in (MergeAction.CONFLICT, MergeAction.IGNORE_OLDER):
            assert after[step.key] == before
        if step.action in (MergeAction.INSERT, MergeAction.SUPERSEDE):
            assert after[step.key].fields == dict(step.incoming.fields)
    assert set(after) == set(local) | {record.ref for record in incoming}  # nothing held is dropped


@given(sides)
def test_planning_again_after_applying_changes_nothing(history):
    local, incoming = build(history)
    first = plan_merge(local, incoming)
    after = apply_plan(local, first)

    again = plan_merge(after, incoming)

    assert again.changes == ()
    assert {step.key for step in again.conflicts} == {step.key for step in first.conflicts}
    assert apply_plan(after, again) == after
