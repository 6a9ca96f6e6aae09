"""The LLM coder: proposals from any OpenAI-compatible model, every value grounded in the text.

Modules: config (settings, config file, env), secret (the key, redaction), prompt
(rendered from the codebook), worked (its worked answers, checked), response (the
schemas sent, structured outputs' limits), compact (the compact response schema),
transport (requests, retries, the per-document deadline), answer (validation and
repair), align (grounding quotes), agree (values against their quotes), build
(answer -> events, shared normaliser), repair (the grounding repair turn), recall
(the recall pass), chunk (long documents), pipeline (the one answer path and its
sources), cache, cost, batchapi (the Batch API).

One path for every answer (pipeline.py, run by `LLMCoder.run`): plan (chunks) ->
source (the cache, then live with repair turns, Batch API results, or recorded
answers) -> check (answer.py) -> ground and normalise (build.py) -> grounding repair
and recall passes (live, fresh answers only) -> merge; usage accounted per document.
"""

from .coder import LLMCoder
from .config import ConfigError, LLMSettings, load_settings
from .secret import Secret

__all__ = ["LLMCoder", "LLMSettings", "ConfigError", "load_settings", "Secret"]
