"""ADR 0109: `canhve backup` writes one archive of every table, every stored file and a manifest;
`canhve restore` loads it into an empty, freshly migrated database row for row, so the audit chain verifies
against the manifest's head there. The target is a file SQLite database in a child process, whatever
database the suite runs on (on PostgreSQL this is a PostgreSQL → SQLite restore)."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap

import pytest
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from canhve.core import audit_chain
from canhve.core.backup import ExactJSONEncoder, backup_models, migration_state, row_fields
from canhve.core.models import AuditAction, AuditEntry
from canhve.core.secrecy import Secrecy

pytestmark = pytest.mark.django_db


def table_digest(audit_upto=None):
    """Per model: [row count, SHA-256 of its rows in id order as sorted-key JSON]. Comparable across
    databases (jsonb reorders keys; sort_keys does not care)."""
    out = {}
    for model in backup_models():
        qs = model._base_manager.order_by("pk")
        if model is AuditEntry and audit_upto is not None:
            qs = qs.filter(pk__lte=audit_upto)
        rows = serializers.serialize("python", qs.iterator(), fields=row_fields(model))
        text = json.dumps(rows, sort_keys=True, cls=ExactJSONEncoder)
        out[model._meta.label_lower] = [len(rows), hashlib.sha256(text.encode()).hexdigest()]
    return out


def media_files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def read_archive(path):
    with tarfile.open(path) as tar:
        return {info.name: tar.extractfile(info).read() for info in tar}


def write_archive(path, members):
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def altered(src, dst, name, change, *, fix_manifest=False):
    """A copy of archive `src` with member `name` changed, and its manifest checksum updated or not."""
    members = read_archive(src)
    manifest = json.loads(members["manifest.json"])
    if name == "manifest.json":
        manifest = change(manifest)
    else:
        members[name] = change(members[name])
        if fix_manifest:
            manifest["members"][name]["sha256"] = hashlib.sha256(members[name]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    write_archive(dst, members)
    return dst


@pytest.fixture
def demo(world, settings, tmp_path):
    """The test world plus a record of each kind a backup must carry: a survey with an uploaded evidence
    file, a document draft shared with another agency (an M2M row), a binary document file, a signed-in
    session with its TOTP device, and a file under MEDIA_ROOT with a Vietnamese name."""
    from canhve.documents.apps import DocumentsConfig
    from canhve.documents.models import DocumentFile, DocumentType, FileKind
    from canhve.documents.tests.conftest import make_draft
    from canhve.sites import services
    from canhve.sites.tests.conftest import PNG, make_point, survey

    settings.MEDIA_ROOT = tmp_path / "media"
    services.load_default_criteria()
    point = make_point(world, "Điểm dừng giả định")
    services.add_evidence(
        acting_user=world.user("k01_officer"),
        survey=survey(world, point),
        upload=SimpleUploadedFile("ảnh hiện trường.png", PNG, content_type="image/png"),
    )
    DocumentsConfig.load_reference(None)  # type: ignore[arg-type]
    doc = make_draft(world, {t.code: t for t in DocumentType.objects.all()})
    doc.shared_with_agencies.add(world.agencies["CATH"])
    DocumentFile.objects.create(
        document=doc, kind=FileKind.DOCX, data=bytes(range(256)) * 4, sha256="0" * 64, for_status=doc.status
    )
    world.client("k01_commander")  # a session row and a TOTP device
    other = settings.MEDIA_ROOT / "tài liệu" / "báo cáo tháng.pdf"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"%PDF-1.7 " + "Bảo mật".encode())
    return world


CHILD = textwrap.dedent(
    """
    import json, sys, django
    django.setup()
    from canhve.__main__ import main

    def cli(*args):
        try:
            main(["canhve", *args])
        except SystemExit as e:
            return e.code
        return 0

    good, tampered, broken, anchor = sys.argv[1:5]
    out = {"migrate": cli("migrate", "-v", "0")}
    out["tampered"] = cli("restore", tampered)
    out["broken"] = cli("restore", broken)
    out["restore"] = cli("restore", good)
    out["again"] = cli("restore", good)
    out["verify"] = cli("audit", "verify", "--anchor", anchor)
    from canhve.core.tests.test_backup import table_digest
    out["digest"] = table_digest(audit_upto=json.loads(anchor)["id"])
    print("RESULT " + json.dumps(out))
    """
)


def test_a_backup_restores_into_an_empty_database_row_for_row(demo, settings, tmp_path):
    archive = tmp_path / "canhve.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    members = read_archive(archive)
    manifest = json.loads(members["manifest.json"])

    # The backup is on the trail before its snapshot, so the manifest's head is its own row.
    row = AuditEntry.objects.get(pk=manifest["backup_audit_id"])
    assert (row.action, row.object_type) == (AuditAction.EXPORT, "canhve.backup")
    assert row.secrecy == Secrecy.TUYET_MAT
    assert manifest["audit_chain"] == {"head": audit_chain.head(), "verified": True}
    assert manifest["audit_chain"]["head"]["id"] == row.pk
    source = table_digest()
    assert {t["model"]: t["rows"] for t in manifest["tables"]} == {k: v[0] for k, v in source.items()}
    for name, meta in manifest["members"].items():
        assert hashlib.sha256(members[name]).hexdigest() == meta["sha256"], name
    source_media = media_files(settings.MEDIA_ROOT)
    assert len(source_media) == 2 and manifest["missing_media"] == []
    assert {f"media/{k}": v for k, v in source_media.items()}.items() <= members.items()

    audit_member = "data/core.auditentry.jsonl"
    flip = len(members[audit_member]) // 2

    def one_byte(data):
        return data[:flip] + bytes([data[flip] ^ 0x20]) + data[flip + 1 :]

    def dangling_membership(data):
        first, rest = data.split(b"\n", 1)
        row = json.loads(first)
        row["fields"]["user"] = 10**9
        return json.dumps(row).encode() + b"\n" + rest

    tampered = altered(archive, tmp_path / "tampered.tar", audit_member, one_byte)
    membership = "data/accounts.membership.jsonl"
    broken = altered(archive, tmp_path / "broken.tar", membership, dangling_membership, fix_manifest=True)
    anchor = json.dumps(manifest["audit_chain"]["head"])
    target = tmp_path / "target"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CANHVE_MEDIA_ROOT")}
    env.update(CANHVE_VAR_DIR=str(target), DJANGO_SETTINGS_MODULE="canhve.settings")
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(archive), str(tampered), str(broken), anchor],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=os.getcwd(),
    )
    log = run.stdout + run.stderr
    assert run.returncode == 0 and "RESULT " in run.stdout, log
    out = json.loads(run.stdout.split("RESULT ", 1)[1])

    # Refused before writing anything (checksum), and rolled back after writing (dangling foreign key):
    # the genuine archive then still finds the database empty.
    assert out["tampered"] == 1 and f"checksum mismatch: {audit_member}" in run.stderr, log
    assert out["broken"] == 1 and "nothing was written" in run.stderr, log
    assert out["migrate"] == 0 and out["restore"] == 0, log
    assert out["again"] == 1 and "the database is not empty" in run.stderr, log
    assert out["verify"] == 0, log
    assert f'OK {{"count": {manifest["audit_chain"]["head"]["count"] + 1},' in run.stdout, log
    assert out["digest"] == source
    assert media_files(target / "media") == source_media


def test_restore_refuses_a_database_with_rows_or_other_migrations(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = tmp_path / "b.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive), stdout=io.StringIO())
    before = table_digest()

    with pytest.raises(CommandError, match=r"the database is not empty.*agencies_agency"):
        call_command("restore", str(archive), stdout=io.StringIO())

    def older_core(manifest):
        manifest["migrations"]["core"] = "0001_initial"
        return manifest

    other = altered(archive, tmp_path / "other.tar", "manifest.json", older_core)
    latest = migration_state()["core"]
    with pytest.raises(CommandError, match=rf"migrations differ.*core: {latest} ≠ 0001_initial"):
        call_command("restore", str(other), stdout=io.StringIO())
    assert table_digest() == before
