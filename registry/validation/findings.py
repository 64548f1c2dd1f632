"""Validation findings: errors and warnings as data, with a stable catalogue of rule codes.

A ``Finding`` is *not* an exception (see ``registry.errors``): the validator yields findings, counts them
and keeps a bounded number of examples.  Each finding points at a ``Rule`` of the catalogue (built-in
``VAL-1xx`` … ``VAL-6xx``) or of the content rules file (``VAL-7xx``, loaded by ``registry.validation.rules``),
and carries the parameters of the rule's message templates, so messages are rendered lazily, in English
or Spanish, only for the findings that are kept.

Rule code families:

* ``VAL-1xx`` message and run (unreadable message, wrong structure, limits reached);
* ``VAL-2xx`` structure (unknown or missing components, attachment level);
* ``VAL-3xx`` representation (codelists, text formats, time periods and FREQ);
* ``VAL-4xx`` constraints (cube regions, key sets, attribute constraints);
* ``VAL-5xx`` attributes (mandatory attributes, missing values);
* ``VAL-6xx`` duplicates (within the file, and against stored data);
* ``VAL-7xx`` content rules of the IDAC rules file (``dsd/idac-rules.toml``).

Codes never change meaning; retired codes are not reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"
LANGS = ("en", "es")


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule of the catalogue: stable code, default severity and message templates.

    ``hint_en``/``hint_es`` are appended to the message when the finding has a ``suggestion``
    parameter (the "did you mean" part).
    """

    code: str
    severity: Severity
    title: str
    en: str
    es: str
    hint_en: str = ""
    hint_es: str = ""
    title_es: str = ""

    def title_in(self, lang: str) -> str:
        """The rule's title in ``lang`` (Spanish when available, else English)."""
        if lang == "es":
            return self.title_es or TITLES_ES.get(self.code, self.title)
        return self.title

    def render(self, lang: str, params: dict[str, Any]) -> str:
        """The message in ``lang`` (``en`` or ``es``; anything else falls back to English)."""
        template, hint = (self.es, self.hint_es) if lang == "es" else (self.en, self.hint_en)
        try:
            text = template.format_map(_Params(params))
            if hint and params.get("suggestion"):
                text += hint.format_map(_Params(params))
        except (
            ValueError,
            IndexError,
        ):  # a malformed template in a rules file must not break a run
            text = f"{template} {params}"
        return text


class _Params(dict[str, Any]):
    """Template parameters; a missing one renders as ``?`` instead of raising."""

    def __missing__(self, key: str) -> str:
        return "?"


@dataclass(slots=True)
class Finding:
    """One error or warning, with where it was found.

    Location fields (all optional):
    ``line``/``column`` in the input (XML element, CSV physical line); ``row`` the 1-based ordinal of the
    observation in the message (format independent: the same for every format carrying the same data);
    ``dataset`` the 0-based data set index; ``series_key`` the dot-joined series key in DSD order;
    ``time_period``; ``component`` the component id; ``value`` the offending value.

    ``count`` is how many occurrences this kept example stands for (the report folds repeated
    occurrences of the same problem, e.g. one wrong code on every observation of a series, into one
    example).
    """

    rule: Rule
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity = ERROR
    line: int | None = None
    column: int | None = None
    row: int | None = None
    dataset: int | None = None
    series_key: str | None = None
    time_period: str | None = None
    component: str | None = None
    value: str | None = None
    count: int = 1

    @property
    def code(self) -> str:
        """The stable rule code, e.g. ``VAL-301``."""
        return self.rule.code

    @property
    def message_en(self) -> str:
        """The message in English."""
        return self.rule.render("en", self.params)

    @property
    def message_es(self) -> str:
        """The message in Spanish."""
        return self.rule.render("es", self.params)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return self.rule.render(lang, self.params)

    @property
    def location(self) -> dict[str, Any]:
        """The location fields that are set."""
        loc = {
            "line": self.line,
            "column": self.column,
            "row": self.row,
            "dataset": self.dataset,
            "series_key": self.series_key,
            "time_period": self.time_period,
            "component": self.component,
            "value": self.value,
        }
        return {k: v for k, v in loc.items() if v is not None}

    def signature(self) -> tuple[Any, ...]:
        """What makes two occurrences "the same problem" for folding examples (not row or period)."""
        return (self.rule.code, self.series_key, self.component, self.value, self.dataset)

    @classmethod
    def make(cls, rule: Rule, **params: Any) -> Finding:
        """A finding of ``rule`` with its default severity; location keys are taken from ``params``."""
        loc = {k: params[k] for k in _LOCATION_KEYS if k in params}
        return cls(rule, params, rule.severity, **loc)


_LOCATION_KEYS = (
    "line",
    "column",
    "row",
    "dataset",
    "series_key",
    "time_period",
    "component",
    "value",
)


def _r(
    code: str,
    severity: Severity,
    title: str,
    en: str,
    es: str,
    hint_en: str = "",
    hint_es: str = "",
) -> Rule:
    return Rule(code, severity, title, en, es, hint_en, hint_es)


_DID_YOU_MEAN = (" Did you mean '{suggestion}'?", " ¿Quiso decir '{suggestion}'?")

#: The built-in catalogue.  Content rules (VAL-7xx) come from the rules file.
CATALOGUE: dict[str, Rule] = {
    r.code: r
    for r in (
        # --- VAL-1xx message and run -----------------------------------------------------------------------
        _r(
            "VAL-101",
            ERROR,
            "Unreadable message",
            "The message cannot be read: {detail}. Fix the file and submit it again.",
            "No se puede leer el mensaje: {detail}. Corrija el archivo y vuelva a enviarlo.",
        ),
        _r(
            "VAL-102",
            ERROR,
            "Wrong structure",
            "Data set {dataset} refers to {found}, but it is validated against {expected}. "
            "Use the structure of the dataflow you report to.",
            "El conjunto de datos {dataset} hace referencia a {found}, pero se valida con {expected}. "
            "Use la estructura del flujo de datos al que informa.",
        ),
        _r(
            "VAL-106",
            WARNING,
            "Structure named with the wrong type",
            "Data set {dataset} refers to {found}; no such artefact exists, but {expected} has the same "
            "identity and was used. Name it with its own type.",
            "El conjunto de datos {dataset} hace referencia a {found}; ese artefacto no existe, pero "
            "{expected} tiene la misma identidad y se utilizó. Nómbrelo con su propio tipo.",
        ),
        _r(
            "VAL-103",
            WARNING,
            "No observations",
            "The message contains no observations.",
            "El mensaje no contiene observaciones.",
        ),
        _r(
            "VAL-104",
            WARNING,
            "Validation stopped early",
            "Validation stopped after {limit} {what}; the rest of the file was not checked.",
            "La validación se detuvo después de {limit} {what}; el resto del archivo no se revisó.",
        ),
        _r(
            "VAL-105",
            WARNING,
            "Codelist not available",
            "Codelist {codelist} of component {component} is not available; its codes were not checked.",
            "La lista de códigos {codelist} del componente {component} no está disponible; "
            "sus códigos no se revisaron.",
        ),
        # --- VAL-2xx structure -----------------------------------------------------------------------------
        _r(
            "VAL-201",
            ERROR,
            "Unknown dimension",
            "Dimension '{component}' is not defined in {dsd}. Remove it or rename it to one of: {expected}.",
            "La dimensión '{component}' no está definida en {dsd}. Elimínela o use una de: {expected}.",
        ),
        _r(
            "VAL-202",
            ERROR,
            "Missing dimension",
            "The key has no value for dimension {component} of {dsd}; every observation needs a value "
            "for each of: {expected}.",
            "La clave no tiene valor para la dimensión {component} de {dsd}; cada observación necesita un "
            "valor para cada una de: {expected}.",
        ),
        _r(
            "VAL-203",
            ERROR,
            "Unknown attribute",
            "Attribute '{component}' is not defined in {dsd}. Remove it or rename it to an attribute of "
            "the structure.",
            "El atributo '{component}' no está definido en {dsd}. Elimínelo o use un atributo de la "
            "estructura.",
            *_DID_YOU_MEAN,
        ),
        _r(
            "VAL-204",
            WARNING,
            "Attribute at wrong level",
            "Attribute {component} is attached at {expected} level in {dsd} but was given at {found} level.",
            "El atributo {component} se adjunta a nivel de {expected} en {dsd}, pero se dio a nivel de {found}.",
        ),
        _r(
            "VAL-205",
            ERROR,
            "Missing time period",
            "The observation has no {component}; give the time period of every observation.",
            "La observación no tiene {component}; indique el período de cada observación.",
        ),
        # --- VAL-3xx representation ------------------------------------------------------------------------
        _r(
            "VAL-301",
            ERROR,
            "Code not in codelist (dimension)",
            "Code '{value}' is not in codelist {codelist} for dimension {component}.",
            "El código '{value}' no está en la lista de códigos {codelist} de la dimensión {component}.",
            *_DID_YOU_MEAN,
        ),
        _r(
            "VAL-302",
            ERROR,
            "Code not in codelist (attribute)",
            "Code '{value}' is not in codelist {codelist} for attribute {component}.",
            "El código '{value}' no está en la lista de códigos {codelist} del atributo {component}.",
            *_DID_YOU_MEAN,
        ),
        _r(
            "VAL-303",
            ERROR,
            "Wrong data type",
            "Value '{value}' of {component} is not a valid {text_type}.",
            "El valor '{value}' de {component} no es un {text_type} válido.",
        ),
        _r(
            "VAL-304",
            ERROR,
            "Too many decimals",
            "Value '{value}' of {component} has {found} decimals; at most {expected} are allowed.",
            "El valor '{value}' de {component} tiene {found} decimales; se permiten como máximo {expected}.",
        ),
        _r(
            "VAL-305",
            ERROR,
            "Value out of range",
            "Value '{value}' of {component} is outside the allowed range {expected}.",
            "El valor '{value}' de {component} está fuera del rango permitido {expected}.",
        ),
        _r(
            "VAL-306",
            ERROR,
            "Wrong length",
            "Value '{value}' of {component} has {found} characters; the allowed length is {expected}.",
            "El valor '{value}' de {component} tiene {found} caracteres; la longitud permitida es {expected}.",
        ),
        _r(
            "VAL-307",
            ERROR,
            "Pattern mismatch",
            "Value '{value}' of {component} does not match the pattern {expected}.",
            "El valor '{value}' de {component} no coincide con el patrón {expected}.",
        ),
        _r(
            "VAL-308",
            ERROR,
            "Invalid time period",
            "'{value}' is not a valid SDMX time period for {component}. Use e.g. 2024, 2024-S1, 2024-Q1, "
            "2024-03 or 2024-M03, 2024-W05, 2024-03-15.",
            "'{value}' no es un período de tiempo SDMX válido para {component}. Use p. ej. 2024, 2024-S1, "
            "2024-Q1, 2024-03 o 2024-M03, 2024-W05, 2024-03-15.",
        ),
        _r(
            "VAL-309",
            ERROR,
            "Time period inconsistent with FREQ",
            "Time period '{value}' is a {found} period, but the series has FREQ={expected}.",
            "El período '{value}' es de tipo {found}, pero la serie tiene FREQ={expected}.",
        ),
        # --- VAL-4xx constraints ---------------------------------------------------------------------------
        _r(
            "VAL-401",
            ERROR,
            "Key outside allowed cube region",
            "Value '{value}' of {component} is not allowed for this key by constraint {constraint} "
            "(allowed: {expected}).",
            "El valor '{value}' de {component} no está permitido para esta clave por la restricción "
            "{constraint} (permitidos: {expected}).",
        ),
        _r(
            "VAL-402",
            ERROR,
            "Key in excluded cube region",
            "Key {series_key} falls in a region excluded by constraint {constraint}.",
            "La clave {series_key} cae en una región excluida por la restricción {constraint}.",
        ),
        _r(
            "VAL-403",
            ERROR,
            "Key not in allowed key set",
            "Key {series_key} is not one of the keys allowed by constraint {constraint}.",
            "La clave {series_key} no es una de las claves permitidas por la restricción {constraint}.",
        ),
        _r(
            "VAL-404",
            ERROR,
            "Key in excluded key set",
            "Key {series_key} is excluded by constraint {constraint}.",
            "La clave {series_key} está excluida por la restricción {constraint}.",
        ),
        _r(
            "VAL-405",
            ERROR,
            "Attribute value not allowed",
            "Value '{value}' of attribute {component} is not allowed by constraint {constraint} "
            "(allowed: {expected}).",
            "El valor '{value}' del atributo {component} no está permitido por la restricción {constraint} "
            "(permitidos: {expected}).",
        ),
        _r(
            "VAL-406",
            ERROR,
            "Time period outside allowed range",
            "Time period '{value}' is outside the range {expected} allowed by constraint {constraint}.",
            "El período '{value}' está fuera del rango {expected} permitido por la restricción {constraint}.",
        ),
        # --- VAL-5xx attributes ----------------------------------------------------------------------------
        _r(
            "VAL-501",
            ERROR,
            "Missing value without status",
            "The observation has no {component}; a missing value needs OBS_STATUS in {expected} "
            "(found: {found}).",
            "La observación no tiene {component}; un valor faltante requiere OBS_STATUS en {expected} "
            "(encontrado: {found}).",
        ),
        _r(
            "VAL-502",
            ERROR,
            "Mandatory observation attribute missing",
            "Mandatory attribute {component} is missing on the observation.",
            "Falta el atributo obligatorio {component} en la observación.",
        ),
        _r(
            "VAL-503",
            ERROR,
            "Mandatory series attribute missing",
            "Mandatory attribute {component} is missing for series {series_key}.",
            "Falta el atributo obligatorio {component} para la serie {series_key}.",
        ),
        _r(
            "VAL-504",
            ERROR,
            "Mandatory data set attribute missing",
            "Mandatory data set attribute {component} is missing.",
            "Falta el atributo obligatorio {component} del conjunto de datos.",
        ),
        # --- VAL-6xx duplicates ----------------------------------------------------------------------------
        _r(
            "VAL-601",
            ERROR,
            "Conflicting duplicate observation",
            "Observation {series_key} {time_period} appears more than once with different values "
            "(here '{value}'); keep only the correct one.",
            "La observación {series_key} {time_period} aparece más de una vez con valores distintos "
            "(aquí '{value}'); conserve solo la correcta.",
        ),
        _r(
            "VAL-602",
            WARNING,
            "Repeated observation",
            "Observation {series_key} {time_period} appears more than once with the same value; "
            "remove the repetition.",
            "La observación {series_key} {time_period} aparece más de una vez con el mismo valor; "
            "elimine la repetición.",
        ),
        _r(
            "VAL-603",
            WARNING,
            "Duplicate check incomplete",
            "More than {limit} distinct observation keys: duplicates among later observations were not "
            "checked.",
            "Más de {limit} claves de observación distintas: no se buscaron duplicados en las "
            "observaciones posteriores.",
        ),
        _r(
            "VAL-604",
            WARNING,
            "Observation already stored",
            "Observation {series_key} {time_period} is already stored with value '{found}'; "
            "it will become '{value}'.",
            "La observación {series_key} {time_period} ya está almacenada con el valor '{found}'; "
            "pasará a ser '{value}'.",
        ),
        # --- VAL-7xx run-level notices of the content rules (the rules themselves come from the file) ------
        _r(
            "VAL-790",
            WARNING,
            "Content checks incomplete",
            "More than {limit} groups for additivity and coherence checks: later groups were not checked.",
            "Más de {limit} grupos para las verificaciones de aditividad y coherencia: los grupos "
            "posteriores no se revisaron.",
        ),
    )
}


def rule(code: str) -> Rule:
    """A built-in rule by code."""
    return CATALOGUE[code]


#: Spanish titles of the catalogue rules (the content rules carry theirs in the rules file).
TITLES_ES: dict[str, str] = {
    "VAL-101": "Mensaje ilegible",
    "VAL-102": "Estructura equivocada",
    "VAL-103": "Sin observaciones",
    "VAL-104": "Validación detenida antes del final",
    "VAL-105": "Lista de códigos no disponible",
    "VAL-106": "Estructura nombrada con el tipo equivocado",
    "VAL-201": "Dimensión desconocida",
    "VAL-202": "Falta una dimensión",
    "VAL-203": "Atributo desconocido",
    "VAL-204": "Atributo en un nivel equivocado",
    "VAL-205": "Falta el período",
    "VAL-301": "Código fuera de la lista (dimensión)",
    "VAL-302": "Código fuera de la lista (atributo)",
    "VAL-303": "Tipo de dato equivocado",
    "VAL-304": "Demasiados decimales",
    "VAL-305": "Valor fuera de rango",
    "VAL-306": "Longitud equivocada",
    "VAL-307": "No coincide con el patrón",
    "VAL-308": "Período no válido",
    "VAL-309": "Período incoherente con FREQ",
    "VAL-401": "Clave fuera de la región permitida",
    "VAL-402": "Clave en una región excluida",
    "VAL-403": "Clave fuera del conjunto de claves permitido",
    "VAL-404": "Clave en un conjunto de claves excluido",
    "VAL-405": "Valor de atributo no permitido",
    "VAL-406": "Período fuera del rango permitido",
    "VAL-501": "Valor faltante sin estado",
    "VAL-502": "Falta un atributo obligatorio de la observación",
    "VAL-503": "Falta un atributo obligatorio de la serie",
    "VAL-504": "Falta un atributo obligatorio del conjunto de datos",
    "VAL-601": "Observación duplicada con valores distintos",
    "VAL-602": "Observación repetida",
    "VAL-603": "Control de duplicados incompleto",
    "VAL-604": "Observación ya almacenada",
    "VAL-790": "Controles de contenido incompletos",
}
