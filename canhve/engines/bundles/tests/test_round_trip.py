"""A sealed bundle opens to exactly what was sealed, and only the intended agency can read it."""

from __future__ import annotations

import dataclasses

import pytest

from canhve.engines.bundles import (
    MAGIC,
    AgencyKeys,
    AgencyPublicKeys,
    Attachment,
    HeaderInfo,
    Payload,
    SeenBundles,
    open_bundle,
    peek_header,
    seal,
)
from canhve.engines.bundles.payload_codec import decode_payload, encode_payload
from canhve.engines.bundles.samples import OPERATION_CODE, sample_operation_payload

from .conftest import CREATED


def test_it_opens_to_the_payload_that_was_sealed(bundle, payload, k01, cath):
    opened = open_bundle(bundle, cath, {"K01": k01.public}, SeenBundles())

    assert opened.payload == payload
    models = {record.model for record in opened.payload.records}
    assert models == {
        "operations.Operation",
        "operations.PlanVersion",
        "sites.Site",
        "operations.Task",
        "exchange.Message",
    }
    for sent, received in zip(payload.attachments, opened.payload.attachments, strict=True):
        assert received.data == sent.data
        assert received.sha256 == sent.sha256


def test_it_states_who_sent_it_to_whom_in_a_verified_header(bundle, k01, cath):
    header = open_bundle(bundle, cath, {"K01": k01.public}, SeenBundles()).header

    assert (header.sender, header.recipient, header.sequence) == ("K01", "CATH", 3)
    assert header.created_at == CREATED
    assert header.sender_key == k01.public.fingerprint
    assert header.recipient_key == cath.public.fingerprint
    assert len(bytes.fromhex(header.bundle_id)) == 16
    assert peek_header(bundle) == header


def test_it_hides_the_records_and_files_from_whoever_holds_the_file(payload, k01, cath):
    sealed = seal(payload, k01, cath.public, HeaderInfo(sequence=1, created_at=CREATED))

    assert sealed.startswith(MAGIC)
    assert OPERATION_CODE.encode() not in sealed
    assert "Thanh Hóa".encode() not in sealed
    assert payload.attachments[0].data[:4096] not in sealed


def test_it_gives_every_bundle_its_own_id_and_ephemeral_key(payload, k01, cath):
    info = HeaderInfo(sequence=1, created_at=CREATED)
    first, second = (peek_header(seal(payload, k01, cath.public, info)) for _ in range(2))

    assert first.bundle_id != second.bundle_id
    assert first.ephemeral_public != second.ephemeral_public
    assert first.content_digest != second.content_digest  # keyed per bundle, so it reveals no equality


def test_it_reports_bundles_that_never_arrived_in_between(bundle, k01, cath):
    seen = SeenBundles(last_sequence={"K01": 1})

    assert open_bundle(bundle, cath, {"K01": k01.public}, seen).sequence_gap == 1


def test_it_carries_an_empty_payload(k01, cath):
    empty = Payload(records=())
    sealed = seal(empty, k01, cath.public, HeaderInfo(sequence=1, created_at=CREATED))

    assert open_bundle(sealed, cath, {"K01": k01.public}, SeenBundles()).payload == empty


def test_the_payload_encoding_round_trips_without_crypto():
    payload = sample_operation_payload(sites=9, tasks=30, messages=7, attachment_bytes=1000, seed=11)

    assert decode_payload(encode_payload(payload)) == payload


def test_it_opens_with_the_old_key_during_a_rotation(payload, k01, cath):
    sealed = seal(payload, k01, cath.public, HeaderInfo(sequence=1, created_at=CREATED))
    new_cath = AgencyKeys.generate("CATH")

    opened = open_bundle(sealed, [new_cath, cath], {"K01": [k01.public]}, SeenBundles())

    assert opened.payload == payload


def test_key_cards_and_encrypted_private_keys_round_trip(k01):
    card = AgencyPublicKeys.from_card(k01.public.to_card())
    restored = AgencyKeys.from_pem("K01", k01.to_pem(b"mat khau dai"), b"mat khau dai")

    assert card.fingerprint == k01.public.fingerprint
    assert restored.public.fingerprint == k01.public.fingerprint
    assert len(k01.public.fingerprint_display.split()) == 8


def test_a_key_card_relabelled_for_another_agency_is_refused(k01):
    forged = k01.public.to_card().replace('"agency": "K01"', '"agency": "K02"')

    with pytest.raises(ValueError, match="fingerprint does not match"):
        AgencyPublicKeys.from_card(forged)


def test_a_fingerprint_names_the_agency_as_well_as_the_keys(k01):
    same_keys_other_code = dataclasses.replace(k01.public, agency="K02")

    assert same_keys_other_code.fingerprint != k01.public.fingerprint


@pytest.mark.parametrize("name", ["", ".", "..", "../etc/passwd", "a/b.pdf", "a\\b.pdf", "a\x00.pdf"])
def test_an_attachment_name_that_is_a_path_is_refused_at_seal(name):
    with pytest.raises(ValueError, match="plain file name"):
        Attachment(name, b"x")


def test_a_bundle_to_oneself_is_refused(payload, k01):
    with pytest.raises(ValueError, match="to itself"):
        seal(payload, k01, k01.public, HeaderInfo(sequence=1, created_at=CREATED))
