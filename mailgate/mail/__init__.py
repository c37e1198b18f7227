"""Pure mail handling: parsing, composing and threading messages, with no I/O."""
