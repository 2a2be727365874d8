"""API routers: thin — parse, check, call investigations / security / export, mask, return."""
