"""Streaming reader of SDMX-ML 3.0 StructureSpecificData.

SDMX-ML 3.0 structure-specific data is the 2.1 format with a few deltas (SDMX 3.0 section 3A), so
this module is the 2.1 reader (``registry.formats.sdmxml21.ss_reader``) with the 3.0 dialect:

* the 3.0 namespaces; the header ``message:Structure`` usually names a *Dataflow*
  (``<common:StructureUsage>urn:…Dataflow=ECB:EXR(1.0)</common:StructureUsage>``, URN as text) —
  the resolver maps it to its DSD;
* ``<Comp id="…"><Value>…</Value></Comp>`` children carry values that do not fit an XML attribute
  (arrays, multilingual text); they are read into ``attrs`` (several values joined by ``;``,
  multilingual values in English else the first language);
* ``<Atts>`` sets attribute values for a partial key (like a group) or, without key, for the data
  set; ``<Group type="…">`` replaces 2.1's ``xsi:type``;
* several measures: the first is ``Obs.value``, the others stay in ``Obs.attrs``;
* actions are ``Append``/``Replace``/``Delete``/``Information`` (3.0 drops nothing; ``Merge`` of
  SDMX-REST 2 is passed through as written).
"""

from __future__ import annotations

from typing import ClassVar

from registry.formats.sdmxml21.ss_reader import StructureSpecificReader21
from registry.formats.sdmxml30 import namespaces as ns
from registry.formats.sdmxml_common import Dialect
from registry.sdmx.mediatypes import MediaType

DIALECT_30 = Dialect("3.0", ns.MES, frozenset({"StructureSpecificData"}), comps=True)


class DataReader30(StructureSpecificReader21):
    """SDMX-ML 3.0 StructureSpecificData."""

    name: ClassVar[str] = "SDMX-ML 3.0 StructureSpecificData"
    media_types: ClassVar[tuple[MediaType, ...]] = (MediaType.DATA_ML_30,)
    suffixes: ClassVar[tuple[str, ...]] = (".xml",)
    dialect: ClassVar[Dialect] = DIALECT_30
