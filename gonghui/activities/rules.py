"""Who may do what in the activities app (core.access grants, declared here).

An activity belongs to its organiser (any level): the organiser's officers run it, officers above
see it, and every member below it sees it once it is open. A unit's officers (the participating
school's chair, vice-chairs, committee members and its group leaders) enter their own members and
teams and see their unit's entries; a member sees their own entries.
"""

from __future__ import annotations

from gonghui.core.enums import STAFF_ROLES, Role

# Officers who create, open, close and cancel an activity of their union (and of unions below).
ORGANISER_ROLES = frozenset({Role.SUPERIOR_ADMIN, Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE})
# Officers who see every activity and entry of the organiser's subtree.
VIEW_ROLES = STAFF_ROLES
# A unit's officers who enter members and teams of their own unit (报名 on their behalf).
ENTER_FOR_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE, Role.GROUP_LEADER})
# Whoever holds one of these roles in or below the organiser is a possible participant: they see
# the activity once it is open. Handling departments are offices, not people.
PARTICIPANT_ROLES = frozenset(Role) - {Role.DEPARTMENT}
