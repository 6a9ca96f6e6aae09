"""The LLM coder: proposals from any OpenAI-compatible model, every value grounded in the text.

Modules: config (settings, config file, env), secret (the key), prompt (rendered
from the codebook), transport (requests and retries), answer (validation and
repair), align (grounding quotes), build (answer -> events, shared normaliser),
chunk (long documents), cache, cost.
"""

from .coder import LLMCoder
from .config import ConfigError, LLMSettings, load_settings
from .secret import Secret

__all__ = ["LLMCoder", "LLMSettings", "ConfigError", "load_settings", "Secret"]
