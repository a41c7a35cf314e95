"""Use cases: each takes a unit of work (and the acting user) and records an audit event."""
