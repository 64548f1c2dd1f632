"""WSGI entry point for production: ``gunicorn -w 2 -b 0.0.0.0:8000 wsgi:app``."""

from api import create_app

app = create_app()
