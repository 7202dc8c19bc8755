"""The only code that creates or changes webhook endpoints, deliveries and signing keys."""
