"""The gateway: everything facing workers and counselors (adapters, language, handoff, console)."""
