"""The gazetteer beyond the curated codebook rows: ACLED naming of places and admin areas."""

from .acled import ADMIN1, ADMIN2, acled_admin1, acled_admin2, acled_location

__all__ = ["ADMIN1", "ADMIN2", "acled_admin1", "acled_admin2", "acled_location"]
