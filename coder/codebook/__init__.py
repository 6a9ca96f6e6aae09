from .loader import CodebookError, default_codebook_path, get_codebook, load_codebook
from .model import Actor, Codebook, EventType, ExclusionRule, FieldSpec, Place, Trigger
from .problems import Problem

__all__ = [
    "Actor",
    "Codebook",
    "CodebookError",
    "EventType",
    "ExclusionRule",
    "FieldSpec",
    "Place",
    "Problem",
    "Trigger",
    "default_codebook_path",
    "get_codebook",
    "load_codebook",
]
