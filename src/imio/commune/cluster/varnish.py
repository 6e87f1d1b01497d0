"""Varnish in front of HAProxy: the public port, with purge, ban and grace.

The VCL is generated from the same settings as HAProxy's configuration: the
address Varnish listens on, the balancer behind it, and the addresses of the
instances (the only ones allowed to purge). Varnish has one backend, the
balancer: HAProxy already spreads the requests on the least busy instance,
queues them (4 at a time per instance) and takes a failing instance out;
Varnish probes the balancer's ``/haproxy-health``, which HAProxy answers
itself, even when every instance is busy, and fails only when no instance is
up; Varnish then serves its stale pages for ``grace`` seconds.
"""

from dataclasses import dataclass
from dataclasses import field
from imio.commune.cluster.haproxy import BALANCER_HEALTH
from imio.commune.cluster.processes import ManagedProcess
from pathlib import Path

import argparse
import ipaddress
import os
import re
import shutil
import sys


# Plone's login cookie, the citizen's session (imio.eguichet.identity) and
# plone.restapi's token cookie.
AUTH_COOKIES = ("__ac", "__ac_citizen", "auth_token")
# Pages of a citizen's journey, which read or set cookies of their own: passed
# with their cookies, never looked up in the cache.
PRIVATE_PATHS = (
    r"/(@@)?(demande|demande-envoyee|suivi|mes-demarches|answer)(/|\?|$)",
    r"/(@@)?demandes-[a-z-]+(/|\?|$)",
    r"/(@@)?(citizen-[a-z]+|login[a-z_]*|logout|logged_out)(/|\?|$)",
    r"/@submit(/|\?|$)",
    r"/manage(_[A-Za-z_]+)?(/|\?|$)",
)

TEMPLATE = r"""vcl 4.1;
# Written by `python -m imio.commune.cluster.varnish`: change its options,
# not this file.

import std;

backend balancer {{
    .host = "{backend_host}";
    .port = "{backend_port}";
    .connect_timeout = 5s;
    .first_byte_timeout = 120s;
    .between_bytes_timeout = 60s;
    .probe = {{
        .url = "{probe_url}";
        .interval = 1s;
        .timeout = 2s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }}
}}

# Only the instances purge and ban.
acl purgers {{
{purgers}
}}

# req.http.x-path as a regular expression matching itself.
sub escape_path {{
    set req.http.x-path = regsuball(
        req.http.x-path, "([][.+*?(){{}}|^$\\])", "\\\1");
}}

sub vcl_recv {{
    set req.backend_hint = balancer;
    # Stale pages are served only while the site is down.
    if (std.healthy(req.backend_hint)) {{
        set req.grace = 10s;
    }}

    if (req.method == "PURGE") {{
        if (client.ip !~ purgers) {{
            return (synth(405, "Not allowed"));
        }}
        # The path with its variants (/, /view, any query string), whatever
        # the host name the visitors used.
        set req.http.x-path = regsub(
            regsub(req.url, "\?.*$", ""), "/(view)?$", "");
        call escape_path;
        ban("obj.http.x-url ~ ^" + req.http.x-path + "(/|/view)?(\?.*)?$");
        return (synth(200, "Purged"));
    }}
    if (req.method == "BAN") {{
        if (client.ip !~ purgers) {{
            return (synth(405, "Not allowed"));
        }}
        # Everything under the path: a site's pages when its alerts change.
        set req.http.x-path = regsub(regsub(req.url, "\?.*$", ""), "/$", "");
        call escape_path;
        ban("obj.http.x-url ~ ^" + req.http.x-path + "(/|\?|$)");
        return (synth(200, "Banned"));
    }}

    if (req.method != "GET" && req.method != "HEAD") {{
        return (pass);
    }}
    if (req.http.Authorization || req.http.Cookie ~ "{auth_cookies}") {{
        return (pass);
    }}
    if (req.url ~ "{private_paths}") {{
        return (pass);
    }}
    # Anonymous visitors' other cookies (statistics, consent) change nothing.
    unset req.http.Cookie;
    # Varnish keeps the compressed page for browsers, and a plain copy for
    # the clients without gzip (monitors, scripts), rather than unzipping it
    # at each of their requests.
    if (req.http.Accept-Encoding ~ "(?i)gzip") {{
        set req.http.Accept-Encoding = "gzip";
    }} else {{
        unset req.http.Accept-Encoding;
        set req.http.X-Plain = "1";
    }}
    return (hash);
}}

sub vcl_hash {{
    hash_data(req.url);
    if (req.http.host) {{
        hash_data(req.http.host);
    }}
    if (req.http.X-Plain) {{
        hash_data("plain");
    }}
    return (lookup);
}}

sub vcl_backend_fetch {{
    if (bereq.http.X-Plain) {{
        unset bereq.http.Accept-Encoding;
    }}
}}

sub vcl_backend_response {{
    # For bans by path, whatever the host (lurker-friendly).
    set beresp.http.x-url = bereq.url;
    set beresp.grace = {grace}s;
    # A page past its time is revalidated with its ETag (304 from the instance).
    set beresp.keep = 1d;

    # No instance answers: keep serving the stale page rather than the error.
    if (beresp.status >= 500) {{
        if (bereq.is_bgfetch) {{
            return (abandon);
        }}
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }}
    if (beresp.http.X-Cache-Rule == "imio.private"
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Set-Cookie
        || beresp.http.Vary == "*") {{
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }}
    # plone.app.caching says how long a proxy keeps a response (s-maxage);
    # without it, nothing is kept.
    if (beresp.ttl <= 0s
        || (beresp.http.Cache-Control !~ "(?i)(s-maxage|max-age=[1-9])"
            && !beresp.http.Expires)) {{
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }}
    # Text the instance did not compress (too short or of another type).
    if (!beresp.http.Content-Encoding && !bereq.http.X-Plain
        && beresp.http.Content-Type ~ "^(text/|application/(json|javascript|xml))") {{
        set beresp.do_gzip = true;
    }}
    return (deliver);
}}

sub vcl_deliver {{
    unset resp.http.x-url;
    # Browsers revalidate pages: only the proxy keeps them for s-maxage.
    if (resp.http.Cache-Control ~ "s-maxage") {{
        set resp.http.Cache-Control = regsub(
            resp.http.Cache-Control, "(, *)?s-maxage=[0-9]+", "");
    }}
}}
"""


@dataclass
class VarnishSettings:
    """What the VCL and varnishd are made of."""

    host: str
    port: int
    backend_host: str
    backend_port: int
    purgers: tuple[str, ...] = ("127.0.0.1",)
    auth_cookies: tuple[str, ...] = AUTH_COOKIES
    private_paths: tuple[str, ...] = PRIVATE_PATHS
    grace: int = 3600
    storage: str = "malloc,256m"
    extra: dict = field(default_factory=dict)


def _acl_entry(address: str) -> str:
    try:
        network = ipaddress.ip_network(address, strict=False)
    except ValueError:
        raise ValueError(
            f"« {address} » n'est ni une adresse ni un réseau IP"
        ) from None
    if network.num_addresses == 1:
        return f'    "{network.network_address}";'
    return f'    "{network.network_address}"/{network.prefixlen};'


def _vcl_regex(pattern: str) -> str:
    if '"' in pattern:
        raise ValueError(f"guillemet interdit dans un motif VCL : {pattern}")
    return pattern


def vcl(settings: VarnishSettings) -> str:
    """The VCL of a Varnish in front of the balancer of these settings."""
    cookies = "|".join(re.escape(name) for name in settings.auth_cookies)
    return TEMPLATE.format(
        backend_host=settings.backend_host,
        backend_port=settings.backend_port,
        probe_url=BALANCER_HEALTH,
        purgers="\n".join(_acl_entry(address) for address in settings.purgers),
        auth_cookies=_vcl_regex(f"(^|;\\s*)({cookies})="),
        private_paths=_vcl_regex("|".join(settings.private_paths)),
        grace=int(settings.grace),
    )


def varnishd_binary() -> str:
    found = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(found).exists():
        raise RuntimeError("Varnish n'est pas installé (paquet Debian varnish).")
    return found


class CachingProxy:
    """Debian's Varnish, in the foreground (-F), stopped with its process."""

    def __init__(self, workdir: Path, settings: VarnishSettings, log: Path):
        self.settings = settings
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.config = workdir / "default.vcl"
        self.config.write_text(vcl(settings))
        self.process = ManagedProcess(
            "varnish",
            [
                varnishd_binary(),
                "-F",
                # As the user who starts the cluster, like its other processes
                # (as root, Varnish would switch to users of its own, who
                # cannot read the cluster's private directory).
                "-j",
                "none",
                "-n",
                str(workdir / "state"),
                "-a",
                f"{settings.host}:{settings.port}",
                "-f",
                str(self.config),
                "-s",
                settings.storage,
                # The instance has compressed: Varnish keeps the gzip body
                # and unzips it only for a client that does not accept gzip.
                "-p",
                "http_gzip_support=on",
                *(
                    argument
                    for name, value in settings.extra.items()
                    for argument in ("-p", f"{name}={value}")
                ),
            ],
            dict(os.environ),
            log,
        )

    def start(self) -> "CachingProxy":
        self.process.start()
        return self

    def stop(self) -> None:
        self.process.stop()


def main(argv: list[str] | None = None) -> int:
    """``python -m imio.commune.cluster.varnish``: the VCL of a production setup."""
    parser = argparse.ArgumentParser(
        description="Écrit le VCL de Varnish devant HAProxy (sortie standard)."
    )
    parser.add_argument("--backend", default="127.0.0.1:8080", help="HAProxy")
    parser.add_argument(
        "--purger",
        action="append",
        help="adresse ou réseau d'une instance (répétable ; défaut 127.0.0.1)",
    )
    parser.add_argument(
        "--auth-cookie",
        action="append",
        help=f"cookie de session (répétable ; défaut {', '.join(AUTH_COOKIES)})",
    )
    parser.add_argument("--grace", type=int, default=3600, help="secondes")
    args = parser.parse_args(argv)
    host, _, port = args.backend.rpartition(":")
    if not port.isdigit():
        print(
            f"Réglage refusé : --backend {args.backend} (attendu hôte:port)",
            file=sys.stderr,
        )
        return 2
    try:
        text = vcl(
            VarnishSettings(
                host="",
                port=0,
                backend_host=host or "127.0.0.1",
                backend_port=int(port),
                purgers=tuple(args.purger or ("127.0.0.1",)),
                auth_cookies=tuple(args.auth_cookie or AUTH_COOKIES),
                grace=args.grace,
            )
        )
    except ValueError as exc:
        print(f"Réglage refusé : {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
