"""A real HTTP server that behaves like the TAS start-process endpoint, with injectable faults.

``tas-sandbox serve`` runs it as its own process; :func:`tas_import.sandbox.embedded.run_sandbox`
runs it in a background thread for ``tas-import --sandbox`` and the tests.
"""
