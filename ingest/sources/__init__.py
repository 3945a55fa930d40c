"""Sources of editions: e-paper sites (`epaper/`), with the polite fetcher they share (`fetch.py`)."""
