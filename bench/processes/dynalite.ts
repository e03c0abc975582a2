/** dynalite, an in-memory Node DynamoDB emulator, as a comparison point for benchmarks. Args: port. */
import dynalite from 'dynalite';

const port = Number(process.argv[2] ?? 18002);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(port, '127.0.0.1', () => process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` }));
process.on('disconnect', () => process.exit(0));
