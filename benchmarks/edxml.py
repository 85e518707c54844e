"""edXML engine: parse, build (signed) and verify of the largest gateway sample, against a plain
`lxml.etree.fromstring` of the same bytes as the baseline measured in the same run.

Run: .venv/bin/python benchmarks/edxml.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from canhve.engines.edxml import Outcome, build, parse, verify

RUNS = 21
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "edxml"


def median_seconds(fn: Callable[[], object]) -> float:
    fn()  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def credential() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "BỘ TƯ LỆNH CẢNH VỆ")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def main() -> None:
    readable = []
    for path in SAMPLES.glob("*.edxml"):
        try:
            parse(path.read_bytes())
            readable.append(path)
        except Exception:
            continue
    largest = max(readable, key=lambda p: p.stat().st_size)
    data = largest.read_bytes()
    key, certificate = credential()
    package = parse(data)
    signed = build(package, signing_key=key, certificate=certificate)
    assert verify(signed, [certificate]).outcome is Outcome.VALID

    baseline_s = median_seconds(lambda: etree.fromstring(data))
    parse_s = median_seconds(lambda: parse(data))
    build_s = median_seconds(lambda: build(package))
    sign_s = median_seconds(lambda: build(package, signing_key=key, certificate=certificate))
    verify_s = median_seconds(lambda: verify(signed, [certificate]))

    print(f"sample: {largest.name}, {len(data) // 1024} KiB; signed build {len(signed) // 1024} KiB")
    print(f"median of {RUNS} runs")
    rows = [
        ("lxml.etree.fromstring (baseline)", baseline_s),
        ("parse", parse_s),
        ("build, unsigned", build_s),
        ("build, signed (RSA-2048, SHA-256)", sign_s),
        ("verify (signed build)", verify_s),
    ]
    for label, seconds in rows:
        print(f"{label:36} {seconds * 1000:8.2f} ms   {seconds / baseline_s:6.1f}x baseline")


if __name__ == "__main__":
    main()
