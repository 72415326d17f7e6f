"""The caller's address for throttling: X-Forwarded-For is believed only as far as TRUSTED_PROXIES vouch for it."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

Networks = tuple[IPv4Network | IPv6Network, ...]


def trusted_networks(proxies: tuple[str, ...]) -> Networks:
    """Parse TRUSTED_PROXIES (addresses or networks, already checked by Settings)."""
    return tuple(ip_network(proxy, strict=False) for proxy in proxies)


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted: Networks) -> str:
    """Walk back from the peer through trusted proxies; the first address no proxy of ours added is the client's.

    A peer outside TRUSTED_PROXIES is the client itself, whatever X-Forwarded-For it sends.
    """
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    chain = [*hops, remote_addr or "unknown"]
    for hop in reversed(chain):
        if not _is_trusted(hop, trusted):
            return hop[:64]
    return chain[0][:64]  # every hop is one of ours: the first is as close to the client as we get


def _is_trusted(hop: str, trusted: Networks) -> bool:
    try:
        address = ip_address(hop)
    except ValueError:
        return False  # not an address (e.g. "unknown"): nothing to walk past
    return any(address.version == network.version and address in network for network in trusted)
