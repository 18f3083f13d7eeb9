"""baobiao (报表): a spec language, checker and report renderer for statutory statistics forms."""

__version__ = "0.1.0"
