"""fundbook: portfolio accounting engine for public guidance funds."""

__version__ = "0.1.0"
