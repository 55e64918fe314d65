"""The HTTP edge: Flask app factory, blueprints (/api/v1 admin, webmail, auth, autoconfig,
ActiveSync endpoint), Socket.IO namespaces and the OpenAPI document.

Thin by design: it parses requests, works out who is asking, calls services and shapes JSON.
"""
