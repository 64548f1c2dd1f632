# ruff: noqa: E501  (tables of names and descriptions read better unwrapped)
"""Tables of codes for the small IDAC and SDMX cross-domain codelists (English and Spanish).

Each codelist is a ``CL`` record; each code a ``C`` record.  ``ann`` holds annotations as
``{type: text}`` (the text is written in English only: annotation values are machine-readable).
Content follows shared/idac/DOMAIN.md sections 4 and 7.5; deviations are marked ``# FIX:``
and listed in docs/IDAC_CONTENT.md ("Changes to the proposal").
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class C:
    """One code: id, English and Spanish name, optional descriptions, annotations, parent."""

    id: str
    en: str
    es: str
    desc_en: str = ""
    desc_es: str = ""
    ann: dict[str, str] = field(default_factory=dict)
    parent: str | None = None


@dataclass
class CL:
    """One codelist."""

    agency: str
    id: str
    version: str
    en: str
    es: str
    desc_en: str
    desc_es: str
    codes: list[C]
    ann: dict[str, str] = field(default_factory=dict)


# --- SDMX cross-domain codelists (agency SDMX; content from statcodelists 0.9.2, DOMAIN.md section 4) ---

_FREQ = [
    ("A", "Annual", "Anual"), ("A2", "Biennial", "Bienal"), ("A3", "Triennial", "Trienal"),
    ("A4", "Quadrennial", "Cuadrienal"), ("A5", "Quinquennial", "Quinquenal"), ("A10", "Decennial", "Decenal"),
    ("A20", "Bidecennial", "Bidecenal"), ("A30", "Tridecennial", "Tridecenal"),
    ("A_3", "Three times a year", "Tres veces al año"), ("S", "Half-yearly, semester", "Semestral"),
    ("Q", "Quarterly", "Trimestral"), ("M", "Monthly", "Mensual"), ("M2", "Bimonthly", "Bimestral"),
    ("M_2", "Semimonthly", "Quincenal"), ("M_3", "Three times a month", "Tres veces al mes"),
    ("W", "Weekly", "Semanal"), ("W2", "Biweekly", "Cada dos semanas"), ("W3", "Triweekly", "Cada tres semanas"),
    ("W4", "Four-weekly", "Cada cuatro semanas"), ("W_2", "Semiweekly", "Dos veces por semana"),
    ("W_3", "Three times a week", "Tres veces por semana"), ("D", "Daily", "Diaria"),
    ("D_2", "Twice a day", "Dos veces al día"), ("H", "Hourly", "Horaria"), ("H2", "Bihourly", "Cada dos horas"),
    ("H3", "Trihourly", "Cada tres horas"), ("B", "Daily – business week", "Diaria – días hábiles"),
    ("N", "Minutely", "Por minuto"), ("I", "Irregular", "Irregular"),
    ("OA", "Occasional annual", "Anual ocasional"), ("OM", "Occasional monthly", "Mensual ocasional"),
    ("_O", "Other", "Otra"), ("_U", "Unspecified", "No especificada"), ("_Z", "Not applicable", "No aplicable"),
]

_SEX = [
    ("F", "Female", "Mujer"), ("M", "Male", "Hombre"), ("_N", "Non response", "Sin respuesta"),
    ("_O", "Other", "Otro"), ("_T", "Total", "Total"), ("_U", "Unknown", "Desconocido"),
    ("_Z", "Not applicable", "No aplicable"),
]

_OBS_STATUS = [
    ("A", "Normal value", "Valor normal"), ("B", "Time series break", "Ruptura de serie"),
    ("D", "Definition differs", "Definición diferente"), ("E", "Estimated value", "Valor estimado"),
    ("F", "Forecast value", "Valor previsto"), ("G", "Experimental value", "Valor experimental"),
    ("I", "Value imputed by a receiving agency", "Valor imputado por el organismo receptor"),
    ("K", "Data included in another category", "Dato incluido en otra categoría"),
    ("W", "Includes data from another category", "Incluye datos de otra categoría"),
    ("O", "Missing value", "Valor ausente"), ("M", "Missing value; data cannot exist", "Valor ausente; el dato no puede existir"),
    ("P", "Provisional value", "Valor provisional"), ("S", "Strike and other special events", "Huelga y otros eventos especiales"),
    ("L", "Missing value; data exist but were not collected", "Valor ausente; el dato existe pero no se recopiló"),
    ("H", "Missing value; holiday or weekend", "Valor ausente; feriado o fin de semana"),
    ("Q", "Missing value; suppressed", "Valor ausente; suprimido"), ("J", "Derogation", "Derogación"),
    ("N", "Not significant", "No significativo"), ("U", "Low reliability", "Baja fiabilidad"),
    ("V", "Unvalidated value", "Valor no validado"),
]

_CONF_STATUS = [
    ("F", "Free (free for publication)", "Libre (publicable)"),
    ("N", "Not for publication, restricted for internal use only", "No publicable, solo para uso interno"),
    ("C", "Confidential statistical information", "Información estadística confidencial"),
    ("D", "Secondary confidentiality set by the sender, not for publication",
     "Confidencialidad secundaria fijada por el remitente, no publicable"),
    ("S", "Secondary confidentiality set and managed by the receiver, not for publication",
     "Confidencialidad secundaria fijada y gestionada por el receptor, no publicable"),
    ("A", "Primary confidentiality due to small counts", "Confidencialidad primaria por frecuencias pequeñas"),
    ("O", "Primary confidentiality due to dominance by one unit", "Confidencialidad primaria por predominio de una unidad"),
    ("T", "Primary confidentiality due to dominance by two units", "Confidencialidad primaria por predominio de dos unidades"),
    ("G", "Primary confidentiality due to dominance by one or two units",
     "Confidencialidad primaria por predominio de una o dos unidades"),
    ("M", "Primary confidentiality due to data declared confidential based on other measures of concentration",
     "Confidencialidad primaria declarada según otras medidas de concentración"),
    ("E", "Embargoed (treated as N until the embargo time, then as F)",
     "Embargado (se trata como N hasta la hora del embargo y luego como F)"),
]

_MULT_EN = {
    0: "Units", 1: "Tens", 2: "Hundreds", 3: "Thousands", 4: "Tens of thousands", 5: "Hundreds of thousands",
    6: "Millions", 7: "Tens of millions", 8: "Hundreds of millions", 9: "Billions", 10: "Tens of billions",
    11: "Hundreds of billions", 12: "Trillions", 13: "Tens of trillions", 14: "Hundreds of trillions",
    15: "Quadrillions", -1: "Tenths", -2: "Hundredths", -3: "Thousandths", -4: "Ten-thousandths",
    -5: "Hundred-thousandths", -6: "Millionths", -7: "Ten-millionths", -8: "Hundred-millionths",
    -9: "Billionths", -10: "Ten-billionths", -11: "Hundred-billionths", -12: "Trillionths",
    -13: "Ten-trillionths", -14: "Hundred-trillionths", -15: "Quadrillionths",
}
# Spanish uses the long scale: "billion" (10^9) = "mil millones", "trillion" (10^12) = "billón".
_MULT_ES = {
    0: "Unidades", 1: "Decenas", 2: "Centenas", 3: "Miles", 4: "Decenas de miles", 5: "Centenas de miles",
    6: "Millones", 7: "Decenas de millones", 8: "Centenas de millones", 9: "Miles de millones",
    10: "Decenas de miles de millones", 11: "Centenas de miles de millones", 12: "Billones",
    13: "Decenas de billones", 14: "Centenas de billones", 15: "Miles de billones", -1: "Décimas",
    -2: "Centésimas", -3: "Milésimas", -4: "Diezmilésimas", -5: "Cienmilésimas", -6: "Millonésimas",
    -7: "Diezmillonésimas", -8: "Cienmillonésimas", -9: "Milmillonésimas", -10: "Diezmilmillonésimas",
    -11: "Cienmilmillonésimas", -12: "Billonésimas", -13: "Diezbillonésimas", -14: "Cienbillonésimas",
    -15: "Milbillonésimas",
}
_MULT_ORDER = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
               -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15]

_DEC_EN = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven",
           "Twelve", "Thirteen", "Fourteen", "Fifteen"]
_DEC_ES = ["Cero", "Uno", "Dos", "Tres", "Cuatro", "Cinco", "Seis", "Siete", "Ocho", "Nueve", "Diez", "Once",
           "Doce", "Trece", "Catorce", "Quince"]

_SDMX_NOTE_EN = ("Copy of the SDMX cross-domain codelist as published in the statcodelists 0.9.2 snapshot "
                 "(2022) of https://sdmx.org/?page_id=3215; Spanish names are IDAC translations. "
                 "Replace with the SDMX Global Registry version when online.")
_SDMX_NOTE_ES = ("Copia de la lista de códigos transversal de SDMX según la instantánea statcodelists 0.9.2 "
                 "(2022); los nombres en español son traducciones de IDAC.")


def _simple(rows: list[tuple[str, str, str]]) -> list[C]:
    return [C(i, en, es) for i, en, es in rows]


SDMX_CODELISTS: list[CL] = [
    CL("SDMX", "CL_FREQ", "2.1", "Frequency", "Frecuencia", _SDMX_NOTE_EN, _SDMX_NOTE_ES, _simple(_FREQ)),
    CL("SDMX", "CL_SEX", "2.1", "Sex", "Sexo", _SDMX_NOTE_EN, _SDMX_NOTE_ES, _simple(_SEX)),
    CL("SDMX", "CL_OBS_STATUS", "2.2", "Observation status", "Estado de la observación", _SDMX_NOTE_EN,
       _SDMX_NOTE_ES, _simple(_OBS_STATUS)),
    CL("SDMX", "CL_CONF_STATUS", "1.2", "Confidentiality status", "Estado de confidencialidad", _SDMX_NOTE_EN,
       _SDMX_NOTE_ES, _simple(_CONF_STATUS)),
    CL("SDMX", "CL_UNIT_MULT", "1.1", "Unit multiplier", "Multiplicador de unidad", _SDMX_NOTE_EN, _SDMX_NOTE_ES,
       [C(str(n), _MULT_EN[n], _MULT_ES[n]) for n in _MULT_ORDER]),
    CL("SDMX", "CL_DECIMALS", "1.0", "Decimals", "Decimales", _SDMX_NOTE_EN, _SDMX_NOTE_ES,
       [C(str(n), _DEC_EN[n], _DEC_ES[n]) for n in range(16)]),
]


# --- IDAC codelists (DOMAIN.md section 7.5) ----------------------------------------------------------

_T = ("_T", "Total", "Total")
_U = ("_U", "Unknown", "Desconocido")
_Z = ("_Z", "Not applicable", "No aplicable")


def _age(cid: str, en: str, es: str, lo: int | None, hi: int | None, role: str, **extra: str) -> C:
    ann = {"AGE_ROLE": role}
    if lo is not None:
        ann["AGE_LOWER"] = str(lo)
    if hi is not None:
        ann["AGE_UPPER"] = str(hi)
    ann.update(extra)
    return C(cid, en, es, ann=ann)


AGE = CL(
    "IDAC", "CL_AGE_IDAC", "1.0", "Age (IDAC)", "Edad (IDAC)",
    "Age bands for children on the move: canonical bands 0-4, 5-9, 10-14, 15-17 and bridging bands that "
    "accept UNHCR/IDMC and Eurostat bands without re-banding. AGE_LOWER/AGE_UPPER give completed years "
    "(inclusive); AGE_SPAN lists the canonical bands a bridging band overlaps, 'partial' when it cuts one.",
    "Grupos de edad para niñez en movimiento: grupos canónicos 0-4, 5-9, 10-14, 15-17 y grupos puente que "
    "aceptan los grupos de ACNUR/IDMC y Eurostat sin reagruparlos. AGE_LOWER/AGE_UPPER son años cumplidos "
    "(inclusive); AGE_SPAN indica los grupos canónicos que abarca un grupo puente ('partial' si corta uno).",
    [
        C("_T", "All ages", "Todas las edades", ann={"AGE_ROLE": "TOTAL"}),
        _age("Y0T17", "0 to 17 years (all children)", "0 a 17 años (toda la niñez)", 0, 17, "CANONICAL_TOTAL",
             MAP_UNICEF="Y0T17", MAP_SDG="Y0T17", MAP_ESTAT="Y_LT18"),
        _age("Y0T4", "0 to 4 years", "0 a 4 años", 0, 4, "CANONICAL", MAP_UNICEF="Y0T4", MAP_SDG="Y0T4",
             MAP_ESTAT="Y_LT5", MAP_UNHCR="0-4"),
        _age("Y5T9", "5 to 9 years", "5 a 9 años", 5, 9, "CANONICAL", MAP_UNICEF="Y5T9", MAP_SDG="Y5T9",
             MAP_ESTAT="Y5-9"),
        _age("Y10T14", "10 to 14 years", "10 a 14 años", 10, 14, "CANONICAL", MAP_UNICEF="Y10T14",
             MAP_SDG="Y10T14", MAP_ESTAT="Y10-14"),
        _age("Y15T17", "15 to 17 years", "15 a 17 años", 15, 17, "CANONICAL", MAP_UNICEF="Y15T17",
             MAP_SDG="Y15T17"),
        _age("Y5T11", "5 to 11 years (bridging, UNHCR/IDMC)", "5 a 11 años (puente, ACNUR/IDMC)", 5, 11,
             "BRIDGING", AGE_SPAN="Y5T9+Y10T14 partial", MAP_UNHCR="5-11"),
        _age("Y12T17", "12 to 17 years (bridging, UNHCR/IDMC)", "12 a 17 años (puente, ACNUR/IDMC)", 12, 17,
             "BRIDGING", AGE_SPAN="Y10T14 partial+Y15T17", MAP_UNICEF="Y12T17", MAP_UNHCR="12-17"),
        _age("Y0T13", "0 to 13 years (bridging, Eurostat)", "0 a 13 años (puente, Eurostat)", 0, 13,
             "BRIDGING", AGE_SPAN="Y0T4+Y5T9+Y10T14 partial", MAP_UNICEF="Y0T13", MAP_ESTAT="Y_LT14"),
        _age("Y14T17", "14 to 17 years (bridging, Eurostat)", "14 a 17 años (puente, Eurostat)", 14, 17,
             "BRIDGING", AGE_SPAN="Y10T14 partial+Y15T17", MAP_UNICEF="Y14T17", MAP_ESTAT="Y14-17"),
        _age("Y14T15", "14 to 15 years (bridging, unaccompanied minors)",
             "14 a 15 años (puente, menores no acompañados)", 14, 15, "BRIDGING",
             AGE_SPAN="Y10T14 partial+Y15T17 partial", MAP_UNICEF="Y14T15", MAP_ESTAT="Y14-15"),
        _age("Y16T17", "16 to 17 years (bridging, unaccompanied minors)",
             "16 a 17 años (puente, menores no acompañados)", 16, 17, "BRIDGING", AGE_SPAN="Y15T17 partial",
             MAP_UNICEF="Y16T17", MAP_ESTAT="Y16-17"),
        _age("Y_GE18", "18 years and over (context and denominators only)",
             "18 años y más (solo contexto y denominadores)", 18, None, "CONTEXT", MAP_UNICEF="Y_GE18",
             MAP_SDG="Y_GE18"),
        C("_U", "Unknown", "Desconocida", ann={"AGE_ROLE": "UNKNOWN"}),
    ],
)

ACCOMPANIMENT = CL(
    "IDAC", "CL_ACCOMPANIMENT", "1.0", "Accompaniment status", "Situación de acompañamiento",
    "Whether the child travels or lives with a parent or a legal or customary caregiver. "
    "_T = ACC + UASC + _U; UASC = UNACC + SEP (see HCL_ACCOMPANIMENT).",
    "Si el niño, niña o adolescente viaja o vive con su madre, padre o una persona cuidadora legal o "
    "habitual. _T = ACC + UASC + _U; UASC = UNACC + SEP (ver HCL_ACCOMPANIMENT).",
    [
        C("_T", "All children", "Todos los niños, niñas y adolescentes"),
        C("ACC", "Accompanied", "Acompañado",
          "Accompanied by a parent or legal/customary caregiver.",
          "Acompañado por su madre, padre o persona cuidadora legal o habitual."),
        C("UASC", "Unaccompanied or separated", "No acompañado o separado",
          "Unaccompanied plus separated children.", "Niñez no acompañada más niñez separada."),
        C("UNACC", "Unaccompanied", "No acompañado",
          "Separated from both parents and other relatives and not cared for by an adult responsible by law "
          "or custom.",
          "Separado de ambos progenitores y de otros parientes, y sin el cuidado de un adulto responsable por "
          "ley o costumbre.", parent="UASC"),
        C("SEP", "Separated", "Separado",
          "Separated from both parents or the previous legal or customary primary caregiver, but possibly "
          "with other relatives.",
          "Separado de ambos progenitores o de su anterior cuidador principal legal o habitual, pero "
          "posiblemente con otros parientes.", parent="UASC"),
        C(*_U), C(*_Z),
    ],
)

ORIGIN_BASIS = CL(
    "IDAC", "CL_ORIGIN_BASIS", "1.0", "Basis of origin", "Criterio de origen",
    "Which link between the child and a country defines COUNTERPART_AREA.",
    "Qué vínculo entre el niño, niña o adolescente y un país define COUNTERPART_AREA.",
    [
        C("BIRTH", "Country of birth", "País de nacimiento"),
        C("CITIZEN", "Country of citizenship", "País de nacionalidad"),
        C("ORIGIN", "Country of origin (refugee statistics)", "País de origen (estadísticas de refugiados)",
          "As used by UNHCR (coo).", "Según el uso de ACNUR (coo)."),
        C("PREV_RES", "Country of previous usual residence", "País de residencia habitual anterior"),
        C("NEXT_RES", "Country of next usual residence", "País de residencia habitual siguiente"),
        C("RET_FROM", "Country from which the child returned", "País desde el que retornó"),
        C(*_Z),
    ],
)

DISPL_CAUSE = CL(
    "IDAC", "CL_DISPL_CAUSE", "1.0", "Cause of internal displacement", "Causa del desplazamiento interno",
    "Cause of internal displacement (UNICEF STAT_POP values POP_CONF_VIOLENCE and POP_DISASTER).",
    "Causa del desplazamiento interno (valores STAT_POP de UNICEF POP_CONF_VIOLENCE y POP_DISASTER).",
    [
        C(*_T),
        C("CONFLICT", "Conflict and violence", "Conflicto y violencia", ann={"MAP_UNICEF": "POP_CONF_VIOLENCE"}),
        C("DISASTER", "Disaster", "Desastre", ann={"MAP_UNICEF": "POP_DISASTER"}),
        C("OTHER", "Other cause", "Otra causa"),
        C(*_U), C(*_Z),
    ],
)

URBANISATION = CL(
    "IDAC", "CL_URBANISATION", "1.0", "Urbanisation", "Urbanización",
    "Urban/rural area of residence; CAMP (camp or collective site) is not additive with U and R and is "
    "allowed only for refugee, asylum-seeker and IDP stocks.",
    "Área de residencia urbana/rural; CAMP (campamento o sitio colectivo) no es aditivo con U y R y solo "
    "se admite para stocks de refugiados, solicitantes de asilo y desplazados internos.",
    [
        C(*_T),
        C("U", "Urban", "Urbano"),
        C("R", "Rural", "Rural"),
        C("CAMP", "Camp or collective site", "Campamento o sitio colectivo", ann={"ADDITIVE": "false"}),
        C(*_U), C(*_Z),
    ],
)

MIGRATORY_STATUS = CL(
    "IDAC", "CL_MIGRATORY_STATUS", "1.0", "Migratory status", "Condición migratoria",
    "Comparison breakdown of thematic indicators. Not additive: categories overlap. Additive partitions "
    "(within one basis only): birthplace {MIG_INTL, NAT_FBP1, NAT_NBP, _U}; citizenship {FOR_CIT, NAT_CIT, "
    "STA, _U}.",
    "Desagregación de comparación de los indicadores temáticos. No aditiva: las categorías se superponen. "
    "Particiones aditivas (dentro de un solo criterio): nacimiento {MIG_INTL, NAT_FBP1, NAT_NBP, _U}; "
    "nacionalidad {FOR_CIT, NAT_CIT, STA, _U}.",
    [
        C("_T", "All children", "Toda la niñez"),
        C("MIG_INTL", "International migrant child", "Niñez migrante internacional",
          "Foreign-born; where birthplace is unknown, foreign citizen.",
          "Nacida en el extranjero; si se desconoce el lugar de nacimiento, de nacionalidad extranjera.",
          ann={"PARTITION": "BIRTHPLACE"}),
        C("REF", "Refugee child", "Niñez refugiada", "Includes refugee-like and others in need of international "
          "protection.", "Incluye situaciones análogas y otras personas con necesidad de protección internacional.",
          ann={"PARTITION": "NONE"}),
        C("ASY", "Asylum-seeking child", "Niñez solicitante de asilo", ann={"PARTITION": "NONE"}),
        C("IDP", "Internally displaced child", "Niñez desplazada internamente", ann={"PARTITION": "NONE"}),
        C("RET", "Returnee child", "Niñez retornada", "Returned refugee, IDP or migrant.",
          "Refugiada, desplazada o migrante retornada.", ann={"PARTITION": "NONE"}),
        C("STA", "Stateless child", "Niñez apátrida", ann={"PARTITION": "CITIZENSHIP"}),
        C("NONMIG", "Child not a migrant nor displaced", "Niñez no migrante ni desplazada",
          "Native-born and not displaced.", "Nacida en el país y no desplazada.", ann={"PARTITION": "NONE"}),
        C("NAT_FBP1", "Native-born, at least one foreign-born parent",
          "Nacida en el país, al menos un progenitor nacido en el extranjero", ann={"PARTITION": "BIRTHPLACE"}),
        C("NAT_FBP2", "Native-born, both parents foreign-born",
          "Nacida en el país, ambos progenitores nacidos en el extranjero",
          "Subset of NAT_FBP1.", "Subconjunto de NAT_FBP1.", ann={"PARTITION": "NONE"}),
        C("NAT_NBP", "Native-born, native-born parents", "Nacida en el país, progenitores nacidos en el país",
          ann={"PARTITION": "BIRTHPLACE"}),
        C("FOR_CIT", "Foreign citizen", "De nacionalidad extranjera",
          "Citizenship proxy when birthplace is not collected.",
          "Aproximación por nacionalidad cuando no se recoge el lugar de nacimiento.",
          ann={"PARTITION": "CITIZENSHIP"}),
        C("NAT_CIT", "National citizen", "De nacionalidad del país", ann={"PARTITION": "CITIZENSHIP"}),
        C("_U", "Unknown", "Desconocida", ann={"PARTITION": "BIRTHPLACE+CITIZENSHIP"}),
        # FIX: DOMAIN 7.5 lists no _Z, but 7.3 says "MIGRATORY_STATUS must not be _Z", which only makes
        # sense if the code exists (the IDAC DSD shares the dimension pattern with SDG data where _Z
        # appears).  The code is kept so that mapped data can be rejected by the constraint, not by the
        # codelist, which gives a clearer message.
        C(*_Z, ann={"DESIGN_NOTE": "Added to the DOMAIN.md 7.5 list so that CC_DF_IDAC_THEMATIC can exclude it "
                                   "explicitly (DOMAIN.md 7.3: MIGRATORY_STATUS must not be _Z)."}),
    ],
)

UNIT_MEASURE = CL(
    "IDAC", "CL_UNIT_MEASURE", "1.0", "Unit of measure", "Unidad de medida",
    "Units of IDAC indicators; IDs aligned with UNICEF CL_UNIT_MEASURE, SDG equivalents in MAP_SDG.",
    "Unidades de los indicadores IDAC; identificadores alineados con UNICEF, equivalentes ODS en MAP_SDG.",
    [
        C("PS", "Persons", "Personas", ann={"MAP_SDG": "NUMBER", "KIND": "COUNT"}),
        C("NUMBER", "Number of events", "Número de eventos", "E.g. displacements; events, not persons.",
          "P. ej. desplazamientos; eventos, no personas.", ann={"MAP_SDG": "NUMBER", "KIND": "COUNT"}),
        C("MOV", "Border movements", "Movimientos fronterizos", "Entries or exits; never added to persons.",
          "Entradas o salidas; nunca se suman a personas.", ann={"KIND": "COUNT"}),
        C("PCNT", "Percent", "Porcentaje", ann={"MAP_SDG": "PT", "KIND": "PERCENT"}),
        C("PER1000", "Per 1,000 children", "Por cada 1.000 niños, niñas y adolescentes",
          ann={"MAP_SDG": "PER_1000_POP", "KIND": "RATE"}),
        C("PER100000", "Per 100,000 children", "Por cada 100.000 niños, niñas y adolescentes",
          ann={"MAP_SDG": "PER_100000_POP", "KIND": "RATE"}),
        C("RATIO", "Ratio", "Razón", ann={"MAP_SDG": "RO", "KIND": "RATIO"}),
    ],
)

SOURCE_TYPE = CL(
    "IDAC", "CL_SOURCE_TYPE", "1.0", "Type of source", "Tipo de fuente",
    "Kind of data source behind a series; identifies which institution's records are used.",
    "Tipo de fuente de datos de una serie; identifica qué registros institucionales se usan.",
    [
        C("CENSUS", "Population census (full count)", "Censo de población (enumeración completa)"),
        C("CENSUS_SAMPLE", "Census long-form sample", "Muestra del cuestionario ampliado del censo"),
        C("HH_SURVEY", "Household survey", "Encuesta de hogares", "Incl. MICS/DHS and labour-force surveys.",
          "Incluye MICS/DHS y encuestas de fuerza de trabajo."),
        C("POP_REGISTER", "Population register", "Registro de población"),
        C("ADMIN_BORDER", "Entry/exit records", "Registros de entradas y salidas",
          "Interior or migration ministry.", "Ministerio del interior o autoridad migratoria."),
        C("ADMIN_RESIDENCE", "Residence permits and visas", "Permisos de residencia y visas"),
        C("ADMIN_ASYLUM", "Asylum and refugee-status determination records",
          "Registros de asilo y determinación de la condición de refugiado"),
        C("ADMIN_EDUCATION", "School enrolment records", "Registros de matrícula escolar",
          "Education ministry.", "Ministerio de educación."),
        C("ADMIN_HEALTH", "Health and immunisation registers", "Registros de salud e inmunización"),
        C("ADMIN_CHILD_PROT", "Child-protection case management and alternative-care records",
          "Registros de gestión de casos de protección y de cuidado alternativo"),
        C("ADMIN_CIVIL_REG", "Civil registration", "Registro civil"),
        C("HUM_REGISTRATION", "Humanitarian registration", "Registro humanitario", "E.g. UNHCR and partners.",
          "P. ej. ACNUR y socios."),
        C("DISPL_TRACKING", "Displacement tracking", "Seguimiento de desplazamientos", "E.g. IOM DTM.",
          "P. ej. DTM de la OIM."),
        C("ESTIMATE", "Model or estimate by an international agency",
          "Modelo o estimación de un organismo internacional", "UN DESA, UNHCR model, IDMC.",
          "DAES de la ONU, modelo de ACNUR, IDMC."),
        C("OTHER", "Other", "Otra"),
    ],
)

NATURE = CL(
    "IDAC", "CL_NATURE", "1.0", "Nature of data", "Naturaleza del dato",
    "Compatible with IAEG-SDGs CL_NATURE(1.0).", "Compatible con IAEG-SDGs CL_NATURE(1.0).",
    [
        C("C", "Country data", "Dato del país"),
        C("CA", "Country adjusted data", "Dato del país ajustado"),
        C("E", "Estimated data", "Dato estimado"),
        C("G", "Global monitoring data", "Dato de seguimiento mundial"),
        C("M", "Modelled data", "Dato modelizado"),
        C("N", "Non-relevant", "No pertinente"),
        C("_X", "Not available", "No disponible"),
    ],
)

EDUCATION_LEV = CL(
    "IDAC", "CL_EDUCATION_LEV", "1.0", "Education level (ISCED 2011)", "Nivel educativo (CINE 2011)",
    "ISCED 2011 level IDs shared by UNICEF and IAEG-SDGs.", "Identificadores CINE 2011 comunes a UNICEF y el IAEG-ODS.",
    [
        C(*_T),
        C("ISCED11_02", "Pre-primary education", "Educación preprimaria"),
        C("ISCED11_1", "Primary education", "Educación primaria"),
        C("ISCED11_2", "Lower secondary education", "Educación secundaria baja"),
        C("ISCED11_3", "Upper secondary education", "Educación secundaria alta"),
        C(*_Z),
    ],
)

IDAC_SMALL_CODELISTS: list[CL] = [
    AGE, ACCOMPANIMENT, ORIGIN_BASIS, DISPL_CAUSE, URBANISATION, MIGRATORY_STATUS, UNIT_MEASURE, SOURCE_TYPE,
    NATURE, EDUCATION_LEV,
]
