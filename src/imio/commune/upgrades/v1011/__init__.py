"""1011: the catalog knows which library copies their editors must review."""
