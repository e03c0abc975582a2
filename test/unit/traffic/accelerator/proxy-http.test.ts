import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { systemClock } from '../../../../src/shared/clock.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { seededRandom } from '../../../../src/shared/random.js';
import { Accelerator } from '../../../../src/traffic/accelerator/index.js';
import type { ListenerConfig } from '../../../../src/traffic/accelerator/types.js';
import { WanFabric } from '../../../../src/wan/fabric.js';
import {
  get,
  listenerConfig,
  type RegionServer,
  regionNames,
  sleep,
  startRegionServer,
  testTopology,
} from './support.js';

// Ports 22200-22299: load balancers on 22200, fabric on 22200-22202, accelerator on 22290.
const basePort = 22200;
const acceleratorPort = basePort + 90;
const topology = testTopology(basePort);
const europeClient = '127.3.0.21';
let fabric: WanFabric;

before(async () => {
  fabric = new WanFabric(topology, { clock: systemClock, random: seededRandom(1), logger: silentLogger() });
  await fabric.start();
});
after(async () => {
  await fabric.close();
});

async function withWorld(
  listener: Partial<ListenerConfig>,
  body: (world: { accelerator: Accelerator; servers: Map<string, RegionServer> }) => Promise<void>,
): Promise<void> {
  const servers = new Map<string, RegionServer>();
  for (const region of regionNames) servers.set(region, await startRegionServer(topology, region, basePort));
  const accelerator = new Accelerator(listenerConfig(acceleratorPort, { ProxyMode: 'HTTP', ...listener }), {
    topology,
    random: seededRandom(3),
  });
  await accelerator.start();
  try {
    await body({ accelerator, servers });
  } finally {
    await accelerator.stop();
    for (const server of servers.values()) await server.kill();
  }
}

test('HTTP mode: a client in Europe is served by eu-west-1, through its own WAN link', async () => {
  await withWorld({}, async ({ accelerator }) => {
    const agent = new http.Agent({ keepAlive: true, localAddress: europeClient });
    const reply = await get(acceleratorPort, agent);
    assert.deepEqual(reply, { status: 200, body: 'eu-west-1' });
    const northAmerica = new http.Agent({ keepAlive: true, localAddress: '127.1.0.3' });
    assert.equal((await get(acceleratorPort, northAmerica)).body, 'us-east-1');
    const traffic = accelerator.status().traffic[0]?.groups ?? [];
    assert.equal(traffic.find((group) => group.region === 'eu-west-1')?.requests, 1);
    agent.destroy();
    northAmerica.destroy();
  });
});

test('passive failover: killing a region mid-run costs idempotent requests zero errors', async () => {
  await withWorld(
    { PassiveFailover: { Enabled: true, RetryIdempotent: true } },
    async ({ accelerator, servers }) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 4, localAddress: europeClient });
      const replies: Array<{ status: number; body: string }> = [];
      let killed = false;
      const worker = async (id: number) => {
        for (let index = 0; index < 40; index++) {
          if (id === 0 && index === 15) {
            await servers.get('eu-west-1')?.kill();
            killed = true;
          }
          replies.push({
            ...(await get(acceleratorPort, agent, `/item/${id}-${index}`, index % 2 ? 'GET' : 'PUT')),
          });
        }
      };
      await Promise.all([0, 1, 2, 3].map(worker));
      assert.ok(killed);
      assert.deepEqual(
        replies.filter((reply) => reply.status !== 200),
        [],
        'no request failed',
      );
      assert.ok(replies.some((reply) => reply.body === 'eu-west-1'));
      assert.equal(replies.at(-1)?.body, 'us-east-1', 'europe fails over to its next closest region');
      const status = accelerator.status();
      const euEndpoint = status.listeners[0]?.groups.find((group) => group.region === 'eu-west-1');
      assert.equal(euEndpoint?.healthy, false);
      assert.ok(
        status.failovers.some(
          (event) => event.intendedRegion === 'eu-west-1' && event.toRegion === 'us-east-1',
        ),
      );
      agent.destroy();
    },
  );
});

test('passive failover does not retry a POST elsewhere: it gets a 502, the next request moves', async () => {
  await withWorld({ PassiveFailover: { Enabled: true, RetryIdempotent: true } }, async ({ servers }) => {
    const agent = new http.Agent({ keepAlive: true, localAddress: europeClient });
    assert.equal((await get(acceleratorPort, agent)).body, 'eu-west-1');
    await servers.get('eu-west-1')?.kill();
    const post = await get(acceleratorPort, agent, '/orders', 'POST');
    assert.equal(post.status, 502);
    assert.match(post.body, /AcceleratorUpstreamFailed/);
    assert.deepEqual(await get(acceleratorPort, agent, '/orders', 'POST'), {
      status: 200,
      body: 'us-east-1',
    });
    agent.destroy();
  });
});

test('without passive failover, new requests move after interval x threshold of failed health checks', async () => {
  await withWorld({}, async ({ servers }) => {
    const agent = new http.Agent({ keepAlive: true, localAddress: europeClient });
    assert.equal((await get(acceleratorPort, agent)).body, 'eu-west-1');
    await sleep(250);
    const killedAtMs = performance.now();
    await servers.get('eu-west-1')?.kill();
    let errors = 0;
    let movedAtMs: number | undefined;
    while (performance.now() - killedAtMs < 3_000) {
      const reply = await get(acceleratorPort, agent);
      if (reply.status !== 200) errors++;
      else if (reply.body === 'us-east-1') {
        movedAtMs = performance.now();
        break;
      }
      await sleep(10);
    }
    assert.ok(movedAtMs, 'traffic moved to us-east-1');
    const detectionMs = movedAtMs - killedAtMs;
    // Interval 200 ms x threshold 2: between one and three intervals after the kill.
    assert.ok(detectionMs >= 150 && detectionMs <= 900, `moved after ${detectionMs.toFixed(0)} ms`);
    assert.ok(errors > 0, 'requests failed until the health checks noticed');
    agent.destroy();
  });
});

test('added latency in HTTP mode vs straight to the WAN face, same link, p50', async (t) => {
  await withWorld({ PassiveFailover: { Enabled: true, RetryIdempotent: true } }, async () => {
    const euWest = topology.regions.find((region) => region.name === 'eu-west-1');
    assert.ok(euWest);
    const viaAccelerator = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: europeClient });
    const direct = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: '127.3.0.22' });
    const samples = { accelerator: [] as number[], direct: [] as number[] };
    for (let index = 0; index < 300; index++) {
      let startedMs = performance.now();
      await get(acceleratorPort, viaAccelerator);
      samples.accelerator.push(performance.now() - startedMs);
      startedMs = performance.now();
      await new Promise<void>((resolve, reject) => {
        http
          .get({ host: euWest.wanAddress, port: basePort, path: '/', agent: direct }, (response) => {
            response.resume();
            response.on('end', resolve);
          })
          .on('error', reject);
      });
      samples.direct.push(performance.now() - startedMs);
    }
    const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const addedMs = p50(samples.accelerator) - p50(samples.direct);
    t.diagnostic(
      `HTTP mode: p50 direct ${p50(samples.direct).toFixed(3)} ms, added ${addedMs.toFixed(3)} ms`,
    );
    assert.ok(addedMs < 2, `added ${addedMs.toFixed(3)} ms`);
    viaAccelerator.destroy();
    direct.destroy();
  });
});
