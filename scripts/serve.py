#!/usr/bin/env python3
"""Serves the release build (dist/) the way a real static host does. Standard library only.

- Precompressed files: for `X`, serves `X.br` or `X.gz` (made by scripts/precompress.py
  at build time) with `Content-Encoding: br` / `gzip` when the request's
  `Accept-Encoding` allows it; `Vary: Accept-Encoding` always. A compressible file with
  no precompressed copy is gzipped once and kept in memory (keyed by its path, size and
  modification time), so a dist/ built without the hook is still served compressed.
- Content types: `application/wasm` for .wasm (needed by `WebAssembly.instantiateStreaming`),
  `text/javascript`, `text/css`, `text/html; charset=utf-8`, `image/svg+xml`, ...
- Cache headers: Trunk's hashed assets (`name-<16 hex>.ext`, `name-<16 hex>_bg.wasm`) are
  `public, max-age=31536000, immutable`; everything else (index.html, model.html) is
  `no-cache`, revalidated by `ETag`/`If-None-Match` (304).
- GET and HEAD only, no directory listings, nothing outside the served directory, bound
  to 127.0.0.1 unless told otherwise.

Usage: scripts/serve.py [--port 8080] [--bind 127.0.0.1] [--dir dist] [--quiet]
"""
import argparse
import email.utils
import gzip
import hashlib
import http.server
import os
import re
import sys
import threading
import urllib.parse

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".map": "application/json",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
}
# What is worth compressing (the same list as scripts/precompress.py).
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".wasm", ".svg", ".json", ".txt", ".map"}
# Trunk's content hash in a file name: `style-0123456789abcdef.css`, `app-…_bg.wasm`.
HASHED = re.compile(r"-[0-9a-f]{16}(_bg)?\.[a-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"


def accepts(header: str, coding: str) -> bool:
    """Whether an Accept-Encoding header allows `coding` (q=0 refuses it)."""
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() not in (coding, "*"):
            continue
        q = params.strip()
        if q.startswith("q="):
            try:
                return float(q[2:]) > 0
            except ValueError:
                return False
        return True
    return False


class Handler(http.server.BaseHTTPRequestHandler):
    root = "dist"
    quiet = False
    # Keep-alive, as real hosts do (every response carries its Content-Length).
    protocol_version = "HTTP/1.1"
    # On-the-fly gzip of files with no precompressed copy: (path, size, mtime) → bytes.
    cache: dict = {}
    lock = threading.Lock()

    def version_string(self):
        return "vnet-playground-serve"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        if not self.quiet:
            super().log_message(format, *args)

    def do_HEAD(self):
        self.respond(head=True)

    def do_GET(self):
        self.respond(head=False)

    def resolve(self):
        """The file a request path names, or None (outside the root, or not a file)."""
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path.endswith("/"):
            path += "index.html"
        root = os.path.realpath(self.root)
        full = os.path.realpath(os.path.join(root, path.lstrip("/")))
        if os.path.commonpath([root, full]) != root or not os.path.isfile(full):
            return None
        return full

    def body(self, full: str):
        """(bytes, coding or None, stat of the original file) for the request."""
        st = os.stat(full)
        ext = os.path.splitext(full)[1].lower()
        accept = self.headers.get("Accept-Encoding", "")
        if ext in COMPRESSIBLE:
            for coding, suffix in (("br", ".br"), ("gzip", ".gz")):
                pre = full + suffix
                if accepts(accept, coding) and os.path.isfile(pre):
                    with open(pre, "rb") as f:
                        return f.read(), coding, st
            if accepts(accept, "gzip"):
                key = (full, st.st_size, st.st_mtime_ns)
                with self.lock:
                    data = self.cache.get(key)
                if data is None:
                    with open(full, "rb") as f:
                        data = gzip.compress(f.read(), compresslevel=9, mtime=0)
                    with self.lock:
                        self.cache[key] = data
                return data, "gzip", st
        with open(full, "rb") as f:
            return f.read(), None, st

    def respond(self, head: bool):
        full = self.resolve()
        if full is None:
            self.send_error(404, "Not Found")
            return
        data, coding, st = self.body(full)
        name = os.path.basename(full)
        ext = os.path.splitext(name)[1].lower()
        tag = hashlib.sha1(f"{st.st_size}-{st.st_mtime_ns}-{coding}".encode()).hexdigest()[:16]
        etag = f'"{tag}"'
        hashed = HASHED.search(name) is not None
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.common_headers(etag, hashed, ext in COMPRESSIBLE)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(ext, "application/octet-stream"))
        if coding:
            self.send_header("Content-Encoding", coding)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))
        self.common_headers(etag, hashed, ext in COMPRESSIBLE)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def common_headers(self, etag: str, hashed: bool, compressible: bool):
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", IMMUTABLE if hashed else "no-cache")
        if compressible:
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("X-Content-Type-Options", "nosniff")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--dir", default="dist")
    ap.add_argument("--quiet", action="store_true", help="no request log")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.dir, "index.html")):
        print(f"serve: no index.html in {args.dir}/: build first (make build)", file=sys.stderr)
        return 1
    Handler.root = args.dir
    Handler.quiet = args.quiet
    httpd = http.server.ThreadingHTTPServer((args.bind, args.port), Handler)
    httpd.daemon_threads = True
    print(f"serve: {args.dir}/ on http://{args.bind}:{args.port}/ (compressed, cache headers)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
