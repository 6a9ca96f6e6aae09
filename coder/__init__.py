"""eventcoder: code news into structured conflict events the ACLED way."""

__version__ = "0.1.0"
