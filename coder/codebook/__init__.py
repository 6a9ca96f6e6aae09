from .loader import CodebookError, Problem, default_codebook_path, get_codebook, load_codebook
from .model import Actor, Codebook, EventType, ExclusionRule, FieldSpec, Place, Trigger

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
