"""Loads the administrative units shipped in data/admin into the database. Idempotent: a second run
updates rows in place, so agencies and records that point at units keep their references."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from shapely.geometry import mapping, shape

from canhve.core.models import AuditAction, write_audit

from . import lookup
from .models import LegacyDistrict, LegacyProvince, LegacyWard, Province, Ward

# About 500 m: small enough to keep every island of Hoàng Sa and Trường Sa in the national map.
SIMPLIFY_TOLERANCE_DEG = 0.005


def _upsert(model: type[models.Model], rows: Iterable[models.Model], fields: list[str]) -> int:
    rows = list(rows)
    with transaction.atomic():
        model.objects.bulk_create(  # type: ignore[attr-defined]
            rows, batch_size=500, update_conflicts=True, unique_fields=["code"], update_fields=fields
        )
        # A bulk upsert writes no per-row audit: one summary row per table, with the count and a digest
        # of the codes written (the rows themselves are the shipped files, data/admin/SHA256SUMS).
        codes = sorted(str(r.code) for r in rows)  # type: ignore[attr-defined]
        write_audit(
            action=AuditAction.UPDATE,
            object_type=model._meta.label,
            changes={
                "upserted": len(rows),
                "codes_sha256": hashlib.sha256("\n".join(codes).encode()).hexdigest(),
                "fields": fields,
            },
            note=f"nạp dữ liệu tham chiếu: {len(rows)} dòng",
        )
    return len(rows)


def _bbox(text: str | None) -> list[float] | None:
    # "21.016004,105.801279 – 21.053565,105.857015" → [south, west, north, east]
    if not text:
        return None
    try:
        (s, w), (n, e) = (tuple(float(x) for x in part.split(",")) for part in text.split("–"))
    except ValueError:
        return None
    return [s, w, n, e]


def load_reference(data_dir: Path | None = None, *, with_ward_polygons: bool = True) -> dict[str, int]:
    admin = (data_dir or settings.DATA_DIR) / "admin"
    counts: dict[str, int] = {}
    units = json.loads((admin / "vn_units_2025_full.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(admin / "vietnamadminunits_dataset.db")
    db.row_factory = sqlite3.Row
    converter = json.loads((admin / "vietnamadminunits_converter_2025.json").read_text(encoding="utf-8"))

    with transaction.atomic():
        counts["provinces"] = _load_provinces(admin, units, db)
        counts["wards"] = _load_wards(admin, units, db, with_ward_polygons)
        counts.update(_load_legacy(db, converter))
    lookup.reset()
    return counts


def _load_provinces(admin: Path, units: list[dict[str, Any]], db: sqlite3.Connection) -> int:
    centroids = {
        r["provinceCode"]: (r["provinceLat"], r["provinceLon"])
        for r in db.execute("select distinct provinceCode, provinceLat, provinceLon from admin_units")
    }
    geometries: dict[str, dict[str, Any]] = {}
    for path in sorted((admin / "provinces_2025").glob("*.geojson")):
        feature = json.loads(path.read_text(encoding="utf-8"))["features"][0]
        geometries[feature["properties"]["code"]] = feature
    rows = []
    for unit in units:
        feature = geometries.get(unit["Code"])
        geom = feature["geometry"] if feature else None
        simplified = None
        if geom is not None:
            simplified = mapping(shape(geom).simplify(SIMPLIFY_TOLERANCE_DEG, preserve_topology=True))
        lat, lon = centroids.get(unit["Code"], (None, None))
        rows.append(
            Province(
                code=unit["Code"],
                name=unit["Name"],
                full_name=unit["FullName"],
                name_en=unit.get("NameEn", ""),
                kind=unit.get("AdministrativeUnitShortName", ""),
                area_km2=(feature or {}).get("properties", {}).get("areaKm2"),
                centroid_lat=lat,
                centroid_lon=lon,
                geometry=geom,
                geometry_simplified=simplified,
                is_current=True,
            )
        )
    return _upsert(
        Province,
        rows,
        [
            "name",
            "full_name",
            "name_en",
            "kind",
            "area_km2",
            "centroid_lat",
            "centroid_lon",
            "geometry",
            "geometry_simplified",
            "is_current",
        ],
    )


def _load_wards(admin: Path, units: list[dict[str, Any]], db: sqlite3.Connection, with_polygons: bool) -> int:
    extra = {
        r["wardCode"]: (r["wardLat"], r["wardLon"], r["wardAreaKm2"])
        for r in db.execute("select wardCode, wardLat, wardLon, wardAreaKm2 from admin_units")
    }
    polygons: dict[str, dict[str, Any]] = {}
    if with_polygons:
        for path in sorted((admin / "wards_2025").glob("*/*.geojson")):
            feature = json.loads(path.read_text(encoding="utf-8"))["features"][0]
            polygons[path.name.split("_", 1)[0]] = feature["geometry"]
    rows = []
    for unit in units:
        for ward in unit["Wards"]:
            lat, lon, area = extra.get(ward["Code"], (None, None, None))
            rows.append(
                Ward(
                    code=ward["Code"],
                    province_id=unit["Code"],
                    name=ward["Name"],
                    full_name=ward["FullName"],
                    name_en=ward.get("FullNameEn", ""),
                    kind=ward.get("AdministrativeUnitShortName", ""),
                    area_km2=area,
                    centroid_lat=lat,
                    centroid_lon=lon,
                    geometry=polygons.get(ward["Code"]),
                )
            )
    return _upsert(
        Ward,
        rows,
        [
            "province",
            "name",
            "full_name",
            "name_en",
            "kind",
            "area_km2",
            "centroid_lat",
            "centroid_lon",
            "geometry",
        ],
    )


def _load_legacy(db: sqlite3.Connection, converter: dict[str, Any]) -> dict[str, int]:
    new_province_code = dict(
        db.execute("select distinct provinceKey, provinceCode from admin_units").fetchall()
    )
    new_ward_code = {
        (p, w): code for p, w, code in db.execute("select provinceKey, wardKey, wardCode from admin_units")
    }
    old_to_new_province = {old: new for new, olds in converter["DICT_PROVINCE"].items() for old in olds}
    old_ward_to_new: dict[str, str] = {}
    for new_prov, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            for old in olds:
                old_ward_to_new.setdefault(old, new_ward_code.get((new_prov, new_ward), ""))
    for new_prov, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, targets in olds.items():
            default = next((t for t in targets if t.get("isDefaultNewWard")), targets[0] if targets else None)
            if default:
                old_ward_to_new[old] = new_ward_code.get((new_prov, default["newWardKey"]), "")

    legacy = db.execute(
        "select province, provinceCode, provinceKey, provinceLat, provinceLon,"
        " district, districtCode, districtKey, districtLat, districtLon, districtBounds,"
        " ward, wardCode, wardKey, wardLat, wardLon from admin_units_legacy"
    ).fetchall()
    provinces: dict[str, LegacyProvince] = {}
    districts: dict[str, LegacyDistrict] = {}
    legacy_wards: list[LegacyWard] = []
    known_wards = set(Ward.objects.values_list("code", flat=True))
    for r in legacy:
        if r["provinceCode"] not in provinces:
            successor = new_province_code[old_to_new_province[r["provinceKey"]]]
            provinces[r["provinceCode"]] = LegacyProvince(
                code=r["provinceCode"],
                name=r["province"],
                successor_id=successor,
                centroid_lat=r["provinceLat"],
                centroid_lon=r["provinceLon"],
            )
        if r["districtCode"] not in districts:
            districts[r["districtCode"]] = LegacyDistrict(
                code=r["districtCode"],
                name=r["district"],
                province_id=r["provinceCode"],
                centroid_lat=r["districtLat"],
                centroid_lon=r["districtLon"],
                bbox=_bbox(r["districtBounds"]),
            )
        if not r["wardCode"]:
            continue  # island districts (Hoàng Sa, Bạch Long Vĩ…) had no commune level
        new_ward = old_ward_to_new.get(f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}") or None
        legacy_wards.append(
            LegacyWard(
                code=r["wardCode"],
                name=r["ward"],
                district_id=r["districtCode"],
                successor_id=new_ward if new_ward in known_wards else None,
                centroid_lat=r["wardLat"],
                centroid_lon=r["wardLon"],
            )
        )
    return {
        "legacy_provinces": _upsert(
            LegacyProvince, provinces.values(), ["name", "successor", "centroid_lat", "centroid_lon"]
        ),
        "legacy_districts": _upsert(
            LegacyDistrict, districts.values(), ["name", "province", "centroid_lat", "centroid_lon", "bbox"]
        ),
        "legacy_wards": _upsert(
            LegacyWard, legacy_wards, ["name", "district", "successor", "centroid_lat", "centroid_lon"]
        ),
    }
