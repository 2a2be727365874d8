"""The `ecograph` command line: thin wrappers over the layers below."""
