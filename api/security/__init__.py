"""Auth, roles, masking and the tamper-evident audit log (no graph access here)."""
