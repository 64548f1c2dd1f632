"""The submissions API: ``POST /api/submissions`` and the status, report and rejected-rows resources."""
