"""The Twilio boundary: signed webhooks in, TwiML out, and SMS segment counting."""
