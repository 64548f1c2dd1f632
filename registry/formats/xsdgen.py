"""The structure-specific schema of a DSD (SDMX 2.1 Section 3B §3 / SDMX 3.0 Section 3B), the SDMX-REST
``schema`` resource, and the layout rules the structure-specific data writers share with it.

Design decisions:

* **One layout, two users.**  ``layout()`` decides which components go on the DataSet, Group, Series and
  Obs elements for a given dimension at the observation level.  The XSD generator declares exactly
  those XML attributes and the structure-specific writers write exactly those, so every message the
  writers produce validates against the schema generated here (the test-suite checks this).
* **Attribute placement** follows Section 3B "default placement": data-set attributes (2.1 relationship
  ``None``) on DataSet; attributes related to the observation (``PrimaryMeasure``) on Obs; attributes
  related to dimensions on Series, unless the dimension at the observation is one of them (then Obs);
  group attributes on the Group type.  Because a streaming writer cannot emit Group elements before
  the series that carry their values, **group attributes are also declared, optional, on SeriesType**
  (when the group's dimensions are all series dimensions) and the writers put them there.  With
  ``AllDimensions`` every non-data-set attribute goes on Obs.
* **Namespace.**  The target namespace is the URN of the structure usage (the dataflow when the
  structure has one, else the DSD) followed by ``:ObsLevelDim:`` and the dimension at the observation.
  The SDMX TCK checks that the header ``namespace`` of a data answer names the queried dataflow, and
  the SDMX 3.0 specification samples do the same.
* **Enumerations.**  A coded component gets a ``xs:simpleType`` listing its codes (in codelist order),
  narrowed by the *Allowed* constraints: a code survives if some include cube region allows it (a
  region that does not mention the component allows every code), and is dropped by single-component
  exclude regions.  Key sets are not turned into per-component enumerations (they constrain
  combinations).  A missing or stub codelist gives ``xs:string``.
* Explicit measures (2.1 measure dimension at the observation level) are accepted but produce the same
  schema as implicit measures; the header still says ``explicitMeasures`` as asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from registry.formats.base import ResolvedStructure
from registry.sdmx.model import (
    Codelist,
    Component,
    ContentConstraint,
    DataAttribute,
    DataStructure,
)
from registry.sdmx.refs import Ref
from registry.sdmx.schemas import xml_schema_path

XS = "http://www.w3.org/2001/XMLSchema"
ALL_DIMENSIONS = "AllDimensions"

_SS_NS = {
    "2.1": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific",
    "3.0": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/data/structurespecific",
}
_COM_NS = {
    "2.1": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
    "3.0": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common",
}

#: SDMX data types (2.1 ``SimpleDataType``/3.0 ``BasicComponentDataType``) -> XML Schema types.
_TEXT_TYPES: dict[str, str] = {
    "String": "xs:string",
    "Alpha": "common:AlphaType",
    "AlphaNumeric": "common:AlphaNumericType",
    "Numeric": "common:NumericType",
    "BigInteger": "xs:integer",
    "Integer": "xs:int",
    "Long": "xs:long",
    "Short": "xs:short",
    "Decimal": "xs:decimal",
    "Float": "xs:float",
    "Double": "xs:double",
    "Boolean": "xs:boolean",
    "URI": "xs:anyURI",
    "Count": "xs:integer",
    "InclusiveValueRange": "xs:decimal",
    "ExclusiveValueRange": "xs:decimal",
    "Incremental": "xs:decimal",
    "ObservationalTimePeriod": "common:ObservationalTimePeriodType",
    "StandardTimePeriod": "common:StandardTimePeriodType",
    "BasicTimePeriod": "common:BasicTimePeriodType",
    "GregorianTimePeriod": "common:GregorianTimePeriodType",
    "GregorianYear": "xs:gYear",
    "GregorianYearMonth": "xs:gYearMonth",
    "GregorianDay": "xs:date",
    "ReportingTimePeriod": "common:ReportingTimePeriodType",
    "ReportingYear": "common:ReportingYearType",
    "ReportingSemester": "common:ReportingSemesterType",
    "ReportingTrimester": "common:ReportingTrimesterType",
    "ReportingQuarter": "common:ReportingQuarterType",
    "ReportingMonth": "common:ReportingMonthType",
    "ReportingWeek": "common:ReportingWeekType",
    "ReportingDay": "common:ReportingDayType",
    "DateTime": "xs:dateTime",
    "TimeRange": "common:TimeRangeType",
    "Month": "xs:gMonth",
    "MonthDay": "xs:gMonthDay",
    "Day": "xs:gDay",
    "Time": "xs:time",
    "Duration": "xs:duration",
}
_STRINGISH = {"xs:string", "common:AlphaType", "common:AlphaNumericType", "common:NumericType", "xs:anyURI"}
_NUMERIC = {"xs:integer", "xs:int", "xs:long", "xs:short", "xs:decimal", "xs:float", "xs:double"}
#: Time types accepted as a restriction of the base ``TIME_PERIOD`` (ObservationalTimePeriodType).
_TIME_TYPES = {
    "common:ObservationalTimePeriodType", "common:StandardTimePeriodType", "common:BasicTimePeriodType",
    "common:GregorianTimePeriodType", "common:ReportingTimePeriodType", "common:TimeRangeType",
}


# --- Layout ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each component goes in a structure-specific message for one dimension at observation."""

    dimension_at_observation: str
    #: True for ``AllDimensions`` (no Series elements).
    flat: bool
    time_id: str | None
    #: Dimension ids written on Series (DSD order, time dimension last when not at obs level).
    series_dims: tuple[str, ...]
    #: Dimension ids written on Obs.
    obs_dims: tuple[str, ...]
    dataset_attrs: tuple[str, ...]
    series_attrs: tuple[str, ...]
    obs_attrs: tuple[str, ...]
    #: Group id -> (group dimensions, group attributes).
    groups: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    measures: tuple[str, ...] = ("OBS_VALUE",)


def layout(dsd: DataStructure, dimension_at_observation: str = "TIME_PERIOD") -> Layout:
    """Compute the placement of every dimension and attribute (see the module docstring)."""
    dao = dimension_at_observation
    time = dsd.time_dimension
    time_id = time.id if time is not None else None
    all_dims = [d.id for d in dsd.dimensions if d.kind != "time"] + ([time_id] if time_id else [])
    flat = dao == ALL_DIMENSIONS
    if flat:
        series_dims: tuple[str, ...] = ()
        obs_dims = tuple(all_dims)
    else:
        series_dims = tuple(d for d in all_dims if d != dao)
        obs_dims = (dao,)
    group_dims = {g.id: tuple(g.dimensions) for g in dsd.groups}
    ds_attrs: list[str] = []
    se_attrs: list[str] = []
    ob_attrs: list[str] = []
    g_attrs: dict[str, list[str]] = {g: [] for g in group_dims}
    for attr in dsd.attributes:
        level, groups = _attribute_level(attr, dao, flat, group_dims)
        for g in groups:
            g_attrs[g].append(attr.id)
        {"dataset": ds_attrs, "series": se_attrs, "obs": ob_attrs}[level].append(attr.id)
    measures = tuple(m.id for m in dsd.measures) or ("OBS_VALUE",)
    return Layout(
        dimension_at_observation=dao,
        flat=flat,
        time_id=time_id,
        series_dims=series_dims,
        obs_dims=obs_dims,
        dataset_attrs=tuple(ds_attrs),
        series_attrs=tuple(se_attrs),
        obs_attrs=tuple(ob_attrs),
        groups={g: (dims, tuple(g_attrs[g])) for g, dims in group_dims.items()},
        measures=measures,
    )


def _attribute_level(
    attr: DataAttribute, dao: str, flat: bool, group_dims: dict[str, tuple[str, ...]]
) -> tuple[str, list[str]]:
    """(level, groups) of one attribute; level is dataset, series or obs."""
    rel = attr.relationship
    if rel.kind == "dataset":
        return "dataset", []
    if rel.kind == "observation" or flat:
        groups = [rel.group] if rel.kind == "group" and rel.group in group_dims and not flat else []
        return "obs", groups
    if rel.kind == "group":
        g = rel.group
        if g in group_dims:
            return ("obs" if dao in group_dims[g] else "series"), [g]
        return "series", []
    # Relationship to dimensions (2.1 may also name attachment groups).
    if dao in rel.dimensions:
        return "obs", []
    groups = [g for g in rel.attachment_groups if g in group_dims and dao not in group_dims[g]]
    return "series", groups


# --- Namespace -------------------------------------------------------------------------------------


def structure_usage_ref(structure: ResolvedStructure) -> Ref:
    """The reference that names a structure-specific data set: the dataflow if any, else the DSD."""
    if structure.dataflow is not None:
        return structure.dataflow.ref
    return structure.dsd.ref


def ss_namespace(structure: ResolvedStructure, dimension_at_observation: str = "TIME_PERIOD") -> str:
    """The DSD-specific namespace, e.g. ``urn:…DataStructure=AG:ID(1.0):ObsLevelDim:TIME_PERIOD``."""
    return f"{structure_usage_ref(structure).urn}:ObsLevelDim:{dimension_at_observation}"


# --- Allowed values --------------------------------------------------------------------------------


def allowed_codes(
    component_id: str, codelist: Codelist, constraints: Iterable[ContentConstraint]
) -> list[str]:
    """The codes of ``codelist`` allowed for ``component_id`` by the Allowed constraints, in order."""
    codes = [c.id for c in codelist.items]
    allowed = set(codes)
    children: dict[str, list[str]] = {}
    for c in codelist.items:
        if c.parent:
            children.setdefault(c.parent, []).append(c.id)

    def with_descendants(values: Iterable[str]) -> set[str]:
        out: set[str] = set()
        stack = list(values)
        while stack:
            v = stack.pop()
            if v not in out:
                out.add(v)
                stack.extend(children.get(v, ()))
        return out

    for cons in constraints:
        if cons.role != "Allowed":
            continue
        include_regions = [r for r in cons.cube_regions if r.include]
        if include_regions:
            union: set[str] = set()
            for region in include_regions:
                cv = region.components.get(component_id)
                if cv is None:
                    union = set(codes)
                    break
                vals = with_descendants(cv.values) if cv.cascade else set(cv.values)
                union |= vals if cv.include else set(codes) - vals
            allowed &= union
        for region in cons.cube_regions:
            if region.include or len(region.components) != 1:
                continue
            cv = region.components.get(component_id)
            if cv is not None and cv.include:
                allowed -= with_descendants(cv.values) if cv.cascade else set(cv.values)
    return [c for c in codes if c in allowed]


# --- The schema ------------------------------------------------------------------------------------


def structure_specific_xsd(
    structure: ResolvedStructure,
    *,
    version: str = "2.1",
    dimension_at_observation: str = "TIME_PERIOD",
    explicit_measure: bool = False,
    codelists: Mapping[Ref, Codelist] | None = None,
    schema_location: str | None = None,
) -> bytes:
    """The structure-specific XSD of ``structure`` (SDMX 2.1 Section 3B / SDMX 3.0).

    ``codelists`` supplies the codelists of coded components (by their maintainable reference).
    ``schema_location`` is where the official ``SDMXDataStructureSpecific.xsd`` is imported from;
    by default the absolute path of the packaged official schema, so the result works offline.
    """
    if version not in _SS_NS:
        raise ValueError(f"Unsupported SDMX-ML version {version!r}")
    dsd = structure.dsd
    dao = dimension_at_observation
    if dao != ALL_DIMENSIONS and dsd.component(dao) is None:
        raise ValueError(f"{dao!r} is not a dimension of {dsd.urn}")
    gen = _Generator(structure, version, dao, codelists or {}, explicit_measure)
    return gen.build(schema_location)


class _Generator:
    """Builds one schema document; state lives on the instance."""

    def __init__(
        self,
        structure: ResolvedStructure,
        version: str,
        dao: str,
        codelists: Mapping[Ref, Codelist],
        explicit_measure: bool,
    ) -> None:
        self.structure = structure
        self.dsd = structure.dsd
        self.version = version
        self.dao = dao
        self.codelists = {ref.maintainable: cl for ref, cl in codelists.items()}
        self.explicit_measure = explicit_measure
        self.lay = layout(self.dsd, dao)
        self.ts = version == "2.1" and dao == (self.lay.time_id or "TIME_PERIOD") and not self.lay.flat
        self.root: etree._Element
        self.types: dict[str, str] = {}

    # -- helpers

    def el(self, parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{XS}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()})

    def build(self, schema_location: str | None) -> bytes:
        ns = ss_namespace(self.structure, self.dao)
        nsmap = {"xs": XS, "dsd": _SS_NS[self.version], "common": _COM_NS[self.version], None: ns}
        self.root = etree.Element(
            f"{{{XS}}}schema",
            {"targetNamespace": ns, "elementFormDefault": "qualified", "attributeFormDefault": "unqualified"},
            nsmap=nsmap,
        )
        location = schema_location or xml_schema_path(self.version, "SDMXDataStructureSpecific.xsd").as_uri()
        common_location = location.rsplit("/", 1)[0] + "/SDMXCommon.xsd"
        self.el(self.root, "import", namespace=_SS_NS[self.version], schemaLocation=location)
        self.el(self.root, "import", namespace=_COM_NS[self.version], schemaLocation=common_location)
        for comp in (*self.dsd.dimensions, *self.dsd.attributes, *self.dsd.measures):
            self.types[comp.id] = self.simple_type(comp)
        self.dataset_type()
        if self.dsd.groups:
            self.group_types()
        if not self.lay.flat:
            self.series_type()
        self.obs_type()
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def simple_type(self, comp: Component) -> str:
        """Declare the simple type of a component if it needs one; return the type name to use."""
        rep = comp.local_representation
        if comp is self.dsd.time_dimension:
            tf = rep.text_format if rep else None
            base = _TEXT_TYPES.get(tf.text_type or "", "") if tf else ""
            return base if base in _TIME_TYPES else "common:ObservationalTimePeriodType"
        if rep is not None and rep.enumeration is not None:
            cl = self.codelists.get(rep.enumeration.maintainable)
            if cl is None or not cl.items:
                return "xs:string"
            name = f"{comp.id}.Type"
            st = self.el(self.root, "simpleType", name=name)
            r = self.el(st, "restriction", base="xs:string")
            for code in allowed_codes(comp.id, cl, self.structure.constraints):
                self.el(r, "enumeration", value=code)
            return name
        tf = rep.text_format if rep else None
        if tf is None:
            return "xs:string"
        base = _TEXT_TYPES.get(tf.text_type or "String", "xs:string")
        facets: list[tuple[str, str]] = []
        if base in _STRINGISH:
            if tf.min_length is not None:
                facets.append(("minLength", str(tf.min_length)))
            if tf.max_length is not None:
                facets.append(("maxLength", str(tf.max_length)))
            if tf.pattern:
                facets.append(("pattern", tf.pattern))
        if base in _NUMERIC:
            if tf.min_value is not None:
                facets.append(("minInclusive", tf.min_value))
            if tf.max_value is not None:
                facets.append(("maxInclusive", tf.max_value))
        if not facets:
            return base
        name = f"{comp.id}.Type"
        st = self.el(self.root, "simpleType", name=name)
        r = self.el(st, "restriction", base=base)
        for facet, value in facets:
            self.el(r, facet, value=value)
        return name

    def restriction(self, name: str, base: str, *, abstract: bool = False) -> etree._Element:
        ct = self.el(self.root, "complexType", name=name)
        if abstract:
            ct.set("abstract", "true")
        cc = self.el(ct, "complexContent")
        return self.el(cc, "restriction", base=base)

    def annotations(self, seq: etree._Element) -> None:
        self.el(seq, "element", ref="common:Annotations", minOccurs="0")

    def attribute(self, parent: etree._Element, name: str, use: str = "optional", **extra: str) -> None:
        self.el(parent, "attribute", name=name, type=self.types.get(name, "xs:string"), use=use, **extra)

    # -- complex types

    def dataset_type(self) -> None:
        r = self.restriction("DataSetType", "dsd:TimeSeriesDataSetType" if self.ts else "dsd:DataSetType")
        seq = self.el(r, "sequence")
        self.annotations(seq)
        self.el(seq, "element", name="DataProvider", type="common:DataProviderReferenceType",
                form="unqualified", minOccurs="0")
        body = "Obs" if self.lay.flat else "Series"
        if self.version == "2.1":
            if self.dsd.groups:
                self.el(seq, "element", name="Group", type="GroupType", form="unqualified",
                        minOccurs="0", maxOccurs="unbounded")
            choice = self.el(seq, "choice", minOccurs="0")
            self.el(choice, "element", name=body, type=f"{body}Type", form="unqualified", maxOccurs="unbounded")
        else:
            choice = self.el(seq, "choice", minOccurs="0", maxOccurs="unbounded")
            if self.dsd.groups:
                self.el(choice, "element", name="Group", type="GroupType", form="unqualified")
            self.el(choice, "element", name=body, type=f"{body}Type", form="unqualified")
        self.el(r, "attributeGroup", ref="dsd:SetAttributeGroup")
        for a in self.lay.dataset_attrs:
            self.attribute(r, a)

    def group_types(self) -> None:
        ids = self.el(self.root, "simpleType", name="GroupType.ID")
        rr = self.el(ids, "restriction", base="common:IDType")
        for g in self.dsd.groups:
            self.el(rr, "enumeration", value=g.id)
        r = self.restriction("GroupType", "dsd:GroupType", abstract=True)
        self.annotations(self.el(r, "sequence"))
        self.el(r, "attribute", name="type", type="GroupType.ID", use="optional")
        self.el(r, "anyAttribute", namespace="##local")
        for g in self.dsd.groups:
            dims, attrs = self.lay.groups[g.id]
            gr = self.restriction(g.id, "GroupType")
            self.annotations(self.el(gr, "sequence"))
            self.el(gr, "attribute", name="type", type="GroupType.ID", use="optional", fixed=g.id)
            for d in dims:
                self.attribute(gr, d, "required")
            for a in attrs:
                self.attribute(gr, a)

    def series_type(self) -> None:
        base = "dsd:TimeSeriesType" if self.ts else "dsd:SeriesType"
        r = self.restriction("SeriesType", base)
        seq = self.el(r, "sequence")
        self.annotations(seq)
        self.el(seq, "element", name="Obs", type="ObsType", form="unqualified", minOccurs="0",
                maxOccurs="unbounded")
        time_id = self.lay.time_id
        for d in self.lay.series_dims:
            if d == time_id == "TIME_PERIOD":
                self.el(r, "attribute", name=d, type=self.types[d], use="required")
            else:
                self.attribute(r, d, "required")
        if time_id == "TIME_PERIOD" and "TIME_PERIOD" not in self.lay.series_dims and not self.ts:
            self.el(r, "attribute", name="TIME_PERIOD", type="common:ObservationalTimePeriodType",
                    use="prohibited")
        declared = set(self.lay.series_dims)
        for a in self.series_attributes():
            if a not in declared:
                declared.add(a)
                self.attribute(r, a)

    def series_attributes(self) -> list[str]:
        out = list(self.lay.series_attrs)
        series = set(self.lay.series_dims)
        for dims, attrs in self.lay.groups.values():
            if set(dims) <= series:
                out.extend(a for a in attrs if a not in out)
        return out

    def obs_type(self) -> None:
        base = "dsd:TimeSeriesObsType" if self.ts else "dsd:ObsType"
        r = self.restriction("ObsType", base)
        self.annotations(self.el(r, "sequence"))
        time_id = self.lay.time_id
        if not self.ts:
            self.el(r, "attribute", name="type", type="common:IDType", use="prohibited")
        for d in self.lay.obs_dims:
            if d == time_id:
                self.el(r, "attribute", name=d, type=self.types[d], use="required")
            else:
                self.attribute(r, d, "required")
        if time_id == "TIME_PERIOD" and "TIME_PERIOD" not in self.lay.obs_dims:
            self.el(r, "attribute", name="TIME_PERIOD", type="common:ObservationalTimePeriodType",
                    use="prohibited")
        declared = set(self.lay.obs_dims)
        for m in self.lay.measures:
            declared.add(m)
            self.attribute(r, m)
        for a in self.lay.obs_attrs:
            if a not in declared:
                declared.add(a)
                self.attribute(r, a)
