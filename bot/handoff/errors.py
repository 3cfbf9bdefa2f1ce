class HandoffRefused(Exception):
    """The transition or action is not allowed."""
