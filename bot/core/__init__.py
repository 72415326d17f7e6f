"""What every layer shares, owned once: text normalising, SMS segments, reference codes, statuses."""
