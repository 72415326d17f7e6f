"""The webhook boundary: signed Twilio webhooks in, TwiML out, and a simulator that sends signed texts."""
