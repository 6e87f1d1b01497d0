"""Where a webhook may call: public addresses, and those the operators allow.

A form's webhook address could otherwise make the instance call itself, the
commune's internal network or a cloud's metadata service. A host is refused
when any of the addresses its name resolves to is not public: loopback,
private, link-local, shared (carrier-grade NAT), multicast, reserved or
unspecified, in IPv4 as in IPv6, where an address that carries an IPv4 one
(IPv4-mapped, NAT64, 6to4) is judged by that IPv4 address too.

The operators allow internal targets with the environment variable
``IMIO_WEBHOOK_ALLOWED_NETWORKS``: networks (``10.20.0.0/16``), addresses
(``192.168.1.12``, ``::1``) or host names (``gestion.commune.local``),
separated by commas or spaces. It is empty by default, and read at each call.
"""

from ipaddress import ip_address
from ipaddress import ip_network
from ipaddress import IPv4Address
from ipaddress import IPv6Address

import os
import re
import socket


ALLOWED_NETWORKS = "IMIO_WEBHOOK_ALLOWED_NETWORKS"
NAT64 = ip_network("64:ff9b::/96")


class RefusedAddress(ValueError):
    """The webhook may not call this address; the message is the address."""


def allowed() -> tuple[list, set]:
    """The networks and the host names the operators allow."""
    networks, hosts = [], set()
    for item in re.split(r"[\s,]+", os.environ.get(ALLOWED_NETWORKS, "")):
        if not item:
            continue
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError:
            hosts.add(item.lower().rstrip("."))
    return networks, hosts


def is_public(address: str) -> bool:
    """Whether ``address``, and any IPv4 address it carries, is on the Internet."""
    ip = ip_address(address.split("%")[0])
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped:
        # The connection goes to the IPv4 address.
        return _public(ip.ipv4_mapped)
    return all(_public(one) for one in (ip, *_carried(ip)))


def _public(ip: IPv4Address | IPv6Address) -> bool:
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_private
    )


def _carried(ip) -> list[IPv4Address]:
    if not isinstance(ip, IPv6Address):
        return []
    carried = [ip.sixtofour]
    if ip in NAT64:
        carried.append(IPv4Address(int(ip) & 0xFFFFFFFF))
    return [one for one in carried if one is not None]


def resolve(host: str, port: int) -> list[str]:
    """Every address of ``host``, once each (OSError if it has none)."""
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(answer[4][0] for answer in answers))


def checked_addresses(host: str, port: int) -> list[str]:
    """The addresses to call for ``host``; RefusedAddress if one may not be."""
    networks, hosts = allowed()
    addresses = resolve(host, port)
    if host.lower().rstrip(".") in hosts:
        return addresses
    for address in addresses:
        ip = ip_address(address.split("%")[0])
        if not is_public(address) and not any(ip in net for net in networks):
            raise RefusedAddress(address)
    return addresses


def refused_at_once(host: str, port: int) -> str | None:
    """The address that refuses ``host`` now; None if none does or it is unknown.

    For the form's editor: a name not resolved yet is checked at each call.
    """
    try:
        checked_addresses(host, port)
    except RefusedAddress as refused:
        return str(refused)
    except OSError:
        return None
    return None
