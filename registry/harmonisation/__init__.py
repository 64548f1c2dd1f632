"""Harmonisation: national data structures mapped onto the IDAC DSDs (SDMX 3.0 StructureMap and
RepresentationMap, SDMX 2.1 StructureSet/CodelistMap), applied to the stream of ``DataChunk``s between
the reader and the validator."""
