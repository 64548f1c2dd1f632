"""Build the example national structure and map (run: ``python -m examples.maps.build_example`` or
``python examples/maps/build_example.py`` from the repository root).

SYNTHETIC EXAMPLE.  A fictitious national structure of Panama's migration authority (``PAN_SNM``):
Spanish component names, ISO alpha-2 country codes, national age bands 0–2 and 3–4 (summed into IDAC
Y0T4), sexes written H (hombre) and M (mujer, which is IDAC F), and an old band 0–4 valid until 2019.
The map is an SDMX 3.0 StructureMap with RepresentationMaps (regular expressions and validity dates).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from lxml import etree  # noqa: E402

from registry.formats.sdmxml30.structure_writer import StructureWriter30  # noqa: E402
from registry.formats.structure_base import MessageHeader, WriteItem  # noqa: E402
from registry.sdmx.model import (  # noqa: E402
    Annotation,
    AttributeRelationship,
    Code,
    Codelist,
    ComponentMap,
    Concept,
    ConceptScheme,
    DataAttribute,
    Dataflow,
    DataStructure,
    Dimension,
    FixedValueMap,
    Measure,
    Representation,
    RepresentationMap,
    StructureMap,
    TextFormat,
    ValueMapping,
)
from registry.sdmx.refs import ArtefactType, Ref  # noqa: E402

AG = "PAN_SNM"
V = "1.0"
NOTE = {
    "en": "SYNTHETIC EXAMPLE: illustrative structure, not an official one",
    "es": "EJEMPLO SINTÉTICO: estructura ilustrativa, no oficial",
}


def cl(cid: str, name: str, codes: list[tuple[str, str] | tuple[str, str, int, int]]) -> Codelist:
    items = []
    for c in codes:
        anns = []
        if len(c) == 4:
            anns = [
                Annotation(type="AGE_LOWER", text={"en": str(c[2])}),
                Annotation(type="AGE_UPPER", text={"en": str(c[3])}),
            ]
        items.append(Code(c[0], names={"es": c[1]}, annotations=anns))
    return Codelist(AG, cid, V, names={"es": name}, descriptions=NOTE, items=items)


CODELISTS = [
    cl(
        "CL_PAIS",
        "Países (ISO alfa-2)",
        [
            ("PA", "Panamá"),
            ("CO", "Colombia"),
            ("VE", "Venezuela"),
            ("NI", "Nicaragua"),
            ("TOTAL", "Todos los países"),
        ],
    ),
    cl(
        "CL_INDICADOR",
        "Indicadores",
        [("REFUGIADOS", "Niñez refugiada"), ("SOLICITANTES", "Niñez solicitante de asilo")],
    ),
    cl("CL_SEXO", "Sexo", [("H", "Hombres"), ("M", "Mujeres"), ("T", "Total")]),
    cl(
        "CL_EDAD",
        "Grupos de edad",
        [
            ("E00_02", "0 a 2 años", 0, 2),
            ("E03_04", "3 a 4 años", 3, 4),
            ("E00_04", "0 a 4 años (hasta 2019)", 0, 4),
            ("E05_09", "5 a 9 años", 5, 9),
            ("E10_14", "10 a 14 años", 10, 14),
            ("E15_17", "15 a 17 años", 15, 17),
            ("TOTAL", "0 a 17 años", 0, 17),
        ],
    ),
]
CL = {c.id: c.ref for c in CODELISTS}
SDMX_FREQ = Ref(ArtefactType.CODELIST, "SDMX", "CL_FREQ", "2.1")
SDMX_OBS_STATUS = Ref(ArtefactType.CODELIST, "SDMX", "CL_OBS_STATUS", "2.2")
SDMX_CONF_STATUS = Ref(ArtefactType.CODELIST, "SDMX", "CL_CONF_STATUS", "1.2")
CS = ConceptScheme(
    AG,
    "CS_NINEZ",
    V,
    names={"es": "Conceptos"},
    descriptions=NOTE,
    items=[
        Concept(i, names={"es": n})
        for i, n in [
            ("FREQ", "Frecuencia"),
            ("PAIS", "País informante"),
            ("INDICADOR", "Indicador"),
            ("SEXO", "Sexo"),
            ("EDAD", "Edad"),
            ("ORIGEN", "País de origen"),
            ("TIME_PERIOD", "Periodo"),
            ("OBS_VALUE", "Valor"),
            ("OBS_STATUS", "Estado"),
            ("CONF_STATUS", "Confidencialidad"),
            ("FECHA_CORTE", "Fecha de corte"),
        ]
    ],
)


def concept(cid: str) -> Ref:
    return CS.ref.with_item(cid)


def enum(ref: Ref) -> Representation:
    return Representation(enumeration=ref)


def dsd() -> DataStructure:
    dims = [
        ("FREQ", SDMX_FREQ),
        ("PAIS", CL["CL_PAIS"]),
        ("INDICADOR", CL["CL_INDICADOR"]),
        ("SEXO", CL["CL_SEXO"]),
        ("EDAD", CL["CL_EDAD"]),
        ("ORIGEN", CL["CL_PAIS"]),
    ]
    d = DataStructure(
        AG, "DSD_NINEZ_MIGRANTE", V, names={"es": "Niñez migrante y refugiada"}, descriptions=NOTE
    )
    d.dimensions = [
        Dimension(i, concept=concept(i), local_representation=enum(r), position=n)
        for n, (i, r) in enumerate(dims, start=1)
    ]
    d.dimensions.append(
        Dimension(
            "TIME_PERIOD",
            concept=concept("TIME_PERIOD"),
            position=len(dims) + 1,
            kind="time",
            local_representation=Representation(
                text_format=TextFormat(text_type="ObservationalTimePeriod")
            ),
        )
    )
    obs = AttributeRelationship(kind="observation")
    d.attributes = [
        DataAttribute(
            "OBS_STATUS",
            concept=concept("OBS_STATUS"),
            local_representation=enum(SDMX_OBS_STATUS),
            mandatory=True,
            relationship=obs,
        ),
        DataAttribute(
            "CONF_STATUS",
            concept=concept("CONF_STATUS"),
            local_representation=enum(SDMX_CONF_STATUS),
            relationship=obs,
        ),
        DataAttribute(
            "FECHA_CORTE",
            concept=concept("FECHA_CORTE"),
            relationship=obs,
            local_representation=Representation(text_format=TextFormat(text_type="String")),
        ),
    ]
    d.measures = [
        Measure(
            "OBS_VALUE",
            concept=concept("OBS_VALUE"),
            local_representation=Representation(text_format=TextFormat(text_type="Double")),
        )
    ]
    return d


DSD = dsd()
FLOW = Dataflow(
    AG,
    "DF_NINEZ_MIGRANTE",
    V,
    names={"es": "Niñez migrante y refugiada (estructura nacional)"},
    descriptions=NOTE,
    structure=DSD.ref,
)

IDAC_AREA = Ref(ArtefactType.CODELIST, "IDAC", "CL_AREA", "1.0")
IDAC_AREA_CP = Ref(ArtefactType.CODELIST, "IDAC", "CL_AREA_CP", "1.0")
IDAC_IND = Ref(ArtefactType.CODELIST, "IDAC", "CL_IDAC_INDICATOR", "1.0")
SDMX_SEX = Ref(ArtefactType.CODELIST, "SDMX", "CL_SEX", "2.1")
IDAC_AGE = Ref(ArtefactType.CODELIST, "IDAC", "CL_AGE_IDAC", "1.0")


def rm(
    rid: str, name: str, source: Ref, target: Ref, pairs: list[ValueMapping]
) -> RepresentationMap:
    return RepresentationMap(
        AG,
        rid,
        V,
        names={"es": name},
        descriptions=NOTE,
        sources=[source],
        targets=[target],
        mappings=pairs,
    )


def vm(
    src: str,
    tgt: str,
    regex: bool = False,
    valid_from: str | None = None,
    valid_to: str | None = None,
) -> ValueMapping:
    return ValueMapping([src], [tgt], [regex], valid_from, valid_to)


ISO2 = [("PA", "PAN"), ("CO", "COL"), ("VE", "VEN"), ("NI", "NIC")]
REP_MAPS = [
    rm(
        "RM_PAIS_AREA",
        "País informante a IDAC:CL_AREA",
        CL["CL_PAIS"],
        IDAC_AREA,
        [vm(a, b) for a, b in ISO2],
    ),
    rm(
        "RM_PAIS_CP",
        "País de origen a IDAC:CL_AREA_CP",
        CL["CL_PAIS"],
        IDAC_AREA_CP,
        [vm(a, b) for a, b in ISO2] + [vm("TOTAL", "_T")],
    ),
    rm(
        "RM_INDICADOR",
        "Indicadores a IDAC:CL_IDAC_INDICATOR",
        CL["CL_INDICADOR"],
        IDAC_IND,
        [vm("REFUGIADOS", "IDAC_STK_REF"), vm("SOLICITANTES", "IDAC_STK_ASY")],
    ),
    # Regular expressions recognise spellings: H, h, Hombre(s) are males; M (mujer) is FEMALE in IDAC.
    rm(
        "RM_SEXO",
        "Sexo a SDMX:CL_SEX",
        CL["CL_SEXO"],
        SDMX_SEX,
        [
            vm("(?i)h(ombres?)?", "M", regex=True),
            vm("(?i)m(ujer(es)?)?", "F", regex=True),
            vm("T", "_T"),
        ],
    ),
    # 0-2 and 3-4 are summed into Y0T4 (since 2020); before, the single band 0-4 was reported.
    rm(
        "RM_EDAD",
        "Edad a IDAC:CL_AGE_IDAC",
        CL["CL_EDAD"],
        IDAC_AGE,
        [
            vm("E00_02", "Y0T4", valid_from="2020-01-01"),
            vm("E03_04", "Y0T4", valid_from="2020-01-01"),
            vm("E00_04", "Y0T4", valid_to="2019-12-31"),
            vm("E05_09", "Y5T9"),
            vm("E10_14", "Y10T14"),
            vm("E15_17", "Y15T17"),
            vm("TOTAL", "Y0T17"),
        ],
    ),
]
RM = {r.id: r.ref for r in REP_MAPS}
STRUCTURE_MAP = StructureMap(
    AG,
    "SM_NINEZ_TO_IDAC_CORE",
    V,
    names={
        "es": "Estructura nacional a IDAC DF_IDAC_CORE",
        "en": "National structure to IDAC DF_IDAC_CORE",
    },
    descriptions=NOTE,
    source=FLOW.ref,
    target=Ref(ArtefactType.DATAFLOW, "IDAC", "DF_IDAC_CORE", "1.0"),
    component_maps=[
        ComponentMap(["PAIS"], ["REF_AREA"], RM["RM_PAIS_AREA"]),
        ComponentMap(["INDICADOR"], ["INDICATOR"], RM["RM_INDICADOR"]),
        ComponentMap(["SEXO"], ["SEX"], RM["RM_SEXO"]),
        ComponentMap(["EDAD"], ["AGE"], RM["RM_EDAD"]),
        ComponentMap(["ORIGEN"], ["COUNTERPART_AREA"], RM["RM_PAIS_CP"]),
        ComponentMap(["FECHA_CORTE"], ["TIME_DETAIL"]),
    ],
    fixed_values=[
        FixedValueMap(c, v)
        for c, v in [
            ("ACCOMPANIMENT", "_T"),
            ("ORIGIN_BASIS", "ORIGIN"),
            ("DISPL_CAUSE", "_Z"),
            ("URBANISATION", "_T"),
            ("UNIT_MEASURE", "PS"),
            ("UNIT_MULT", "0"),
            ("SOURCE_TYPE", "ADMIN_ASYLUM"),
        ]
    ],
)


def main() -> None:
    header = MessageHeader(id="PAN_SNM_EXAMPLE", prepared="2025-12-01T00:00:00Z", sender="PAN_SNM")
    writer = StructureWriter30()
    national = [*CODELISTS, CS, DSD, FLOW]
    for name, arts in (
        ("PAN_SNM-national-structure-1.0.xml", national),
        ("PAN_SNM-map-to-IDAC-1.0.xml", [*REP_MAPS, STRUCTURE_MAP]),
    ):
        root = etree.fromstring(writer.write([WriteItem(a) for a in arts], header))
        etree.indent(root, space="  ")
        (HERE / name).write_bytes(
            etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
        )


if __name__ == "__main__":
    main()
