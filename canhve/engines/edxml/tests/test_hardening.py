"""Malformed, truncated, hostile or foreign bytes are refused with an `EdxmlError` naming the fault."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from canhve.engines.edxml import (
    EdxmlError,
    ForbiddenMarkup,
    InvalidContent,
    NotEdxml,
    NotWellFormed,
    TooLarge,
    parse,
)
from canhve.engines.edxml.safexml import read_xml

from .conftest import sample

STATUS = sample("status_rejection_02.edxml")
PACKAGE = sample("9e272474-0603-48a2-b525-9cd1af689612.edxml")
NS = b"http://www.mic.gov.vn/TBT/QCVN_102_2016"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
<Subject>&f;</Subject></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""


def _external_entity(target: bytes) -> bytes:
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE edXML [ <!ENTITY leak SYSTEM "'
        + target
        + b'"> ]>\n'
        + STATUS.split(b"?>", 1)[1].replace(b"Nguyen thi ngoc tram", b"&leak;")
    )


def test_it_refuses_an_entity_bomb_without_expanding_it() -> None:
    with pytest.raises(ForbiddenMarkup, match="DOCTYPE"):
        parse(BILLION_LAUGHS)


@pytest.mark.parametrize("target", [b"file:///etc/passwd", b"http://127.0.0.1:9/secret"])
def test_it_refuses_an_external_entity_and_reads_nothing_from_it(target: bytes) -> None:
    with pytest.raises(ForbiddenMarkup) as refused:
        parse(_external_entity(target))
    assert "root:" not in str(refused.value)


def test_an_undeclared_entity_is_not_well_formed() -> None:
    with pytest.raises(NotWellFormed):
        parse(STATUS.replace(b"Nguyen thi ngoc tram", b"&leak;"))


def test_it_refuses_a_wrong_root_element() -> None:
    with pytest.raises(NotEdxml, match=r"root element is .*edXMLEnvelope"):
        parse(
            STATUS.replace(b"<edXML xmlns", b"<edXMLEnvelope xmlns").replace(b"</edXML>", b"</edXMLEnvelope>")
        )


def test_it_refuses_the_right_name_in_a_foreign_namespace() -> None:
    with pytest.raises(NotEdxml, match="namespace"):
        parse(STATUS.replace(NS, b"urn:example:other"))


def test_it_refuses_a_foreign_document() -> None:
    with pytest.raises(NotEdxml, match="html"):
        parse(b"<html><body>not a package</body></html>")


@pytest.mark.parametrize("data", [b"", b"   \n", b"%PDF-1.7 ...", b"\x00\x01\x02"])
def test_it_refuses_what_is_not_xml(data: bytes) -> None:
    with pytest.raises(NotWellFormed):
        parse(data)


def test_it_refuses_more_than_the_size_cap() -> None:
    with pytest.raises(TooLarge):
        read_xml(STATUS, max_bytes=len(STATUS) - 1)
    assert read_xml(STATUS, max_bytes=len(STATUS)) is not None


def test_every_truncation_of_a_status_is_refused() -> None:
    end = STATUS.rindex(b"</edXML>")
    for cut in range(end):
        with pytest.raises(EdxmlError):
            parse(STATUS[:cut])


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_package_is_refused_as_truncated(fraction: float) -> None:
    with pytest.raises(NotWellFormed, match="truncated"):
        parse(PACKAGE[: int(len(PACKAGE) * fraction)])


def test_a_missing_subject_is_named() -> None:
    broken = PACKAGE.replace(b"<edXML:Subject>G\xe1\xbb\x99p 3 file</edXML:Subject>", b"")
    assert broken != PACKAGE
    with pytest.raises(InvalidContent, match="MessageHeader/Subject"):
        parse(broken)


def test_a_bad_date_is_named() -> None:
    broken = PACKAGE.replace(b"2025/10/20", b"20/10/2025")
    with pytest.raises(InvalidContent, match="PromulgationDate is '20/10/2025'"):
        parse(broken)


def test_a_bad_count_is_named() -> None:
    broken = PACKAGE.replace(b"<edXML:PageAmount>5<", b"<edXML:PageAmount>five<")
    with pytest.raises(InvalidContent, match="PageAmount is 'five'"):
        parse(broken)


def test_an_attachment_that_is_not_base64_is_named() -> None:
    start = PACKAGE.index(b">", PACKAGE.index(b"<edXML:ContentTransferEncoded")) + 1
    broken = (
        PACKAGE[:start]
        + b"${__StringFromFile(test.txt,,,)}"
        + PACKAGE[PACKAGE.index(b"</edXML:Content", start) :]
    )
    with pytest.raises(InvalidContent, match="not base64"):
        parse(broken)


def test_an_attachment_missing_from_the_manifest_is_named() -> None:
    broken = PACKAGE.replace(b"<edXML:ContentId>cid:a2e27520", b"<edXML:ContentId>cid:other", 1)
    with pytest.raises(InvalidContent, match="not listed in the manifest"):
        parse(broken)


def test_two_subjects_are_refused() -> None:
    subject = b"<edXML:Subject>G\xe1\xbb\x99p 3 file</edXML:Subject>"
    with pytest.raises(InvalidContent, match="Subject 2 times"):
        parse(PACKAGE.replace(subject, subject + subject))


def test_an_unknown_element_is_listed_not_kept() -> None:
    extended = PACKAGE.replace(b"</edXML:SteeringType>", b"</edXML:SteeringType><edXML:Extra>x</edXML:Extra>")
    package = parse(extended)
    assert package.unrecognised == ("edXMLEnvelope/edXMLHeader/MessageHeader/Extra",)  # type: ignore[union-attr]
    assert package == parse(PACKAGE)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(STATUS) - 1), st.integers(1, 40), st.binary(max_size=8))
def test_a_mangled_status_reads_or_is_refused_with_an_edxml_error(
    start: int, length: int, junk: bytes
) -> None:
    mangled = STATUS[:start] + junk + STATUS[start + length :]
    try:
        parse(mangled)
    except EdxmlError as error:
        assert str(error)  # every refusal says something


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_raise_anything_but_an_edxml_error(data: bytes) -> None:
    try:
        parse(data)
    except EdxmlError as error:
        assert str(error)
