"""Local stand-ins that the tests and the benchmarks share (bench/ never imports tests/): a
Twilio look-alike (``twilio_server``) and the delivery path's test data (``outbox``)."""
