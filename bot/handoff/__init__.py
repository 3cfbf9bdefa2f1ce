"""Human handoff: the state of each conversation a counselor takes over, the queue, office hours."""
