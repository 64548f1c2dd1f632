"""SDMX data type vocabularies (SDMX-ML ``DataType`` / ``TimeDataType``), shared by codecs and checks."""

from __future__ import annotations

#: Time-period types (SDMX-ML ``TimeDataType`` without ``DateTime``).
TIME_PERIOD_TYPES = frozenset(
    {
        "ObservationalTimePeriod", "StandardTimePeriod", "BasicTimePeriod", "GregorianTimePeriod",
        "GregorianYear", "GregorianYearMonth", "GregorianDay", "ReportingTimePeriod", "ReportingYear",
        "ReportingSemester", "ReportingTrimester", "ReportingQuarter", "ReportingMonth", "ReportingWeek",
        "ReportingDay", "TimeRange",
    }
)

#: Every type allowed on a time dimension's representation.
TIME_TYPES = TIME_PERIOD_TYPES | {"DateTime"}
