"""A raw request sink: a WSGI app that reads the request body in 64 KiB blocks and throws it
away. bench/upload.py serves it with the same gunicorn settings as the service, to measure what
the server and the loopback can carry with no Django and no pipeline in the way."""

CHUNK = 64 * 1024


def application(environ, start_response):
    stream = environ["wsgi.input"]
    received = 0
    while block := stream.read(CHUNK):
        received += len(block)
    body = str(received).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
