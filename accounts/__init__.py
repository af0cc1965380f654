"""Who may log in and how: throttled password checks, and API tokens that expire, are stored
hashed and can be revoked by their owner."""
