"""Whoosh-free text algorithms: cleaning, folding, near-duplicate sketches, spelling skeletons."""
