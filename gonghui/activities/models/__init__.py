"""The activities app's models, one module per entity group; every name is re-exported here."""

from .activities import Activity, ActivityKind, ActivityQuota
from .entries import Entry, Team, TeamMember

__all__ = ["Activity", "ActivityKind", "ActivityQuota", "Entry", "Team", "TeamMember"]
