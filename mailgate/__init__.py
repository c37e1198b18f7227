"""mailgate: secure mail management for municipal departments and residents."""

__version__ = "0.1.0"
