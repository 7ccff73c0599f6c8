"""The web app: FastAPI routes and Jinja2 pages over the coaching library and the store.

A thin shell. Rules live in :mod:`glutecoach.coaching`, storage in :mod:`glutecoach.store`,
analysis in :mod:`glutecoach.analysis`; nothing in those imports this package. Build the app with
:func:`glutecoach.web.app.create_app`.
"""
