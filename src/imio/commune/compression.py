"""Gzip compression of text responses, a filter of the instance's WSGI pipeline.

instance/etc/zope.ini puts it in front of Zope, so that the instance compresses
pages, style sheets, scripts, JSON, SVG, XML and iCalendar itself, with or
without a proxy in front of it:

- only when the request accepts gzip, and always with ``Vary: Accept-Encoding``
  on the types it compresses, so that caches keep both representations;
- never a body already encoded, an image, archive or PDF (not in the list of
  types below), a body smaller than ``minimum_size``, a partial response (206),
  a response without body (HEAD, 204, 304) or one marked ``no-transform``;
- a compressed representation has its own entity tag (``"tag-gzip"``); the
  suffix is taken off ``If-None-Match`` and ``If-Match`` before Zope compares
  them, so conditional requests keep answering 304;
- a body that Zope streams (blob files) is compressed chunk by chunk, never
  held in memory; other bodies get their ``Content-Length``.
"""

import re
import zlib


COMPRESSIBLE_TYPES = frozenset({
    "application/javascript",
    "application/json",
    "application/ld+json",
    "application/manifest+json",
    "application/rss+xml",
    "application/atom+xml",
    "application/xhtml+xml",
    "application/xml",
    "application/x-javascript",
    "image/svg+xml",
    "text/calendar",
    "text/css",
    "text/csv",
    "text/html",
    "text/javascript",
    "text/markdown",
    "text/plain",
    "text/vcard",
    "text/xml",
})
SUFFIX = "-gzip"
ETAG_SUFFIX = re.compile(re.escape(SUFFIX) + r'"')
NO_BODY = ("204", "304")


def accepts_gzip(environ) -> bool:
    """Whether Accept-Encoding allows gzip (a q of 0 refuses it)."""
    for coding in environ.get("HTTP_ACCEPT_ENCODING", "").split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        quality = params.strip().replace(" ", "")
        if quality.startswith("q="):
            try:
                return float(quality[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def header(headers, name):
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def without(headers, *names):
    names = {name.lower() for name in names}
    return [(key, value) for key, value in headers if key.lower() not in names]


def with_vary(headers):
    vary = header(headers, "Vary")
    if vary is None:
        return [*headers, ("Vary", "Accept-Encoding")]
    if "accept-encoding" in vary.lower() or vary.strip() == "*":
        return headers
    return [*without(headers, "Vary"), ("Vary", f"{vary}, Accept-Encoding")]


def compressed_tag(tag):
    if tag and tag.endswith('"') and not tag.endswith(SUFFIX + '"'):
        return tag[:-1] + SUFFIX + '"'
    return tag


def compressible_type(headers) -> bool:
    content_type = header(headers, "Content-Type") or ""
    return content_type.split(";")[0].strip().lower() in COMPRESSIBLE_TYPES


class GzipMiddleware:
    def __init__(self, application, minimum_size=1024, level=4):
        self.application = application
        self.minimum_size = int(minimum_size)
        self.level = int(level)

    def __call__(self, environ, start_response):
        gzip_ok = accepts_gzip(environ)
        tagged = False
        if gzip_ok:
            for key in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH"):
                if SUFFIX + '"' in environ.get(key, ""):
                    environ[key] = ETAG_SUFFIX.sub('"', environ[key])
                    tagged = True
        state = {}

        def intercept(status, headers, exc_info=None):
            code = status.split(" ", 1)[0]
            headers = list(headers)
            typed = compressible_type(headers)
            if typed:
                headers = with_vary(headers)
            if code == "304" and tagged:
                headers = [
                    (key, compressed_tag(value) if key.lower() == "etag" else value)
                    for key, value in headers
                ]
            length = header(headers, "Content-Length")
            state["compress"] = (
                gzip_ok
                and typed
                and code == "200"
                and environ.get("REQUEST_METHOD") != "HEAD"
                and header(headers, "Content-Encoding") is None
                and "no-transform" not in (header(headers, "Cache-Control") or "")
                and not (
                    length and length.isdigit() and int(length) < self.minimum_size
                )
            )
            state["status"] = status
            state["headers"] = headers
            state["exc_info"] = exc_info
            if not state["compress"]:
                state["write"] = start_response(status, headers, exc_info)
                return state["write"]
            return self._late_write(state, start_response)

        result = self.application(environ, intercept)
        if not state.get("compress"):
            if state:
                return result
            return self._lazy(result, state, start_response)
        return self._compressed(result, state, start_response)

    def _late_write(self, state, start_response):
        # Zope publishes through its response object and never calls write();
        # for an application that does, the written bytes are compressed too.
        def write(data):
            if "write" not in state:
                self._start(state, start_response, None)
            chunk = state["compressor"].compress(data)
            if chunk:
                state["write"](chunk)

        state["compressor"] = zlib.compressobj(self.level, zlib.DEFLATED, 31)
        return write

    def _start(self, state, start_response, length):
        headers = without(state["headers"], "Content-Length", "Accept-Ranges")
        headers = [
            (key, compressed_tag(value) if key.lower() == "etag" else value)
            for key, value in headers
        ]
        headers.append(("Content-Encoding", "gzip"))
        if length is not None:
            headers.append(("Content-Length", str(length)))
        state["write"] = start_response(state["status"], headers, state["exc_info"])

    def _compressed(self, result, state, start_response):
        compressor = state["compressor"]
        if isinstance(result, (list, tuple)) and "write" not in state:
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            if len(body) < self.minimum_size:
                # Too small to gain anything: sent as it is, still with Vary.
                state["headers"] = [
                    *without(state["headers"], "Content-Length"),
                    ("Content-Length", str(len(body))),
                ]
                start_response(state["status"], state["headers"], state["exc_info"])
                return [body]
            data = compressor.compress(body) + compressor.flush()
            self._start(state, start_response, len(data))
            return [data]
        if "write" not in state:
            self._start(state, start_response, None)
        return self._stream(result, compressor)

    def _stream(self, result, compressor):
        try:
            for chunk in result:
                data = compressor.compress(chunk)
                if data:
                    yield data
            yield compressor.flush()
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    def _lazy(self, result, state, start_response):
        # The application calls start_response at its first chunk.
        iterator = iter(result)
        try:
            first = next(iterator, None)
        except BaseException:
            close = getattr(result, "close", None)
            if close is not None:
                close()
            raise

        def rest():
            if first is not None:
                yield first
            yield from iterator

        if state.get("compress"):
            self._start(state, start_response, None)
            return self._stream(_Closing(rest(), result), state["compressor"])
        return _Closing(rest(), result)


class _Closing:
    """An iterable that closes the application's result after use."""

    def __init__(self, iterable, result):
        self.iterable = iterable
        self.result = result

    def __iter__(self):
        return iter(self.iterable)

    def close(self):
        close = getattr(self.result, "close", None)
        if close is not None:
            close()


def filter_factory(global_conf, minimum_size=1024, level=4):
    """PasteDeploy filter: ``use = call:imio.commune.compression:filter_factory``."""

    def make(application):
        return GzipMiddleware(application, minimum_size=minimum_size, level=level)

    return make
