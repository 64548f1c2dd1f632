# ruff: noqa: E501  (tables of names and descriptions read better unwrapped)
"""CL_IDAC_INDICATOR: the candidate IDAC indicator set (DOMAIN.md sections 2 and 7.4).

The list is a *candidate set* built from existing UNICEF, SDG, Eurostat and UNHCR codes; the guideline's
exact 10 core statistics and 21 additional indicators must replace it once the guideline text is
available (annotation GUIDELINE_REF is "TO_RECONCILE" on every code until then).

Columns of ``Ind``: id, parent group, English/Spanish name, English/Spanish description, default unit,
stock/flow/rate, mappings, the institution types that may report it (NSO, MIG, EDU, CPA) and the
indicator group of the per-indicator cube regions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GROUPS = [
    # id, en, es
    ("IDAC_CORE", "Core statistics: stocks and flows of children on the move",
     "Estadísticas básicas: stocks y flujos de niñez en movimiento"),
    ("IDAC_HEALTH", "Health", "Salud"),
    ("IDAC_EDUCATION", "Education", "Educación"),
    ("IDAC_PROTECTION", "Child protection", "Protección de la niñez"),
    ("IDAC_POVERTY", "Poverty", "Pobreza"),
]

#: Institution types (provider roles).
NSO, MIG, EDU, CPA = "NSO", "MIG", "EDU", "CPA"


@dataclass
class Ind:
    id: str
    parent: str
    en: str
    es: str
    desc_en: str
    desc_es: str
    unit: str
    stock_flow: str
    maps: dict[str, str] = field(default_factory=dict)
    institutions: tuple[str, ...] = ()
    #: extra allowed units (the first is ``unit``)
    other_units: tuple[str, ...] = ()
    optional: bool = False

    @property
    def units(self) -> list[str]:
        return [self.unit, *self.other_units]


CORE = [
    Ind("IDAC_STK_INTL_MIG", "IDAC_CORE", "International migrant children", "Niñez migrante internacional",
        "Children under 18 resident in the country whose country of birth (else citizenship) is another country; "
        "stock at a reference date.",
        "Personas menores de 18 años residentes en el país cuyo país de nacimiento (o, en su defecto, de "
        "nacionalidad) es otro; stock a una fecha de referencia.",
        "PS", "STOCK", {"MAP_UNICEF": "MG_INTNL_MG_CNTRY_DEST", "MAP_ESTAT": "migr_pop3ctb"}, (NSO, MIG)),
    Ind("IDAC_STK_REF", "IDAC_CORE", "Refugee children hosted", "Niñez refugiada acogida",
        "Refugee children, including refugee-like and other people in need of international protection, hosted "
        "at the reference date.",
        "Niñez refugiada, incluidas situaciones análogas y otras personas con necesidad de protección "
        "internacional, acogida a la fecha de referencia.",
        "PS", "STOCK", {"MAP_UNICEF": "MG_RFGS_CNTRY_ASYLM", "MAP_UNHCR": "REF+ROC+OIP"}, (MIG,)),
    Ind("IDAC_STK_ASY", "IDAC_CORE", "Asylum-seeking children", "Niñez solicitante de asilo",
        "Children whose claim for international protection is pending at the reference date.",
        "Niñez cuya solicitud de protección internacional está pendiente a la fecha de referencia.",
        "PS", "STOCK", {"MAP_UNICEF": "MG_ASYLM_CNTRY_ASYLM", "MAP_UNHCR": "ASY"}, (MIG,)),
    Ind("IDAC_STK_IDP", "IDAC_CORE", "Internally displaced children", "Niñez desplazada internamente",
        "Children forced to leave home who have not crossed an international border, by cause.",
        "Niñez forzada a dejar su hogar que no ha cruzado una frontera internacional, por causa.",
        "PS", "STOCK", {"MAP_UNICEF": "MG_INTERNAL_DISP_PERS", "MAP_UNHCR": "IDP"}, (NSO,)),
    Ind("IDAC_STK_STA", "IDAC_CORE", "Stateless children", "Niñez apátrida",
        "Children not considered nationals by any State.",
        "Niñez que ningún Estado considera nacional suya.",
        "PS", "STOCK", {"MAP_UNHCR": "STA"}, (MIG,)),
    Ind("IDAC_FLW_IMM", "IDAC_CORE", "Children immigrating", "Niñez inmigrante (flujo)",
        "Arrivals of children that change the country of usual residence during the period.",
        "Llegadas de niñez que cambian el país de residencia habitual durante el período.",
        "PS", "FLOW", {"MAP_ESTAT": "migr_imm1ctz"}, (NSO, MIG)),
    Ind("IDAC_FLW_EMI", "IDAC_CORE", "Children emigrating", "Niñez emigrante (flujo)",
        "Departures of children that change the country of usual residence during the period.",
        "Salidas de niñez que cambian el país de residencia habitual durante el período.",
        "PS", "FLOW", {"MAP_ESTAT": "migr_emi1ctz"}, (NSO, MIG)),
    Ind("IDAC_FLW_ASY_APP", "IDAC_CORE", "First-time asylum applications by children",
        "Primeras solicitudes de asilo de niñez",
        "Children lodging a first-time application for international protection during the period.",
        "Niñez que presenta por primera vez una solicitud de protección internacional durante el período.",
        "PS", "FLOW", {"MAP_ESTAT": "migr_asyappctza (applicant=FRST); migr_asyunaa"}, (MIG,)),
    Ind("IDAC_FLW_NEW_IDP", "IDAC_CORE", "New internal displacements of children",
        "Nuevos desplazamientos internos de niñez",
        "Number of new displacement events involving children during the period (events, not persons).",
        "Número de nuevos eventos de desplazamiento de niñez durante el período (eventos, no personas).",
        "NUMBER", "FLOW", {"MAP_UNICEF": "MG_NEW_INTERNAL_DISP"}, (NSO,)),
    Ind("IDAC_FLW_RET_REF", "IDAC_CORE", "Returned refugee children", "Niñez refugiada retornada",
        "Refugee children who returned to the reporting country during the period.",
        "Niñez refugiada que retornó al país informante durante el período.",
        "PS", "FLOW", {"MAP_UNHCR": "RET"}, (MIG,)),
    Ind("IDAC_FLW_RET_IDP", "IDAC_CORE", "Returned internally displaced children",
        "Niñez desplazada internamente retornada",
        "Internally displaced children who returned to their place of habitual residence during the period.",
        "Niñez desplazada internamente que retornó a su lugar de residencia habitual durante el período.",
        "PS", "FLOW", {"MAP_UNHCR": "RDP"}, (NSO,)),
    Ind("IDAC_FLW_RET_MIG", "IDAC_CORE", "Returned or deported migrant children",
        "Niñez migrante retornada o deportada",
        "Arrivals of national children returned or deported by another State during the period.",
        "Llegadas de niñez nacional retornada o deportada por otro Estado durante el período.",
        "PS", "FLOW", {}, (MIG, CPA)),
    Ind("IDAC_FLW_ENTRY", "IDAC_CORE", "Entries of children at border posts (optional)",
        "Entradas de niñez por puestos fronterizos (opcional)",
        "Border entries of children during the period; counts movements, never added to persons.",
        "Entradas fronterizas de niñez durante el período; cuenta movimientos, nunca se suma a personas.",
        "MOV", "FLOW", {}, (MIG,), optional=True),
    Ind("IDAC_FLW_EXIT", "IDAC_CORE", "Exits of children at border posts (optional)",
        "Salidas de niñez por puestos fronterizos (opcional)",
        "Border exits of children during the period; counts movements, never added to persons.",
        "Salidas fronterizas de niñez durante el período; cuenta movimientos, nunca se suma a personas.",
        "MOV", "FLOW", {}, (MIG,), optional=True),
]

THEMATIC = [
    Ind("IDAC_H_DTP3", "IDAC_HEALTH", "Children vaccinated with 3 doses of DTP",
        "Niñez vacunada con 3 dosis de DPT",
        "Share of children who received 3 doses of DTP-containing vaccine.",
        "Porcentaje de niñez que recibió 3 dosis de vacuna con DPT.",
        "PCNT", "RATE", {"MAP_SDG": "SH_ACS_DTP3", "MAP_UNICEF": "IM_DTP3"}, (NSO,)),
    Ind("IDAC_H_MCV", "IDAC_HEALTH", "Children vaccinated against measles", "Niñez vacunada contra el sarampión",
        "Share of children who received a measles-containing vaccine (dose 1 or 2).",
        "Porcentaje de niñez que recibió una vacuna con componente de sarampión (dosis 1 o 2).",
        "PCNT", "RATE", {"MAP_SDG": "SH_ACS_MCV2", "MAP_UNICEF": "IM_MCV1"}, (NSO,)),
    Ind("IDAC_H_STUNT", "IDAC_HEALTH", "Stunting among children under 5", "Retraso del crecimiento en menores de 5 años",
        "Share of children under 5 whose height-for-age is below -2 standard deviations.",
        "Porcentaje de menores de 5 años con talla para la edad inferior a -2 desviaciones estándar.",
        "PCNT", "RATE", {"MAP_SDG": "SH_STA_STNT", "MAP_UNICEF": "NT_ANT_HAZ_NE2"}, (NSO,)),
    Ind("IDAC_H_COVER", "IDAC_HEALTH", "Children covered by health insurance or a public scheme",
        "Niñez cubierta por un seguro de salud o un régimen público",
        "Share of children covered by health insurance or a public health scheme (national administrative data).",
        "Porcentaje de niñez cubierta por un seguro de salud o régimen público (datos administrativos nacionales).",
        "PCNT", "RATE", {}, (NSO,)),
    Ind("IDAC_H_DEATH_MIGR", "IDAC_HEALTH", "Deaths and disappearances of children during migration",
        "Muertes y desapariciones de niñez durante la migración",
        "Children recorded as dead or missing in the process of migration (SDG 10.7.3).",
        "Niñez registrada como fallecida o desaparecida durante el proceso migratorio (ODS 10.7.3).",
        "PS", "FLOW", {"MAP_SDG": "SM_DTH_MIGR"}, (MIG,)),
    Ind("IDAC_E_PRE", "IDAC_EDUCATION", "Participation in organised learning before primary",
        "Participación en el aprendizaje organizado antes de la primaria",
        "Share of children one year before the official primary entry age in organised learning (SDG 4.2.2).",
        "Porcentaje de niñez un año antes de la edad oficial de ingreso a primaria en aprendizaje organizado "
        "(ODS 4.2.2).",
        "PCNT", "RATE", {"MAP_SDG": "SE_PRE_PARTN", "MAP_UNICEF": "ED_ANAR_L02"}, (NSO, EDU)),
    Ind("IDAC_E_ENROL", "IDAC_EDUCATION", "Children enrolled in formal education", "Niñez matriculada en educación formal",
        "Number of children enrolled in formal education according to education-ministry registers.",
        "Número de niñez matriculada en educación formal según los registros del ministerio de educación.",
        "PS", "STOCK", {}, (EDU,)),
    Ind("IDAC_E_ATTEND", "IDAC_EDUCATION", "School-age children attending formal education",
        "Niñez en edad escolar que asiste a educación formal",
        "Share of school-age children attending formal education.",
        "Porcentaje de niñez en edad escolar que asiste a educación formal.",
        "PCNT", "RATE", {"MAP_UNICEF": "ED_ATTND_FRML_INST"}, (NSO,)),
    Ind("IDAC_E_OOS", "IDAC_EDUCATION", "Out-of-school rate", "Tasa de niñez fuera de la escuela",
        "Share of children of the official age for a level who are not in school, by level.",
        "Porcentaje de niñez en edad oficial de un nivel que no asiste a la escuela, por nivel.",
        "PCNT", "RATE", {"MAP_UNICEF": "ED_ROFST_L1/L2/L3"}, (NSO, EDU)),
    Ind("IDAC_E_COMPL", "IDAC_EDUCATION", "Completion rate", "Tasa de finalización",
        "Completion rate by level (SDG 4.1.2).", "Tasa de finalización por nivel (ODS 4.1.2).",
        "PCNT", "RATE", {"MAP_SDG": "SE_TOT_CPLR", "MAP_UNICEF": "ED_CR_L1, ED_CR_L2"}, (NSO, EDU)),
    Ind("IDAC_E_PROF", "IDAC_EDUCATION", "Minimum proficiency in reading and mathematics",
        "Competencia mínima en lectura y matemáticas",
        "Share of children achieving at least a minimum proficiency level (SDG 4.1.1).",
        "Porcentaje de niñez que alcanza al menos un nivel mínimo de competencia (ODS 4.1.1).",
        "PCNT", "RATE", {"MAP_SDG": "SE_TOT_PRFL"}, (EDU,)),
    Ind("IDAC_P_BREG", "IDAC_PROTECTION", "Birth registration of children under 5",
        "Registro de nacimiento de menores de 5 años",
        "Share of children under 5 whose birth is registered with a civil authority (SDG 16.9.1).",
        "Porcentaje de menores de 5 años cuyo nacimiento está inscrito ante una autoridad civil (ODS 16.9.1).",
        "PCNT", "RATE", {"MAP_SDG": "SG_REG_BRTH", "MAP_UNICEF": "PT_CHLD_Y0T4_REG"}, (NSO,)),
    Ind("IDAC_P_TRAFF", "IDAC_PROTECTION", "Detected child victims of trafficking",
        "Niñez víctima de trata detectada",
        "Number of detected child victims of trafficking in persons (SDG 16.2.2).",
        "Número de niñez víctima de trata de personas detectada (ODS 16.2.2).",
        "PS", "FLOW", {"MAP_SDG": "VC_HTF_DETV"}, (CPA,)),
    Ind("IDAC_P_DETN", "IDAC_PROTECTION", "Children in immigration detention", "Niñez en detención migratoria",
        "Children held in immigration detention (count, or rate per 100,000 children).",
        "Niñez retenida en detención migratoria (número, o tasa por cada 100.000).",
        "PS", "STOCK", {"MAP_UNICEF": "PT_CHLD_DN (all detention)"}, (MIG, CPA), other_units=("PER100000",)),
    Ind("IDAC_P_CARE", "IDAC_PROTECTION", "Children in residential or alternative care",
        "Niñez en cuidado residencial o alternativo",
        "Children in residential or other alternative care, including UASC, per 100,000 children.",
        "Niñez en cuidado residencial u otro cuidado alternativo, incluida la no acompañada o separada, "
        "por cada 100.000.",
        "PER100000", "RATE", {"MAP_UNICEF": "PT_CHLD_RES-CARE"}, (CPA,), other_units=("PS",)),
    Ind("IDAC_P_LABOUR", "IDAC_PROTECTION", "Child labour (5-17 years)", "Trabajo infantil (5 a 17 años)",
        "Share of children aged 5-17 engaged in child labour (SDG 8.7.1).",
        "Porcentaje de niñez de 5 a 17 años en trabajo infantil (ODS 8.7.1).",
        "PCNT", "RATE", {"MAP_SDG": "SL_TLF_CHLDEA", "MAP_UNICEF": "PT_CHLD_5-17_LBR_ECON-HC"}, (NSO,)),
    Ind("IDAC_P_VIOL", "IDAC_PROTECTION", "Violent discipline (1-14 years)", "Disciplina violenta (1 a 14 años)",
        "Share of children aged 1-14 who experienced physical punishment or psychological aggression by "
        "caregivers in the past month (SDG 16.2.1).",
        "Porcentaje de niñez de 1 a 14 años que sufrió castigo físico o agresión psicológica por parte de sus "
        "cuidadores en el último mes (ODS 16.2.1).",
        "PCNT", "RATE", {"MAP_SDG": "VC_VAW_PHYPYV", "MAP_UNICEF": "PT_CHLD_1-14_PS-PSY-V_CGVR"}, (NSO,)),
    Ind("IDAC_V_POVNAT", "IDAC_POVERTY", "Children below the national poverty line",
        "Niñez bajo la línea de pobreza nacional",
        "Share of children living below the national poverty line (SDG 1.2.1).",
        "Porcentaje de niñez que vive bajo la línea nacional de pobreza (ODS 1.2.1).",
        "PCNT", "RATE", {"MAP_SDG": "SI_POV_NAHC", "MAP_UNICEF": "PV_CHLD_INCM-PL"}, (NSO,)),
    Ind("IDAC_V_MDP", "IDAC_POVERTY", "Children with at least one severe deprivation",
        "Niñez con al menos una privación severa",
        "Share of children with at least one severe deprivation (multidimensional child poverty).",
        "Porcentaje de niñez con al menos una privación severa (pobreza infantil multidimensional).",
        "PCNT", "RATE", {"MAP_UNICEF": "PV_CHLD_DPRV-S-L1-HS"}, (NSO,)),
    Ind("IDAC_V_SOCPROT", "IDAC_POVERTY", "Children receiving child or family cash benefits",
        "Niñez que recibe prestaciones monetarias por hijos o familia",
        "Share of children or households receiving child or family cash benefits (SDG 1.3.1).",
        "Porcentaje de niñez u hogares que reciben prestaciones monetarias por hijos o familia (ODS 1.3.1).",
        "PCNT", "RATE", {"MAP_SDG": "SI_COV_CHLD"}, (NSO,)),
    Ind("IDAC_V_BSRV", "IDAC_POVERTY", "Children in households with access to basic services",
        "Niñez en hogares con acceso a servicios básicos",
        "Share of children living in households with access to basic services (SDG 1.4.1).",
        "Porcentaje de niñez en hogares con acceso a servicios básicos (ODS 1.4.1).",
        "PCNT", "RATE", {"MAP_SDG": "SP_ACS_BSRV"}, (NSO,)),
]

ALL = CORE + THEMATIC
BY_ID = {i.id: i for i in ALL}
