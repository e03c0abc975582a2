/**
 * A tiny stand-in for the reference app, for tests that need app instances without it (set as
 * `services.app.entry`): listens on HOST:PORT and answers
 * - GET /health, /health/live: 200 {"status":"ok","instance":...}
 * - GET /slow?ms=n: answers after n ms (draining tests)
 * - anything else: 200 {"instance","region","path","headers"}
 * SIGTERM closes the server (in-flight requests finish) and exits. While a file
 * `stand-in-down-<APP_INSTANCE_ID>` exists in PANGEA_REGION_DIR, the instance exits at start (a
 * crash loop, for restart tests).
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

const instance = process.env.APP_INSTANCE_ID ?? 'unknown';
const region = process.env.AWS_REGION ?? 'unknown';

if (existsSync(join(process.env.PANGEA_REGION_DIR ?? '.', `stand-in-down-${instance}`))) {
  console.error(`stand-in app ${instance}: told to stay down`);
  process.exit(1);
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://app');
  req.resume();
  if (url.pathname === '/health' || url.pathname === '/health/live') {
    return json(res, 200, { status: 'ok', instance });
  }
  if (url.pathname === '/slow') {
    const ms = Math.min(10_000, Number(url.searchParams.get('ms') ?? 1000));
    setTimeout(() => json(res, 200, { instance, region, slept: ms }), ms);
    return;
  }
  json(res, 200, { instance, region, path: req.url, headers: req.headers });
});

server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', () => {
  console.log(JSON.stringify({ level: 30, time: Date.now(), msg: 'stand-in app listening', instance }));
});

process.on('SIGTERM', () => {
  console.log(JSON.stringify({ level: 30, time: Date.now(), msg: 'stand-in app draining', instance }));
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
