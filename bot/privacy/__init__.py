"""The worker's data: consent, what is kept and for how long, erasure, and how workers appear in logs."""
