"""Helpers both test suites use (engine and gateway environments): standard library only."""
