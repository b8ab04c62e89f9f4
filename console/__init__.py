"""The coordinators' console: server-rendered pages at ``/console/`` beside the JSON
API, calling the same core services. ``router`` is mounted by ``api.app.create_app``."""

from console.routes import router

__all__ = ["router"]
