"""The SDMX-ML 2.1 ``RegistryInterface/SubmitStructureResponse`` message.

SDMX-REST maintenance answers with it (it exists only in SDMX-ML): one ``SubmissionResult`` per
artefact, echoing the action (Append, Replace, Delete, Information), the artefact's URN, and a
``StatusMessage`` (Success, Failure, Warning) whose ``MessageText@code`` is the artefact's HTTP
status and whose text says why.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from lxml import etree

from registry.curation.submit import ArtefactResult
from registry.formats.sdmxml21.namespaces import COM, MES, REG, XML, q

MEDIA_TYPE = "application/vnd.sdmx.registry+xml;version=2.1"
_NSMAP = {"mes": MES, "reg": REG, "com": COM}


def _status(result: ArtefactResult) -> str:
    if result.failed:
        return "Failure"
    if result.action == "Information" or not result.stored:
        return "Warning"
    return "Success"


def submit_structure_response(
    results: Sequence[ArtefactResult],
    *,
    sender: str = "IDAC",
    receiver: str = "not_supplied",
    message_id: str | None = None,
    prepared: datetime | None = None,
) -> bytes:
    """Encode the results as a schema-valid SDMX-ML 2.1 registry message."""
    root = etree.Element(q(MES, "RegistryInterface"), nsmap=_NSMAP)
    header = etree.SubElement(root, q(MES, "Header"))
    etree.SubElement(header, q(MES, "ID")).text = message_id or f"IDAC-{uuid.uuid4().hex[:16]}"
    etree.SubElement(header, q(MES, "Test")).text = "false"
    etree.SubElement(header, q(MES, "Prepared")).text = (prepared or datetime.now(UTC)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    etree.SubElement(header, q(MES, "Sender"), id=sender)
    etree.SubElement(header, q(MES, "Receiver"), id=receiver)
    body = etree.SubElement(root, q(MES, "SubmitStructureResponse"))
    for r in results:
        res = etree.SubElement(body, q(REG, "SubmissionResult"))
        sub = etree.SubElement(res, q(REG, "SubmittedStructure"), action=r.action)
        obj = etree.SubElement(sub, q(REG, "MaintainableObject"))
        etree.SubElement(obj, "URN").text = r.ref.urn
        status = etree.SubElement(res, q(REG, "StatusMessage"), status=_status(r))
        text = etree.SubElement(status, q(REG, "MessageText"), code=str(r.status))
        t = etree.SubElement(text, q(COM, "Text"))
        t.set(q(XML, "lang"), "en")
        t.text = r.message
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")  # type: ignore[no-any-return]
