"""Writes of the voting app: polls, options, electorate, paper ballots, the ballot box, results.

Every state change goes through `poll_set_state`, which checks the transition table in `enums`,
writes the audit row with before/after, and raises DomainError otherwise.

Secrecy (DESIGN.md §5), what this module guarantees:
* `ballot_cast` writes the Participation (who voted) and the Ballot (what was voted) in one
  transaction; UNIQUE(poll, member) on Participation is the only guard against a second vote, so
  a retried or concurrent second attempt fails cleanly with "您已投票" and nothing is written.
  Casters take the poll's ballot-box lock in shared mode only (they never block each other);
  closing takes it exclusively, so no ballot is accepted after the count reported at close.
* A Ballot holds no person, no time and no sequence. The audit row of a vote says only that
  someone voted in the poll (participation is not secret); it never holds a choice, a receipt or
  a ballot id, and nothing here logs choices.
* Storage order: on PostgreSQL a heap table returns rows in insert order, and SQLite returns
  rowid order, so a plain `SELECT` would replay the casting order. When a poll closes,
  `shuffle_ballots` rewrites its ballots in an order drawn from the OS random source, in the same
  transaction that closes the poll; every ORM read orders by the random UUID4 key. From the
  moment a poll is closed neither storage order nor key order reveals the casting order. While
  the poll is open the heap order and the audit times are visible to someone with raw database
  access, so each ballot is stored sealed (`voting.sealing`: choices and receipt encrypted under
  a per-poll key derived from a server-side secret the database does not hold; only a keyed tag
  of the receipt in its column) and unsealed only by `shuffle_ballots` in the closing
  transaction. Results are refused to everyone until released.

One module per entity: `polls` (create, change, lifecycle), `options` (ballot, nominations,
evaluation settings), `electorate`, `paper` (codes, census, batches), `ballots` (the ballot
box), `results` (turnout, tallies), `awards` (公示); `codes` the paper ballot codes. Every public
name is re-exported here: callers write `services.poll_create(...)`.
"""

from __future__ import annotations

from ._common import BALLOT_BOX_LOCK
from .awards import award_finalize, award_publish_notice, on_notice_finalized
from .ballots import WRITE_IN_LENGTH, ballot_cast, clean_choices
from .codes import ALPHABET, CODE_LENGTH, code_hash, normalise_code, pretty_code, random_code
from .electorate import electorate_add, electorate_clear, voter_remove
from .options import (
    FILE_NAME_LENGTH,
    dimensions_set,
    nomination_screen,
    nomination_submit,
    option_add,
    option_remove,
    rater_group_add,
)
from .paper import paper_batch_enter, paper_census_record, paper_codes_issue
from .polls import (
    POLL_SETTINGS,
    ballot_options,
    ballots_counted,
    poll_create,
    poll_set_state,
    poll_update,
    required_candidates,
    shuffle_ballots,
)
from .results import (
    Results,
    Turnout,
    option_infos,
    paper_totals,
    poll_tally,
    polls_tally,
    published_ballots,
    results_of,
    turnout,
)

__all__ = [
    "ALPHABET",
    "BALLOT_BOX_LOCK",
    "CODE_LENGTH",
    "FILE_NAME_LENGTH",
    "POLL_SETTINGS",
    "WRITE_IN_LENGTH",
    "Results",
    "Turnout",
    "award_finalize",
    "award_publish_notice",
    "ballot_cast",
    "ballot_options",
    "ballots_counted",
    "clean_choices",
    "code_hash",
    "dimensions_set",
    "electorate_add",
    "electorate_clear",
    "nomination_screen",
    "nomination_submit",
    "normalise_code",
    "on_notice_finalized",
    "option_add",
    "option_infos",
    "option_remove",
    "paper_batch_enter",
    "paper_census_record",
    "paper_codes_issue",
    "paper_totals",
    "poll_create",
    "poll_set_state",
    "poll_tally",
    "poll_update",
    "polls_tally",
    "pretty_code",
    "published_ballots",
    "random_code",
    "rater_group_add",
    "required_candidates",
    "results_of",
    "shuffle_ballots",
    "turnout",
    "voter_remove",
]
