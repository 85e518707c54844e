"""Readers for site files users bring (CSV, GeoJSON, XLSX) and for the shipped OSM POI files.

Each reader yields `(line, row)`: `line` is what a person finds in the file (CSV/XLSX row number counting
the header as 1, GeoJSON feature number), `row` a dict with the registry's column names. Reading never
stops at a bad row: the service validates each row and reports its line and reason.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from canhve.engines.routing.facilities import emergency_surgery_flag

Row = tuple[int, dict[str, Any]]

# Accepted column names (Vietnamese or English header) → registry field.
ALIASES = {
    "name": "name",
    "ten": "name",
    "tên": "name",
    "kind": "kind",
    "loai": "kind",
    "loại": "kind",
    "lat": "lat",
    "latitude": "lat",
    "vi_do": "lat",
    "vĩ độ": "lat",
    "lon": "lon",
    "lng": "lon",
    "longitude": "lon",
    "kinh_do": "lon",
    "kinh độ": "lon",
    "address": "address",
    "dia_chi": "address",
    "địa chỉ": "address",
    "operator": "operator",
    "don_vi_quan_ly": "operator",
    "contact": "contact",
    "phone": "contact",
    "lien_he": "contact",
    "emergency_surgery": "emergency_surgery",
    "cap_cuu": "emergency_surgery",
    "beds": "beds",
    "so_giuong": "beds",
    "external_id": "external_id",
    "id": "external_id",
    "ma": "external_id",
    "notes": "notes",
    "ghi_chu": "notes",
}
OSM_AMENITY_KIND = {"hospital": "hospital", "police": "police", "fire_station": "fire", "fuel": "fuel"}


class ImportFormatError(ValueError):
    """The file as a whole cannot be read (wrong format, missing library)."""


def _normalise(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None:
            continue
        field = ALIASES.get(str(key).strip().lower())
        if field is not None and value not in (None, ""):
            out[field] = value.strip() if isinstance(value, str) else value
    return out


def read_csv(data: bytes) -> Iterator[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError("Tệp CSV phải mã hóa UTF-8.") from exc
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise ImportFormatError("Tệp CSV không có dòng tiêu đề.")
    for row in reader:
        yield reader.line_num, _normalise(row)


def read_geojson(data: bytes) -> Iterator[Row]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
        features = doc["features"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ImportFormatError("Không phải GeoJSON FeatureCollection.") from exc
    for i, feature in enumerate(features, start=1):
        props = dict((feature or {}).get("properties") or {})
        geom = (feature or {}).get("geometry") or {}
        row = _normalise(props)
        if geom.get("type") == "Point" and isinstance(geom.get("coordinates"), list):
            coords = geom["coordinates"]
            if len(coords) >= 2:
                row["lon"], row["lat"] = coords[0], coords[1]
        elif geom:
            row["_error"] = f"Hình học {geom.get('type')} không phải điểm (Point)."
        yield i, row


def read_xlsx(data: bytes) -> Iterator[Row]:
    try:
        import openpyxl  # type: ignore[import-untyped]
        from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
    except ImportError as exc:
        raise ImportFormatError(
            "Chưa cài thư viện đọc XLSX (openpyxl). Hãy lưu bảng tính thành CSV (UTF-8) rồi nhập lại."
        ) from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = book.active.iter_rows(values_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, InvalidFileException) as exc:
        # A renamed or damaged file: the form says so under the file field, never a 500 (ADR 0106).
        raise ImportFormatError(
            "Không đọc được tệp XLSX (tệp hỏng hoặc không phải bảng tính Excel)."
        ) from exc
    header = [str(h or "") for h in next(rows, [])]
    for i, values in enumerate(rows, start=2):
        yield i, _normalise(dict(zip(header, values, strict=False)))


READERS = {"csv": read_csv, "geojson": read_geojson, "json": read_geojson, "xlsx": read_xlsx}


def reader_for(filename: str) -> Any:
    ext = Path(filename).suffix.lower().lstrip(".")
    if ext not in READERS:
        raise ImportFormatError("Chỉ nhận tệp .csv, .geojson hoặc .xlsx.")
    return READERS[ext]


def read_osm_pois(path: Path, amenities: set[str], province_code: str | None = None) -> Iterator[Row]:
    """Rows from a shipped OSM POI file: Overpass JSON (.json) or the 5-cities GeoJSON (.geojson)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if "elements" in doc:
        for i, e in enumerate(doc["elements"], start=1):
            tags = e.get("tags") or {}
            pos = e if "lat" in e else e.get("center")
            if tags.get("amenity") not in amenities or not pos:
                continue
            yield i, _osm_row(tags, f"{e['type']}/{e['id']}", pos["lat"], pos["lon"])
        return
    for i, f in enumerate(doc.get("features", []), start=1):
        props = f.get("properties") or {}
        geom = f.get("geometry") or {}
        if props.get("amenity") not in amenities or geom.get("type") != "Point":
            continue
        if province_code and str(props.get("province_code_2025")) != province_code:
            continue
        osm_type = str(props.get("osm_type", "node")).rstrip("s")
        lon, lat = geom["coordinates"][:2]
        yield i, _osm_row(props, f"{osm_type}/{props.get('osm_id')}", lat, lon)


def _osm_row(tags: dict[str, Any], osm_id: str, lat: float, lon: float) -> dict[str, Any]:
    kind = OSM_AMENITY_KIND[str(tags["amenity"])]
    name = tags.get("name:vi") or tags.get("name") or ""
    address = " ".join(str(tags[k]) for k in ("addr:housenumber", "addr:street", "addr:city") if tags.get(k))
    row: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "lat": lat,
        "lon": lon,
        "external_id": osm_id,
        "address": address,
        "operator": tags.get("operator", ""),
        "contact": tags.get("phone", "") or tags.get("contact:phone", ""),
    }
    if kind == "hospital":
        row["emergency_surgery"] = emergency_surgery_flag(tags)
        if str(tags.get("beds", "")).isdigit():
            row["beds"] = int(tags["beds"])
    if not name:
        row["_unnamed"] = True
    return row
