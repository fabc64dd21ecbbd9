"""Following an analyst's own file when it is merged again (``annotator.merge``).

The first merge of a file brings its spans and relations in with their ids.
When the analyst goes on working in that file, a later merge finds some of
those ids changed there (a new label, new edges, a note) or gone (deleted).
``follow_source`` writes those changes of one document in one transaction
and one history step (action ``merge``), so a reviewer can undo them, and a
review of the document sees its pairs as decided on an earlier version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .base import _RELATION_SELECT
from .changes import Changes
from .spans import SpansMixin

# The name merges write under (their history steps, the rows they import): undo
# them as this analyst; the review finds a merge's changes by it (indexed).
MERGE = "merge"


class SyncMixin(SpansMixin):
    def follow_source(
        self,
        document_id: int,
        *,
        updated: Sequence[Mapping[str, Any]] = (),
        deleted_spans: Sequence[str] = (),
        deleted_relations: Sequence[str] = (),
    ) -> bool:
        """Write another file's newer versions of spans (``updated``: rows with the
        ids of spans here) and remove the spans and relations it deleted; the
        relations of a removed span go with it, all one history step of ``MERGE``.
        Offsets, labels and quotes are checked as for any span
        (``InvalidSpanError``, nothing written).  True when anything changed."""
        with self._transaction() as conn:
            changes = Changes()
            text = self._text(document_id)
            # Deletions first: a relation the source removed may be what kept a new
            # label from fitting.
            gone = list(deleted_spans)
            for rel in self._relations_touching(gone) if gone else []:
                changes.deleted("relations", rel)
            for rel_id in deleted_relations:
                row = conn.execute(
                    f"SELECT {_RELATION_SELECT} FROM relations WHERE id = ?", [rel_id]
                ).fetchone()
                if row is not None:
                    changes.deleted("relations", dict(row))
                    conn.execute("DELETE FROM relations WHERE id = ?", [rel_id])
            for span_id in gone:
                changes.deleted("spans", self._span_dict(span_id))
                conn.execute("DELETE FROM spans WHERE id = ?", [span_id])  # relations cascade
            for item in updated:
                old = self._span_dict(str(item["id"]))
                new = self._span_row(
                    text, document_id, item["start"], item["end"], item["label"],
                    old["annotator"], note=item.get("note"),
                    attributes=item.get("attributes") or {},
                    origin=item.get("origin") or old["origin"], span_id=old["id"],
                    created_at=old["created_at"], updated_at=item.get("updated_at"),
                )  # fmt: skip
                if new["label"] != old["label"]:
                    self._check_relations_fit(old["id"], new["label"])
                conn.execute(
                    'UPDATE spans SET label = ?, start = ?, "end" = ?, text = ?, note = ?,'
                    " attributes = ?, origin = ?, updated_at = ? WHERE id = ?",
                    [new["label"], new["start"], new["end"], new["text"], new["note"],
                     new["attributes"], new["origin"], new["updated_at"], old["id"]],
                )  # fmt: skip
                changes.updated("spans", old, {**old, **new})
            before, after = changes.states()
            if not (before or after):
                return False
            self._record(
                MERGE, "merge", document_id=document_id,
                target=json.dumps({"updated": len(updated), "deleted": len(gone),
                                   "relations_deleted": len(deleted_relations)}),
                before=before, after=after,
            )  # fmt: skip
        return True

    def merged_at(self, document_id: int) -> dict[str, str]:
        """Span id -> the time a merge last changed the span here (``follow_source``):
        a review decision taken before then was taken on an earlier version, though
        the span keeps the (older) time its analyst changed it in her file."""
        times: dict[str, str] = {}
        for at, after in self.conn.execute(
            "SELECT at, after FROM events WHERE annotator = ? AND document_id = ?"
            " AND action = 'merge' ORDER BY id", [MERGE, document_id],
        ):  # fmt: skip (by the analyst's index: a review opens without reading every event)
            for row in (json.loads(after) if after else {}).get("spans") or []:
                times[row["id"]] = at
        return times

