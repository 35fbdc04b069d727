"""Meta Graph API-style insights on 127.0.0.1: GET /v19.0/act_1/insights?after=OFFSET&limit=PAGE.

    server.py PORT RECORDS PAGE VERSION

Record i is the same for every VERSION, except that VERSION >= 1 adds VERSION to the metrics of every
100th record (1%), so each version differs from the one before in that 1%. Metrics arrive as strings, as the Graph API sends them. Pages are rendered once at start,
so serving costs every client the same and little.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

port, records, page, version = (int(a) for a in sys.argv[1:5])


def record(i):
    bump = version if i % 100 == 0 else 0
    return {
        "id": f"23851{i:09d}",
        "date_start": f"2026-11-{1 + i % 28:02d}",
        "spend": f"{(i * 37 % 100000) / 100 + bump:.2f}",
        "impressions": str(1000 + i * 13 % 90000 + bump),
        "clicks": str(i * 7 % 900 + bump),
        "conversions": str(i % 40),
        "revenue": f"{(i * 53 % 200000) / 100:.2f}",
    }


base = f"http://127.0.0.1:{port}/v19.0/act_1/insights"
pages = {}
for start in range(0, records, page):
    body = {"data": [record(i) for i in range(start, min(start + page, records))],
            "paging": {"cursors": {"before": str(start), "after": str(start + page)}}}
    if start + page < records:
        body["paging"]["next"] = f"{base}?after={start + page}&limit={page}"
    pages[start] = json.dumps(body, separators=(",", ":")).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = urlparse(self.path)
        start = int(parse_qs(url.query).get("after", ["0"])[0])
        body = pages.get(start) if url.path == "/v19.0/act_1/insights" else None
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("ready", flush=True)
server.serve_forever()
