#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# A tiny OTLP/HTTP receiver for the export test: on 127.0.0.1, a free port
# written to PORTFILE; each POST's path, content type and body are saved
# under OUTDIR; it answers STATUS (200 unless given), then serves on.
import http.server
import os
import sys

outdir, portfile = sys.argv[1], sys.argv[2]
status = int(sys.argv[3]) if len(sys.argv) > 3 else 200
count = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        count += 1
        with open(os.path.join(outdir, "post%d.body" % count), "wb") as f:
            f.write(body)
        with open(os.path.join(outdir, "post%d.head" % count), "w") as f:
            f.write("%s %s\n" % (self.path,
                                 self.headers.get("Content-Type")))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_port))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
