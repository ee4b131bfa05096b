"""Listenalong: read and listen to a podcast at the same time.

The web app is built by :func:`create_app`; the conversion core in :mod:`webapp.core`
imports no Flask, so importing this package does not import Flask either.
"""


def create_app(test_config=None):
    """Flask application factory (``gunicorn 'webapp:create_app()'``)."""
    from .app import build_app

    return build_app(test_config)
