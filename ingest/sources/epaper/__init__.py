"""E-paper sites: site families as data, page-list and article parsers, discovery of editions."""
