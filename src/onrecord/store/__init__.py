"""The store: an SQLite file of articles, statements, speakers and what was skipped.

`open_store(path)` opens (creating or migrating) a store for writing, `opened(path)` uses one (for reading
unless told otherwise, database errors as one sentence); writing goes through `store.writer`, identity
through `store.identity`, user corrections through `store.corrections`. Queries live in `onrecord.queries`.
"""

from onrecord.store.corrections import Correction, merge_people, split_person
from onrecord.store.sqlite import StoreError, open_for_reading, open_reader, open_store, opened, optimize

__all__ = [
    "Correction",
    "StoreError",
    "merge_people",
    "open_for_reading",
    "open_reader",
    "open_store",
    "opened",
    "optimize",
    "split_person",
]
