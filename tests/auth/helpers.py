"""Helpers shared by the auth, curation and maintenance tests: accounts, tokens, bodies."""

from __future__ import annotations

from typing import Any

from registry.auth import accounts, tokens
from registry.formats.structure_base import MessageHeader, WriteItem
from registry.formats.structures import default_codecs
from registry.sdmx import model as m
from registry.sdmx.mediatypes import MediaType
from registry.sdmx.refs import ArtefactType, Ref

PASSWORD = "correct horse battery staple"  # noqa: S105 - test fixture


def add_user(
    app: Any,
    name: str,
    *grants: tuple[str, str | None],
    password: str | None = PASSWORD,
    expires_days: int | None = 30,
) -> str:
    """Create a user with grants and return a fresh API token for it."""
    with app.extensions["idac.db"].transaction() as s:
        user = accounts.create_user(s, name, password=password, grants=list(grants))
        return tokens.issue_token(s, user, expires_days=expires_days).secret


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


def login(client: Any, name: str, password: str = PASSWORD) -> str:
    """Open a browser session; the CSRF token to send with changes."""
    csrf = client.get("/auth/csrf").json["csrfToken"]
    resp = client.post(
        "/auth/login", json={"username": name, "password": password}, headers={"X-CSRF-Token": csrf}
    )
    assert resp.status_code == 200, resp.data
    return str(resp.json["csrfToken"])


def codelist(
    cid: str = "CL_TEST",
    version: str = "1.0",
    *,
    agency: str = "IDAC",
    final: bool = False,
    codes: tuple[str, ...] = ("A", "B", "C"),
    name: str = "Test",
) -> m.Codelist:
    """A small codelist."""
    return m.Codelist(
        agency=agency,
        id=cid,
        version=version,
        names={"en": name},
        is_final=final,
        items=[m.Code(id=c, names={"en": f"Code {c}"}) for c in codes],
    )


def concept_scheme(agency: str = "IDAC", cl: m.Codelist | None = None) -> m.ConceptScheme:
    """A concept scheme with FREQ (enumerated by ``cl``) and OBS_VALUE."""
    rep = m.Representation(enumeration=cl.ref) if cl is not None else None
    return m.ConceptScheme(
        agency=agency,
        id="CS_TEST",
        version="1.0",
        names={"en": "Concepts"},
        items=[
            m.Concept(id="FREQ", names={"en": "Frequency"}, core_representation=rep),
            m.Concept(id="OBS_VALUE", names={"en": "Value"}),
            m.Concept(id="TIME_PERIOD", names={"en": "Time"}),
        ],
    )


def dsd(
    cl: m.Codelist, cs: m.ConceptScheme, *, version: str = "1.0", final: bool = False
) -> m.DataStructure:
    """A DSD with one coded dimension, the time dimension and a measure."""
    cref = Ref(ArtefactType.CONCEPT_SCHEME, cs.agency, cs.id, cs.version)
    return m.DataStructure(
        agency=cs.agency,
        id="DSD_TEST",
        version=version,
        names={"en": "Test DSD"},
        is_final=final,
        dimensions=[
            m.Dimension(
                id="FREQ",
                concept=cref.with_item("FREQ"),
                position=1,
                local_representation=m.Representation(enumeration=cl.ref),
            ),
            m.Dimension(
                id="TIME_PERIOD",
                concept=cref.with_item("TIME_PERIOD"),
                position=2,
                kind="time",
                local_representation=m.Representation(
                    text_format=m.TextFormat(text_type="ObservationalTimePeriod")
                ),
            ),
        ],
        measures=[m.Measure(id="OBS_VALUE", concept=cref.with_item("OBS_VALUE"))],
    )


def message(*artefacts: m.MaintainableArtefact, fmt: str = "2.1") -> bytes:
    """A structure message holding ``artefacts`` (``fmt``: 2.1, 3.0 or json)."""
    media = {
        "2.1": MediaType.STRUCTURE_ML_21,
        "3.0": MediaType.STRUCTURE_ML_30,
        "json": MediaType.STRUCTURE_JSON_20,
    }[fmt].value
    return default_codecs().writer(media).write([WriteItem(a) for a in artefacts], MessageHeader())


def assert_xml_valid(body: bytes, version: str = "2.1") -> Any:
    """Parse ``body`` and assert it is valid against the official SDMX-ML schema."""
    from lxml import etree

    from registry.sdmx.schemas import xml_schema

    doc = etree.fromstring(body)
    schema = xml_schema(version)
    assert schema.validate(doc), schema.error_log
    return doc


def results(body: bytes) -> list[tuple[str, str, str, str]]:
    """(action, URN, status, code) of each SubmissionResult (the response is XSD-checked)."""
    doc = assert_xml_valid(body)
    ns = {"reg": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/registry"}
    out = []
    for res in doc.iterfind(".//reg:SubmissionResult", ns):
        sub = res.find("reg:SubmittedStructure", ns)
        status = res.find("reg:StatusMessage", ns)
        text = status.find("reg:MessageText", ns)
        out.append(
            (sub.get("action"), sub.findtext(".//URN"), status.get("status"), text.get("code"))
        )
    return out


def message_texts(body: bytes) -> str:
    """All texts of a response, joined (for asserting on reasons)."""
    from lxml import etree

    return " ".join(etree.fromstring(body).itertext())
