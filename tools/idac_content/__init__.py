"""IDAC structural content: codelists, DSDs, dataflows, constraints and examples as SDMX-ML 2.1."""
