"""The conversation engine: flows as data, and a pure function that runs one text through them."""
