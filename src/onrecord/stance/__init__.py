"""Stance toward a proposition: the sentence encoder, the stance classifier and (elsewhere) retrieval."""
