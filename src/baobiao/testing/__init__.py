"""Property-based testing for forms and templates: hypothesis strategies derived from any
compiled form (see :mod:`baobiao.testing.strategies`) and ``baobiao fuzz``."""

from baobiao.model.linear import Infeasible
from baobiao.testing.strategies import (
    Broken,
    Messy,
    Slipped,
    Stated,
    broken_instances,
    holds,
    instance_yaml,
    make_instance,
    messy_data_files,
    metas,
    slipped_data_files,
    slipped_label,
    stated_texts,
    valid_instances,
)

__all__ = [
    "Broken",
    "Infeasible",
    "Messy",
    "Slipped",
    "Stated",
    "broken_instances",
    "holds",
    "instance_yaml",
    "make_instance",
    "messy_data_files",
    "metas",
    "slipped_data_files",
    "slipped_label",
    "stated_texts",
    "valid_instances",
]
