"""The engine's domain events, as blinker signals that other domains and the sockets connect to in
their init_app. All are sent inside the transaction of the change; a receiver changes models or
queues what must wait for the commit (realtime.publisher), it never commits.

- `checking_values(subject, stage=…, values=…)`: the modal's values of the stage being left have
  passed the field checks; a receiver returns {field: message} for what its domain refuses (an amount
  it cannot book) — the move is then refused with those messages, nothing changed;
- `stage_left(subject, stage=…, values=…, by=…)`: the subject leaves `stage` with these values; a
  receiver records what its domain keeps of them (a card's transactions, the bank's answer date);
- `started(subject, result=MoveResult)`: a new subject stands on its first stage (flushed; the
  result's from and to stages are that stage, nothing closed);
- `moved(subject, result=MoveResult)`: a move or an in-stage step has been written (flushed);
- `move_undone(subject, stage=…, values=…, by=…, left=…)`: the mover took back his move out of
  `stage`, made with these values, and the subject leaves `left` for it again; a receiver takes back
  what it kept of them (a booked transaction) or of reaching `left` (points);
- `column_changed(pipeline_code, stage_id=…)`: a scheduled job renewed or re-dated open tasks of one
  stage (no single subject to name);
- `people_changed(subject, before=frozenset)`: one of the subject's people was replaced outside a
  move (a client handed to another employee), flushed; `before` the ids of its people before."""

from blinker import Namespace

_signals = Namespace()

checking_values = _signals.signal("checking-values")
stage_left = _signals.signal("stage-left")
started = _signals.signal("started")
moved = _signals.signal("moved")
move_undone = _signals.signal("move-undone")
column_changed = _signals.signal("column-changed")
people_changed = _signals.signal("people-changed")


def refusals(subject, stage, values):
    """{field: message} of every receiver of checking_values."""
    errors = {}
    for _receiver, answer in checking_values.send(subject, stage=stage, values=values):
        errors.update(answer or {})
    return errors
