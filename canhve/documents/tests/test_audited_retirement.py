"""ADR 0108: retiring a signing credential (a new one loaded for the same holder) writes an audit row."""

from canhve.core.models import AuditAction, AuditEntry
from canhve.documents import services
from canhve.documents.models import CredentialKind, SigningCredential


def test_loading_a_new_seal_audits_the_retirement_of_the_old_one(world, signing, demo_ca):
    old = SigningCredential.objects.get(
        kind=CredentialKind.SEAL, agency=world.agencies["K01"], is_active=True
    )
    seal = demo_ca.seal("K01")
    services.upload_credential(
        acting_user=signing,
        agency=world.agencies["K01"],
        kind=CredentialKind.SEAL,
        pkcs12=seal.pkcs12,
        passphrase=seal.passphrase,
    )
    old.refresh_from_db()
    assert not old.is_active
    rows = AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="documents.SigningCredential", object_id=str(old.pk)
    )
    assert [row.changes.get("is_active") for row in rows] == [[True, False]]
