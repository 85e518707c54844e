from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

router = Router()


class MembershipOut(Schema):
    agency_id: int
    agency_code: str
    agency_name: str
    role: int
    role_name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    rank: str
    title: str
    clearance: int
    clearance_name: str
    is_auditor: bool
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="The signed-in user, memberships and clearance")
def me(request: HttpRequest) -> MeOut:
    user: Any = request.user
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        rank=user.rank,
        title=user.title,
        clearance=user.clearance,
        clearance_name=str(user.get_clearance_display()),
        is_auditor=user.is_auditor,
        memberships=[
            MembershipOut(
                agency_id=m.agency_id,
                agency_code=m.agency.code,
                agency_name=m.agency.name,
                role=m.role,
                role_name=str(m.get_role_display()),
            )
            for m in user.memberships_list
        ],
    )
