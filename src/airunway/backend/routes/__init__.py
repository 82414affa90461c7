"""HTTP routes, one module per OpenAPI tag; thin: parse, call a service, answer."""
