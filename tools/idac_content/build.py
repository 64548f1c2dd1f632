# ruff: noqa: E501  (tables of names and descriptions read better unwrapped)
"""Builds the IDAC structural artefacts as ``registry.sdmx.model`` objects.

Everything here is deterministic: no clock, no randomness, inputs are the tables of this package.
``artefact_files()`` returns, per output file, the artefacts that go into it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from registry.sdmx.model import (
    AgencyScheme,
    Annotation,
    AttributeRelationship,
    Categorisation,
    Category,
    CategoryScheme,
    Code,
    Codelist,
    ComponentValues,
    Concept,
    ConceptScheme,
    ContentConstraint,
    CubeRegion,
    DataAttribute,
    Dataflow,
    DataProviderScheme,
    DataStructure,
    Dimension,
    HierarchicalCode,
    HierarchicalCodelist,
    Hierarchy,
    MaintainableArtefact,
    Measure,
    Organisation,
    ProvisionAgreement,
    Representation,
    TextFormat,
)
from registry.sdmx.refs import ArtefactType, Ref
from tools.idac_content import codes as C
from tools.idac_content import indicators as I
from tools.idac_content.providers import COUNTRIES, PROVIDERS, ROLE_NAMES

DATA = Path(__file__).resolve().parent / "data"
V = "1.0"
IDAC = "IDAC"
SDMX = "SDMX"


def A(type_: str, text: str | None = None, title: str | None = None) -> Annotation:
    """An annotation with an English text (machine-readable values) and/or a title."""
    return Annotation(type=type_, title=title, text={"en": text} if text else {})


def cl_ref(cid: str, agency: str = IDAC, version: str = V) -> Ref:
    return Ref(ArtefactType.CODELIST, agency, cid, version)


def concept_ref(cid: str) -> Ref:
    return Ref(ArtefactType.CONCEPT_SCHEME, IDAC, "CS_IDAC", V, cid)


# --- areas ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    iso3: str
    iso2: str
    m49: str
    m49_region: str
    unicef_lac: bool
    unicef_lacro: bool
    names: dict[str, str]
    name_source: str


def load_areas() -> list[Area]:
    """The 249 ISO 3166-1 countries of data/areas.csv plus XKX (Kosovo, user-assigned, used by UNICEF)."""
    out = []
    with (DATA / "areas.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out.append(Area(r["iso3"], r["iso2"], r["m49"], r["m49_region"], r["unicef_lac"] == "Y",
                            r["unicef_lacro"] == "Y",
                            {lang: r[f"name_{lang}"] for lang in ("en", "es", "fr", "pt")}, r["name_source"]))
    out.append(Area("XKX", "XK", "", "", False, False,
                    {"en": "Kosovo", "es": "Kosovo", "fr": "Kosovo", "pt": "Kosovo"}, "UNICEF CL_COUNTRY"))
    return out


#: Aggregates: id -> (M49 or "", en, es, fr, pt)
REGIONS: dict[str, tuple[str, str, str, str, str]] = {
    "WORLD": ("001", "World", "Mundo", "Monde", "Mundo"),
    "UNSDG_AMERICAS": ("019", "Americas", "Américas", "Amériques", "Américas"),
    "UNSDG_LAC": ("419", "Latin America and the Caribbean", "América Latina y el Caribe",
                  "Amérique latine et Caraïbes", "América Latina e Caribe"),
    "UNSDG_CENTRALAMR": ("013", "Central America", "América Central", "Amérique centrale", "América Central"),
    "UNSDG_SOUTHAMR": ("005", "South America", "América del Sur", "Amérique du Sud", "América do Sul"),
    "UNSDG_CARIBBEAN": ("029", "Caribbean", "El Caribe", "Caraïbes", "Caribe"),
    "UNSDG_NORTHERNAMR": ("021", "Northern America", "América septentrional", "Amérique septentrionale",
                          "América Setentrional"),
    "UNICEF_LAC": ("", "Latin America and the Caribbean (UNICEF reporting region)",
                   "América Latina y el Caribe (región de informes de UNICEF)",
                   "Amérique latine et Caraïbes (région de rapport de l'UNICEF)",
                   "América Latina e Caribe (região de relatório do UNICEF)"),
    "UNICEF_LACRO": ("", "Latin America and the Caribbean (UNICEF programme region, LACRO)",
                     "América Latina y el Caribe (región programática de UNICEF, LACRO)",
                     "Amérique latine et Caraïbes (région de programme de l'UNICEF, LACRO)",
                     "América Latina e Caribe (região programática do UNICEF, LACRO)"),
    "IDAC_LA6": ("", "IDAC Latin America workshop countries (6)", "Países del taller IDAC de América Latina (6)",
                 "Pays de l'atelier IDAC d'Amérique latine (6)", "Países do workshop IDAC da América Latina (6)"),
}
M49_REGION_CODE = {"013": "UNSDG_CENTRALAMR", "005": "UNSDG_SOUTHAMR", "029": "UNSDG_CARIBBEAN",
                   "021": "UNSDG_NORTHERNAMR"}


def _area_code(a: Area) -> Code:
    anns = []
    if a.m49:
        anns.append(A("M49", a.m49))
    anns.append(A("ISO2", a.iso2))
    if a.iso3 == "XKX":
        anns.append(A("ISO_STATUS", "USER_ASSIGNED",
                      title="Not an ISO 3166-1 code; user-assigned code used by UNICEF, the EU and others"))
    anns.append(A("NAME_SOURCE", a.name_source))
    return Code(a.iso3, names=dict(a.names), annotations=anns)


def area_codelists(areas: list[Area]) -> tuple[Codelist, Codelist]:
    codes: list[Code] = []
    for rid, (m49, en, es, fr, pt) in REGIONS.items():
        anns = [A("AREA_TYPE", "REGION")]
        if m49:
            anns.append(A("M49", m49))
        codes.append(Code(rid, names={"en": en, "es": es, "fr": fr, "pt": pt}, annotations=anns))
    codes.extend(_area_code(a) for a in areas)
    cl_area = Codelist(
        IDAC, "CL_AREA", V,
        names={"en": "Reference areas", "es": "Áreas de referencia"},
        descriptions={
            "en": "All ISO 3166-1 alpha-3 country codes (249) plus XKX, and the regional aggregates used for "
                  "IDAC reporting. Membership of aggregates is given by HCL_M49 and HCL_AREA_GROUPS, never by "
                  "code parents. Annotations M49 and ISO2 translate SDG (M49) and Eurostat/SDMX (alpha-2) codes.",
            "es": "Todos los códigos de país ISO 3166-1 alfa-3 (249) más XKX, y los agregados regionales usados "
                  "por IDAC. La pertenencia a los agregados se define en HCL_M49 y HCL_AREA_GROUPS, nunca con "
                  "códigos padre. Las anotaciones M49 e ISO2 traducen códigos ODS (M49) y Eurostat/SDMX (alfa-2).",
        },
        annotations=[A("DESIGN_NOTE", "DOMAIN.md 5/7.5 counted 248 alpha-3 codes (the UNSD M49 file); ISO 3166-1 "
                                      "has 249: TWN (158) is not in M49 and is added with its ISO name. XKX is "
                                      "added as a user-assigned code (not ISO), as in UNICEF CL_COUNTRY."),
                     A("NAME_SOURCES", "Country names: UN M49 (en/es) for Latin America and the Caribbean and "
                                       "selected areas, Unicode CLDR otherwise; see tools/idac_content/data/areas.csv")],
    )
    cl_area.items = codes
    cp_codes: list[Code] = [
        Code("_T", names={"en": "All countries", "es": "Todos los países", "fr": "Tous les pays",
                          "pt": "Todos os países"}),
        Code("_U", names={"en": "Unknown", "es": "Desconocido", "fr": "Inconnu", "pt": "Desconhecido"}),
        Code("_Z", names={"en": "Not applicable", "es": "No aplicable", "fr": "Sans objet", "pt": "Não aplicável"}),
        Code("STLS", names={"en": "Stateless", "es": "Apátrida", "fr": "Apatride", "pt": "Apátrida"},
             descriptions={"en": "Only with ORIGIN_BASIS = CITIZEN or ORIGIN.",
                           "es": "Solo con ORIGIN_BASIS = CITIZEN u ORIGIN."},
             annotations=[A("ALLOWED_WITH_ORIGIN_BASIS", "CITIZEN+ORIGIN")]),
    ]
    cp_codes.extend(_area_code(a) for a in areas)
    cl_cp = Codelist(
        IDAC, "CL_AREA_CP", V,
        names={"en": "Counterpart areas", "es": "Áreas de contrapartida"},
        descriptions={
            "en": "Country of birth, citizenship, origin, previous or next residence, or return (see "
                  "ORIGIN_BASIS): the country codes of CL_AREA (no aggregates) plus _T, _U, _Z and STLS.",
            "es": "País de nacimiento, nacionalidad, origen, residencia anterior o siguiente, o retorno (ver "
                  "ORIGIN_BASIS): los códigos de país de CL_AREA (sin agregados) más _T, _U, _Z y STLS.",
        },
    )
    cl_cp.items = cp_codes
    return cl_area, cl_cp


# --- small codelists --------------------------------------------------------------------------------


def from_table(t: C.CL) -> Codelist:
    cl = Codelist(t.agency, t.id, t.version, names={"en": t.en, "es": t.es},
                  descriptions={"en": t.desc_en, "es": t.desc_es},
                  annotations=[A(k, v) for k, v in t.ann.items()])
    items = []
    for c in t.codes:
        desc = {}
        if c.desc_en:
            desc["en"] = c.desc_en
        if c.desc_es:
            desc["es"] = c.desc_es
        items.append(Code(c.id, names={"en": c.en, "es": c.es}, descriptions=desc,
                          annotations=[A(k, v) for k, v in c.ann.items()], parent=c.parent))
    cl.items = items
    return cl


def indicator_codelist() -> Codelist:
    cl = Codelist(
        IDAC, "CL_IDAC_INDICATOR", V,
        names={"en": "IDAC indicators", "es": "Indicadores IDAC"},
        descriptions={
            "en": "Candidate IDAC indicator set (to reconcile with 'Indicators for Children on the Move: A "
                  "guideline', IDAC 2025). Group codes IDAC_CORE, IDAC_HEALTH, IDAC_EDUCATION, IDAC_PROTECTION "
                  "and IDAC_POVERTY are never used in data.",
            "es": "Conjunto candidato de indicadores IDAC (por conciliar con la guía 'Indicators for Children on "
                  "the Move', IDAC 2025). Los códigos de grupo nunca se usan en los datos.",
        },
        annotations=[A("STATUS", "CANDIDATE", title="Indicator list not yet reconciled with the guideline")],
    )
    items: list[Code] = []
    for gid, en, es in I.GROUPS:
        items.append(Code(gid, names={"en": en, "es": es}, annotations=[A("GROUP_CODE", "true")]))
    for ind in I.ALL:
        anns = [
            A("UNIT", ind.unit),
            A("STOCK_FLOW", ind.stock_flow),
            A("GUIDELINE_REF", title="TO_RECONCILE"),
        ]
        if ind.other_units:
            anns.append(A("UNIT_ALLOWED", "+".join(ind.units)))
        for key in ("MAP_UNICEF", "MAP_SDG", "MAP_ESTAT", "MAP_UNHCR"):
            if key in ind.maps:
                anns.append(A(key, ind.maps[key]))
        anns.append(A("REPORTED_BY", "+".join(ind.institutions)))
        anns.append(A("DATAFLOW", "DF_IDAC_CORE" if ind.parent == "IDAC_CORE" else "DF_IDAC_THEMATIC"))
        if ind.optional:
            anns.append(A("OPTIONAL", "true"))
        items.append(Code(ind.id, names={"en": ind.en, "es": ind.es},
                          descriptions={"en": ind.desc_en, "es": ind.desc_es}, annotations=anns, parent=ind.parent))
    cl.items = items
    return cl


# --- concepts ---------------------------------------------------------------------------------------

#: id -> (en name, es name, en description, es description, in SDMX cross-domain concepts)
CONCEPTS: list[tuple[str, str, str, str, str, bool]] = [
    ("FREQ", "Frequency", "Frecuencia", "Time interval at which observations occur.",
     "Intervalo de tiempo entre observaciones.", True),
    ("REF_AREA", "Reference area", "Área de referencia", "Reporting (host) country or aggregate.",
     "País informante (de acogida) o agregado.", True),
    ("INDICATOR", "Indicator", "Indicador", "IDAC statistic or indicator.", "Estadística o indicador IDAC.", False),
    ("SEX", "Sex", "Sexo", "Sex of the child.", "Sexo del niño, niña o adolescente.", True),
    ("AGE", "Age", "Edad", "Age band in completed years.", "Grupo de edad en años cumplidos.", True),
    ("ACCOMPANIMENT", "Accompaniment status", "Situación de acompañamiento",
     "Whether the child travels or lives with a parent or legal/customary caregiver.",
     "Si viaja o vive con su madre, padre o persona cuidadora legal o habitual.", False),
    ("ORIGIN_BASIS", "Basis of origin", "Criterio de origen", "Which link defines COUNTERPART_AREA.",
     "Qué vínculo define COUNTERPART_AREA.", False),
    ("COUNTERPART_AREA", "Counterpart area", "Área de contrapartida",
     "Country of birth, citizenship, origin, previous/next residence or return, per ORIGIN_BASIS.",
     "País de nacimiento, nacionalidad, origen, residencia anterior/siguiente o retorno, según ORIGIN_BASIS.", False),
    ("DISPL_CAUSE", "Cause of displacement", "Causa del desplazamiento", "Cause of internal displacement.",
     "Causa del desplazamiento interno.", False),
    ("URBANISATION", "Urbanisation", "Urbanización", "Urban/rural area, or camp.", "Área urbana/rural o campamento.",
     False),
    ("MIGRATORY_STATUS", "Migratory status", "Condición migratoria",
     "Migration or displacement status compared by thematic indicators.",
     "Condición migratoria o de desplazamiento comparada por los indicadores temáticos.", False),
    ("EDUCATION_LEV", "Education level", "Nivel educativo", "ISCED 2011 level.", "Nivel CINE 2011.", True),
    ("TIME_PERIOD", "Time period", "Período", "Reference period (stocks: reference year; flows: period).",
     "Período de referencia (stocks: año de referencia; flujos: período).", True),
    ("OBS_VALUE", "Observation value", "Valor de la observación", "The value.", "El valor.", True),
    ("OBS_STATUS", "Observation status", "Estado de la observación", "Status of the value (A normal, E estimated, "
     "Q suppressed...).", "Estado del valor (A normal, E estimado, Q suprimido...).", True),
    ("CONF_STATUS", "Confidentiality status", "Estado de confidencialidad",
     "Publication status of the value (F free, A small counts, D/S secondary...).",
     "Estado de publicación del valor (F libre, A frecuencias pequeñas, D/S secundaria...).", True),
    ("UNIT_MEASURE", "Unit of measure", "Unidad de medida", "Unit of the value.", "Unidad del valor.", True),
    ("UNIT_MULT", "Unit multiplier", "Multiplicador de unidad", "Power of 10 by which the value is multiplied.",
     "Potencia de 10 por la que se multiplica el valor.", True),
    ("DECIMALS", "Decimals", "Decimales", "Number of decimals shown.", "Número de decimales mostrados.", True),
    ("SOURCE_TYPE", "Type of source", "Tipo de fuente", "Kind of data source (census, survey, register...).",
     "Tipo de fuente de datos (censo, encuesta, registro...).", True),
    ("SOURCE_DETAIL", "Source detail", "Detalle de la fuente", "Name of census, survey or register; link.",
     "Nombre del censo, encuesta o registro; enlace.", False),
    ("COMPILING_ORG", "Compiling organisation", "Organización compiladora", "Institution that compiled the series.",
     "Institución que compiló la serie.", True),
    ("TIME_DETAIL", "Time detail", "Detalle temporal", "Reference date YYYY-MM-DD for stocks, or period detail.",
     "Fecha de referencia AAAA-MM-DD para stocks, o detalle del período.", False),
    ("NATURE", "Nature of data", "Naturaleza del dato", "Country, adjusted, estimated, modelled...",
     "Del país, ajustado, estimado, modelizado...", False),
    ("LOWER_BOUND", "Lower bound", "Límite inferior", "Lower bound of the confidence interval.",
     "Límite inferior del intervalo de confianza.", False),
    ("UPPER_BOUND", "Upper bound", "Límite superior", "Upper bound of the confidence interval.",
     "Límite superior del intervalo de confianza.", False),
    ("AGG_COVERAGE", "Aggregate coverage", "Cobertura del agregado",
     "Share (0-100) of the aggregate's child population behind a regional value.",
     "Porcentaje (0-100) de la población infantil del agregado cubierta por un valor regional.", False),
    ("COMMENT_OBS", "Observation comment", "Comentario de la observación", "Free-text note on one value.",
     "Nota libre sobre un valor.", False),
    ("COMMENT_TS", "Series comment", "Comentario de la serie", "Free-text note on a series.",
     "Nota libre sobre una serie.", False),
    ("EMBARGO_TIME", "Embargo time", "Fecha de embargo", "Date and time before which the data must not be published.",
     "Fecha y hora antes de la cual los datos no deben publicarse.", True),
    ("UNWGTD_SAMPLE", "Unweighted sample size", "Tamaño de muestra no ponderado",
     "Unweighted number of cases in the denominator (survey-based indicators).",
     "Número no ponderado de casos en el denominador (indicadores de encuesta).", False),
    ("DENOM_VALUE", "Denominator", "Denominador", "Denominator (reference population) of a percentage or rate.",
     "Denominador (población de referencia) de un porcentaje o tasa.", False),
    ("NUMER_VALUE", "Numerator", "Numerador", "Numerator of a percentage or rate.",
     "Numerador de un porcentaje o tasa.", False),
]

CROSS_DOMAIN = "urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept=SDMX:CROSS_DOMAIN_CONCEPTS(2.0)."
SDG_CONCEPTS = {"SOURCE_DETAIL", "TIME_DETAIL", "NATURE", "LOWER_BOUND", "UPPER_BOUND", "COMMENT_OBS",
                "COMMENT_TS", "URBANISATION"}


def concept_scheme() -> ConceptScheme:
    cs = ConceptScheme(
        IDAC, "CS_IDAC", V, names={"en": "IDAC concepts", "es": "Conceptos IDAC"},
        descriptions={"en": "Concepts of the IDAC data structures. Concepts that exist in the SDMX cross-domain "
                            "concept scheme keep its ID and carry a same-as-urn annotation.",
                      "es": "Conceptos de las estructuras de datos IDAC. Los conceptos transversales de SDMX "
                            "conservan su ID y llevan una anotación same-as-urn."},
    )
    items = []
    for cid, en, es, den, des, cog in CONCEPTS:
        anns = []
        if cog:
            anns.append(Annotation(type="same-as-urn", title=CROSS_DOMAIN + cid))
        elif cid in SDG_CONCEPTS:
            anns.append(A("SOURCE_CONCEPT", "IAEG-SDGs SDG DSD concept " + cid))
        items.append(Concept(cid, names={"en": en, "es": es}, descriptions={"en": den, "es": des}, annotations=anns))
    cs.items = items
    return cs


# --- DSDs -------------------------------------------------------------------------------------------

CORE_DIMS = [("FREQ", cl_ref("CL_FREQ", SDMX, "2.1")), ("REF_AREA", cl_ref("CL_AREA")),
             ("INDICATOR", cl_ref("CL_IDAC_INDICATOR")), ("SEX", cl_ref("CL_SEX", SDMX, "2.1")),
             ("AGE", cl_ref("CL_AGE_IDAC")), ("ACCOMPANIMENT", cl_ref("CL_ACCOMPANIMENT")),
             ("ORIGIN_BASIS", cl_ref("CL_ORIGIN_BASIS")), ("COUNTERPART_AREA", cl_ref("CL_AREA_CP")),
             ("DISPL_CAUSE", cl_ref("CL_DISPL_CAUSE")), ("URBANISATION", cl_ref("CL_URBANISATION"))]
THEMATIC_DIMS = [("FREQ", cl_ref("CL_FREQ", SDMX, "2.1")), ("REF_AREA", cl_ref("CL_AREA")),
                 ("INDICATOR", cl_ref("CL_IDAC_INDICATOR")), ("MIGRATORY_STATUS", cl_ref("CL_MIGRATORY_STATUS")),
                 ("SEX", cl_ref("CL_SEX", SDMX, "2.1")), ("AGE", cl_ref("CL_AGE_IDAC")),
                 ("ACCOMPANIMENT", cl_ref("CL_ACCOMPANIMENT")), ("URBANISATION", cl_ref("CL_URBANISATION")),
                 ("EDUCATION_LEV", cl_ref("CL_EDUCATION_LEV"))]


def _enum(ref: Ref) -> Representation:
    return Representation(enumeration=ref)


def _text(tt: str, **kw: object) -> Representation:
    return Representation(text_format=TextFormat(text_type=tt, **kw))  # type: ignore[arg-type]


def _attributes(series_dims: list[str], thematic: bool) -> list[DataAttribute]:
    obs = AttributeRelationship(kind="observation")
    ser = AttributeRelationship(kind="dimensions", dimensions=list(series_dims))
    ds = AttributeRelationship(kind="dataset")
    # id, representation, relationship, mandatory, note
    spec: list[tuple[str, Representation, AttributeRelationship, bool, str]] = [
        ("OBS_STATUS", _enum(cl_ref("CL_OBS_STATUS", SDMX, "2.2")), obs, True, "Default A (validator convention)."),
        ("CONF_STATUS", _enum(cl_ref("CL_CONF_STATUS", SDMX, "1.2")), obs, True, "Default F (validator convention)."),
        ("UNIT_MEASURE", _enum(cl_ref("CL_UNIT_MEASURE")), ser, True, ""),
        ("UNIT_MULT", _enum(cl_ref("CL_UNIT_MULT", SDMX, "1.1")), ser, True, "Default 0 (validator convention)."),
        ("DECIMALS", _enum(cl_ref("CL_DECIMALS", SDMX, "1.0")), ser, False, ""),
        ("SOURCE_TYPE", _enum(cl_ref("CL_SOURCE_TYPE")), ser, True, ""),
        ("SOURCE_DETAIL", _text("String", max_length=1000), obs, False, ""),
        ("COMPILING_ORG", _text("String", max_length=200), ser, False, ""),
        ("TIME_DETAIL", _text("String", max_length=50), obs, False,
         "Required by the validator for IDAC_STK_* (reference date YYYY-MM-DD)."),
        ("NATURE", _enum(cl_ref("CL_NATURE")), obs, False, ""),
        ("LOWER_BOUND", _text("Double"), obs, False, ""),
        ("UPPER_BOUND", _text("Double"), obs, False, ""),
        ("AGG_COVERAGE", _text("Double", min_value="0", max_value="100"), obs, False,
         "Set by the service on regional aggregates."),
        ("COMMENT_OBS", _text("String", max_length=1050), obs, False, ""),
        ("COMMENT_TS", _text("String", max_length=1050), ser, False, ""),
        ("EMBARGO_TIME", _text("DateTime"), ds, False, ""),
    ]
    if thematic:
        spec += [
            ("UNWGTD_SAMPLE", _text("Integer", min_value="0"), obs, False,
             "Required by the validator when SOURCE_TYPE is HH_SURVEY or CENSUS_SAMPLE."),
            ("DENOM_VALUE", _text("Double"), obs, False, "Needed for regional aggregation of rates."),
            ("NUMER_VALUE", _text("Double"), obs, False, ""),
        ]
    out = []
    for aid, rep, rel, mand, note in spec:
        out.append(DataAttribute(aid, concept=concept_ref(aid), local_representation=rep, mandatory=mand,
                                 relationship=rel, annotations=[A("VALIDATION_NOTE", note)] if note else []))
    return out


def _dsd(did: str, dims: list[tuple[str, Ref]], en: str, es: str, den: str, des: str, thematic: bool) -> DataStructure:
    d = DataStructure(IDAC, did, V, names={"en": en, "es": es}, descriptions={"en": den, "es": des})
    dimensions = [Dimension(i, concept=concept_ref(i), local_representation=_enum(r), position=n)
                  for n, (i, r) in enumerate(dims, start=1)]
    dimensions.append(Dimension("TIME_PERIOD", concept=concept_ref("TIME_PERIOD"),
                                local_representation=_text("ObservationalTimePeriod"),
                                position=len(dims) + 1, kind="time"))
    d.dimensions = dimensions
    d.attributes = _attributes([i for i, _ in dims], thematic)
    d.measures = [Measure("OBS_VALUE", concept=concept_ref("OBS_VALUE"), local_representation=_text("Double"))]
    return d


def dsds() -> tuple[DataStructure, DataStructure]:
    core = _dsd("DSD_IDAC_CORE", CORE_DIMS, "Children on the move - core stock and flow statistics",
                "Niñez en movimiento - estadísticas básicas de stocks y flujos",
                "Counts of children defined by a migration or displacement status (status inside INDICATOR).",
                "Conteos de niñez definida por una condición migratoria o de desplazamiento (la condición está en "
                "INDICATOR).", False)
    them = _dsd("DSD_IDAC_THEMATIC", THEMATIC_DIMS,
                "Children on the move - health, education, child protection and poverty indicators",
                "Niñez en movimiento - indicadores de salud, educación, protección y pobreza",
                "Outcomes compared across migratory statuses (MIGRATORY_STATUS dimension).",
                "Resultados comparados entre condiciones migratorias (dimensión MIGRATORY_STATUS).", True)
    return core, them


def dataflows() -> list[Dataflow]:
    core_dsd = Ref(ArtefactType.DATA_STRUCTURE, IDAC, "DSD_IDAC_CORE", V)
    them_dsd = Ref(ArtefactType.DATA_STRUCTURE, IDAC, "DSD_IDAC_THEMATIC", V)
    return [
        Dataflow(IDAC, "DF_IDAC_CORE", V, names={"en": "Children on the move - core stock and flow statistics",
                                                  "es": "Niñez en movimiento - estadísticas básicas de stocks y flujos"},
                 structure=core_dsd),
        Dataflow(IDAC, "DF_IDAC_THEMATIC", V,
                 names={"en": "Children on the move - health, education, child protection and poverty indicators",
                        "es": "Niñez en movimiento - indicadores de salud, educación, protección y pobreza"},
                 structure=them_dsd),
        Dataflow(IDAC, "DF_IDAC_REGIONAL", V,
                 names={"en": "Children on the move - regional aggregates of the core statistics",
                        "es": "Niñez en movimiento - agregados regionales de las estadísticas básicas"},
                 descriptions={"en": "Computed by the service from DF_IDAC_CORE over HCL_M49 / HCL_AREA_GROUPS; "
                                     "not reported by providers.",
                               "es": "Calculado por el servicio a partir de DF_IDAC_CORE; no lo informan los "
                                     "proveedores."},
                 structure=core_dsd),
    ]


# --- organisations ----------------------------------------------------------------------------------


def agency_scheme() -> AgencyScheme:
    s = AgencyScheme(SDMX, "AGENCIES", "1.0", names={"en": "Maintenance agencies", "es": "Agencias de mantenimiento"})
    s.items = [
        Organisation("SDMX", names={"en": "SDMX", "es": "SDMX"},
                     descriptions={"en": "Statistical Data and Metadata eXchange (maintains the cross-domain codelists).",
                                   "es": "Statistical Data and Metadata eXchange (mantiene las listas transversales)."}),
        Organisation("IDAC", names={"en": "International Data Alliance for Children on the Move",
                                    "es": "Alianza Internacional de Datos sobre la Niñez en Movimiento"},
                     descriptions={"en": "Secretariat: Eurostat, IOM, OECD, UNHCR and UNICEF.",
                                   "es": "Secretaría: Eurostat, OIM, OCDE, ACNUR y UNICEF."}),
    ]
    return s


def provider_scheme() -> DataProviderScheme:
    s = DataProviderScheme(IDAC, "DATA_PROVIDERS", "1.0",
                           names={"en": "IDAC data providers", "es": "Proveedores de datos IDAC"},
                           descriptions={"en": "Institutions (not countries) that report to IDAC. IDs are "
                                               "<ISO3>_<ACRONYM>; institutions to be confirmed with each country.",
                                         "es": "Instituciones (no países) que informan a IDAC. Los ID son "
                                               "<ISO3>_<SIGLA>; por confirmar con cada país."})
    items = []
    for p in PROVIDERS:
        role_en, role_es = ROLE_NAMES[p.role]
        desc_en = f"{role_en} of {p.country}: {p.name_en}." + (f" {p.note_en}" if p.note_en else "")
        desc_es = f"{role_es} ({p.country}): {p.name_es}." + (f" {p.note_es}" if p.note_es else "")
        items.append(Organisation(p.id, names={"es": p.name_es, "en": p.name_en},
                                  descriptions={"en": desc_en, "es": desc_es},
                                  annotations=[A("COUNTRY", p.country), A("ROLE", p.role)]))
    s.items = items
    return s


def _df_ref(df: str) -> Ref:
    return Ref(ArtefactType.DATAFLOW, IDAC, df, V)


def provider_indicators(role: str, core: bool) -> list[str]:
    pool = I.CORE if core else I.THEMATIC
    return [i.id for i in pool if role in i.institutions]


def provision_agreements() -> list[ProvisionAgreement]:
    out = []
    prov_scheme = Ref(ArtefactType.DATA_PROVIDER_SCHEME, IDAC, "DATA_PROVIDERS", "1.0")
    for p in PROVIDERS:
        for short, df, core in (("CORE", "DF_IDAC_CORE", True), ("THEMATIC", "DF_IDAC_THEMATIC", False)):
            if not provider_indicators(p.role, core):
                continue
            out.append(ProvisionAgreement(
                IDAC, f"PA_{p.id}_{short}", V,
                names={"en": f"{p.name_en} reports {df}", "es": f"{p.name_es} informa {df}"},
                dataflow=_df_ref(df), provider=prov_scheme.with_item(p.id)))
    return out


# --- constraints ------------------------------------------------------------------------------------

CHILD_AGES = ["Y0T17", "Y0T4", "Y5T9", "Y10T14", "Y15T17", "Y5T11", "Y12T17", "Y0T13", "Y14T17", "Y14T15",
              "Y16T17", "_U"]
SEMANTICS_EN = ("Interpretation (SDMX 2.1): within one constraint, included CubeRegions are OR-ed (a key is "
                "allowed if it lies in at least one of them) and excluded CubeRegions are then removed; a "
                "component absent from a region is unrestricted in it. Separate constraints that apply to the "
                "same data (dataflow, provision agreement) are AND-ed: a key must satisfy all of them.")


def _region(include: bool = True, **comps: list[str]) -> CubeRegion:
    return CubeRegion(include=include, components={k: ComponentValues(values=list(v)) for k, v in comps.items()})


def _with_attr(region: CubeRegion, attr: str, values: list[str]) -> CubeRegion:
    region.components[attr] = ComponentValues(values=list(values), is_attribute=True)
    return region


def dataflow_constraints(areas: list[Area]) -> list[ContentConstraint]:
    core_ids = [i.id for i in I.CORE]
    them_ids = [i.id for i in I.THEMATIC]
    ms_codes = [c.id for c in C.MIGRATORY_STATUS.codes if c.id != "_Z"]
    sem = A("CONSTRAINT_SEMANTICS", SEMANTICS_EN)
    out = [
        ContentConstraint(IDAC, "CC_DF_IDAC_CORE", V, names={"en": "DF_IDAC_CORE: allowed content",
                                                             "es": "DF_IDAC_CORE: contenido permitido"},
                          role="Allowed", attachment=[_df_ref("DF_IDAC_CORE")], annotations=[sem],
                          cube_regions=[_region(FREQ=["A", "S", "Q", "M"], INDICATOR=core_ids,
                                                SEX=["F", "M", "_T", "_U"], AGE=CHILD_AGES)]),
        ContentConstraint(IDAC, "CC_DF_IDAC_THEMATIC", V, names={"en": "DF_IDAC_THEMATIC: allowed content",
                                                                 "es": "DF_IDAC_THEMATIC: contenido permitido"},
                          role="Allowed", attachment=[_df_ref("DF_IDAC_THEMATIC")], annotations=[sem],
                          cube_regions=[_region(FREQ=["A"], INDICATOR=them_ids, MIGRATORY_STATUS=ms_codes,
                                                SEX=["F", "M", "_T"], AGE=CHILD_AGES)]),
        ContentConstraint(IDAC, "CC_DF_IDAC_REGIONAL", V, names={"en": "DF_IDAC_REGIONAL: allowed content",
                                                                 "es": "DF_IDAC_REGIONAL: contenido permitido"},
                          role="Allowed", attachment=[_df_ref("DF_IDAC_REGIONAL")], annotations=[sem],
                          cube_regions=[_region(FREQ=["A"], REF_AREA=list(REGIONS), INDICATOR=core_ids,
                                                SEX=["F", "M", "_T", "_U"], AGE=CHILD_AGES)]),
        core_indicator_constraint(),
        thematic_indicator_constraint(),
    ]
    return out


#: DOMAIN.md 7.4 table: (indicators, ACCOMPANIMENT or None=all, ORIGIN_BASIS, DISPL_CAUSE or None=all,
#: URBANISATION, UNIT_MEASURE)
_ALL_ACC = ["_T", "ACC", "UASC", "UNACC", "SEP", "_U"]
_ALL_CAUSE = ["_T", "CONFLICT", "DISASTER", "OTHER", "_U"]
CORE_REGIONS: list[tuple[str, list[str], list[str], list[str], list[str], list[str], list[str]]] = [
    ("STK_INTL_MIG", ["IDAC_STK_INTL_MIG"], ["_T"], ["BIRTH", "CITIZEN"], ["_Z"], ["_T", "U", "R"], ["PS"]),
    ("STK_REF_ASY", ["IDAC_STK_REF", "IDAC_STK_ASY"], _ALL_ACC, ["ORIGIN", "CITIZEN"], ["_Z"],
     ["_T", "U", "R", "CAMP"], ["PS"]),
    ("STK_IDP", ["IDAC_STK_IDP"], ["_T", "UASC"], ["_Z"], _ALL_CAUSE, ["_T", "U", "R", "CAMP"], ["PS"]),
    ("STK_STA", ["IDAC_STK_STA"], ["_T"], ["_Z"], ["_Z"], ["_T", "U", "R"], ["PS"]),
    ("FLW_IMM", ["IDAC_FLW_IMM"], _ALL_ACC, ["CITIZEN", "PREV_RES"], ["_Z"], ["_T"], ["PS"]),
    ("FLW_EMI", ["IDAC_FLW_EMI"], _ALL_ACC, ["CITIZEN", "NEXT_RES"], ["_Z"], ["_T"], ["PS"]),
    ("FLW_ASY_APP", ["IDAC_FLW_ASY_APP"], _ALL_ACC, ["CITIZEN"], ["_Z"], ["_T"], ["PS"]),
    ("FLW_NEW_IDP", ["IDAC_FLW_NEW_IDP"], ["_T"], ["_Z"], _ALL_CAUSE, ["_T"], ["NUMBER"]),
    ("FLW_RET", ["IDAC_FLW_RET_REF", "IDAC_FLW_RET_MIG"], _ALL_ACC, ["RET_FROM"], ["_Z"], ["_T"], ["PS"]),
    # FIX: DOMAIN 7.4 gives IDAC_FLW_RET_IDP "DISPL_CAUSE: all" - kept; the cause is that of the original
    # displacement.
    ("FLW_RET_IDP", ["IDAC_FLW_RET_IDP"], ["_T"], ["_Z"], _ALL_CAUSE, ["_T"], ["PS"]),
    ("FLW_BORDER", ["IDAC_FLW_ENTRY", "IDAC_FLW_EXIT"], _ALL_ACC, ["CITIZEN"], ["_Z"], ["_T"], ["MOV"]),
]


def core_indicator_constraint() -> ContentConstraint:
    regions = []
    for _name, inds, acc, basis, cause, urb, unit in CORE_REGIONS:
        r = _region(INDICATOR=inds, ACCOMPANIMENT=acc, ORIGIN_BASIS=basis, DISPL_CAUSE=cause, URBANISATION=urb)
        if basis == ["_Z"]:
            r.components["COUNTERPART_AREA"] = ComponentValues(values=["_Z"])
        regions.append(_with_attr(r, "UNIT_MEASURE", unit))
    # General rules on the (ORIGIN_BASIS, COUNTERPART_AREA) pair, as excluded regions:
    regions.append(_region(include=False, ORIGIN_BASIS=["BIRTH", "CITIZEN", "ORIGIN", "PREV_RES", "NEXT_RES",
                                                        "RET_FROM"], COUNTERPART_AREA=["_Z"]))
    regions.append(_region(include=False, ORIGIN_BASIS=["BIRTH", "PREV_RES", "NEXT_RES", "RET_FROM"],
                           COUNTERPART_AREA=["STLS"]))
    return ContentConstraint(
        IDAC, "CC_DF_IDAC_CORE_INDICATORS", V,
        names={"en": "Core statistics: allowed breakdowns per indicator",
               "es": "Estadísticas básicas: desagregaciones permitidas por indicador"},
        descriptions={"en": "One included CubeRegion per indicator group (DOMAIN.md 7.4), OR-ed; two excluded "
                            "regions: COUNTERPART_AREA=_Z needs ORIGIN_BASIS=_Z, and STLS needs CITIZEN or ORIGIN. "
                            "COUNTERPART_AREA is otherwise unrestricted (any country, _T, _U).",
                      "es": "Una CubeRegion incluida por grupo de indicadores (unidas con O); dos regiones "
                            "excluidas: COUNTERPART_AREA=_Z exige ORIGIN_BASIS=_Z y STLS exige CITIZEN u ORIGIN."},
        annotations=[A("CONSTRAINT_SEMANTICS", SEMANTICS_EN),
                     A("REGION_ORDER", "+".join(r[0] for r in CORE_REGIONS) + "+EXCL_CP_Z+EXCL_STLS")],
        role="Allowed", attachment=[_df_ref("DF_IDAC_CORE"), _df_ref("DF_IDAC_REGIONAL")], cube_regions=regions)


def thematic_indicator_constraint() -> ContentConstraint:
    by_unit: dict[tuple[str, ...], list[str]] = {}
    regions = []
    edu_levels = ["_T", "ISCED11_02", "ISCED11_1", "ISCED11_2", "ISCED11_3"]
    groups: list[tuple[str, list[str], list[str], list[str], list[str]]] = []
    # (name, indicators, ACCOMPANIMENT, EDUCATION_LEV, units)
    for ind in I.THEMATIC:
        acc = _ALL_ACC if ind.parent == "IDAC_PROTECTION" else ["_T"]
        edu = edu_levels if ind.id in ("IDAC_E_ENROL", "IDAC_E_ATTEND", "IDAC_E_OOS", "IDAC_E_COMPL",
                                       "IDAC_E_PROF") else ["_Z"]
        key = (ind.parent, tuple(acc), tuple(edu), tuple(ind.units))
        by_unit.setdefault(key, []).append(ind.id)
    for (parent, acc, edu, units), inds in by_unit.items():
        groups.append((parent, inds, list(acc), list(edu), list(units)))
    for _name, inds, acc, edu, units in groups:
        r = _region(INDICATOR=inds, ACCOMPANIMENT=acc, URBANISATION=["_T", "U", "R", "_U"], EDUCATION_LEV=edu)
        regions.append(_with_attr(r, "UNIT_MEASURE", units))
    return ContentConstraint(
        IDAC, "CC_DF_IDAC_THEMATIC_INDICATORS", V,
        names={"en": "Thematic indicators: allowed breakdowns per indicator",
               "es": "Indicadores temáticos: desagregaciones permitidas por indicador"},
        descriptions={"en": "One included CubeRegion per group of indicators sharing breakdowns and units, OR-ed. "
                            "Percentages PCNT, counts PS, rates PER100000; ACCOMPANIMENT only for child-protection "
                            "indicators; EDUCATION_LEV only for education indicators by level.",
                      "es": "Una CubeRegion incluida por grupo de indicadores con las mismas desagregaciones y "
                            "unidades, unidas con O."},
        annotations=[A("CONSTRAINT_SEMANTICS", SEMANTICS_EN)],
        role="Allowed", attachment=[_df_ref("DF_IDAC_THEMATIC")], cube_regions=regions)


def provision_constraints(pas: list[ProvisionAgreement]) -> list[ContentConstraint]:
    by_id = {p.id: p for p in PROVIDERS}
    out = []
    for pa in pas:
        assert pa.provider is not None and pa.dataflow is not None
        p = by_id[pa.provider.item or ""]
        core = pa.dataflow.id == "DF_IDAC_CORE"
        inds = provider_indicators(p.role, core)
        out.append(ContentConstraint(
            IDAC, "CC_" + pa.id, V,
            names={"en": f"{pa.id}: own country, {ROLE_NAMES[p.role][0].lower()} indicators",
                   "es": f"{pa.id}: país propio, indicadores de {ROLE_NAMES[p.role][1].lower()}"},
            role="Allowed", attachment=[pa.ref], cube_regions=[_region(REF_AREA=[p.country], INDICATOR=inds)]))
    return out


# --- hierarchies ------------------------------------------------------------------------------------


def _hc(cl: Ref, code: str, children: list[HierarchicalCode] | None = None) -> HierarchicalCode:
    return HierarchicalCode(code, code=cl.with_item(code), children=children or [])


def _hier(hid: str, en: str, es: str, codes: list[HierarchicalCode]) -> Hierarchy:
    return Hierarchy(IDAC, hid, V, names={"en": en, "es": es}, codes=codes)


def hcl_m49(areas: list[Area]) -> HierarchicalCodelist:
    ar = cl_ref("CL_AREA")
    members: dict[str, list[str]] = {}
    for a in areas:
        if a.m49_region:
            members.setdefault(M49_REGION_CODE[a.m49_region], []).append(a.iso3)

    def sub(rid: str) -> HierarchicalCode:
        return _hc(ar, rid, [_hc(ar, c) for c in sorted(members[rid])])

    tree = _hc(ar, "WORLD", [_hc(ar, "UNSDG_AMERICAS", [
        _hc(ar, "UNSDG_LAC", [sub("UNSDG_CENTRALAMR"), sub("UNSDG_SOUTHAMR"), sub("UNSDG_CARIBBEAN")]),
        sub("UNSDG_NORTHERNAMR"),
    ])])
    h = HierarchicalCodelist(
        IDAC, "HCL_M49", V, names={"en": "UN M49 regions (Americas)", "es": "Regiones M49 de la ONU (Américas)"},
        descriptions={"en": "WORLD > Americas (019) > Latin America and the Caribbean (419) > Central America (013, "
                            "incl. Mexico), South America (005), Caribbean (029, incl. BES); Americas > Northern "
                            "America (021). Only the Americas are expanded.",
                      "es": "WORLD > Américas (019) > América Latina y el Caribe (419) > América Central (013, "
                            "incluye México), América del Sur (005), Caribe (029, incluye BES); Américas > América "
                            "septentrional (021)."})
    h.hierarchies = [_hier("M49", "UN M49 standard", "Norma M49 de la ONU", [tree])]
    return h


def hcl_area_groups(areas: list[Area]) -> HierarchicalCodelist:
    ar = cl_ref("CL_AREA")
    lac = sorted(a.iso3 for a in areas if a.unicef_lac)
    lacro = sorted(a.iso3 for a in areas if a.unicef_lacro)
    h = HierarchicalCodelist(
        IDAC, "HCL_AREA_GROUPS", V, names={"en": "Other area groupings", "es": "Otras agrupaciones de áreas"},
        descriptions={"en": "UNICEF reporting region (37), UNICEF programme region LACRO (36 = LAC without BHS), and "
                            "the six IDAC workshop countries.",
                      "es": "Región de informes de UNICEF (37), región programática LACRO (36 = LAC sin BHS) y los "
                            "seis países del taller IDAC."})
    h.hierarchies = [
        _hier("UNICEF_REP", "UNICEF reporting region", "Región de informes de UNICEF",
              [_hc(ar, "UNICEF_LAC", [_hc(ar, c) for c in lac])]),
        _hier("UNICEF_PROG", "UNICEF programme region", "Región programática de UNICEF",
              [_hc(ar, "UNICEF_LACRO", [_hc(ar, c) for c in lacro])]),
        _hier("IDAC_LA6", "IDAC workshop countries", "Países del taller IDAC",
              [_hc(ar, "IDAC_LA6", [_hc(ar, c) for c in COUNTRIES])]),
    ]
    return h


#: Complete partitions of Y0T17 (DOMAIN.md 7.5).
AGE_PARTITIONS: dict[str, tuple[str, str, list]] = {
    "CANONICAL": ("Canonical IDAC bands", "Grupos canónicos IDAC", ["Y0T4", "Y5T9", "Y10T14", "Y15T17"]),
    "UNHCR": ("UNHCR/IDMC bands", "Grupos de ACNUR/IDMC", ["Y0T4", "Y5T11", "Y12T17"]),
    "EUROSTAT": ("Eurostat asylum bands", "Grupos de asilo de Eurostat", ["Y0T13", ("Y14T17", ["Y14T15", "Y16T17"])]),
}


def hcl_age() -> HierarchicalCodelist:
    ag = cl_ref("CL_AGE_IDAC")

    def node(x: str | tuple[str, list[str]]) -> HierarchicalCode:
        if isinstance(x, tuple):
            return _hc(ag, x[0], [_hc(ag, c) for c in x[1]])
        return _hc(ag, x)

    h = HierarchicalCodelist(
        IDAC, "HCL_AGE", V, names={"en": "Partitions of 0-17 years", "es": "Particiones de 0 a 17 años"},
        descriptions={"en": "Each hierarchy is a complete partition of Y0T17 (children sum to the parent); used by "
                            "the additivity check. Bands from different hierarchies must not be mixed in one sum.",
                      "es": "Cada jerarquía es una partición completa de Y0T17 (los hijos suman el padre); la usa "
                            "el control de aditividad. No se mezclan grupos de jerarquías distintas."})
    h.hierarchies = [_hier(k, en, es, [_hc(ag, "Y0T17", [node(x) for x in parts])])
                     for k, (en, es, parts) in AGE_PARTITIONS.items()]
    return h


def hcl_accompaniment() -> HierarchicalCodelist:
    ac = cl_ref("CL_ACCOMPANIMENT")
    h = HierarchicalCodelist(
        IDAC, "HCL_ACCOMPANIMENT", V, names={"en": "Accompaniment additivity", "es": "Aditividad del acompañamiento"},
        descriptions={"en": "_T = ACC + UASC + _U; UASC = UNACC + SEP.", "es": "_T = ACC + UASC + _U; UASC = UNACC + SEP."})
    h.hierarchies = [_hier("ACCOMPANIMENT", "Accompaniment", "Acompañamiento", [
        _hc(ac, "_T", [_hc(ac, "ACC"), _hc(ac, "UASC", [_hc(ac, "UNACC"), _hc(ac, "SEP")]), _hc(ac, "_U")])])]
    return h


# --- categories -------------------------------------------------------------------------------------

THEMES = [("STOCKS_FLOWS", "Stocks and flows", "Stocks y flujos"), ("HEALTH", "Health", "Salud"),
          ("EDUCATION", "Education", "Educación"), ("PROTECTION", "Child protection", "Protección de la niñez"),
          ("POVERTY", "Poverty", "Pobreza"), ("REGIONAL", "Regional aggregates", "Agregados regionales")]
CATEGORISED = [("DF_IDAC_CORE", "STOCKS_FLOWS"), ("DF_IDAC_THEMATIC", "HEALTH"), ("DF_IDAC_THEMATIC", "EDUCATION"),
               ("DF_IDAC_THEMATIC", "PROTECTION"), ("DF_IDAC_THEMATIC", "POVERTY"),
               ("DF_IDAC_REGIONAL", "STOCKS_FLOWS"), ("DF_IDAC_REGIONAL", "REGIONAL")]


def categories() -> list[MaintainableArtefact]:
    cs = CategoryScheme(IDAC, "CAT_IDAC_THEMES", V, names={"en": "IDAC themes", "es": "Temas IDAC"})
    cs.items = [Category(i, names={"en": en, "es": es}) for i, en, es in THEMES]
    out: list[MaintainableArtefact] = [cs]
    for df, cat in CATEGORISED:
        out.append(Categorisation(IDAC, f"CAT_{df}_{cat}", V, names={"en": f"{df} in {cat}", "es": f"{df} en {cat}"},
                                  source=_df_ref(df), target=cs.ref.with_item(cat)))
    return out


# --- files ------------------------------------------------------------------------------------------


def artefact_files() -> dict[str, list[MaintainableArtefact]]:
    """Relative output path -> artefacts written into that file (one SDMX-ML structure message)."""
    areas = load_areas()
    files: dict[str, list[MaintainableArtefact]] = {}
    cl_area, cl_cp = area_codelists(areas)
    codelists: list[Codelist] = [cl_area, cl_cp, indicator_codelist()]
    codelists += [from_table(t) for t in C.IDAC_SMALL_CODELISTS]
    codelists += [from_table(t) for t in C.SDMX_CODELISTS]
    for cl in codelists:
        files[f"codelists/{cl.agency}-{cl.id}-{cl.version}.xml"] = [cl]
    core, them = dsds()
    pas = provision_agreements()
    files["dsd/SDMX-AGENCIES-1.0.xml"] = [agency_scheme()]
    files["dsd/IDAC-CS_IDAC-1.0.xml"] = [concept_scheme()]
    files["dsd/IDAC-DSD_IDAC_CORE-1.0.xml"] = [core]
    files["dsd/IDAC-DSD_IDAC_THEMATIC-1.0.xml"] = [them]
    files["dsd/IDAC-dataflows-1.0.xml"] = list(dataflows())
    files["dsd/IDAC-DATA_PROVIDERS-1.0.xml"] = [provider_scheme()]
    files["dsd/IDAC-provision-agreements-1.0.xml"] = list(pas)
    files["dsd/IDAC-constraints-dataflows-1.0.xml"] = list(dataflow_constraints(areas))
    files["dsd/IDAC-constraints-provision-1.0.xml"] = list(provision_constraints(pas))
    files["dsd/IDAC-HCL_M49-1.0.xml"] = [hcl_m49(areas)]
    files["dsd/IDAC-HCL_AREA_GROUPS-1.0.xml"] = [hcl_area_groups(areas)]
    files["dsd/IDAC-HCL_AGE-1.0.xml"] = [hcl_age()]
    files["dsd/IDAC-HCL_ACCOMPANIMENT-1.0.xml"] = [hcl_accompaniment()]
    files["dsd/IDAC-CAT_IDAC_THEMES-1.0.xml"] = categories()
    return files
