"""One page per wizard step."""
