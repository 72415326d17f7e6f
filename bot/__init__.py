"""Holdline: an SMS and WhatsApp hotline for families of people held in jail for ICE."""
