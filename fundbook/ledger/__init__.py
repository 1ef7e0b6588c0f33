"""Reading and validating ledger files: (records, errors), never the first error only."""
