"""Twilio's REST API from our side: the client that sends texts, and a local stand-in for tests and `make run`."""
