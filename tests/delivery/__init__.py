"""Tests of outbound composition, the delivery queue and the worker."""
