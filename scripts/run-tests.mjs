// Runs the compiled node:test suites: `unit`, `integration`, or both (the default).
// Files run one at a time in one runner (one summary): integration tests start real worlds on
// fixed loopback ports, and the CI machine has two cores.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const which = process.argv[2];
const suites = which ? [which] : ['unit', 'integration'];

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const files = suites.flatMap((suite) => testFiles(join('dist', 'test', suite)).sort());
if (files.length === 0) {
  console.error('no test files found under dist/test');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
