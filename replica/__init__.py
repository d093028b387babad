"""A local replica of real government CMS sites, built from the seed reports (demo and tests)."""
from .replica import Replica, start_replica

__all__ = ["Replica", "start_replica"]
