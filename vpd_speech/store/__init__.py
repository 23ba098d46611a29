"""Calls over time: the call store, call metadata, pattern callers and the quarterly review."""
