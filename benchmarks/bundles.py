"""Bundle engine: seal + open of 1,000 records with 5 MB of attachments, against bare AES-256-GCM.

The baseline encrypts and decrypts the same plaintext bytes with one AES-256-GCM key and no format, key
agreement, signature or checks, so the ratio is what the bundle construction costs on top of the
cipher. Run: .venv/bin/python benchmarks/bundles.py [runs]
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from canhve.engines.bundles import AgencyKeys, HeaderInfo, SeenBundles, open_bundle, plan_merge, seal
from canhve.engines.bundles.payload_codec import decode_payload, encode_payload
from canhve.engines.bundles.samples import RECIPIENT, SENDER, sample_operation_payload

RECORDS = 1_000
ATTACHMENT_BYTES = 5 * 1024 * 1024


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm-up: OpenSSL's first use, allocator growth
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    # 1 operation + 3 plan versions + sites + tasks + messages = 1,000 records
    payload = sample_operation_payload(sites=196, tasks=700, messages=100, attachment_bytes=ATTACHMENT_BYTES)
    assert len(payload.records) == RECORDS
    k01, cath = AgencyKeys.generate(SENDER), AgencyKeys.generate(RECIPIENT)
    trusted = {SENDER: k01.public}
    info = HeaderInfo(sequence=1, created_at=dt.datetime.now(dt.UTC))
    sealed = seal(payload, k01, cath.public, info)
    plaintext = encode_payload(payload)
    key, nonce = AESGCM.generate_key(bit_length=256), os.urandom(12)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, None)

    def seal_and_open() -> object:
        return open_bundle(seal(payload, k01, cath.public, info), cath, trusted, SeenBundles())

    def baseline() -> object:
        return AESGCM(key).decrypt(nonce, AESGCM(key).encrypt(nonce, plaintext, None), None)

    both = median_ms(seal_and_open, runs)
    base = median_ms(baseline, runs)
    seal_ms = median_ms(lambda: seal(payload, k01, cath.public, info), runs)
    open_ms = median_ms(lambda: open_bundle(sealed, cath, trusted, SeenBundles()), runs)
    encode_ms = median_ms(lambda: encode_payload(payload), runs)
    decode_ms = median_ms(lambda: decode_payload(plaintext), runs)
    gcm_encrypt = median_ms(lambda: AESGCM(key).encrypt(nonce, plaintext, None), runs)
    gcm_decrypt = median_ms(lambda: AESGCM(key).decrypt(nonce, ciphertext, None), runs)
    plan_ms = median_ms(lambda: plan_merge({}, payload.records), runs)

    print(
        f"payload: {len(payload.records)} records, {len(payload.attachments)} attachments of "
        f"{ATTACHMENT_BYTES / 2**20:.1f} MiB; plaintext {len(plaintext) / 2**20:.2f} MiB, "
        f"bundle {len(sealed) / 2**20:.2f} MiB (+{len(sealed) - len(plaintext)} bytes); median of {runs} runs"
    )
    print(f"seal + open                       {both:8.1f} ms")
    print(f"AES-256-GCM encrypt + decrypt     {base:8.1f} ms   (baseline)")
    print(f"ratio                             {both / base:8.1f} x")
    print(f"  seal                            {seal_ms:8.1f} ms")
    print(f"  open (verify, decrypt, decode)  {open_ms:8.1f} ms")
    print(f"  payload encode / decode         {encode_ms:8.1f} / {decode_ms:.1f} ms")
    print(f"  bare GCM encrypt / decrypt      {gcm_encrypt:8.1f} / {gcm_decrypt:.1f} ms")
    print(f"plan_merge of 1,000 into nothing  {plan_ms:8.1f} ms")


if __name__ == "__main__":
    main()
