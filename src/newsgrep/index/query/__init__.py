"""Query analysis, schema, ranking parameters, and the query language."""
