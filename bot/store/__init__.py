"""The gateway's store: workers, the durable inbox of platform events, the outbox of replies, the message log."""
