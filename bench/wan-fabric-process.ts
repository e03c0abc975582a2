/** The WAN fabric of the default world on its own, as the world controller runs it (used by bench/wan). */
import { systemClock } from '../src/shared/clock.js';
import { silentLogger } from '../src/shared/logger.js';
import { seededRandom } from '../src/shared/random.js';
import { WanFabric } from '../src/wan/fabric.js';
import { defaultTopology } from '../src/world/topology/index.js';

const fabric = new WanFabric(defaultTopology(), {
  clock: systemClock,
  random: seededRandom(1),
  logger: silentLogger(),
});
await fabric.start();
process.send?.({ type: 'ready' });
process.on('disconnect', () => process.exit(0));
