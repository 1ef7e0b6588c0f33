"""Month-end close: locks, snapshots, capital accounts, audit."""
