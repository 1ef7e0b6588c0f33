"""Types, money and errors shared by every layer; imports nothing else of fundbook."""
