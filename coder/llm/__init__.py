"""The LLM coder: proposals from any OpenAI-compatible model, every value grounded in the text.

Modules: config (settings, config file, env), secret (the key, redaction), prompt
(rendered from the codebook), compact (the compact response schema), transport
(requests, retries, the per-document deadline), answer (validation and repair),
align (grounding quotes), agree (values against their quotes), build (answer ->
events, shared normaliser), repair (the grounding repair turn), recall (the
recall pass), chunk (long documents), cache, cost, batchapi (the Batch API).

One path for every answer: plan (chunks) -> answer (cache, or asked live with
repair turns, or read from Batch API results) -> check (answer.py) -> ground and
normalise (build.py) -> grounding repair and recall passes (live only) -> merge;
`LLMCoder.build` makes events from a stored answer exactly as live coding does.
"""

from .coder import LLMCoder
from .config import ConfigError, LLMSettings, load_settings
from .secret import Secret

__all__ = ["LLMCoder", "LLMSettings", "ConfigError", "load_settings", "Secret"]
