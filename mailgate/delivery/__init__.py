"""Outbound delivery: the queue of approved messages, the relays, and the worker that sends."""
