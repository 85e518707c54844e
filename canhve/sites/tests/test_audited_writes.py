"""ADR 0108: criteria and survey answers are bulk-created; each bulk write leaves one summary row on its
record, in that record's compartment, naming every row it created."""

from canhve.core.models import AuditEntry


def _summary(obj, key):
    rows = AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))
    return [r for r in rows if key in r.changes]


def test_a_survey_audits_the_answers_it_stores_in_its_safe_points_compartment(sites_world):
    survey, point = sites_world.survey, sites_world.point
    (row,) = _summary(survey, "answers_created")
    assert sorted(pk for pk, _ in row.changes["answers_created"]) == sorted(
        survey.answers.values_list("pk", flat=True)
    )
    assert row.secrecy == point.secrecy and row.owner_agency_id == point.owner_agency_id
    assert row.shared_agency_ids == sorted(point.shared_with_agencies.values_list("pk", flat=True))


def test_publishing_a_criteria_set_audits_each_criterion(sites_world):
    cset = sites_world.cset
    (row,) = _summary(cset, "criteria_created")
    assert [code for _, code in row.changes["criteria_created"]] == list(
        cset.criteria.order_by("order").values_list("code", flat=True)
    )
