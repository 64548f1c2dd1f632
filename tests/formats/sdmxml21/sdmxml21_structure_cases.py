# ruff: noqa: E501  (XML test data: long lines are the document itself)
"""Cases for the SDMX-ML 2.1 structure codec tests: the specimen catalogue and a constructed message.

The catalogue records, per 2.1 structure specimen of ``/work/shared/specimens`` (see its INDEX.md), the
artefact counts by type and the number of codes.  ``KITCHEN_SINK`` is a hand-written, XSD-valid 2.1
message with every construct the specimens lack (nested categories, organisation units, a measure
dimension, group attachment, cube-region attributes and time ranges, hierarchical codelists with aliases
and levels, structure sets, references without ``class``, URN references).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Specimen:
    """Expected facts about one 2.1 structure specimen."""

    path: str
    counts: dict[str, int]
    codes: int
    #: the input itself passes pysdmx's strict XSD read
    pysdmx_reads_input: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        return self.path


SPECIMENS: tuple[Specimen, ...] = (
    Specimen("ECB/ECB_EXR1-structure-full.xml",
             {"AgencyScheme": 1, "Dataflow": 1, "Categorisation": 1, "Codelist": 11, "ConceptScheme": 1,
              "DataStructure": 1, "ContentConstraint": 1}, 1824),
    # The "stubs" answer holds the DSD only: its codelists and concept scheme are referenced, not included.
    Specimen("ECB/ECB_EXR1-structure-stubs.xml", {"DataStructure": 1}, 0),
    Specimen("SDMX-TWG/v21/sg-structure-full.xml", {"Codelist": 8, "ConceptScheme": 2, "DataStructure": 1}, 50,
             pysdmx_reads_input=False),
    Specimen("ISTAT/22_289-structure.xml", {"DataStructure": 1}, 0),
    Specimen("ESTAT/NRG_BAL_S-structure.xml",
             {"Dataflow": 1, "Codelist": 6, "ConceptScheme": 1, "DataStructure": 1}, 198),
    Specimen("BIS/BIS-3DSD-structure.xml",
             {"AgencyScheme": 1, "Dataflow": 3, "Codelist": 31, "ConceptScheme": 2, "DataStructure": 3}, 1737),
    Specimen("UNICEF/CME-dataflow-dsd.xml",
             {"AgencyScheme": 2, "DataProviderScheme": 1, "Dataflow": 1, "Codelist": 23, "ConceptScheme": 1,
              "DataStructure": 1, "ContentConstraint": 1, "ProvisionAgreement": 1}, 1983),
    Specimen("UNICEF/CL_UNICEF_INDICATOR.xml", {"Codelist": 1}, 738),
    Specimen("EDGE/DS1-structure-with-constraints.xml",
             {"Codelist": 1, "ConceptScheme": 2, "DataStructure": 1, "ContentConstraint": 2}, 3),
)

_NS = (
    'xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
    'xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" '
    'xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"'
)
HEADER = """<mes:Header><mes:ID>KS1</mes:ID><mes:Test>true</mes:Test>
<mes:Prepared>2024-05-01T10:00:00Z</mes:Prepared><mes:Sender id="IDAC"/></mes:Header>"""

STRUCTURES = """
<mes:Structures>
 <str:OrganisationSchemes>
  <str:DataConsumerScheme id="DATA_CONSUMERS" agencyID="IDAC" version="1.0">
   <com:Name xml:lang="en">Consumers</com:Name>
   <str:DataConsumer id="UNHCR"><com:Name>UNHCR</com:Name>
    <str:Contact><com:Name xml:lang="en">Desk</com:Name><str:Department xml:lang="en">Stats</str:Department>
     <str:Telephone>+41 22</str:Telephone><str:Email>a@b.org</str:Email><str:URI>http://x.org</str:URI></str:Contact>
   </str:DataConsumer>
  </str:DataConsumerScheme>
  <str:DataProviderScheme id="DATA_PROVIDERS" agencyID="IDAC" version="1.0">
   <com:Name xml:lang="en">Providers</com:Name>
   <str:DataProvider id="IOM"><com:Name xml:lang="en">IOM</com:Name></str:DataProvider>
  </str:DataProviderScheme>
  <str:OrganisationUnitScheme id="UNITS" agencyID="IDAC" version="2.0" isFinal="true">
   <com:Name xml:lang="en">Units</com:Name>
   <str:OrganisationUnit id="TOP"><com:Name xml:lang="en">Top</com:Name></str:OrganisationUnit>
   <str:OrganisationUnit id="SUB"><com:Name xml:lang="en">Sub</com:Name>
    <str:Parent><Ref id="TOP"/></str:Parent></str:OrganisationUnit>
  </str:OrganisationUnitScheme>
 </str:OrganisationSchemes>
 <str:Dataflows>
  <str:Dataflow id="MIG" agencyID="IDAC" version="1.0" validFrom="2024-01-01T00:00:00">
   <com:Name xml:lang="en">Migration</com:Name><com:Name xml:lang="fr">Migration (fr)</com:Name>
   <str:Structure><URN>
     urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=IDAC:DSD_MIG(1.0)
   </URN></str:Structure>
  </str:Dataflow>
 </str:Dataflows>
 <str:CategorySchemes>
  <str:CategoryScheme id="TOPICS" agencyID="IDAC" version="1.0">
   <com:Name xml:lang="en">Topics</com:Name>
   <str:Category id="POP"><com:Name xml:lang="en">Population</com:Name>
    <str:Category id="MIG"><com:Name xml:lang="en">Migration</com:Name>
     <str:Category id="REF"><com:Name xml:lang="en">Refugees</com:Name></str:Category>
    </str:Category>
   </str:Category>
   <str:Category id="EDU"><com:Name xml:lang="en">Education</com:Name></str:Category>
  </str:CategoryScheme>
 </str:CategorySchemes>
 <str:Categorisations>
  <str:Categorisation id="CAT_MIG" agencyID="IDAC" version="1.0">
   <com:Name xml:lang="en">Categorise MIG</com:Name>
   <str:Source><Ref agencyID="IDAC" id="MIG" version="1.0" class="Dataflow" package="datastructure"/></str:Source>
   <str:Target><Ref agencyID="IDAC" maintainableParentID="TOPICS" id="POP.MIG" class="Category"
     package="categoryscheme"/></str:Target>
  </str:Categorisation>
 </str:Categorisations>
 <str:Codelists>
  <str:Codelist id="CL_AREA" agencyID="IDAC" version="1.0" isFinal="true">
   <com:Annotations><com:Annotation id="a1"><com:AnnotationTitle>t</com:AnnotationTitle>
    <com:AnnotationType>NOTE</com:AnnotationType><com:AnnotationURL>http://example.org/n</com:AnnotationURL>
    <com:AnnotationText xml:lang="en">note</com:AnnotationText><com:AnnotationText xml:lang="ar">ملاحظة</com:AnnotationText>
   </com:Annotation></com:Annotations>
   <com:Name xml:lang="en">Areas</com:Name><com:Description xml:lang="en">Areas of the world</com:Description>
   <str:Code id="W"><com:Name xml:lang="en">World</com:Name></str:Code>
   <str:Code id="AF"><com:Name xml:lang="en">Africa</com:Name><str:Parent><Ref id="W"/></str:Parent></str:Code>
   <str:Code id="KE"><com:Name xml:lang="en">Kenya</com:Name>
    <str:Parent><Ref id="AF"/></str:Parent></str:Code>
  </str:Codelist>
  <str:Codelist id="CL_SEX" agencyID="IDAC" version="1.0">
   <com:Name xml:lang="en">Sex</com:Name>
   <str:Code id="F"><com:Name xml:lang="en">Female</com:Name></str:Code>
   <str:Code id="M"><com:Name xml:lang="en">Male</com:Name></str:Code>
   <str:Code id="_T"><com:Name xml:lang="en">Total</com:Name></str:Code>
  </str:Codelist>
 </str:Codelists>
 <str:HierarchicalCodelists>
  <str:HierarchicalCodelist id="HCL_AREA" agencyID="IDAC" version="1.0">
   <com:Name xml:lang="en">Area hierarchy</com:Name>
   <str:IncludedCodelist alias="AREA"><Ref agencyID="IDAC" id="CL_AREA" version="1.0"/></str:IncludedCodelist>
   <str:Hierarchy id="GEO" leveled="true">
    <com:Name xml:lang="en">Geography</com:Name>
    <str:HierarchicalCode id="W">
     <str:CodelistAliasRef>AREA</str:CodelistAliasRef><str:CodeID><Ref id="W"/></str:CodeID>
     <str:HierarchicalCode id="AF" validFrom="2020-01-01T00:00:00">
      <str:Code><URN>urn:sdmx:org.sdmx.infomodel.codelist.Code=IDAC:CL_AREA(1.0).AF</URN></str:Code>
      <str:HierarchicalCode id="KE">
       <str:Code><Ref agencyID="IDAC" maintainableParentID="CL_AREA" id="KE" class="Code" package="codelist"/></str:Code>
       <str:Level><Ref id="COUNTRY"/></str:Level>
      </str:HierarchicalCode>
      <str:Level><Ref id="REGION"/></str:Level>
     </str:HierarchicalCode>
    </str:HierarchicalCode>
    <str:Level id="REGION"><com:Name xml:lang="en">Region</com:Name>
     <str:Level id="COUNTRY"><com:Name xml:lang="en">Country</com:Name></str:Level></str:Level>
   </str:Hierarchy>
  </str:HierarchicalCodelist>
 </str:HierarchicalCodelists>
 <str:Concepts>
  <str:ConceptScheme id="CS_MIG" agencyID="IDAC" version="1.0">
   <com:Name xml:lang="en">Concepts</com:Name>
   <str:Concept id="AREA"><com:Name xml:lang="en">Area</com:Name>
    <str:CoreRepresentation><str:Enumeration><Ref agencyID="IDAC" id="CL_AREA" version="1.0"/></str:Enumeration>
    </str:CoreRepresentation>
    <str:ISOConceptReference><str:ConceptAgency>ISO</str:ConceptAgency><str:ConceptSchemeID>ISO3166</str:ConceptSchemeID>
     <str:ConceptID>AREA</str:ConceptID></str:ISOConceptReference></str:Concept>
   <str:Concept id="SEX"><com:Name xml:lang="en">Sex</com:Name></str:Concept>
   <str:Concept id="SUBAREA"><com:Name xml:lang="en">Sub-area</com:Name><str:Parent><Ref id="AREA"/></str:Parent></str:Concept>
   <str:Concept id="MEASURE"><com:Name xml:lang="en">Measure</com:Name></str:Concept>
   <str:Concept id="STOCK"><com:Name xml:lang="en">Stock</com:Name></str:Concept>
   <str:Concept id="FLOW"><com:Name xml:lang="en">Flow</com:Name></str:Concept>
   <str:Concept id="TIME_PERIOD"><com:Name xml:lang="en">Time</com:Name></str:Concept>
   <str:Concept id="OBS_VALUE"><com:Name xml:lang="en">Value</com:Name>
    <str:CoreRepresentation><str:TextFormat textType="Decimal" decimals="2" minValue="0"/></str:CoreRepresentation></str:Concept>
   <str:Concept id="NOTE"><com:Name xml:lang="en">Note</com:Name></str:Concept>
   <str:Concept id="SRC"><com:Name xml:lang="en">Source</com:Name></str:Concept>
   <str:Concept id="UNIT"><com:Name xml:lang="en">Unit</com:Name></str:Concept>
  </str:ConceptScheme>
 </str:Concepts>
 <str:DataStructures>
  <str:DataStructure id="DSD_MIG" agencyID="IDAC" version="1.0">
   <com:Name xml:lang="en">Migration DSD</com:Name>
   <str:DataStructureComponents>
    <str:DimensionList>
     <str:Dimension id="AREA" position="1">
      <str:ConceptIdentity><Ref agencyID="IDAC" maintainableParentID="CS_MIG" id="AREA"/></str:ConceptIdentity>
      <str:LocalRepresentation><str:Enumeration><Ref agencyID="IDAC" id="CL_AREA"/></str:Enumeration>
       <str:EnumerationFormat textType="AlphaNumeric" maxLength="3"/></str:LocalRepresentation>
      <str:ConceptRole><Ref agencyID="IDAC" maintainableParentID="CS_MIG" id="SUBAREA" class="Concept"
       package="conceptscheme"/></str:ConceptRole>
     </str:Dimension>
     <str:Dimension id="SEX" position="2">
      <str:ConceptIdentity><Ref agencyID="IDAC" maintainableParentID="CS_MIG" id="SEX"/></str:ConceptIdentity>
      <str:LocalRepresentation><str:Enumeration><URN>urn:sdmx:org.sdmx.infomodel.codelist.Codelist=IDAC:CL_SEX(1.0)</URN></str:Enumeration></str:LocalRepresentation>
     </str:Dimension>
     <str:MeasureDimension id="MEASURE" position="3">
      <str:ConceptIdentity><Ref agencyID="IDAC" maintainableParentID="CS_MIG" id="MEASURE"/></str:ConceptIdentity>
      <str:LocalRepresentation><str:Enumeration><Ref agencyID="IDAC" id="CS_MIG" class="ConceptScheme"/></str:Enumeration></str:LocalRepresentation>
     </str:MeasureDimension>
     <str:TimeDimension id="TIME_PERIOD" position="4">
      <str:ConceptIdentity><Ref agencyID="IDAC" maintainableParentID="CS_MIG" id="TIME_PERIOD"/></str:ConceptIdentity>
      <str:LocalRepresentation><str:TextFormat textType="GregorianYear" startTime="2000" endTime="2030"/></str:LocalRepresentation>
     </str:TimeDimension>
    </str:DimensionList>
    <str:Group id="SIBLING">
     <str:GroupDimension><str:DimensionReference><Ref id="AREA"/></str:DimensionReference></str:GroupDimension>
     <str:GroupDimension><str:DimensionReference><Ref id="MEASURE"/></str:DimensionReference></str:GroupDimension>
    </str:Group>
    <str:AttributeList>
     <str:Attribute id="NOTE" assignmentStatus="Conditional">
      <str:ConceptIdentity><Ref agencyID="IDAC" maintainableParentID="CS_MIG" id="NOTE"/></str:ConceptIdentity>
      <str:LocalRepresentation><str:TextFormat textType="String" maxLength="500"/></str:LocalRepresentation>
      <str:AttributeRelationship><str:None/></str:AttributeRelationship>
     </str:Attribute>
     <str:Attribute id="SRC" assignmentStatus="Mandatory">
      <str:ConceptIdentity><Ref agencyID="IDAC" maintainableParentID="CS_MIG" id="SRC"/></str:ConceptIdentity>
      <str:AttributeRelationship><str:Dimension><Ref id="AREA"/></str:Dimension><str:Dimension><Ref id="MEASURE"/></str:Dimension>
       <str:AttachmentGroup><Ref id="SIBLING"/></str:AttachmentGroup></str:AttributeRelationship>
     </str:Attribute>
     <str:Attribute id="UNIT" assignmentStatus="Conditional">
      <str:ConceptIdentity><Ref agencyID="IDAC" maintainableParentID="CS_MIG" id="UNIT"/></str:ConceptIdentity>
      <str:AttributeRelationship><str:Group><Ref id="SIBLING"/></str:Group></str:AttributeRelationship>
     </str:Attribute>
    </str:AttributeList>
    <str:MeasureList>
     <str:PrimaryMeasure>
      <str:ConceptIdentity><Ref agencyID="IDAC" maintainableParentID="CS_MIG" id="OBS_VALUE"/></str:ConceptIdentity>
     </str:PrimaryMeasure>
    </str:MeasureList>
   </str:DataStructureComponents>
  </str:DataStructure>
 </str:DataStructures>
 <str:StructureSets>
  <str:StructureSet id="SS_AREA" agencyID="IDAC" version="1.0">
   <com:Name xml:lang="en">Area maps</com:Name>
   <str:RelatedStructure><Ref agencyID="IDAC" id="DSD_MIG" version="1.0" class="DataStructure"
    package="datastructure"/></str:RelatedStructure>
   <str:CodelistMap id="AREA_TO_SEX">
    <com:Name xml:lang="en">Silly map</com:Name>
    <str:Source><Ref agencyID="IDAC" id="CL_AREA" version="1.0"/></str:Source>
    <str:Target><Ref agencyID="IDAC" id="CL_SEX" version="1.0"/></str:Target>
    <str:CodeMap><str:Source><Ref id="W"/></str:Source><str:Target><Ref id="_T"/></str:Target></str:CodeMap>
   </str:CodelistMap>
  </str:StructureSet>
 </str:StructureSets>
 <str:Constraints>
  <str:ContentConstraint id="CC_MIG" agencyID="IDAC" version="1.0" type="Allowed">
   <com:Name xml:lang="en">Allowed</com:Name>
   <str:ConstraintAttachment><str:DataProvider><Ref agencyID="IDAC" maintainableParentID="DATA_PROVIDERS"
     id="IOM" class="DataProvider" package="base"/></str:DataProvider></str:ConstraintAttachment>
   <str:DataKeySet isIncluded="false">
    <str:Key><com:KeyValue id="AREA"><com:Value>KE</com:Value></com:KeyValue>
     <com:KeyValue id="SEX"><com:Value>F</com:Value></com:KeyValue></str:Key>
   </str:DataKeySet>
   <str:CubeRegion include="true">
    <com:KeyValue id="AREA"><com:Value cascadeValues="true">AF</com:Value></com:KeyValue>
    <com:KeyValue id="TIME_PERIOD"><com:TimeRange><com:StartPeriod isInclusive="true">2000</com:StartPeriod>
     <com:EndPeriod isInclusive="false">2020</com:EndPeriod></com:TimeRange></com:KeyValue>
    <com:Attribute id="UNIT"><com:Value>PS</com:Value></com:Attribute>
   </str:CubeRegion>
   <str:CubeRegion include="false">
    <com:KeyValue id="SEX" include="false"><com:Value>M</com:Value></com:KeyValue>
    <com:KeyValue id="TIME_PERIOD"><com:TimeRange><com:AfterPeriod isInclusive="false">2025</com:AfterPeriod></com:TimeRange></com:KeyValue>
   </str:CubeRegion>
  </str:ContentConstraint>
  <str:ContentConstraint id="CC_ACT" agencyID="IDAC" version="1.0" type="Actual">
   <com:Name xml:lang="en">Actual</com:Name>
   <str:ConstraintAttachment><str:Dataflow><Ref agencyID="IDAC" id="MIG" version="1.0" class="Dataflow"/></str:Dataflow>
    <str:Dataflow><Ref agencyID="IDAC" id="MIG2" version="1.0" class="Dataflow"/></str:Dataflow></str:ConstraintAttachment>
   <str:CubeRegion>
    <com:KeyValue id="TIME_PERIOD"><com:TimeRange><com:BeforePeriod isInclusive="true">1999</com:BeforePeriod></com:TimeRange></com:KeyValue>
   </str:CubeRegion>
  </str:ContentConstraint>
 </str:Constraints>
 <str:ProvisionAgreements>
  <str:ProvisionAgreement id="PA_MIG_IOM" agencyID="IDAC" version="1.0">
   <com:Name xml:lang="en">IOM reports MIG</com:Name>
   <str:StructureUsage><Ref agencyID="IDAC" id="MIG" version="1.0" class="Dataflow"
    package="datastructure"/></str:StructureUsage>
   <str:DataProvider><Ref agencyID="IDAC" maintainableParentID="DATA_PROVIDERS" id="IOM" class="DataProvider"
    package="base"/></str:DataProvider>
  </str:ProvisionAgreement>
 </str:ProvisionAgreements>
</mes:Structures>"""

KITCHEN_SINK = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<mes:Structure {_NS}>{HEADER}{STRUCTURES}</mes:Structure>'
).encode()

#: The same structures sent as a registry submission (``str:Structures`` inside the request).
SUBMISSION = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<mes:RegistryInterface {_NS}>'
    + HEADER.replace('<mes:Sender id="IDAC"/>', '<mes:Sender id="IDAC"/><mes:Receiver id="REG"/>')
    + '<mes:SubmitStructureRequest action="Append">'
    + STRUCTURES.replace("<mes:Structures>", "<str:Structures>").replace("</mes:Structures>", "</str:Structures>")
    + "</mes:SubmitStructureRequest></mes:RegistryInterface>"
).encode()


def client_subset(artefacts: list, client: str) -> list:  # type: ignore[type-arg]
    """The artefacts of ``KITCHEN_SINK`` that a reference client can read (copies; the input is kept).

    The written document is XSD-valid either way; these are the clients' own gaps (sdmx1 2.28,
    pysdmx 1.2x): neither reads ``ISOConceptReference``; sdmx1 implements no OrganisationUnitScheme,
    no StructureSet ``RelatedStructure`` and no ``AfterPeriod``/``BeforePeriod``; pysdmx requires an
    Actual constraint to attach to exactly one structure.
    """
    import copy

    from registry.sdmx.refs import ArtefactType as T

    out = []
    for a in copy.deepcopy(artefacts):
        if client == "sdmx1" and a.type in (T.ORGANISATION_UNIT_SCHEME, T.STRUCTURE_SET, T.CONTENT_CONSTRAINT):
            continue
        if a.type is T.CONCEPT_SCHEME:
            for c in a.items:
                c.iso_concept = None
        if a.type is T.CONTENT_CONSTRAINT:
            a.attachment = a.attachment[:1]
        out.append(a)
    return out
