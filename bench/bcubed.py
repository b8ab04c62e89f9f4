"""B-cubed precision, recall and F1 of a replay against the ``truth`` labels of its stream.

For every message m: precision(m) = |predicted(m) ∩ truth(m)| / |predicted(m)|,
recall(m) = |predicted(m) ∩ truth(m)| / |truth(m)|; the scores are the means over all messages.
A message with no truth is a cluster of its own, and so is one the replay left unassigned: a
greeting folded into a raid costs precision, a report left out costs recall.

    python bench/bcubed.py STREAM.jsonl [...]     # replays each stream, prints P/R/F1

As a library: ``score(truth, predicted)``, ``truth_of(path)``, ``predicted_of(replay_result)``,
``score_stream(path)``.
"""

import json
import sys
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    messages: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} (n={self.messages})"


def _clusters(labels: Mapping[str, Hashable | None]) -> dict[str, frozenset[str]]:
    """Each message → the set of messages sharing its label; an unlabelled one stands alone."""
    members: dict[Hashable, set[str]] = defaultdict(set)
    for sid, label in labels.items():
        if label is not None:
            members[label].add(sid)
    return {
        sid: frozenset(members[label]) if label is not None else frozenset({sid})
        for sid, label in labels.items()
    }


def score(truth: Mapping[str, Hashable | None], predicted: Mapping[str, Hashable | None]) -> Scores:
    """B-cubed over the messages of ``truth`` (SID → label or None); SIDs missing from
    ``predicted`` count as unassigned, predicted SIDs not in ``truth`` are ignored."""
    if not truth:
        return Scores(1.0, 1.0, 0)
    gold = _clusters(truth)
    guess = _clusters({sid: predicted.get(sid) for sid in truth})
    precision = recall = 0.0
    for sid in truth:
        both = len(gold[sid] & guess[sid])
        precision += both / len(guess[sid])
        recall += both / len(gold[sid])
    return Scores(precision / len(truth), recall / len(truth), len(truth))


def truth_of(path: str) -> dict[str, str | None]:
    """SID → ``truth`` label for every line of a stream (first occurrence of a repeated SID)."""
    truth: dict[str, str | None] = {}
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            if line.strip():
                obj = json.loads(line)
                truth.setdefault(obj.get("MessageSid") or obj["SmsSid"], obj.get("truth"))
    return truth


def predicted_of(result: Mapping) -> dict[str, int]:
    """SID → incident id from ``avisa replay`` output (unassigned SIDs are simply absent)."""
    return {
        sid: incident["id"] for incident in result["incidents"] for sid in incident["message_sids"]
    }


def score_stream(path: str) -> Scores:
    """Replay ``path`` through the real pipeline (in this process) and score it."""
    from avisa.replay import replay_file

    return score(truth_of(path), predicted_of(replay_file(path)))


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for path in paths:
        print(f"{path}: {score_stream(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
