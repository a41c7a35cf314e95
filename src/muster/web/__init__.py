"""The web application: a read-only status page and JSON API for now (`create_app`)."""

from muster.web.app import create_app

__all__ = ["create_app"]
