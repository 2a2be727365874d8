"""The FastAPI service (`ecograph serve`): routers, schemas, dependencies."""
