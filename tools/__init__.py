"""Tools a person runs beside the site, not part of it: the project-local
PostgreSQL (`devdb`), backups (`backup`), load tests and benchmarks
(`loadtest`, `bench`, `benchreport`, `wrk`, `queryplans`), and the helpers
they and the tests share for ports, database URLs and gunicorn (`servers`).

The site itself (`applyingml/`, `interviews/`) imports nothing from here.
"""
