"""Writes of the congress app: terms, sessions, delegates, proposals and suggestions.

Every state change goes through a `<entity>_set_state` function that checks the transition
table in `enums`, writes the audit row with before/after, and raises DomainError otherwise.
Notifications are sent after commit.

One module per entity, each name re-exported here, so callers keep writing
`from gonghui.congress import services; services.proposal_submit(...)`:

- `terms`        terms (届) and their settings, delegates (代表), delegations (代表团/组)
- `sessions`     sessions (会议) and their state, attendance (签到), agenda items (议题), votes
                 by show of hands and named votes (记名表决)
- `proposals`    proposals (提案): drafting, co-signers (附议), review (立案/并案/转为建议),
                 assignment to departments (交办), answers, ratings, implementation (落实),
                 publishing, the overdue reminder (督办)
- `suggestions`  rationalisation suggestions (合理化建议) and their campaigns (征集活动)
- `_common`      private helpers more than one of them uses (upload file names)

A test that monkeypatches a service patches it where it is looked up: in its entity module
(`gonghui.congress.services.proposals._notify`), not on this package.
"""

from ._common import FILE_NAME_LENGTH
from .proposals import (
    cosigner_confirm,
    overdue_remind,
    proposal_answer,
    proposal_assign,
    proposal_create,
    proposal_implement,
    proposal_publish,
    proposal_rate,
    proposal_request_reassign,
    proposal_review,
    proposal_set_state,
    proposal_submit,
    proposal_update_draft,
)
from .sessions import (
    item_close_named_vote,
    item_create,
    item_open_named_vote,
    item_record_result,
    item_revise,
    item_vote,
    session_check_in,
    session_create,
    session_record_party_approval,
    session_set_state,
)
from .suggestions import (
    campaign_create,
    suggestion_implement,
    suggestion_review,
    suggestion_reward,
    suggestion_set_state,
    suggestion_submit,
)
from .terms import (
    TERM_SETTINGS,
    delegate_assign_delegation,
    delegate_elect,
    delegation_create,
    delegation_delete,
    delegation_update,
    term_create,
    term_update,
)

__all__ = [
    "FILE_NAME_LENGTH",
    "TERM_SETTINGS",
    "campaign_create",
    "cosigner_confirm",
    "delegate_assign_delegation",
    "delegate_elect",
    "delegation_create",
    "delegation_delete",
    "delegation_update",
    "item_close_named_vote",
    "item_create",
    "item_open_named_vote",
    "item_record_result",
    "item_revise",
    "item_vote",
    "overdue_remind",
    "proposal_answer",
    "proposal_assign",
    "proposal_create",
    "proposal_implement",
    "proposal_publish",
    "proposal_rate",
    "proposal_request_reassign",
    "proposal_review",
    "proposal_set_state",
    "proposal_submit",
    "proposal_update_draft",
    "session_check_in",
    "session_create",
    "session_record_party_approval",
    "session_set_state",
    "suggestion_implement",
    "suggestion_review",
    "suggestion_reward",
    "suggestion_set_state",
    "suggestion_submit",
    "term_create",
    "term_update",
]
