/** One Pangea DynamoDB endpoint (the same server a region runs), for benchmarks. Args: port dataDir. */
import { startDynamoDbServer } from '../../src/dataplane/index.js';
import { silentLogger } from '../../src/shared/logger.js';

const [portText = '18000', dataDir = '/tmp/pangea-bench'] = process.argv.slice(2);
const server = await startDynamoDbServer({
  host: '127.0.0.1',
  port: Number(portText),
  region: 'us-east-1',
  dataDir,
  logger: silentLogger(),
});
process.send?.({ type: 'ready', url: server.url });
process.on('disconnect', () => process.exit(0));
