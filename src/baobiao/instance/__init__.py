"""Data files: loading and checking."""
