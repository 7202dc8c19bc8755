"""Pure rules of the receipts API: no database, no HTTP. Each checker returns a reason
(a sentence for ``invalidParams[].reason``) or raises a small exception carrying one, so the
serializers, the services and the benchmarks share exactly one implementation.
"""
