// A bottle's telemetry sink: the OTLP/HTTP endpoint Claude Code exports to inside the bottle. It sits on the
// bottle's internal network only, so it can reach nothing; each request it accepts becomes one line on stdout,
// "otlp <signal> <base64 protobuf>", which the app host reads through the container engine and relays.
import http from 'node:http';
import zlib from 'node:zlib';

const port = Number(process.env.SINK_PORT ?? 4318);
const limit = 4 * 1024 * 1024;

http.createServer((req, res) => {
  const match = /^\/v1\/(logs|metrics|traces)$/.exec(req.url ?? '');
  if (req.method !== 'POST' || !match) {
    res.writeHead(404).end();
    req.resume();
    return;
  }
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-protobuf')) {
    res.writeHead(415).end('only application/x-protobuf is accepted');
    req.resume();
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > limit) {
      res.writeHead(413).end();
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > limit) return;
    let body = Buffer.concat(chunks);
    try {
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body, { maxOutputLength: limit });
    } catch {
      res.writeHead(400).end();
      return;
    }
    process.stdout.write(`otlp ${match[1]} ${body.toString('base64')}\n`);
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
}).listen(port, '0.0.0.0');
