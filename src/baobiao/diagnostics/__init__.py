"""Diagnostics: the type, the code registry and the renderers."""
