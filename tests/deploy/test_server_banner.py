"""No response names the server's software and version: the embedded server drops Werkzeug's
`Server` header; nginx in the cluster says no version (gunicorn's header has none)."""

import threading
import urllib.request

from werkzeug.serving import make_server

from deploy import nginx_conf
from deploy.embedded_server import BannerlessRequestHandler


def test_the_embedded_server_sends_no_version_banner(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=BannerlessRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/login", timeout=10) as response:  # noqa: S310
            assert response.status == 200
            assert response.headers.get("Server") is None
            assert "Werkzeug" not in str(response.headers) and "Python/" not in str(response.headers)
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_the_clusters_nginx_hides_its_version():
    assert "server_tokens off;" in nginx_conf.NGINX_CONF
