# ruff: noqa: E501  (tables of names and descriptions read better unwrapped)
"""Data providers: four institutions per IDAC workshop country (Panama City, November 2025).

Roles: NSO (national statistical office), MIG (migration/interior authority), EDU (education ministry),
CPA (child-protection agency).  IDs are ``<ISO3>_<ACRONYM>`` with the institution's own acronym.
``note`` records what is uncertain; the actual reporting institution must be confirmed with each
country before the provision agreements are signed off.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.idac_content.indicators import CPA, EDU, MIG, NSO

ROLE_NAMES = {
    NSO: ("National statistical office", "Oficina nacional de estadística"),
    MIG: ("Migration authority", "Autoridad migratoria"),
    EDU: ("Education ministry", "Ministerio de educación"),
    CPA: ("Child-protection agency", "Organismo de protección de la niñez"),
}


@dataclass
class Provider:
    id: str
    country: str
    role: str
    name_es: str
    name_en: str
    note_en: str = ""
    note_es: str = ""


COUNTRIES = ["CHL", "COL", "SLV", "HND", "MEX", "PAN"]

PROVIDERS = [
    Provider("CHL_INE", "CHL", NSO, "Instituto Nacional de Estadísticas", "National Statistics Institute"),
    Provider("CHL_SERMIG", "CHL", MIG, "Servicio Nacional de Migraciones", "National Migration Service",
             "Created in 2021 (Law 21.325), replacing the Departamento de Extranjería y Migración.",
             "Creado en 2021 (Ley 21.325), sustituye al Departamento de Extranjería y Migración."),
    Provider("CHL_MINEDUC", "CHL", EDU, "Ministerio de Educación", "Ministry of Education"),
    Provider("CHL_MEJORNINEZ", "CHL", CPA,
             "Servicio Nacional de Protección Especializada a la Niñez y Adolescencia (Mejor Niñez)",
             "National Service for Specialised Protection of Children and Adolescents (Mejor Niñez)",
             "The service has no established acronym; the ID uses its public name 'Mejor Niñez'. To confirm.",
             "El servicio no tiene una sigla establecida; el ID usa su nombre público 'Mejor Niñez'. Por confirmar."),
    Provider("COL_DANE", "COL", NSO, "Departamento Administrativo Nacional de Estadística",
             "National Administrative Department of Statistics"),
    Provider("COL_MIGRACION", "COL", MIG, "Unidad Administrativa Especial Migración Colombia", "Migration Colombia"),
    Provider("COL_MEN", "COL", EDU, "Ministerio de Educación Nacional", "Ministry of National Education"),
    Provider("COL_ICBF", "COL", CPA, "Instituto Colombiano de Bienestar Familiar", "Colombian Family Welfare Institute"),
    Provider("SLV_ONEC", "SLV", NSO, "Oficina Nacional de Estadística y Censos", "National Office of Statistics and Censuses",
             "Since 2023 part of the Banco Central de Reserva, taking over from DIGESTYC. To confirm.",
             "Desde 2023 forma parte del Banco Central de Reserva y sustituye a la DIGESTYC. Por confirmar."),
    Provider("SLV_DGME", "SLV", MIG, "Dirección General de Migración y Extranjería",
             "Directorate General of Migration and Foreigners"),
    Provider("SLV_MINEDUCYT", "SLV", EDU, "Ministerio de Educación, Ciencia y Tecnología",
             "Ministry of Education, Science and Technology"),
    Provider("SLV_CONAPINA", "SLV", CPA, "Consejo Nacional de la Primera Infancia, Niñez y Adolescencia",
             "National Council for Early Childhood, Children and Adolescents",
             "Created in 2023 (Ley Crecer Juntos), replacing CONNA and ISNA. To confirm.",
             "Creado en 2023 (Ley Crecer Juntos), sustituye a CONNA e ISNA. Por confirmar."),
    Provider("HND_INE", "HND", NSO, "Instituto Nacional de Estadística", "National Statistics Institute"),
    Provider("HND_INM", "HND", MIG, "Instituto Nacional de Migración", "National Migration Institute"),
    Provider("HND_SEDUC", "HND", EDU, "Secretaría de Educación", "Ministry of Education"),
    Provider("HND_DINAF", "HND", CPA, "Dirección de Niñez, Adolescencia y Familia",
             "Directorate for Children, Adolescents and Family"),
    Provider("MEX_INEGI", "MEX", NSO, "Instituto Nacional de Estadística y Geografía",
             "National Institute of Statistics and Geography"),
    Provider("MEX_INM", "MEX", MIG, "Instituto Nacional de Migración", "National Migration Institute",
             "Migration statistics are published by the Unidad de Política Migratoria (SEGOB) from INM "
             "records, and asylum data by COMAR; which body reports is to be confirmed.",
             "Las estadísticas migratorias las publica la Unidad de Política Migratoria (SEGOB) con registros "
             "del INM, y las de asilo la COMAR; por confirmar qué organismo informa."),
    Provider("MEX_SEP", "MEX", EDU, "Secretaría de Educación Pública", "Ministry of Public Education"),
    Provider("MEX_SNDIF", "MEX", CPA, "Sistema Nacional para el Desarrollo Integral de la Familia",
             "National System for Integral Family Development",
             "Includes the Procuraduría Federal de Protección de Niñas, Niños y Adolescentes.",
             "Incluye la Procuraduría Federal de Protección de Niñas, Niños y Adolescentes."),
    Provider("PAN_INEC", "PAN", NSO, "Instituto Nacional de Estadística y Censo",
             "National Institute of Statistics and Census"),
    Provider("PAN_SNM", "PAN", MIG, "Servicio Nacional de Migración", "National Migration Service",
             "The service's own acronym is SNM (the brief suggested PAN_MIGRACION).",
             "La sigla propia del servicio es SNM."),
    Provider("PAN_MEDUCA", "PAN", EDU, "Ministerio de Educación", "Ministry of Education"),
    Provider("PAN_SENNIAF", "PAN", CPA, "Secretaría Nacional de Niñez, Adolescencia y Familia",
             "National Secretariat for Children, Adolescents and Family"),
]
