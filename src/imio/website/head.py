"""HEAD answers as GET, without a body.

Uptime monitors, link checkers and some proxies ask ``HEAD``. Zope publishes
any method but GET and POST for WebDAV: on a folder or the site's root that is
WebDAV's 404, on a page a bare ``text/plain`` answer, never the page. Here a
HEAD request is published as the GET it stands for (status, headers and
``Content-Length`` of the page), and its body is dropped before it is sent.
The WSGI environment is left as the server made it: what wraps the
application (compression) still sees a HEAD request.
"""

HEAD = "imio.website.head"


def publish_head_as_get(event):
    request = event.request
    if request.get("REQUEST_METHOD", "GET").upper() != "HEAD":
        return
    request.environ = dict(request.environ, REQUEST_METHOD="GET")
    request.other[HEAD] = True


def drop_the_body(event):
    """Before the answer leaves: its length kept, its body dropped."""
    request = event.request
    if not request.other.get(HEAD):
        return
    response = request.response
    body = response.body
    if isinstance(body, bytes | str) and response.getHeader("Content-Length") is None:
        response.setHeader("Content-Length", str(len(body)))
    response.body = b""
