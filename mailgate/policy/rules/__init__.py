"""Rules: each finds one kind of problem; none decides the verdict (the chain does)."""
