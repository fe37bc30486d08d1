"""Import of reprinted articles: cleaning (pure text), name suggestions, and drafts."""
