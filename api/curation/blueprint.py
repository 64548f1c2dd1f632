"""Registers the curation blueprints (loaded by ``api.create_app`` when present)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Attach structure maintenance, the curator JSON API and the audit endpoints."""
    from api.curation.audit_api import bp as audit_bp
    from api.curation.maintenance import bp as maintenance_bp
    from api.curation.structures import bp as structures_bp

    app.register_blueprint(maintenance_bp)
    app.register_blueprint(structures_bp)
    app.register_blueprint(audit_bp)
