"""The JSON API under ``/api/v1``: declared endpoints, validation, errors, OpenAPI."""
