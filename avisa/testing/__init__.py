"""Local stand-ins that the tests and the benchmarks share (bench/ never imports tests/): a
Twilio look-alike (``twilio_server``), the delivery path's test data (``outbox``), a throwaway
PostgreSQL cluster (``postgres``) and an admin key for a benchmark's server (``keys``)."""
