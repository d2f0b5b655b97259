"""One backend per output format, all fed by the same view data."""
