"""The web inbox (FastAPI + Jinja2). For now: the application factory and health endpoint."""
