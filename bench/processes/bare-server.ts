/**
 * The transport's ceiling: a bare Node HTTP server that reads and parses the same JSON 1.0 requests
 * and answers with the same headers (CRC32 included) and a response of the same shape, doing no
 * DynamoDB work. Args: port.
 */
import http from 'node:http';
import zlib from 'node:zlib';

const port = Number(process.argv[2] ?? 18001);
const stored = { pk: { S: 'p' }, sk: { S: 's' }, payload: { S: 'x'.repeat(200) } };

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const target = String(request.headers['x-amz-target'] ?? '');
    const output = target.endsWith('.GetItem')
      ? { Item: { ...stored, ...(input.Key as object) } }
      : target.endsWith('.Query')
        ? {
            Items: Array.from({ length: Number(input.Limit ?? 10) }, () => stored),
            Count: 10,
            ScannedCount: 10,
          }
        : {};
    const body = Buffer.from(JSON.stringify(output));
    response.writeHead(200, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': body.length,
      'x-amzn-requestid': 'bare',
      'x-amz-crc32': String(zlib.crc32(body)),
    });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` }));
process.on('disconnect', () => process.exit(0));
