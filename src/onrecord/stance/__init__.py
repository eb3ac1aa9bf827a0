"""Stance: where each speaker stands on a proposition, and who shifted, with the evidence.

`onrecord.stance(db, proposition)` (in `report`) answers; `retrieval` finds the relevant statements,
`vectors` keeps their embeddings, `saved` the propositions, marks and cached scores, `positions` turns
stances into positions and shifts, `context` reads dates and second-hand reports from the text. The
encoder (`encoder`) and the classifier (`model`) are the models.
"""
