"""Spec syntax: parser, AST, printer."""
