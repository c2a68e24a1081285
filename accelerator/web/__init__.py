"""The programme office in a browser: an HTTP API with roles (`/api/v1`, OpenAPI at `/docs`),
a live stream (Server-Sent Events) and a server-rendered dashboard in Dutch and English.

`accelerator.web.app.create_app` builds it around a runtime; `accelerator serve` runs it.
Nothing is imported here: the embedded store registers `accelerator.web.tables` without
pulling in the web framework.
"""
