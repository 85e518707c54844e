"""Reads scoped to the user. Children of an operation are visible exactly when the operation is."""
