"""Backup and restore of the whole platform as one archive (ADR 0109).

`write_backup(out)` writes a tar (gzip unless OUT ends in `.tar`) holding
- `data/<app>.<model>.jsonl`: every row of every model (auto-created M2M tables included) as Django's
  JSON Lines serialisation, one member per model, in foreign-key dependency order, streamed from a
  queryset iterator through a temporary file, never the whole table in memory;
- `media/<path>`: every file under MEDIA_ROOT (survey evidence);
- `manifest.json`, last: format version, app and Django version, the latest applied migration per app,
  row count per table, SHA-256 and size of every member, and the audit chain head.

The serialisation is Django's, so an archive from SQLite restores into PostgreSQL and back; datetimes keep
their microseconds (Django's JSON encoder cuts them to milliseconds, and the audit chain hashes them).

`restore_backup(src)` checks the whole archive against its manifest before it touches the database, then
refuses a database whose migration state differs or that already holds rows, and loads everything in one
transaction with raw inserts (no `save()`, no signals, so no new audit rows and `auto_now` stamps kept).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import io
import json
import os
import shutil
import socket
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import audit_chain
from .models import AuditAction, AuditEntry
from .secrecy import Secrecy

FORMAT = "canhve-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
AUDIT_OBJECT_TYPE = "canhve.backup"
# Rows `migrate` itself creates in an empty database: the restore replaces them with the archive's, ids
# and all, so every reference to a content type or permission stays right.
BOOKKEEPING = ("contenttypes.contenttype", "auth.permission")
_CHUNK = 1 << 20
_BATCH_ROWS = 500
_BATCH_BYTES = 16 << 20


class BackupError(Exception):
    """A refused backup or restore, with a one-line Vietnamese / English reason."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes and times to milliseconds; a backup keeps every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def backup_models() -> list[type[models.Model]]:
    """Every model with a table of its own, parents before the models whose foreign keys point at them.
    A cycle (a self reference, two tables pointing at each other) is cut anywhere: the foreign keys of
    SQLite and PostgreSQL tables made by Django are checked at commit, not per row."""
    candidates = sorted(
        (m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy),
        key=lambda m: m._meta.label_lower,
    )
    known = set(candidates)
    needs = {
        m: {
            f.related_model._meta.concrete_model
            for f in m._meta.local_fields
            if f.is_relation and f.related_model is not None and f.related_model is not m
        }
        & known
        for m in candidates
    }
    ordered: list[type[models.Model]] = []
    done: set[type[models.Model]] = set()
    while len(ordered) < len(candidates):
        ready = [m for m in candidates if m not in done and needs[m] <= done]
        for m in ready or [next(m for m in candidates if m not in done)]:
            ordered.append(m)
            done.add(m)
    return ordered


def row_fields(model: type[models.Model]) -> list[str]:
    """The fields a row is written with: its own columns, not the M2M sets (their tables are members of
    their own), so rows go out without a query per row."""
    return [f.name for f in model._meta.local_fields if f.serialize]  # type: ignore[attr-defined]


def migration_state() -> dict[str, str]:
    """The latest applied migration of every app, as the `django_migrations` table records it."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def _media_root() -> Path:
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupError(
            "Kho tệp không phải thư mục cục bộ / the default storage is not a local folder: "
            f"{type(default_storage).__name__} is not backed up"
        )
    return Path(default_storage.location)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


class _HashingReader:
    """Reads through a file object, hashing what passes."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.sha = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        block = self.raw.read(n)
        self.sha.update(block)
        return block


def _record(action: str, note: str, changes: dict[str, Any]) -> AuditEntry:
    """The audit row of a backup or restore: at the top secrecy level, since the archive holds every
    record; no app user (the command runs on the server), so the OS account and host are in `changes`."""
    changes = {"os_user": getpass.getuser(), "host": socket.gethostname(), **changes}
    return AuditEntry.objects.create(
        actor=None,
        actor_name="system",
        via="cli",
        action=action,
        object_type=AUDIT_OBJECT_TYPE,
        object_repr=str(changes.get("archive", ""))[:255],
        secrecy=max(Secrecy.values),
        changes=changes,
        note=note,
    )


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database: a REPEATABLE READ, READ ONLY transaction on PostgreSQL; on
    SQLite the (IMMEDIATE) transaction holds the write lock, so writers wait until the backup ends."""
    outermost = not connection.in_atomic_block
    connection.ensure_connection()
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _tar_info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, mtime, 0o600
    return info


def write_backup(out: Path) -> dict[str, Any]:
    """Write the archive to `out` (refused if it exists) and return its manifest, plus `sha256`, the
    archive's own checksum to keep apart from it."""
    out = Path(out)
    media_root = _media_root()
    partial = out.with_name(f".{out.name}.partial")
    if out.exists():
        raise BackupError(f"Tệp đã có / {out} already exists")
    try:
        raw = os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
    except OSError as e:
        raise BackupError(f"Không ghi được / cannot write {partial}: {e.strerror}") from e
    plain = out.name.endswith(".tar")
    try:
        with raw:
            # On record before the snapshot, and committed: an attempt that fails half-way is on record
            # too, and the head in the manifest includes this row.
            started = _record(AuditAction.EXPORT, "canhve backup", {"archive": str(out.resolve())})
            options: dict[str, Any] = {"mode": "w"} if plain else {"mode": "w:gz", "compresslevel": 6}
            with tarfile.open(fileobj=raw, format=tarfile.PAX_FORMAT, **options) as tar, _snapshot():
                manifest = _write_members(tar, media_root, backup_audit_id=started.pk)
                text = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True).encode()
                tar.addfile(_tar_info(MANIFEST, len(text), time.time()), io.BytesIO(text))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return {**manifest, "sha256": _sha256_file(out)}


def _write_members(tar: tarfile.TarFile, media_root: Path, **extra: Any) -> dict[str, Any]:
    """Every table, then every file under MEDIA_ROOT (after the rows that name them), into `tar`; the
    manifest describing them is returned, to be written last."""
    created_at = timezone.now()
    members: dict[str, dict[str, Any]] = {}

    def add(name: str, fileobj: IO[bytes], size: int) -> None:
        reader = _HashingReader(fileobj)
        tar.addfile(_tar_info(name, size, created_at.timestamp()), reader)  # type: ignore[arg-type]
        members[name] = {"sha256": reader.sha.hexdigest(), "bytes": size}

    tables = []
    for model in backup_models():
        rows = _dump_table(model, f"data/{model._meta.label_lower}.jsonl", add)
        tables.append({"model": model._meta.label_lower, "table": model._meta.db_table, "rows": rows})
    try:
        chain = {"head": audit_chain.verify(), "verified": True}
    except audit_chain.ChainBroken as e:
        chain = {"head": audit_chain.head(), "verified": False, "error": str(e)}
    files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
    for path in files:
        with path.open("rb") as fh:
            add(f"media/{path.relative_to(media_root).as_posix()}", fh, os.fstat(fh.fileno()).st_size)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(),
        "app": {"canhve": _version("canhve"), "django": _version("django")},
        "database": connection.vendor,
        "migrations": migration_state(),
        "tables": tables,
        "media_files": len(files),
        "missing_media": _missing_media(media_root),
        "audit_chain": chain,
        **extra,
        "members": members,
    }


def _dump_table(model: type[models.Model], name: str, add: Any) -> int:
    rows = 0

    def counted() -> Iterator[models.Model]:
        nonlocal rows
        for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
            rows += 1
            yield obj

    with tempfile.TemporaryFile() as tmp:
        text = io.TextIOWrapper(tmp, encoding="utf-8", newline="\n")
        serializers.serialize("jsonl", counted(), stream=text, fields=row_fields(model), cls=ExactJSONEncoder)
        text.flush()
        text.detach()
        size = tmp.seek(0, os.SEEK_END)
        tmp.seek(0)
        add(name, tmp, size)
    return rows


def _missing_media(media_root: Path) -> list[str]:
    """Files a FileField names that are not on disk: the archive cannot hold them, the manifest says so."""
    missing = []
    for model in backup_models():
        for field in model._meta.local_fields:
            if isinstance(field, models.FileField):
                names = model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                missing += [name for name in names if name and not (media_root / name).is_file()]
    return sorted(missing)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


# Restore ---------------------------------------------------------------------------------------------


def _members(src: Path) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    """The archive's members in order, read as a stream (one pass, no seeking in the gzip)."""
    with src.open("rb") as raw, tarfile.open(fileobj=raw, mode="r|*") as tar:
        for info in tar:
            if not info.isfile():
                raise BackupError(f"Thành phần lạ / unexpected member {info.name!r} (not a regular file)")
            fileobj = tar.extractfile(info)
            assert fileobj is not None
            yield info, fileobj


def read_manifest(src: Path) -> dict[str, Any]:
    """Read every member once and check it against the manifest's SHA-256, and the member list against
    the manifest's, before anything is written; return the manifest with `sha256`, the archive's own."""
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"Không có tệp / no file {src}")
    seen: dict[str, str] = {}
    text = b""
    try:
        for info, fileobj in _members(src):
            if info.name == MANIFEST:
                text = fileobj.read()
                continue
            if info.name in seen:
                raise BackupError(f"Thành phần lặp / member {info.name!r} appears twice")
            reader = _HashingReader(fileobj)
            while reader.read(_CHUNK):
                pass
            seen[info.name] = reader.sha.hexdigest()
        manifest = json.loads(text) if text else None
    except (tarfile.TarError, OSError, EOFError, ValueError) as e:
        raise BackupError(f"Tệp lưu trữ hỏng / the archive is unreadable: {e}") from e
    if not isinstance(manifest, dict):
        raise BackupError(f"Thiếu {MANIFEST} / the archive has no {MANIFEST}")
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Định dạng không hỗ trợ / unsupported format {manifest.get('format')!r} "
            f"version {manifest.get('format_version')!r} (this canhve reads {FORMAT} {FORMAT_VERSION})"
        )
    listed = manifest["members"]
    if set(seen) != set(listed):
        odd = sorted(set(seen) ^ set(listed))
        raise BackupError(f"Thành phần khác manifest / members differ from the manifest: {odd[:5]}")
    for name, sha in seen.items():
        _member_target(name)
        if listed[name]["sha256"] != sha:
            raise BackupError(f"Sai mã băm / checksum mismatch: {name} (the archive is damaged or altered)")
    return {**manifest, "sha256": _sha256_file(src)}


def _member_target(name: str) -> tuple[str, str]:
    """("data", model label) or ("media", path under MEDIA_ROOT) for a member name; refuses any other."""
    path = PurePosixPath(name)
    if len(path.parts) == 2 and path.parts[0] == "data" and path.suffix == ".jsonl":
        return "data", path.stem
    if len(path.parts) >= 2 and path.parts[0] == "media" and ".." not in path.parts:
        return "media", PurePosixPath(*path.parts[1:]).as_posix()
    raise BackupError(f"Tên thành phần không hợp lệ / bad member name {name!r}")


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def check_target(manifest: dict[str, Any]) -> Path:
    """Refuse a database not migrated exactly as the backup's was, or holding any row (but the content
    types and permissions `migrate` makes), and a MEDIA_ROOT holding any file. Returns MEDIA_ROOT."""
    here, theirs = migration_state(), manifest["migrations"]
    if here != theirs:
        diff = [
            f"{app}: {here.get(app, '—')} ≠ {theirs.get(app, '—')}"
            for app in sorted(set(here) | set(theirs))
            if here.get(app) != theirs.get(app)
        ]
        raise BackupError(
            "Trạng thái migration khác bản sao lưu / the database's migrations differ from the backup's "
            f"(here ≠ backup): {'; '.join(diff[:6])}"
        )
    unknown = [t["model"] for t in manifest["tables"] if _model(t["model"]) is None]
    if unknown:
        raise BackupError(f"Bảng không có trong phiên bản này / tables this canhve lacks: {unknown[:5]}")
    busy = [
        f"{m._meta.db_table} ({n})"
        for m in backup_models()
        if m._meta.label_lower not in BOOKKEEPING and (n := m._base_manager.count())
    ]
    if busy:
        raise BackupError(
            "Cơ sở dữ liệu không trống / the database is not empty, restore needs a freshly migrated one: "
            + ", ".join(busy[:8])
            + (" …" if len(busy) > 8 else "")
        )
    media_root = _media_root()
    if media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"Thư mục tệp không trống / MEDIA_ROOT {media_root} already holds files")
    return media_root


def restore_backup(src: Path) -> dict[str, Any]:
    """Restore the archive into this empty, migrated database and MEDIA_ROOT. Every row goes in in one
    transaction; files are staged beside MEDIA_ROOT, moved in just before it commits, and removed again
    if it does not. Returns the manifest with `rows`, `files` and `restore_audit_id`."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    src = Path(src)
    manifest = read_manifest(src)
    media_root = check_target(manifest)
    media_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".canhve-restore-", dir=media_root.parent))
    loaded: dict[str, int] = {}
    staged: list[str] = []
    moved: list[Path] = []
    try:
        with transaction.atomic():
            Permission.objects.all().delete()
            ContentType.objects.all().delete()
            for info, fileobj in _members(src):
                if info.name == MANIFEST:
                    continue
                kind, target = _member_target(info.name)
                if kind == "data":
                    loaded[target], sha = _load_table(target, fileobj)
                else:
                    sha = _stage(fileobj, staging / target)
                    staged.append(target)
                if sha != manifest["members"][info.name]["sha256"]:
                    raise BackupError(f"Sai mã băm / checksum mismatch: {info.name} (the archive changed)")
            if loaded != {t["model"]: t["rows"] for t in manifest["tables"]}:
                raise BackupError("Số dòng khác manifest / row counts differ from the manifest")
            restored = [m for m in map(_model, loaded) if m is not None]
            connection.check_constraints(table_names=[m._meta.db_table for m in restored])
            # Explicit ids leave PostgreSQL's sequences behind: the next insert would collide.
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), restored):
                    cursor.execute(sql)
            chain = manifest["audit_chain"]
            try:
                audit_chain.verify(anchor=chain["head"])
            except audit_chain.ChainBroken as e:
                if chain["verified"]:
                    raise BackupError(f"Chuỗi nhật ký sai / audit chain broken after loading: {e}") from e
            entry = _record(
                AuditAction.CREATE,
                "canhve restore",
                {
                    "archive": str(src.resolve()),
                    "archive_sha256": manifest["sha256"],
                    "backup_created_at": manifest["created_at"],
                    "anchor": chain["head"],
                },
            )
            for rel in staged:
                dest = media_root / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / rel, dest)
                moved.append(dest)
    except BaseException as e:
        for path in moved:
            path.unlink(missing_ok=True)
        if isinstance(e, DatabaseError | DeserializationError):
            raise BackupError(f"Nạp thất bại, không ghi gì / loading failed, nothing was written: {e}") from e
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        ContentType.objects.clear_cache()
    return {**manifest, "rows": sum(loaded.values()), "files": len(staged), "restore_audit_id": entry.pk}


def _stage(fileobj: IO[bytes], path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    reader = _HashingReader(fileobj)
    with path.open("xb") as out:
        while block := reader.read(_CHUNK):
            out.write(block)
    return reader.sha.hexdigest()


def _load_table(label: str, fileobj: IO[bytes]) -> tuple[int, str]:
    """Insert every row of one member as it is (ids, timestamps, hashes): raw INSERTs in batches, no
    `save()`, no signals. Returns (rows, SHA-256 of the member as read)."""
    model = _model(label)
    if model is None:
        raise BackupError(f"Bảng không có trong phiên bản này / unknown table {label}")
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    limit = max(1, min(_BATCH_ROWS, connection.ops.bulk_batch_size(fields, [None] * _BATCH_ROWS)))
    sha = hashlib.sha256()
    pending = 0

    def rows_of() -> Iterator[dict[str, Any]]:
        nonlocal pending
        for line in fileobj:
            sha.update(line)
            pending += len(line)
            row = json.loads(line)
            if row.get("model") != label:
                raise BackupError(f"Dòng lạc bảng / a {row.get('model')!r} row in {label}")
            yield row

    insert = model._base_manager._insert  # type: ignore[attr-defined]
    batch: list[models.Model] = []
    count = 0
    for item in serializers.deserialize("python", rows_of()):
        batch.append(item.object)
        if len(batch) >= limit or pending >= _BATCH_BYTES:
            insert(batch, fields=fields, raw=True)
            count, batch, pending = count + len(batch), [], 0
    if batch:
        insert(batch, fields=fields, raw=True)
        count += len(batch)
    return count, sha.hexdigest()
