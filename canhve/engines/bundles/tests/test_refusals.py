"""Every damaged, foreign, misdirected or replayed bundle is refused with its own class and reason."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from canhve.engines.bundles import (
    AgencyKeys,
    BundleRefused,
    CorruptPayload,
    HeaderInfo,
    MalformedBundle,
    NotABundle,
    ReplayedBundle,
    SeenBundles,
    TamperedBundle,
    TruncatedBundle,
    UnknownSender,
    UnsupportedVersion,
    WrongRecipient,
    open_bundle,
    peek_header,
    seal,
)
from canhve.engines.bundles.container import HEADER_AT, SIGNATURE_SIZE, join_frame, signed_part, split_frame
from canhve.engines.bundles.sealing import _SIGNATURE_DOMAIN

from .conftest import CREATED


def regions(data: bytes) -> dict[str, range]:
    """Byte ranges of each part, from the lengths the file itself declares."""
    frame = split_frame(data)
    header_end = HEADER_AT + len(frame.header)
    ciphertext_at = header_end + 8
    signature_at = ciphertext_at + len(frame.ciphertext)
    return {
        "magic": range(0, 8),
        "version": range(8, 10),
        "header length": range(10, HEADER_AT),
        "header": range(HEADER_AT, header_end),
        "ciphertext length": range(header_end, ciphertext_at),
        "ciphertext": range(ciphertext_at, signature_at),
        "signature": range(signature_at, signature_at + SIGNATURE_SIZE),
    }


# What a flipped byte in each part may be reported as. Parts with a checked meaning (magic, version) or
# covered only by the signature (ciphertext, signature) have exactly one answer.
EXPECTED = {
    "magic": {NotABundle},
    "version": {UnsupportedVersion},
    "header length": {MalformedBundle, TruncatedBundle},
    "header": {MalformedBundle, UnknownSender, TamperedBundle},
    "ciphertext length": {MalformedBundle, TruncatedBundle},
    "ciphertext": {TamperedBundle},
    "signature": {TamperedBundle},
}


def flipped(data: bytes, offset: int, mask: int) -> bytes:
    damaged = bytearray(data)
    damaged[offset] ^= mask
    return bytes(damaged)


def refusal(data: bytes, recipient: AgencyKeys, trusted, seen=None) -> BundleRefused:
    with pytest.raises(BundleRefused) as caught:
        open_bundle(data, recipient, trusted, seen or SeenBundles())
    assert caught.value.reason, "a refusal must say why"
    return caught.value


def test_the_regions_cover_the_whole_file(small_bundle):
    spans = regions(small_bundle).values()

    assert sorted(i for span in spans for i in span) == list(range(len(small_bundle)))


@pytest.mark.parametrize("mask", [0x01, 0x80, 0xFF])
def test_it_refuses_every_single_flipped_byte_for_the_reason_of_its_region(small_bundle, k01, cath, mask):
    trusted = {"K01": k01.public}
    for name, span in regions(small_bundle).items():
        for offset in span:
            refused = refusal(flipped(small_bundle, offset, mask), cath, trusted)
            assert type(refused) in EXPECTED[name], (name, offset, refused)


@settings(max_examples=150, deadline=None)
@given(position=st.floats(min_value=0, max_value=1, exclude_max=True), mask=st.integers(1, 255))
def test_it_refuses_a_flipped_byte_anywhere_in_a_realistic_bundle(bundle, k01, cath, position, mask):
    offset = int(position * len(bundle))
    region = next(name for name, span in regions(bundle).items() if offset in span)

    refused = refusal(flipped(bundle, offset, mask), cath, {"K01": k01.public})

    assert type(refused) in EXPECTED[region]


def test_it_refuses_the_file_cut_at_every_length(small_bundle, k01, cath):
    for length in range(len(small_bundle)):
        refused = refusal(small_bundle[:length], cath, {"K01": k01.public})
        assert isinstance(refused, TruncatedBundle), (length, refused)


@settings(max_examples=60, deadline=None)
@given(cut=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_it_refuses_a_realistic_bundle_cut_anywhere(bundle, k01, cath, cut):
    with pytest.raises(TruncatedBundle):
        open_bundle(bundle[: int(cut * len(bundle))], cath, {"K01": k01.public}, SeenBundles())


def test_it_refuses_bytes_after_the_signature(small_bundle, k01, cath):
    refused = refusal(small_bundle + b"\x00", cath, {"K01": k01.public})

    assert isinstance(refused, MalformedBundle)
    assert "follow the signature" in refused.reason


@pytest.mark.parametrize("data", [b"%PDF-1.7\n%\xe2\xe3", b"PK\x03\x04" + bytes(40), b"CVBUNDLX" + bytes(90)])
def test_it_refuses_a_file_that_is_not_a_bundle(data, k01, cath):
    assert isinstance(refusal(data, cath, {"K01": k01.public}), NotABundle)


def test_it_refuses_a_format_version_it_does_not_read(small_bundle, k01, cath):
    later = small_bundle[:8] + (2).to_bytes(2, "big") + small_bundle[10:]

    refused = refusal(later, cath, {"K01": k01.public})

    assert isinstance(refused, UnsupportedVersion)
    assert "version 2" in refused.reason


def test_it_refuses_a_header_length_beyond_the_limit(small_bundle, k01, cath):
    huge = small_bundle[:10] + (1 << 20).to_bytes(4, "big") + small_bundle[14:]

    assert isinstance(refusal(huge, cath, {"K01": k01.public}), MalformedBundle)


def _rewritten_header(data: bytes, **changes) -> bytes:
    """The same bundle with header fields changed and the old signature kept: what a forger can do."""
    frame = split_frame(data)
    fields = json.loads(frame.header) | changes
    header = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    return join_frame(header, frame.ciphertext, frame.signature)


@pytest.mark.parametrize(
    "changes", [{"recipient": "CACT"}, {"sequence": 99}, {"created_at": "2030-01-01T00:00:00+00:00"}]
)
def test_it_refuses_a_well_formed_header_edited_after_signing(small_bundle, k01, cath, changes):
    refused = refusal(_rewritten_header(small_bundle, **changes), cath, {"K01": k01.public})

    assert isinstance(refused, TamperedBundle)
    assert "K01" in refused.reason


def test_it_refuses_a_bundle_meant_for_another_agency(payload, k01, cath, cact):
    for_can_tho = seal(payload, k01, cact.public, HeaderInfo(sequence=1, created_at=CREATED))

    refused = refusal(for_can_tho, cath, {"K01": k01.public})

    assert isinstance(refused, WrongRecipient)
    assert "CACT" in refused.reason and "CATH" in refused.reason


def test_it_refuses_a_bundle_sealed_for_a_key_it_no_longer_holds(payload, k01, cath):
    for_old_key = seal(payload, k01, cath.public, HeaderInfo(sequence=1, created_at=CREATED))
    rotated = AgencyKeys.generate("CATH")

    assert isinstance(refusal(for_old_key, rotated, {"K01": k01.public}), WrongRecipient)


def test_it_refuses_a_sender_it_does_not_trust(small_bundle, cath, cact):
    refused = refusal(small_bundle, cath, {"CACT": cact.public})

    assert isinstance(refused, UnknownSender)
    assert "K01" in refused.reason


def test_it_refuses_an_impostor_signing_in_the_name_of_k01(payload, k01, cath):
    impostor = AgencyKeys.generate("K01")
    forged = seal(payload, impostor, cath.public, HeaderInfo(sequence=1, created_at=CREATED))

    assert isinstance(refusal(forged, cath, {"K01": k01.public}), UnknownSender)


def test_it_refuses_an_impostor_who_also_copies_the_real_fingerprint(payload, k01, cath):
    impostor = AgencyKeys.generate("K01")
    forged = seal(payload, impostor, cath.public, HeaderInfo(sequence=1, created_at=CREATED))
    frame = split_frame(_rewritten_header(forged, sender_key=k01.public.fingerprint))
    resigned = join_frame(
        frame.header,
        frame.ciphertext,
        impostor.signing.sign(_SIGNATURE_DOMAIN + signed_part(frame.header, frame.ciphertext)),
    )

    assert isinstance(refusal(resigned, cath, {"K01": k01.public}), TamperedBundle)


def test_it_refuses_a_bundle_whose_id_was_imported_before(small_bundle, k01, cath):
    seen = SeenBundles(ids=frozenset({peek_header(small_bundle).bundle_id}))

    refused = refusal(small_bundle, cath, {"K01": k01.public}, seen)

    assert isinstance(refused, ReplayedBundle)
    assert "already imported" in refused.reason


@pytest.mark.parametrize("last", [3, 4, 50])
def test_it_refuses_a_sequence_not_above_the_last_imported(small_bundle, k01, cath, last):
    refused = refusal(small_bundle, cath, {"K01": k01.public}, SeenBundles(last_sequence={"K01": last}))

    assert isinstance(refused, ReplayedBundle)
    assert f"last imported, {last}" in refused.reason


def test_the_last_sequence_of_another_sender_does_not_count(small_bundle, k01, cath):
    seen = SeenBundles(last_sequence={"CACT": 50})

    assert open_bundle(small_bundle, cath, {"K01": k01.public}, seen).header.sequence == 3


def test_a_trusted_sender_whose_ciphertext_does_not_decrypt_is_refused(small_bundle, k01, cath):
    frame = split_frame(small_bundle)
    garbage = bytes(len(frame.ciphertext))
    signature = k01.signing.sign(_SIGNATURE_DOMAIN + signed_part(frame.header, garbage))

    refused = refusal(join_frame(frame.header, garbage, signature), cath, {"K01": k01.public})

    assert isinstance(refused, CorruptPayload)


def test_a_payload_that_does_not_match_its_signed_digest_is_refused(small_bundle, k01, cath, monkeypatch):
    from canhve.engines.bundles import sealing
    from canhve.engines.bundles.samples import sample_operation_payload

    monkeypatch.setattr(sealing, "_content_digest", lambda key, plaintext: "0" * 64)
    faulty = seal(sample_operation_payload(sites=1, tasks=1), k01, cath.public, HeaderInfo(1, CREATED))
    monkeypatch.undo()

    refused = refusal(faulty, cath, {"K01": k01.public})

    assert isinstance(refused, CorruptPayload)
    assert "content digest" in refused.reason
